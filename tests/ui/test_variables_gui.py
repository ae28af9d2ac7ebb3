"""`{{variables}}` on send: a form asks for them, an empty one blocks, values are remembered.

What the server receives is the proof: the recorded request body carries the filled
text, and nothing at all arrives while a variable is unfilled.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.fakeserver import FakeServer
from tests.ui.conftest import MODEL, WindowFactory
from tests.ui.helpers import (
    CTRL,
    answer_name,
    click_button,
    focused,
    no_dialog_open,
    press_send,
    type_model,
    type_system_prompt,
    type_user_prompt,
    variables_form,
    wait_finished,
    wait_request,
)
from zerogpu_desktop.storage import Settings
from zerogpu_desktop.storage.presets.store import PresetStore
from zerogpu_desktop.ui.main_window import MainWindow

SHIFT = Qt.KeyboardModifier.ShiftModifier
SYSTEM = "You explain {{topic}} to a {{audience}}."
USER = "Tell me about {{topic}}."


def sent_messages(server: FakeServer, number: int) -> list[dict[str, str]]:
    messages: list[dict[str, str]] = server.requests[number].json["input"]
    return messages


def test_fill_in_the_variables_blocks_when_empty_and_sends_the_filled_text(
    qtbot: QtBot, make_window: WindowFactory, server: FakeServer, data_dir: Path
) -> None:
    window = make_window(settings=Settings(max_retries=0))
    type_model(qtbot, window, MODEL)
    type_system_prompt(qtbot, window, SYSTEM)
    type_user_prompt(qtbot, window, USER)
    qtbot.keyClick(focused(window), Qt.Key.Key_S, CTRL | SHIFT)
    answer_name(qtbot, "Explainer")

    press_send(qtbot, window)
    form = variables_form(qtbot)
    assert list(form.fields) == ["topic", "audience"]
    assert [field.text() for field in form.fields.values()] == ["", ""]

    # Send with holes in it: a sentence naming them, and nothing leaves.
    click_button(qtbot, form, "Send")
    assert form.isVisible()
    assert form.problem.isVisible()
    assert form.problem.text() == "Fill in the variables: topic, audience."
    qtbot.keyClicks(form.fields["topic"], "tides")
    qtbot.keyClick(form.fields["topic"], Qt.Key.Key_Return)
    assert form.isVisible()
    assert form.problem.text() == "Fill in the variables: audience."
    qtbot.wait(100)
    assert server.requests == []
    assert window.send_button.text() == "Send"

    # Filled in: Enter sends the filled text, and only that.
    qtbot.keyClicks(form.fields["audience"], "child")
    qtbot.keyClick(form.fields["audience"], Qt.Key.Key_Return)
    no_dialog_open(qtbot)
    wait_finished(qtbot, window)
    assert sent_messages(server, 0) == [
        {"role": "system", "content": "You explain tides to a child."},
        {"role": "user", "content": "Tell me about tides."},
    ]
    assert window.output.text() == "Echo: Tell me about tides."
    # The editors keep the template.
    assert window.user_editor.text() == USER
    assert window.system_editor.text() == SYSTEM
    # The values are remembered with the preset, on disk.
    stored = PresetStore(data_dir).get("Explainer")
    assert stored is not None
    assert dict(stored.variables) == {"topic": "tides", "audience": "child"}

    # Cancelling the form sends nothing.
    press_send(qtbot, window)
    form = variables_form(qtbot)
    click_button(qtbot, form, "Cancel")
    no_dialog_open(qtbot)
    qtbot.wait(100)
    assert len(server.requests) == 1

    # The next start of the app: load the preset, send; the form offers last time's values.
    again = make_window(settings=Settings(max_retries=0))
    assert again.user_editor.text() == USER  # the draft
    panel = again.library.presets
    [item] = panel.list.findItems("Explainer", Qt.MatchFlag.MatchExactly)
    panel.list.setCurrentItem(item)
    panel.list.setFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_Return)
    assert again.windowTitle() == "Explainer — ZeroGPU Desktop"
    press_send(qtbot, again)
    form = variables_form(qtbot)
    assert form.values() == {"topic": "tides", "audience": "child"}
    form.fields["topic"].selectAll()
    qtbot.keyClicks(form.fields["topic"], "volcanoes")
    click_button(qtbot, form, "Send")
    no_dialog_open(qtbot)
    wait_request(qtbot, server, 2)
    wait_finished(qtbot, again)
    assert sent_messages(server, 1)[1] == {"role": "user", "content": "Tell me about volcanoes."}
    stored = PresetStore(data_dir).get("Explainer")
    assert stored is not None
    assert stored.variables["topic"] == "volcanoes"


def test_an_escaped_placeholder_is_sent_literally_without_a_form(
    qtbot: QtBot, window: MainWindow, server: FakeServer
) -> None:
    type_model(qtbot, window, MODEL)
    type_user_prompt(qtbot, window, "Show \\{{literal}} as written, and {{ not a var }}.")

    press_send(qtbot, window)
    wait_finished(qtbot, window)

    assert QApplication.activeModalWidget() is None
    assert sent_messages(server, 0) == [
        {"role": "user", "content": "Show {{literal}} as written, and {{ not a var }}."}
    ]
    assert window.user_editor.text() == "Show \\{{literal}} as written, and {{ not a var }}."


def test_variables_without_a_preset_are_remembered_for_the_session(
    qtbot: QtBot, window: MainWindow, server: FakeServer
) -> None:
    type_model(qtbot, window, MODEL)
    type_user_prompt(qtbot, window, "Translate {{word}}")
    press_send(qtbot, window)
    form = variables_form(qtbot)
    qtbot.keyClicks(form.fields["word"], "Haus")
    qtbot.keyClick(form.fields["word"], Qt.Key.Key_Return)
    wait_finished(qtbot, window)
    assert sent_messages(server, 0) == [{"role": "user", "content": "Translate Haus"}]

    press_send(qtbot, window)
    form = variables_form(qtbot)
    assert form.values() == {"word": "Haus"}
    qtbot.keyClick(form.fields["word"], Qt.Key.Key_Return)
    wait_request(qtbot, server, 2)
    wait_finished(qtbot, window)
    assert sent_messages(server, 1) == [{"role": "user", "content": "Translate Haus"}]


def test_a_run_with_literal_braces_is_run_again_exactly_as_sent(
    qtbot: QtBot, window: MainWindow, server: FakeServer
) -> None:
    type_model(qtbot, window, MODEL)
    type_user_prompt(qtbot, window, "Fill \\{{name}} and \\\\{{x}}")
    press_send(qtbot, window)
    form = variables_form(qtbot)
    assert list(form.fields) == ["x"]
    qtbot.keyClicks(form.fields["x"], "ten")
    qtbot.keyClick(form.fields["x"], Qt.Key.Key_Return)
    wait_finished(qtbot, window)
    sent = "Fill {{name}} and \\ten"
    assert sent_messages(server, 0) == [{"role": "user", "content": sent}]

    # Opened from the History, the editors hold a template that sends the same text again.
    qtbot.keyClick(focused(window), Qt.Key.Key_H, CTRL)
    history = window.library.history
    qtbot.waitUntil(lambda: history.model.rowCount() == 1, timeout=2000)
    qtbot.keyClick(history.search_edit, Qt.Key.Key_Return)
    qtbot.keyClick(history.table, Qt.Key.Key_Return)
    assert window.user_editor.text() == "Fill \\{{name}} and \\ten"
    qtbot.mouseClick(history.rerun_button, Qt.MouseButton.LeftButton)
    wait_request(qtbot, server, 2)
    wait_finished(qtbot, window)
    assert QApplication.activeModalWidget() is None
    assert server.requests[1].json == server.requests[0].json
