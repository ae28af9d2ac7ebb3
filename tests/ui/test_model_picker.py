"""The model row: what is typed is what is sent, remembered models can be forgotten, and the
response format travels from the Format box to the wire."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.fakeserver import FakeServer
from tests.ui.conftest import WindowFactory
from tests.ui.helpers import (
    banner_text,
    press_send,
    type_model,
    type_user_prompt,
    wait_finished,
)
from zerogpu_desktop.storage import ModelEntry, Settings, SettingsStore

TYPO = "my-modelu"
WANTED = "my-model"


def close_popup() -> None:
    popup = QApplication.activePopupWidget()
    if popup is not None:
        popup.close()


def remembered_on_disk(data_dir: Path) -> list[str]:
    return [entry.id for entry in SettingsStore(data_dir).load().models]


def test_a_remembered_longer_id_is_never_completed_into_what_is_sent(
    qtbot: QtBot, make_window: WindowFactory, server: FakeServer
) -> None:
    window = make_window(settings=Settings(models=(ModelEntry(TYPO),)))
    type_model(qtbot, window, WANTED)
    combo = window.model_picker.combo
    line_edit = combo.lineEdit()
    assert line_edit is not None
    assert line_edit.selectedText() == ""  # nothing pre-selected for Tab/Enter to accept
    qtbot.keyClick(combo, Qt.Key.Key_Tab)
    assert window.model_picker.model() == WANTED
    type_user_prompt(qtbot, window, "hello")
    press_send(qtbot, window)
    wait_finished(qtbot, window)
    assert server.requests[-1].json["model"] == WANTED
    assert window.model_picker.model() == WANTED


def test_delete_in_the_list_forgets_a_model_for_good(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    settings = Settings(models=(ModelEntry("newest"), ModelEntry("older", 4096)))
    window = make_window(settings=settings)
    picker = window.model_picker
    assert picker.remembered() == ["newest", "older"]
    picker.combo.showPopup()
    view = picker.combo.view()
    assert view is not None
    qtbot.waitUntil(view.isVisible, timeout=2000)
    view.setCurrentIndex(picker.combo.model().index(1, 0))
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    picker.combo.hidePopup()
    qtbot.waitUntil(lambda: picker.remembered() == ["newest"], timeout=2000)
    assert remembered_on_disk(data_dir) == ["newest"]
    assert "Forgot" in window.status.state_label.text()


def test_forget_model_in_the_context_menu(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    window = make_window(settings=Settings(models=(ModelEntry("keep"), ModelEntry("drop"))))
    picker = window.model_picker
    picker.set_model("nowhere")
    picker._show_context_menu(picker.combo.rect().center())  # the menu as the mouse opens it
    assert not picker.forget_action.isEnabled()  # not a remembered model
    close_popup()
    picker.set_model("drop")
    picker._show_context_menu(picker.combo.rect().center())
    assert picker.forget_action.isEnabled()
    picker.forget_action.trigger()
    close_popup()
    qtbot.waitUntil(lambda: picker.remembered() == ["keep"], timeout=2000)
    assert remembered_on_disk(data_dir) == ["keep"]


def test_the_format_box_reaches_the_wire_and_a_bad_one_sends_nothing(
    qtbot: QtBot, window: object, server: FakeServer
) -> None:
    from zerogpu_desktop.ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    picker = window.model_picker
    assert picker.response_format() == "text"
    assert picker.format_box.accessibleName() == "Response format"
    type_model(qtbot, window, "acme/tiny-chat-1")
    type_user_prompt(qtbot, window, "give me json")
    picker.set_response_format("json_object")
    press_send(qtbot, window)
    wait_finished(qtbot, window)
    assert server.requests[-1].json["text"] == {"format": {"type": "json_object"}}

    picker.set_response_format("not a type")
    press_send(qtbot, window)
    wait_finished(qtbot, window)
    assert len(server.requests) == 1
    assert "Response format not usable" in banner_text(window)


def test_the_format_is_kept_in_presets_and_drafts(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    window = make_window()
    library = window.attach_library()
    window.model_picker.set_model("m")
    window.model_picker.set_response_format("json_object")
    type_user_prompt(qtbot, window, "p")
    saved = library.presets.save_as("Json one")
    assert saved is not None
    assert saved.response_format == "json_object"
    entry = json.loads((data_dir / "presets.json").read_text(encoding="utf-8"))["presets"][0]
    assert entry["response_format"] == "json_object"
    window.model_picker.set_response_format("text")
    library.load_preset(saved)
    assert window.model_picker.response_format() == "json_object"
    window.save_draft()
    qtbot.waitUntil(
        lambda: (
            json.loads((data_dir / "draft.json").read_text(encoding="utf-8")).get("response_format")
            == "json_object"
        ),
        timeout=3000,
    )


def test_enter_and_focus_out_keep_what_was_typed(
    qtbot: QtBot, make_window: WindowFactory, server: FakeServer
) -> None:
    """Neither a longer remembered ID nor one that differs only in case replaces the text."""
    window = make_window(settings=Settings(models=(ModelEntry(TYPO), ModelEntry("MY-MODEL"))))
    type_model(qtbot, window, WANTED)
    type_user_prompt(qtbot, window, "hello")  # Alt+U: the model box loses the focus
    assert window.model_picker.model() == WANTED
    qtbot.keyClick(window.user_editor.editor, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    combo = window.model_picker.combo
    qtbot.keyClick(combo, Qt.Key.Key_End)
    qtbot.keyClick(combo, Qt.Key.Key_Return)
    close_popup()
    assert window.model_picker.model() == WANTED
    press_send(qtbot, window)
    wait_finished(qtbot, window)
    assert [request.json["model"] for request in server.requests] == [WANTED]


def test_the_list_offers_the_models_used_most_recent_first(
    qtbot: QtBot, make_window: WindowFactory, server: FakeServer
) -> None:
    window = make_window(settings=Settings(max_retries=0))
    for model in ("first-model", "second-model"):
        type_model(qtbot, window, model)
        type_user_prompt(qtbot, window, "hi")
        press_send(qtbot, window)
        wait_finished(qtbot, window)
    combo = window.model_picker.combo
    qtbot.waitUntil(lambda: combo.count() == 2, timeout=3000)
    combo.showPopup()
    view = combo.view()
    assert view is not None
    qtbot.waitUntil(view.isVisible, timeout=2000)
    shown = [view.model().index(row, 0).data() for row in range(view.model().rowCount())]
    combo.hidePopup()
    assert shown == ["second-model", "first-model"]
    assert window.model_picker.model() == "second-model"  # opening the list changed nothing
