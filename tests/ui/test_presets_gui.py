"""Presets in the window: save, load, filter, rename, duplicate, delete and undo, import, export.

Everything is typed and clicked as a person would; the dialogs (opened with `open()`)
are found on screen and answered there. What is asserted is what the person sees: the
list, the editors, the window title, the "Loaded preset" label, the status bar and the
banner, plus the presets file where the promise is about the disk.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QListWidget, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from tests.ui.conftest import API_KEY, MODEL, WindowFactory
from tests.ui.helpers import (
    CTRL,
    answer_name,
    answer_question,
    banner_text,
    click_button,
    focused,
    no_dialog_open,
    type_model,
    type_system_prompt,
    type_user_prompt,
    wait_dialog,
)
from zerogpu_desktop.storage import ModelEntry, Settings
from zerogpu_desktop.storage.presets.store import Preset, PresetStore
from zerogpu_desktop.ui.main_window import MainWindow

SHIFT = Qt.KeyboardModifier.ShiftModifier
SYSTEM = "You review Python code."
USER = "Review this function."
TRANSLATOR = "acme/translator-2"
ENTRY_FIELDS = {
    "name",
    "model",
    "system_prompt",
    "user_prompt",
    "input_token_limit",
    "response_format",
    "variables",
    "created",
    "updated",
}


def listed(window: MainWindow) -> list[str]:
    """The names in the Presets list, top to bottom."""
    presets: QListWidget = window.library.presets.list
    return [presets.item(row).text() for row in range(presets.count())]


def preset_label(window: MainWindow) -> str:
    """The "Loaded preset" label as plain words."""
    return re.sub(r"<[^>]+>", "", window.preset_label.text())


def title(window: MainWindow) -> str:
    return window.windowTitle()


def press_save_preset(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(focused(window), Qt.Key.Key_S, CTRL | SHIFT)


def select_preset(qtbot: QtBot, window: MainWindow, name: str) -> QListWidget:
    """Clicks the preset called `name` in the list (which gets the focus)."""
    presets = window.library.presets.list
    [item] = presets.findItems(name, Qt.MatchFlag.MatchExactly)
    qtbot.mouseClick(
        presets.viewport(), Qt.MouseButton.LeftButton, pos=presets.visualItemRect(item).center()
    )
    assert presets.currentItem() is item
    presets.setFocus()
    return presets


def highlight_preset(qtbot: QtBot, window: MainWindow, name: str) -> QListWidget:
    """Moves to the preset called `name` with the arrow keys (which does not load it)."""
    presets = window.library.presets.list
    presets.setFocus()
    qtbot.keyClick(presets, Qt.Key.Key_Home)
    for _ in range(presets.count()):
        item = presets.currentItem()
        if item is not None and item.text() == name:
            return presets
        qtbot.keyClick(presets, Qt.Key.Key_Down)
    raise AssertionError(f"no preset {name!r} in the list")


def stored(data_dir: Path, name: str) -> Preset:
    """The preset `name` as the presets file holds it now."""
    preset = PresetStore(data_dir).get(name)
    assert preset is not None, f"no preset {name!r} on disk"
    return preset


def seed_presets(data_dir: Path, *presets: Preset) -> None:
    store = PresetStore(data_dir)
    for preset in presets:
        store.save(preset)


CODE_REVIEW = Preset("Code review", MODEL, SYSTEM, USER, input_token_limit=4096)
TRANSLATE = Preset(
    "Translate", TRANSLATOR, "Translate into French.", "Good morning", input_token_limit=8192
)


def test_save_as_preset_then_save_over_it_with_the_same_keys(
    qtbot: QtBot, window: MainWindow, data_dir: Path
) -> None:
    type_model(qtbot, window, MODEL)
    type_system_prompt(qtbot, window, SYSTEM)
    type_user_prompt(qtbot, window, USER)
    assert title(window) == "ZeroGPU Desktop"

    # Nothing is loaded, so Ctrl+Shift+S asks for a name.
    press_save_preset(qtbot, window)
    answer_name(qtbot, "Code review")

    assert listed(window) == ["Code review"]
    assert title(window) == "Code review — ZeroGPU Desktop"
    assert preset_label(window) == "Preset: Code review"
    assert window.status.state_label.text() == "Saved preset “Code review”."
    first = stored(data_dir, "Code review")
    assert (first.model, first.system_prompt, first.user_prompt) == (MODEL, SYSTEM, USER)

    # An edit is an unsaved change, shown in the label and the title.
    type_user_prompt(qtbot, window, " Be brief.")
    qtbot.waitUntil(lambda: title(window) == "Code review * — ZeroGPU Desktop", timeout=2000)
    assert preset_label(window) == "Preset: Code review (unsaved changes)"

    # Ctrl+Shift+S now saves over the loaded preset without a question.
    press_save_preset(qtbot, window)
    assert QApplication.activeModalWidget() is None
    qtbot.waitUntil(lambda: title(window) == "Code review — ZeroGPU Desktop", timeout=2000)
    assert preset_label(window) == "Preset: Code review"
    assert listed(window) == ["Code review"]
    saved = stored(data_dir, "Code review")
    assert saved.user_prompt == USER + " Be brief."
    assert saved.created == first.created

    # Undoing the edit is a change again; the marker is about content, not keystrokes.
    qtbot.keyClick(window.user_editor.editor, Qt.Key.Key_Z, CTRL)
    qtbot.waitUntil(lambda: title(window) == "Code review * — ZeroGPU Desktop", timeout=2000)


def test_load_from_the_keyboard_and_with_the_load_button(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    seed_presets(data_dir, CODE_REVIEW, TRANSLATE)
    window = make_window(settings=Settings(max_retries=0))
    type_user_prompt(qtbot, window, "my own draft")

    # Ctrl+Shift+P goes to the filter; Down goes into the list; Down, Enter loads.
    qtbot.keyClick(focused(window), Qt.Key.Key_P, CTRL | SHIFT)
    panel = window.library.presets
    assert focused(window) is panel.filter_edit
    assert listed(window) == ["Code review", "Translate"]
    qtbot.keyClick(panel.filter_edit, Qt.Key.Key_Down)
    assert focused(window) is panel.list
    assert panel.selected_name() == "Code review"
    qtbot.keyClick(panel.list, Qt.Key.Key_Down)
    assert panel.selected_name() == "Translate"
    qtbot.keyClick(panel.list, Qt.Key.Key_Return)

    assert window.model_picker.model() == TRANSLATOR
    assert window.system_editor.text() == "Translate into French."
    assert window.user_editor.text() == "Good morning"
    assert window.model_picker.limit.value() == 8192
    assert window.session.settings.current.input_limit_for(TRANSLATOR) == 8192
    assert title(window) == "Translate — ZeroGPU Desktop"
    assert preset_label(window) == "Preset: Translate"
    assert window.status.state_label.text().startswith("Loaded preset “Translate”.")
    assert focused(window) is window.user_editor.editor

    # What was in the editors is one Ctrl+Z away.
    qtbot.keyClick(window.user_editor.editor, Qt.Key.Key_Z, CTRL)
    assert window.user_editor.text() == "my own draft"
    qtbot.keyClick(window.user_editor.editor, Qt.Key.Key_Z, CTRL | SHIFT)
    assert window.user_editor.text() == "Good morning"

    # One click on the name loads it.
    window.user_editor.set_text("changed again")
    select_preset(qtbot, window, "Code review")
    assert window.user_editor.text() == USER
    # The Load button does the same for the highlighted preset.
    window.user_editor.set_text("changed once more")
    qtbot.mouseClick(panel.load_button, Qt.MouseButton.LeftButton)
    assert window.model_picker.model() == MODEL
    assert (window.system_editor.text(), window.user_editor.text()) == (SYSTEM, USER)
    assert window.model_picker.limit.value() == 4096
    assert title(window) == "Code review — ZeroGPU Desktop"
    # Loading is not an edit: no "unsaved changes" once the estimate catches up.
    qtbot.wait(250)
    assert title(window) == "Code review — ZeroGPU Desktop"


def test_filter_rename_duplicate_delete_and_undo(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    seed_presets(data_dir, CODE_REVIEW, TRANSLATE)
    window = make_window(settings=Settings(max_retries=0))
    panel = window.library.presets
    qtbot.keyClick(focused(window), Qt.Key.Key_P, CTRL | SHIFT)

    qtbot.keyClicks(panel.filter_edit, "TRANS")
    assert listed(window) == ["Translate"]
    qtbot.keyClick(panel.filter_edit, Qt.Key.Key_A, CTRL)
    qtbot.keyClick(panel.filter_edit, Qt.Key.Key_Backspace)
    assert listed(window) == ["Code review", "Translate"]

    # F2 renames the selected preset; the loaded one follows its new name.
    select_preset(qtbot, window, "Translate")
    qtbot.mouseClick(panel.load_button, Qt.MouseButton.LeftButton)
    assert title(window) == "Translate — ZeroGPU Desktop"
    presets = select_preset(qtbot, window, "Translate")
    qtbot.keyClick(presets, Qt.Key.Key_F2)
    answer_name(qtbot, "French")
    assert listed(window) == ["Code review", "French"]
    assert panel.selected_name() == "French"
    assert title(window) == "French — ZeroGPU Desktop"
    assert window.status.state_label.text() == "Renamed “Translate” to “French”."

    # Renaming onto another preset's name is refused with a sentence; nothing changes.
    qtbot.keyClick(select_preset(qtbot, window, "French"), Qt.Key.Key_F2)
    answer_name(qtbot, "code REVIEW")
    assert listed(window) == ["Code review", "French"]
    assert "already exists" in banner_text(window)

    # Duplicate.
    select_preset(qtbot, window, "Code review")
    qtbot.mouseClick(panel.duplicate_button, Qt.MouseButton.LeftButton)
    assert listed(window) == ["Code review", "Code review (copy)", "French"]
    assert panel.selected_name() == "Code review (copy)"
    copy = stored(data_dir, "Code review (copy)")
    assert copy.same_content(Preset("Code review (copy)", MODEL, SYSTEM, USER, 4096))

    # The Delete key deletes at once; Undo brings it back exactly.
    before = stored(data_dir, "Code review")
    qtbot.keyClick(select_preset(qtbot, window, "Code review"), Qt.Key.Key_Delete)
    assert listed(window) == ["Code review (copy)", "French"]
    assert PresetStore(data_dir).get("Code review") is None
    assert panel.undo_button.isVisible()
    assert panel.undo_label.text() == "Deleted “Code review”."
    qtbot.mouseClick(panel.undo_button, Qt.MouseButton.LeftButton)
    assert listed(window) == ["Code review", "Code review (copy)", "French"]
    assert not panel.undo_button.isVisible()
    assert stored(data_dir, "Code review") == before


def test_save_as_an_existing_name_asks_before_replacing(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    seed_presets(data_dir, CODE_REVIEW)
    window = make_window(settings=Settings(max_retries=0))
    panel = window.library.presets
    type_model(qtbot, window, "acme/other-model")
    type_user_prompt(qtbot, window, "Something else entirely")

    # "Save as…" offers the selected name; keeping it asks first. No keeps the old one.
    highlight_preset(qtbot, window, "Code review")
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    answer_name(qtbot, "Code review")
    question = answer_question(qtbot, "No")
    assert "A preset named “Code review” already exists" in question
    kept = stored(data_dir, "Code review")
    assert (kept.model, kept.user_prompt) == (MODEL, USER)
    assert title(window) == "ZeroGPU Desktop"

    # Yes replaces it with what is in the editors, and it becomes the loaded preset.
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    answer_name(qtbot, "Code review")
    answer_question(qtbot, "Yes")
    replaced = stored(data_dir, "Code review")
    assert (replaced.model, replaced.user_prompt) == ("acme/other-model", "Something else entirely")
    assert replaced.created == kept.created
    assert listed(window) == ["Code review"]
    assert title(window) == "Code review — ZeroGPU Desktop"


def test_export_holds_only_documented_fields_and_never_the_key(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path, tmp_path: Path
) -> None:
    seed_presets(data_dir, CODE_REVIEW, TRANSLATE)
    window = make_window(settings=Settings(max_retries=0))

    everything = tmp_path / "all.json"
    window.library.transfer.export_to(everything)
    assert window.status.state_label.text() == f"Exported 2 presets to {everything}."
    raw = everything.read_bytes()
    assert API_KEY.encode() not in raw
    document = json.loads(raw)
    assert set(document) == {"format", "version", "presets"}
    assert (document["format"], document["version"]) == ("zerogpu-desktop-presets", 1)
    assert [entry["name"] for entry in document["presets"]] == ["Code review", "Translate"]
    for entry in document["presets"]:
        assert set(entry) == ENTRY_FIELDS

    one = tmp_path / "one.json"
    window.library.transfer.export_to(one, ["Translate"])
    assert [entry["name"] for entry in json.loads(one.read_text())["presets"]] == ["Translate"]
    assert API_KEY.encode() not in one.read_bytes()


def _import_file(tmp_path: Path, *presets: Preset) -> Path:
    path = tmp_path / "incoming.json"
    source = tmp_path / "source"
    source.mkdir(exist_ok=True)
    store = PresetStore(source)
    for preset in presets:
        store.save(preset)
    store.export_to_file(path)
    return path


INCOMING = Preset("Code review", "acme/imported", "Imported system.", "Imported user.")
NEW_ONE = Preset("Fresh", MODEL, "", "A new one")


def test_import_with_a_clash_keep_both_skip_and_replace(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path, tmp_path: Path
) -> None:
    seed_presets(data_dir, CODE_REVIEW)
    window = make_window(settings=Settings(max_retries=0))
    incoming = _import_file(tmp_path, INCOMING, NEW_ONE)

    # Cancel: nothing happens.
    window.library.transfer.import_from(incoming)
    question = answer_question(qtbot, "Cancel")
    assert "These presets exist already: “Code review”." in question
    assert "Keep both (the imported ones get a new name), replace yours, or skip them?" in question
    assert listed(window) == ["Code review"]

    # Keep both: the imported one gets a new name, nothing is overwritten.
    window.library.transfer.import_from(incoming)
    box = wait_dialog(qtbot, QMessageBox)
    offered = [b.text() for b in box.findChildren(QPushButton) if b.isVisible()]
    assert {"Keep both", "Replace", "Skip", "Cancel"} <= set(offered)
    click_button(qtbot, box, "Keep both")
    no_dialog_open(qtbot)
    assert listed(window) == ["Code review", "Code review (imported)", "Fresh"]
    assert stored(data_dir, "Code review").user_prompt == USER
    assert stored(data_dir, "Code review (imported)").user_prompt == "Imported user."
    assert "Imported 2 presets" in window.status.state_label.text()

    # Skip: the clashing ones are left alone (Fresh now clashes too).
    window.library.transfer.import_from(incoming)
    question = answer_question(qtbot, "Skip")
    assert "“Code review”, “Fresh”" in question
    assert listed(window) == ["Code review", "Code review (imported)", "Fresh"]
    assert stored(data_dir, "Code review").user_prompt == USER

    # Replace: only when chosen.
    window.library.transfer.import_from(incoming)
    answer_question(qtbot, "Replace")
    assert listed(window) == ["Code review", "Code review (imported)", "Fresh"]
    mine = stored(data_dir, "Code review")
    assert (mine.model, mine.user_prompt) == ("acme/imported", "Imported user.")


def test_importing_a_file_that_is_not_presets_says_so_and_loses_nothing(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path, tmp_path: Path
) -> None:
    seed_presets(data_dir, CODE_REVIEW, TRANSLATE)
    before = (data_dir / "presets.json").read_bytes()
    window = make_window(settings=Settings(max_retries=0))

    for name, content in (
        ("notes.json", b"this is not JSON at all"),
        ("other.json", b'{"format": "something-else", "version": 1, "presets": []}'),
    ):
        bad = tmp_path / name
        bad.write_bytes(content)
        window.library.transfer.import_from(bad)
        assert QApplication.activeModalWidget() is None
        assert f"{name}: " in banner_text(window)
        assert "presets file" in banner_text(window)
        assert listed(window) == ["Code review", "Translate"]
        assert (data_dir / "presets.json").read_bytes() == before


def test_a_corrupt_presets_file_is_moved_aside_and_the_app_says_so(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    (data_dir / "presets.json").write_bytes(b'{"format": "zerogpu-desktop-presets", "vers')

    window = make_window(settings=Settings(max_retries=0))

    assert listed(window) == []
    words = banner_text(window)
    assert "presets" in words.lower()
    assert "The old file was kept as " in words
    assert "presets.json.corrupt-" in words
    [aside] = list(data_dir.glob("presets.json.corrupt-*"))
    assert aside.read_bytes() == b'{"format": "zerogpu-desktop-presets", "vers'
    assert not (data_dir / "presets.json").exists()

    # The app works on: a new preset is saved into a fresh file.
    type_model(qtbot, window, MODEL)
    type_user_prompt(qtbot, window, USER)
    qtbot.keyClick(focused(window), Qt.Key.Key_S, CTRL | SHIFT)
    answer_name(qtbot, "After the crash")
    assert listed(window) == ["After the crash"]
    assert stored(data_dir, "After the crash").user_prompt == USER
    assert aside.exists()


def test_a_preset_without_a_limit_is_not_changed_by_the_models_limit(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    seed_presets(data_dir, Preset("No limit", MODEL, "", "Hello"))
    window = make_window(settings=Settings(max_retries=0, models=(ModelEntry(MODEL, 4096),)))
    select_preset(qtbot, window, "No limit")
    qtbot.keyClick(window.library.presets.list, Qt.Key.Key_Return)
    assert window.model_picker.limit.value() == 4096  # the model's own limit stays
    qtbot.wait(250)  # the estimate (and the title) catch up after typing pauses
    assert title(window) == "No limit — ZeroGPU Desktop"
    assert preset_label(window) == "Preset: No limit"

    # A real edit still shows.
    type_user_prompt(qtbot, window, "!")
    qtbot.waitUntil(lambda: title(window) == "No limit * — ZeroGPU Desktop", timeout=2000)


def test_export_the_selected_preset_only(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path, tmp_path: Path
) -> None:
    seed_presets(data_dir, CODE_REVIEW, TRANSLATE)
    window = make_window(settings=Settings(max_retries=0))
    library = window.library
    assert library is not None
    highlight_preset(qtbot, window, "Translate")
    library.transfer.ask_export(selected_only=True)
    dialog = qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None) or (
        QApplication.activeModalWidget()
    )
    assert dialog is not None
    target = tmp_path / "one.json"
    dialog.fileSelected.emit(str(target))  # type: ignore[attr-defined]
    dialog.reject()  # type: ignore[attr-defined]
    exported = json.loads(target.read_text(encoding="utf-8"))
    assert [p["name"] for p in exported["presets"]] == ["Translate"]
    assert API_KEY.encode() not in target.read_bytes()
