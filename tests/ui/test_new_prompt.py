"""File → New prompt: both prompts emptied, the model kept, the preset dropped, and one Ctrl+Z
brings all of it back; after typing, Ctrl+Z is the editor's own again."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.ui.conftest import MODEL, WindowFactory
from tests.ui.helpers import CTRL, focused, type_model, type_system_prompt, type_user_prompt
from zerogpu_desktop.storage import Settings
from zerogpu_desktop.storage.presets.store import Preset, PresetStore
from zerogpu_desktop.ui.main_window import MainWindow
from zerogpu_desktop.ui.new_prompt import NEW_PROMPT_MESSAGE

SYSTEM = "Be brief."
USER = "What is a monad?"


def _new_prompt_by_keyboard(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(focused(window), Qt.Key.Key_N, CTRL)


def test_ctrl_n_empties_both_prompts_keeps_the_model_and_says_how_to_undo(
    qtbot: QtBot, window: MainWindow
) -> None:
    type_model(qtbot, window, MODEL)
    type_system_prompt(qtbot, window, SYSTEM)
    type_user_prompt(qtbot, window, USER)

    _new_prompt_by_keyboard(qtbot, window)

    assert window.system_editor.text() == ""
    assert window.user_editor.text() == ""
    assert window.model_picker.model() == MODEL
    assert window.status.state_label.text() == NEW_PROMPT_MESSAGE
    assert focused(window) is window.user_editor.editor
    assert window.undo_new_prompt_action.isEnabled()

    # One Ctrl+Z, in the user prompt where the focus is, brings back both prompts.
    qtbot.keyClick(window.user_editor.editor, Qt.Key.Key_Z, CTRL)
    assert window.system_editor.text() == SYSTEM
    assert window.user_editor.text() == USER
    assert not window.undo_new_prompt_action.isEnabled()
    # A second Ctrl+Z is the editor's own undo again, not a second restore.
    qtbot.keyClick(window.user_editor.editor, Qt.Key.Key_Z, CTRL)
    assert window.user_editor.text() == ""
    assert window.system_editor.text() == SYSTEM


def test_ctrl_z_in_the_system_prompt_restores_both_as_well(
    qtbot: QtBot, window: MainWindow
) -> None:
    type_system_prompt(qtbot, window, SYSTEM)
    type_user_prompt(qtbot, window, USER)
    window.new_prompt_action.trigger()
    window.system_editor.editor.setFocus()
    qtbot.keyClick(window.system_editor.editor, Qt.Key.Key_Z, CTRL)
    assert (window.system_editor.text(), window.user_editor.text()) == (SYSTEM, USER)


def test_typing_after_new_prompt_makes_ctrl_z_the_editors_again(
    qtbot: QtBot, window: MainWindow
) -> None:
    type_system_prompt(qtbot, window, SYSTEM)
    type_user_prompt(qtbot, window, USER)
    window.new_prompt_action.trigger()
    qtbot.keyClicks(window.user_editor.editor, "x")
    assert not window.undo_new_prompt_action.isEnabled()

    qtbot.keyClick(window.user_editor.editor, Qt.Key.Key_Z, CTRL)

    assert window.user_editor.text() == ""  # the "x" was undone, nothing else
    assert window.system_editor.text() == ""


def test_new_prompt_drops_the_loaded_preset_and_undo_brings_it_back(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    PresetStore(data_dir).save(Preset("Review", MODEL, SYSTEM, USER))
    window = make_window(settings=Settings(max_retries=0))
    library = window.attach_library()
    stored = PresetStore(data_dir).get("Review")
    assert stored is not None
    library.load_preset(stored)
    assert window.windowTitle().startswith("Review")

    window.new_prompt_action.trigger()

    assert library.loaded_preset is None
    assert window.windowTitle() == "ZeroGPU Desktop"
    assert window.preset_label.text() == ""

    qtbot.keyClick(window.user_editor.editor, Qt.Key.Key_Z, CTRL)

    assert library.loaded_preset is not None
    assert library.loaded_preset.name == "Review"
    assert window.windowTitle().startswith("Review")
    assert "(unsaved" not in window.windowTitle()
    assert (window.system_editor.text(), window.user_editor.text()) == (SYSTEM, USER)


def test_new_prompt_on_empty_editors_changes_nothing(qtbot: QtBot, window: MainWindow) -> None:
    window.new_prompt_action.trigger()
    assert not window.undo_new_prompt_action.isEnabled()
    assert window.status.state_label.text() == "The prompts are already empty."


def test_the_menu_entries_exist_with_their_keys(window: MainWindow) -> None:
    file_texts = [action.text() for action in window.file_menu.actions()]
    assert "&New prompt" in file_texts
    assert window.new_prompt_action.shortcut().toString() == "Ctrl+N"
    assert window.undo_new_prompt_action.shortcut().toString() == "Ctrl+Z"
