"""The window against hostile replies: a reply cap in Settings, escaped text, true words."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from tests.fakeserver import FakeServer, Scenario
from tests.fakeserver.replies import message_item, response_object
from tests.ui.conftest import MODEL, WindowFactory
from tests.ui.helpers import (
    banner_text,
    press_send,
    status_words,
    type_model,
    type_user_prompt,
    wait_finished,
)
from zerogpu_desktop.api.client import ZeroGPUClient
from zerogpu_desktop.storage import Settings, ensure_data_dir
from zerogpu_desktop.storage.presets.store import Preset, PresetStore
from zerogpu_desktop.ui.main_window import MainWindow
from zerogpu_desktop.ui.settings_dialog import SettingsDialog

HOSTILE = "\x1b]0;pwned\x07\x1b[2J"


def _open_settings(qtbot: QtBot, window: MainWindow) -> SettingsDialog:
    qtbot.mouseClick(window.settings_button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(SettingsDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=2000)
    return dialog


def _press_ok(qtbot: QtBot, dialog: SettingsDialog) -> None:
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    qtbot.mouseClick(box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def _send(qtbot: QtBot, window: MainWindow, prompt: str = "hello") -> None:
    type_model(qtbot, window, MODEL)
    type_user_prompt(qtbot, window, prompt)
    press_send(qtbot, window)
    wait_finished(qtbot, window)


def test_largest_reply_is_a_setting_that_bounds_the_answer(
    qtbot: QtBot, window: MainWindow, server: FakeServer, data_dir: Path
) -> None:
    dialog = _open_settings(qtbot, window)
    field = dialog.max_response
    assert field.accessibleName() == "Largest reply"
    assert (field.minimum(), field.maximum(), field.value()) == (1, 1024, 16)
    assert "hostile server" in field.toolTip()
    field.selectAll()
    qtbot.keyClicks(field, "1")
    _press_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)
    saved = json.loads((data_dir / "settings.json").read_text(encoding="utf-8"))
    assert saved["max_response_mb"] == 1

    server.scenario = Scenario.huge(3_000_000)
    _send(qtbot, window)
    assert "larger than the 1 MiB reply limit" in banner_text(window)
    assert "Largest reply (MiB) in Settings" in banner_text(window)
    assert window.output.current_view().toPlainText().strip() == ""


def test_the_setting_is_shown_as_saved(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window(settings=Settings(max_retries=0, max_response_mb=64))
    dialog = _open_settings(qtbot, window)
    assert dialog.max_response.value() == 64
    dialog.reject()


def test_the_plain_http_hint_names_only_what_exists(qtbot: QtBot, window: MainWindow) -> None:
    dialog = _open_settings(qtbot, window)
    dialog.base_url_edit.setText("http://api.example.com")
    _press_ok(qtbot, dialog)
    text = dialog.error_label.text()
    assert dialog.isVisible()
    assert "plain http" in text
    assert "allow insecure" not in text
    assert "https://" in text
    assert "http://127.0.0.1:PORT" in text
    dialog.reject()


def test_a_server_message_is_shown_escaped(
    qtbot: QtBot, window: MainWindow, server: FakeServer
) -> None:
    server.scenario = Scenario.status(
        400, {"error": {"code": "bad_request", "message": f"{HOSTILE}<b>bold</b> \u202eevil"}}
    )
    _send(qtbot, window)
    shown = banner_text(window) + window.banner.message.text()
    assert "\x1b" not in shown
    assert "\u202e" not in shown
    assert "\\x1b]0;pwned\\x07" in banner_text(window)
    assert "\\u202e" in banner_text(window)
    assert "<b>bold</b>" not in window.banner.message.text()  # shown as text, not markup


def test_usage_that_cannot_be_right_is_shown_as_unknown(
    qtbot: QtBot, window: MainWindow, server: FakeServer
) -> None:
    body = response_object(MODEL, [message_item("fine")], (5, 1))
    body["usage"]["output_tokens"] = 10**30
    server.scenario = Scenario.status(200, body)
    _send(qtbot, window)
    assert "usage unknown (" in status_words(window)
    assert "output_tokens is absurdly large" in status_words(window)


def test_an_empty_prompt_is_refused_with_the_command_lines_words(
    qtbot: QtBot, window: MainWindow, server: FakeServer
) -> None:
    type_model(qtbot, window, MODEL)
    type_user_prompt(qtbot, window, "   ")
    press_send(qtbot, window)
    wait_finished(qtbot, window)
    assert banner_text(window) == (
        "Nothing to send: The user prompt is empty. Write a user prompt, then send again."
    )
    assert server.requests == []


def test_an_unexpected_failure_points_to_the_log_file_that_exists(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    async def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(ZeroGPUClient, "create_response", broken)
    _send(qtbot, window)
    assert "Unexpected error" in banner_text(window)
    assert "log" not in banner_text(window).lower()  # no log file was set up
    log_file = tmp_path / "zerogpu-desktop.log"
    window.session.set_log_file(log_file)
    press_send(qtbot, window)
    wait_finished(qtbot, window)
    assert str(log_file) in banner_text(window)


def test_an_import_that_cannot_be_written_says_so(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    incoming = tmp_path / "incoming.json"
    source = PresetStore(ensure_data_dir(tmp_path / "other"))
    source.save(Preset("Imported", MODEL, "", "Hello"))
    source.export_to_file(incoming)

    def disk_full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(window.session.services.preset_store, "import_presets", disk_full)
    window.library.transfer.import_from(incoming)
    words = banner_text(window)
    assert "Could not write the presets (No space left on device)" in words
    assert "read" not in words
