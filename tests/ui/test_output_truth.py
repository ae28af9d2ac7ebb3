"""The Output never shows an old answer as if it were current."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from tests.fakeserver import FakeServer, Scenario
from tests.ui.conftest import MODEL, WindowFactory, run_async
from tests.ui.helpers import (
    press_escape,
    press_send,
    type_model,
    type_user_prompt,
    wait_finished,
    wait_running,
)
from zerogpu_desktop.storage import Settings
from zerogpu_desktop.ui.main_window import MainWindow

FIRST = "the first question"


def answer_once(qtbot: QtBot, window: MainWindow) -> None:
    type_model(qtbot, window, MODEL)
    type_user_prompt(qtbot, window, FIRST)
    press_send(qtbot, window)
    wait_finished(qtbot, window)
    assert window.output.text() == f"Echo: {FIRST}"
    assert window.output.copy_button.isEnabled()
    assert window.save_output_action.isEnabled()


def assert_no_answer(window: MainWindow) -> None:
    output = window.output
    assert output.text() == ""
    assert output.current_view().toPlainText().strip() == ""
    assert not output.copy_button.isEnabled()
    assert not output.save_button.isEnabled()
    assert not window.save_output_action.isEnabled()
    assert not window.copy_output_action.isEnabled()


def test_waiting_then_cancel_shows_nothing_stale(
    qtbot: QtBot, make_window: WindowFactory, server: FakeServer
) -> None:
    window = make_window(settings=Settings(max_retries=0))
    answer_once(qtbot, window)

    server.scenario = Scenario.slow(3)
    press_send(qtbot, window)
    wait_running(qtbot, window)
    qtbot.waitUntil(lambda: " s" in window.output.notice_text(), timeout=2000)
    first = window.output.notice_text()
    assert first.startswith(f"Waiting for {MODEL}… ")
    assert_no_answer(window)
    qtbot.waitUntil(lambda: window.output.notice_text() != first, timeout=2000)

    press_escape(qtbot, window)
    wait_finished(qtbot, window)
    assert "cancelled" in window.output.notice_text()
    assert "History (Ctrl+H)" in window.output.notice_text()
    assert_no_answer(window)


CASES = {
    "401": lambda: Scenario.status(401),
    "420": lambda: Scenario.context_limit(1),
    "429": lambda: Scenario.rate_limited(retry_after="120"),
    "502": lambda: Scenario.html_error(502),
}


@pytest.mark.parametrize("status", list(CASES))
def test_a_failure_leaves_no_old_answer(
    qtbot: QtBot, make_window: WindowFactory, server: FakeServer, status: str
) -> None:
    window = make_window(settings=Settings(max_retries=0))
    answer_once(qtbot, window)
    server.scenario = CASES[status]()
    press_send(qtbot, window)
    wait_finished(qtbot, window)

    assert window.banner.isVisible()
    notice = window.output.notice_text()
    assert notice.startswith("No answer: the request failed")
    assert "History (Ctrl+H)" in notice
    assert_no_answer(window)


def test_a_refused_send_names_the_refusal_without_a_time(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window()
    type_user_prompt(qtbot, window, "no model typed")
    window.model_picker.combo.setCurrentText("")
    press_send(qtbot, window)
    wait_finished(qtbot, window)
    state = window.status.state_label.text()
    assert state
    assert " after " not in state
    assert state in window.banner.text()
    assert "nothing was sent" in window.output.notice_text()


def test_the_last_answer_comes_back_after_a_restart(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    window = make_window()
    answer_once(qtbot, window)
    window.close()

    again = make_window(folder=data_dir)
    assert again.output.text() == ""
    run_async(qtbot, again.session.history.prepare())
    qtbot.waitUntil(lambda: again.output.text() == f"Echo: {FIRST}", timeout=3000)
    origin = again.output.origin()
    assert origin.startswith("Last answer, ")
    assert origin.endswith(", from History")
    assert again.output.origin_label.isVisible()
    clipboard = QGuiApplication.clipboard()
    clipboard.setText("something else")
    assert again.copy_output_action.isEnabled()
    again.copy_output_action.trigger()
    qtbot.waitUntil(lambda: clipboard.text() == f"Echo: {FIRST}", timeout=2000)


def test_the_restored_answer_does_not_replace_a_newer_one(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    window = make_window()
    answer_once(qtbot, window)
    window.close()

    again = make_window(folder=data_dir)
    again.user_editor.editor.setPlainText("")  # the draft came back; ask something new
    type_model(qtbot, again, MODEL)
    type_user_prompt(qtbot, again, "newer")
    press_send(qtbot, again)
    wait_finished(qtbot, again)
    run_async(qtbot, again.session.history.prepare())
    assert again.output.text() == "Echo: newer"
    assert again.output.origin() == ""
