"""Run → Copy as curl / Python / command line: what lands on the clipboard, run for real, puts
on the wire exactly the request the window's Send makes, and never holds the key."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from tests.fakeserver import FakeServer
from tests.fakeserver.state import RecordedRequest
from tests.ui.conftest import API_KEY, MODEL, PROJECT_ID, WindowFactory
from tests.ui.helpers import (
    banner_text,
    click_button,
    no_dialog_open,
    press_send,
    type_model,
    type_user_prompt,
    variables_form,
    wait_finished,
    wait_request,
)
from zerogpu_desktop.storage import Settings
from zerogpu_desktop.ui.main_window import MainWindow

SYSTEM = 'Reply as "Ada" O\'Brien; never `rm -rf $HOME`.\nSecond line.'
USER = "Explain {{topic}} with 'quotes', $PATH, `backticks`, \\{{literal}}, emoji 🦜\nEOF\nend"
TOPIC = "$(whoami) and 'tides' 🌊"
VENV_BIN = Path(sys.executable).parent


def _fill_the_form(qtbot: QtBot, button: str) -> None:
    form = variables_form(qtbot)
    form.fields["topic"].setText(TOPIC)
    click_button(qtbot, form, button)
    no_dialog_open(qtbot)


def _copy(qtbot: QtBot, window: MainWindow, kind: str) -> str:
    action = {
        "curl": window.copy_as_curl_action,
        "python": window.copy_as_python_action,
        "command line": window.copy_as_command_action,
    }[kind]
    action.trigger()
    _fill_the_form(qtbot, "Copy")
    code = QGuiApplication.clipboard().text()
    assert code == window.request_copier.last_code
    return code


def _sent_by_the_window(qtbot: QtBot, window: MainWindow, server: FakeServer) -> RecordedRequest:
    before = len(server.requests)
    press_send(qtbot, window)
    _fill_the_form(qtbot, "Send")
    wait_request(qtbot, server, before + 1)
    wait_finished(qtbot, window)
    return server.requests[before]


def _run(command: list[str], server: FakeServer, tmp_path: Path) -> None:
    environment = {
        **os.environ,
        "ZEROGPU_API_KEY": API_KEY,
        "ZEROGPU_PROJECT_ID": PROJECT_ID,
        "ZEROGPU_DESKTOP_DATA_DIR": str(tmp_path / "cli-data"),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    environment.pop("ZEROGPU_BASE_URL", None)  # the copied text must name the server itself
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert server.wait_for_requests(1)


def _assert_same(copied: RecordedRequest, sent: RecordedRequest) -> None:
    assert copied.path == sent.path
    assert copied.json == sent.json
    for header in ("x-api-key", "x-project-id", "content-type"):
        assert copied.headers.get(header) == sent.headers.get(header), header


@pytest.fixture
def prepared(qtbot: QtBot, make_window: WindowFactory) -> MainWindow:
    window = make_window(settings=Settings(max_retries=0))
    type_model(qtbot, window, MODEL)
    # Set, not typed: QTest cannot type characters outside the BMP (the emoji).
    window.system_editor.set_text(SYSTEM)
    window.user_editor.set_text(USER)
    return window


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl (.ci/run installs it)")
def test_copied_curl_sends_what_send_sends(
    qtbot: QtBot, prepared: MainWindow, server: FakeServer, tmp_path: Path
) -> None:
    code = _copy(qtbot, prepared, "curl")
    assert prepared.status.state_label.text() == (
        "Copied the request as curl (the key is read from $ZEROGPU_API_KEY)"
    )
    assert server.requests == []  # copying sends nothing
    sent = _sent_by_the_window(qtbot, prepared, server)
    assert server.base_url + "/v1/responses" in code
    assert API_KEY not in code
    assert PROJECT_ID not in code

    before = len(server.requests)
    _run(["bash", "-c", code], server, tmp_path)
    _assert_same(server.requests[before], sent)


def test_copied_python_and_command_line_send_what_send_sends(
    qtbot: QtBot, prepared: MainWindow, server: FakeServer, tmp_path: Path
) -> None:
    python = _copy(qtbot, prepared, "python")
    assert "os.environ" in prepared.status.state_label.text()
    command = _copy(qtbot, prepared, "command line")
    sent = _sent_by_the_window(qtbot, prepared, server)
    for code in (python, command):
        assert API_KEY not in code
        assert PROJECT_ID not in code

    script = tmp_path / "request.py"
    script.write_text(python, encoding="utf-8")
    before = len(server.requests)
    _run([sys.executable, str(script)], server, tmp_path)
    _assert_same(server.requests[before], sent)

    assert command.startswith("zerogpu-desktop send ")
    runnable = str(VENV_BIN / "zerogpu-desktop") + command.removeprefix("zerogpu-desktop")
    before = len(server.requests)
    _run(["bash", "-c", runnable], server, tmp_path)
    _assert_same(server.requests[before], sent)


def test_nothing_is_copied_when_send_would_refuse(
    qtbot: QtBot, window: MainWindow, server: FakeServer
) -> None:
    QGuiApplication.clipboard().setText("untouched")
    type_user_prompt(qtbot, window, "no model yet")
    window.copy_as_curl_action.trigger()
    assert QGuiApplication.clipboard().text() == "untouched"
    assert "No model" in banner_text(window)
    assert server.requests == []


def test_the_run_menu_offers_all_three(window: MainWindow) -> None:
    texts = [action.text() for action in window.run_menu.actions() if not action.isSeparator()]
    assert texts == [
        "&Send",
        "&Cancel",
        "Co&mpare…",
        "Copy as &curl",
        "Copy as &Python",
        "Copy as command &line",
    ]
