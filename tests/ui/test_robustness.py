"""Things that used to go wrong: settings changed mid-run, repeated crash reports, undo over a
reused name, and retry notices that vanished."""

from __future__ import annotations

from pathlib import Path

import pytest
import shiboken6
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from tests.fakeserver import FakeServer, Scenario
from tests.ui.conftest import MODEL, WindowFactory
from tests.ui.helpers import press_send, type_model, type_user_prompt, wait_finished, wait_request
from zerogpu_desktop.api.client import ZeroGPUClient
from zerogpu_desktop.storage import Settings
from zerogpu_desktop.storage.presets.store import Preset, PresetStore
from zerogpu_desktop.ui.crash_reporting import CrashReporter


def test_changing_settings_during_a_run_does_not_break_it(
    qtbot: QtBot, make_window: WindowFactory, server: FakeServer
) -> None:
    window = make_window(settings=Settings(max_retries=0))
    server.scenario = Scenario.slow(1.0)
    type_model(qtbot, window, MODEL)
    type_user_prompt(qtbot, window, "still there?")
    press_send(qtbot, window)
    wait_request(qtbot, server)
    window.markdown_action.trigger()  # saves settings while the request is in flight
    window.model_picker.limit.setValue(4096)  # and again
    wait_finished(qtbot, window)
    assert window.output.text() == "Echo: still there?"
    assert window.send_button.text() == "Send"
    assert window.send_action.isEnabled()


def test_an_unexpected_error_in_a_run_unsticks_the_window(
    qtbot: QtBot, make_window: WindowFactory, server: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window(settings=Settings(max_retries=0))

    async def broken(*_args: object, **_kwargs: object) -> object:
        raise RuntimeError("a bug nobody foresaw")

    monkeypatch.setattr(ZeroGPUClient, "create_response", broken)
    type_model(qtbot, window, MODEL)
    type_user_prompt(qtbot, window, "hello")
    press_send(qtbot, window)
    wait_finished(qtbot, window)
    assert window.send_button.text() == "Send"
    assert window.banner.isVisible()
    assert "Unexpected error" in window.banner.text()
    assert window.user_editor.text() == "hello"


def test_a_second_crash_report_is_shown_too(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    window = make_window()
    reporter = CrashReporter(tmp_path / "log.txt", window)
    for attempt in range(2):
        try:
            raise ValueError(f"failure {attempt}")
        except ValueError as exc:
            reporter.handle(type(exc), exc, exc.__traceback__)
        dialog = reporter._dialog
        assert dialog is not None
        assert shiboken6.isValid(dialog)
        assert dialog.isVisible()
        assert isinstance(dialog, QMessageBox)
        dialog.close()
        qtbot.waitUntil(lambda dialog=dialog: not shiboken6.isValid(dialog), timeout=3000)
    assert len(reporter.reported) == 2


def test_undo_never_overwrites_a_preset_that_took_the_name(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    store = PresetStore(data_dir)
    store.save(Preset("Notes", MODEL, "old system", "old user"))
    window = make_window()
    assert window.library is not None
    panel = window.library.presets
    panel.refresh(select="Notes")
    panel.delete_selected()
    store.save(Preset("Notes", MODEL, "new system", "new user"))
    panel.undo_delete()
    names = [p.name for p in PresetStore(data_dir).list()]
    assert names == ["Notes", "Notes (restored)"]
    kept = PresetStore(data_dir).get("Notes")
    assert kept is not None
    assert kept.user_prompt == "new user"


def test_the_retry_notice_stays_visible_while_waiting(
    qtbot: QtBot, make_window: WindowFactory, server: FakeServer
) -> None:
    window = make_window(settings=Settings(max_retries=1))
    server.queue(Scenario.rate_limited(retry_after="1.5"), Scenario.echo())
    type_model(qtbot, window, MODEL)
    type_user_prompt(qtbot, window, "patience")
    press_send(qtbot, window)
    qtbot.waitUntil(lambda: "Retrying in" in window.status.state_label.text(), timeout=3000)
    qtbot.wait(400)  # several elapsed-time ticks later
    assert "Retrying in" in window.status.state_label.text()
    assert "Sending…" in window.status.state_label.text()
    wait_finished(qtbot, window)
    assert window.output.text() == "Echo: patience"
