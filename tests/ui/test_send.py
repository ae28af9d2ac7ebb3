"""Sending by keyboard, refusing a second send, cancelling at once, retrying what is transient."""

from __future__ import annotations

import itertools
import time

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.fakeserver import FakeServer, Scenario, count_tokens
from tests.ui.conftest import API_KEY, MODEL, PROJECT_ID, WindowFactory
from tests.ui.helpers import (
    banner_text,
    press_escape,
    press_send,
    type_model,
    type_system_prompt,
    type_user_prompt,
    wait_finished,
    wait_request,
    wait_running,
)
from zerogpu_desktop.storage import Settings
from zerogpu_desktop.ui.main_window import MainWindow

SYSTEM = "You answer in one short sentence."
USER = "What is 2 + 2?"


def test_happy_path_by_keyboard(qtbot: QtBot, window: MainWindow, server: FakeServer) -> None:
    type_model(qtbot, window, MODEL)
    type_system_prompt(qtbot, window, SYSTEM)
    type_user_prompt(qtbot, window, USER)

    press_send(qtbot, window)
    wait_finished(qtbot, window)

    answer = f"Echo: {USER}"
    assert window.output.current_view().toPlainText().strip() == answer
    assert window.output.text() == answer
    status = window.status
    tokens_in = count_tokens(SYSTEM) + count_tokens(USER)
    tokens_out = count_tokens(answer)
    assert status.usage_label.text() == (
        f"In {tokens_in} · Out {tokens_out} · Total {tokens_in + tokens_out} tokens"
    )
    assert status.truncation_label.text() == "Not truncated"
    assert status.state_label.text().startswith("Done in ")
    assert MODEL in status.state_label.text()
    assert banner_text(window) == ""

    [request] = server.requests
    assert request.method == "POST"
    assert request.path == "/v1/responses"
    assert request.headers["x-api-key"] == API_KEY
    assert request.headers["x-project-id"] == PROJECT_ID
    assert request.headers["content-type"] == "application/json"
    assert request.json == {
        "model": MODEL,
        "input": [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": USER},
        ],
        "text": {"format": {"type": "text"}},
    }
    # The prompts stay for the next question; the model is remembered for next time.
    assert window.user_editor.text() == USER
    assert window.system_editor.text() == SYSTEM
    assert window.session.settings.current.last_model == MODEL
    assert window.model_picker.combo.findText(MODEL) >= 0


def test_without_a_system_prompt_only_the_user_message_is_sent(
    qtbot: QtBot, window: MainWindow, server: FakeServer
) -> None:
    type_model(qtbot, window, MODEL)
    type_user_prompt(qtbot, window, USER)
    press_send(qtbot, window)
    wait_finished(qtbot, window)

    assert server.requests[0].json["input"] == [{"role": "user", "content": USER}]
    assert window.output.current_view().toPlainText().strip() == f"Echo: {USER}"


def test_a_second_ctrl_return_does_not_send_a_second_request(
    qtbot: QtBot, window: MainWindow, server: FakeServer
) -> None:
    server.scenario = Scenario.slow(0.8)
    type_model(qtbot, window, MODEL)
    type_user_prompt(qtbot, window, USER)

    press_send(qtbot, window)
    press_send(qtbot, window)
    wait_running(qtbot, window)
    press_send(qtbot, window)
    qtbot.keyClick(window.user_editor.editor, Qt.Key.Key_Enter, Qt.KeyboardModifier.ControlModifier)
    wait_finished(qtbot, window)

    assert window.output.current_view().toPlainText().strip() == f"Echo: {USER}"
    assert not server.wait_for_requests(2, timeout=0.3)
    assert len(server.requests) == 1


@pytest.mark.parametrize("how", ["escape", "cancel button"])
def test_cancel_aborts_the_request_at_once(
    qtbot: QtBot, window: MainWindow, server: FakeServer, how: str
) -> None:
    server.scenario = Scenario.slow(5)
    type_model(qtbot, window, MODEL)
    type_system_prompt(qtbot, window, SYSTEM)
    type_user_prompt(qtbot, window, USER)
    press_send(qtbot, window)
    wait_running(qtbot, window)
    wait_request(qtbot, server)
    assert window.send_button.text() == "Cancel"

    started = time.monotonic()
    if how == "escape":
        press_escape(qtbot, window)
    else:
        qtbot.mouseClick(window.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.status.state_label.text().startswith("Cancelled"), timeout=1000)
    elapsed = time.monotonic() - started

    assert elapsed < 1.0
    assert "Your prompts are kept" in window.status.state_label.text()
    assert server.wait_for_disconnect(timeout=2.0)
    assert window.send_button.text() == "Send"
    assert window.send_button.accessibleName() == "Send"
    assert window.user_editor.text() == USER
    assert window.system_editor.text() == SYSTEM
    assert window.model_picker.model() == MODEL
    assert window.output.text() == ""
    assert banner_text(window) == ""
    assert len(server.requests) == 1


def test_escape_with_nothing_running_changes_nothing(
    qtbot: QtBot, window: MainWindow, server: FakeServer
) -> None:
    type_user_prompt(qtbot, window, USER)
    press_escape(qtbot, window)
    assert window.user_editor.text() == USER
    assert window.send_button.text() == "Send"
    assert server.requests == []


def test_a_503_is_retried_and_the_answer_arrives(
    qtbot: QtBot, make_window: WindowFactory, server: FakeServer
) -> None:
    window = make_window(settings=Settings(max_retries=2))
    server.queue(Scenario.status(503))
    seen: list[str] = []
    window.session.runs.retrying.connect(seen.append)
    type_model(qtbot, window, MODEL)
    type_user_prompt(qtbot, window, USER)

    press_send(qtbot, window)
    wait_finished(qtbot, window)

    assert len(server.requests) == 2
    assert len(seen) == 1
    assert seen[0].startswith("Retrying in ")
    assert window.output.current_view().toPlainText().strip() == f"Echo: {USER}"
    assert window.status.state_label.text().startswith("Done in ")
    assert window.status.truncation_label.text() == "Not truncated"
    assert banner_text(window) == ""


def test_send_without_a_model_says_so(qtbot: QtBot, window: MainWindow, server: FakeServer) -> None:
    type_user_prompt(qtbot, window, USER)
    press_send(qtbot, window)
    wait_finished(qtbot, window)

    assert "Choose or type a model ID first" in banner_text(window)
    assert not window.banner.settings_button.isVisible()
    assert server.requests == []
    assert window.user_editor.text() == USER


def test_the_status_figures_sit_side_by_side_and_never_over_each_other(
    qtbot: QtBot, window: MainWindow
) -> None:
    """State, usage and verdict, left to right in the bar, none drawn over another."""
    type_model(qtbot, window, MODEL)
    type_user_prompt(qtbot, window, USER)
    press_send(qtbot, window)
    wait_finished(qtbot, window)
    status = window.status
    labels = [status.state_label, status.usage_label, status.truncation_label]
    boxes = [label.geometry() for label in labels]
    assert all(label.isVisible() and label.parentWidget() is status for label in labels)
    assert [box.left() for box in boxes] == sorted(box.left() for box in boxes), boxes
    for left, right in itertools.pairwise(boxes):
        assert left.right() < right.left(), (left, right)
    assert boxes[-1].right() <= status.width()
