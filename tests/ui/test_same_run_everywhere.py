"""One prompt, two doors: the window and `zerogpu-desktop send` go through the same engine.

The same spec (a system prompt with a variable, a user prompt, a model) is sent once from
the window, by keyboard, and once from the command line, against the same loopback server
and data folder; the requests on the wire and the history rows must be the same.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.fakeserver import FakeServer
from tests.ui.conftest import API_KEY, MODEL, PROJECT_ID, WindowFactory
from tests.ui.helpers import (
    no_dialog_open,
    press_send,
    type_model,
    type_system_prompt,
    type_user_prompt,
    variables_form,
    wait_finished,
)
from zerogpu_desktop.storage import Settings
from zerogpu_desktop.storage.history.store import HistoryStore

SYSTEM = "Answer in {{language}}."
USER = "Say hello to the crew."


def test_the_window_and_the_command_line_send_and_keep_the_same_run(
    qtbot: QtBot,
    make_window: WindowFactory,
    server: FakeServer,
    data_dir: Path,
) -> None:
    window = make_window(settings=Settings(max_retries=0))
    type_model(qtbot, window, MODEL)
    type_system_prompt(qtbot, window, SYSTEM)
    type_user_prompt(qtbot, window, USER)
    press_send(qtbot, window)
    form = variables_form(qtbot)
    qtbot.keyClicks(form.fields["language"], "French")
    qtbot.keyClick(form.fields["language"], Qt.Key.Key_Return)
    no_dialog_open(qtbot)
    wait_finished(qtbot, window)
    qtbot.waitUntil(lambda: _count(data_dir) == 1, timeout=5000)

    # A process of its own, as a script runs it (and with its own event loop).
    env = {
        **os.environ,
        "ZEROGPU_API_KEY": API_KEY,
        "ZEROGPU_PROJECT_ID": PROJECT_ID,
        "ZEROGPU_BASE_URL": server.base_url,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "zerogpu_desktop",
            "send",
            "--data-dir",
            str(data_dir),
            "--model",
            MODEL,
            "--system",
            SYSTEM,
            "--var",
            "language=French",
            USER,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr

    window_request, cli_request = server.requests
    assert window_request.json == cli_request.json
    assert window_request.json["input"][0] == {  # type: ignore[index]
        "role": "system",
        "content": "Answer in French.",
    }
    with HistoryStore(data_dir) as store:
        newest_first = store.page(0, 2)
        cli_row, window_row = (store.get(summary.id) for summary in newest_first)
    assert window_row is not None
    assert cli_row is not None
    assert (window_row.source, cli_row.source) == ("window", "cli")

    def kept(row: object) -> tuple[object, ...]:
        fields = ("model", "system_prompt", "user_prompt", "answer", "input_tokens")
        fields += ("output_tokens", "total_tokens", "truncation_status", "error_title")
        return tuple(getattr(row, name) for name in fields)

    assert kept(window_row) == kept(cli_row)


def _count(data_dir: Path) -> int:
    with HistoryStore(data_dir) as store:
        return store.count()
