"""The Presets panel's versions: listed after saves, restored (and restored back), compared.

A real `PresetStore` in a temporary data folder; everything is clicked or typed as a person
would, and what is asserted is what the list, the buttons and the status message show, plus
the store where the promise is about what is kept.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.ui.preset_versions_helpers import (
    CTRL,
    FIRST,
    NAME,
    OTHER_MODEL,
    SECOND,
    SHIFT,
    SYSTEM,
    Editors,
    click_version,
    diff_window,
    item_of,
    make_panel,
    pick,
    rows,
    select_preset,
    three_versions,
)
from tests.ui.test_layout import clipped_controls, cut_button_texts, show_at
from zerogpu_desktop.storage.presets.store import Preset, PresetStore
from zerogpu_desktop.ui.main_window import MainWindow


def test_the_versions_are_listed_newest_first_with_what_changed(
    qtbot: QtBot, data_dir: Path
) -> None:
    panel = make_panel(qtbot, three_versions(data_dir))
    view = select_preset(qtbot, panel)

    assert view.toggle.text() == "Versions (3)"
    assert rows(view) == [
        f"v3 · 2 Dec 14:07 · current | {OTHER_MODEL} · changed: Model",
        "v2 · 2 Dec 14:06 | acme/tiny-chat-1 · changed: User prompt",
        "v1 · 2 Dec 14:05 | acme/tiny-chat-1 · first version",
    ]
    assert item_of(view, 3).font().bold()
    assert not item_of(view, 2).font().bold()


def test_a_save_from_the_panel_adds_a_version_to_the_list(qtbot: QtBot, data_dir: Path) -> None:
    editors = Editors()
    panel = make_panel(qtbot, three_versions(data_dir), editors)
    view = select_preset(qtbot, panel)
    click_version(qtbot, view, 2)

    editors.user = "Summarise the tides in one line."
    panel.save_as(NAME, replace_existing=True)

    assert rows(view)[0].startswith("v4 · ")
    assert "current" in rows(view)[0]
    assert "changed: Model, User prompt" in rows(view)[0]
    assert len(rows(view)) == 4
    assert view.selected_numbers() == [2], "a refresh keeps what was picked"


def test_restore_adds_a_version_and_a_second_restore_undoes_it(
    qtbot: QtBot, data_dir: Path
) -> None:
    store = three_versions(data_dir)
    panel = make_panel(qtbot, store)
    view = select_preset(qtbot, panel)
    click_version(qtbot, view, 3)
    assert not view.restore_button.isEnabled(), "the current version is already current"
    click_version(qtbot, view, 1)
    assert view.restore_button.isEnabled()

    with qtbot.waitSignal(panel.message) as told, qtbot.waitSignal(panel.restored) as restored:
        qtbot.mouseClick(view.restore_button, Qt.MouseButton.LeftButton)

    assert told.args == ["Restored v1 as v4. Restore v3 to undo."]
    assert isinstance(restored.args[0], Preset)
    assert restored.args[0].version == 4
    preset = store.get(NAME)
    assert preset is not None
    assert (preset.version, preset.user_prompt, preset.model) == (4, FIRST, "acme/tiny-chat-1")
    assert rows(view)[0].startswith("v4 · ")
    assert "current" in rows(view)[0]
    assert "restored from v1" in rows(view)[0]
    assert view.selected_numbers() == [4]
    assert not view.restore_button.isEnabled()
    assert QApplication.focusWidget() is view.list

    click_version(qtbot, view, 3)
    with qtbot.waitSignal(panel.message) as told:
        qtbot.mouseClick(view.restore_button, Qt.MouseButton.LeftButton)

    assert told.args == ["Restored v3 as v5. Restore v4 to undo."]
    preset = store.get(NAME)
    assert preset is not None
    assert (preset.version, preset.user_prompt, preset.model) == (5, SECOND, OTHER_MODEL)
    assert [v.number for v in store.versions(NAME)] == [1, 2, 3, 4, 5]
    assert "restored from v3" in rows(view)[0]
    # Restored from disk too: another store over the same folder sees the same history.
    assert [v.number for v in PresetStore(data_dir).versions(NAME)] == [1, 2, 3, 4, 5]


def test_compare_answers_asks_for_the_two_picked_versions(qtbot: QtBot, data_dir: Path) -> None:
    panel = make_panel(qtbot, three_versions(data_dir))
    view = select_preset(qtbot, panel)
    assert not view.compare_button.isEnabled()
    pick(qtbot, view, 3, 1)

    with qtbot.waitSignal(panel.compare_versions_requested) as asked:
        qtbot.mouseClick(view.compare_button, Qt.MouseButton.LeftButton)
    assert asked.args == [NAME, [1, 3]]

    click_version(qtbot, view, 2)  # one picked: against the current version
    with qtbot.waitSignal(panel.compare_versions_requested) as asked:
        view.compare_action.trigger()
    assert asked.args == [NAME, [2, 3]]


def test_a_third_pick_drops_the_first_one(qtbot: QtBot, data_dir: Path) -> None:
    panel = make_panel(qtbot, three_versions(data_dir))
    view = select_preset(qtbot, panel)
    pick(qtbot, view, 3, 2)
    click_version(qtbot, view, 1, CTRL)
    assert view.selected_numbers() == [1, 2]
    assert not item_of(view, 3).isSelected()
    assert sorted(view.list.row(item) for item in view.list.selectedItems()) == [1, 2]

    click_version(qtbot, view, 3)
    click_version(qtbot, view, 1, SHIFT)  # a range: its two ends are the pair
    assert view.selected_numbers() == [1, 3]
    assert not item_of(view, 2).isSelected()

    view.list.setFocus()
    qtbot.keyClick(view.list, Qt.Key.Key_Home)
    qtbot.keyClick(view.list, Qt.Key.Key_Down, SHIFT)
    assert view.selected_numbers() == [2, 3]
    qtbot.keyClick(view.list, Qt.Key.Key_Down, SHIFT)
    assert view.selected_numbers() == [1, 3]


def test_the_versions_work_from_the_keyboard_alone(qtbot: QtBot, data_dir: Path) -> None:
    store = three_versions(data_dir)
    panel = make_panel(qtbot, store)
    panel.list.setFocus()
    qtbot.waitUntil(panel.list.hasFocus, timeout=2000)
    qtbot.keyClick(panel.list, Qt.Key.Key_Down)
    assert panel.selected_name() == NAME
    view = panel.versions

    # Tab goes on from the presets' buttons to the section's header and into the list.
    for _ in range(12):
        if view.list.hasFocus():
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert view.list.hasFocus()
    listed = view.list
    qtbot.keyClick(listed, Qt.Key.Key_Home)
    qtbot.keyClick(listed, Qt.Key.Key_Down)
    assert view.selected_numbers() == [2]
    qtbot.keyClick(listed, Qt.Key.Key_Down, SHIFT)
    assert view.selected_numbers() == [1, 2]

    qtbot.keyClick(listed, Qt.Key.Key_Return)  # Enter shows the diff of the pair
    dialog = diff_window(qtbot, view)
    assert (dialog.older.number, dialog.newer.number) == (1, 2)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)

    # Ctrl+arrows move without picking; Space picks the version under the cursor.
    listed.setFocus()
    qtbot.keyClick(listed, Qt.Key.Key_Home)
    qtbot.keyClick(listed, Qt.Key.Key_Down, CTRL)
    qtbot.keyClick(listed, Qt.Key.Key_Down, CTRL)
    qtbot.keyClick(listed, Qt.Key.Key_Space)
    assert view.selected_numbers() == [1, 3]
    qtbot.keyClick(listed, Qt.Key.Key_Space, CTRL)  # Ctrl+Space drops it again
    assert view.selected_numbers() == [3]

    qtbot.keyClick(listed, Qt.Key.Key_Up)  # a plain arrow picks only the one it lands on
    assert view.selected_numbers() == [2]
    for _ in range(4):
        if view.restore_button.hasFocus():
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert view.restore_button.hasFocus()
    with qtbot.waitSignal(panel.message) as told:
        qtbot.keyClick(view.restore_button, Qt.Key.Key_Space)
    assert told.args == ["Restored v2 as v4. Restore v3 to undo."]
    assert QApplication.focusWidget() is view.list


def test_the_buttons_and_the_menu_have_names_and_follow_the_pick(
    qtbot: QtBot, data_dir: Path
) -> None:
    panel = make_panel(qtbot, three_versions(data_dir))
    view = select_preset(qtbot, panel)
    assert [a.text().replace("&", "") for a in view.list.actions()] == [
        "Diff",
        "Restore",
        "Compare answers",
    ]
    names = {b.accessibleName() for b in (view.diff_button, view.restore_button)}
    assert names == {"Diff versions", "Restore version"}
    assert view.compare_button.accessibleName() == "Compare answers"
    assert view.list.accessibleName() == "Versions"
    assert view.toggle.accessibleName() == "Hide versions"
    enabled = [a.isEnabled() for a in view.list.actions()]
    assert enabled == [False, False, False]
    click_version(qtbot, view, 2)
    assert [a.isEnabled() for a in view.list.actions()] == [True, True, True]
    pick(qtbot, view, 2, 1)
    assert [a.isEnabled() for a in view.list.actions()] == [True, False, True]


def test_the_section_folds_away_and_reads_the_store_again_when_opened(
    qtbot: QtBot, data_dir: Path
) -> None:
    store = three_versions(data_dir)
    panel = make_panel(qtbot, store)
    view = select_preset(qtbot, panel)
    list_height = panel.list.height()
    qtbot.mouseClick(view.toggle, Qt.MouseButton.LeftButton)
    assert not view.list.isVisible()
    assert view.toggle.accessibleName() == "Show versions"
    qtbot.waitUntil(lambda: panel.list.height() > list_height, timeout=2000)

    store.save(Preset(NAME, OTHER_MODEL, SYSTEM + " Very short ones.", SECOND))
    qtbot.mouseClick(view.toggle, Qt.MouseButton.LeftButton)
    assert view.list.isVisible()
    assert view.toggle.text() == "Versions (4)"
    assert "changed: System prompt" in rows(view)[0]


def test_without_a_selected_preset_the_section_says_what_to_do(
    qtbot: QtBot, data_dir: Path
) -> None:
    panel = make_panel(qtbot, three_versions(data_dir))
    view = panel.versions
    assert panel.selected_name() is None
    assert view.empty_label.isVisible()
    assert view.empty_label.text() == "Select a preset to see its versions."
    assert not view.list.isVisible()
    assert view.toggle.text() == "Versions"


def test_the_panel_with_its_versions_fits_an_800_by_600_window(
    qtbot: QtBot, window: MainWindow, data_dir: Path
) -> None:
    three_versions(data_dir)
    show_at(qtbot, window, 800, 600)
    panel = window.attach_library().presets
    panel.refresh()
    window.presets_dock.raise_()
    select_preset(qtbot, panel)
    QApplication.processEvents()
    view = panel.versions
    assert view.list.isVisible()
    assert view.compare_button.isVisible()
    assert view.list.height() >= 2 * view.list.sizeHintForRow(0)
    assert clipped_controls(window) + cut_button_texts(window) == []

    dock = window.presets_dock  # and at the narrowest the side panel goes
    window.resizeDocks([dock], [100], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: dock.width() <= 200, timeout=2000)
    QApplication.processEvents()
    assert clipped_controls(window) + cut_button_texts(window) == []
    width = view.list.viewport().width()
    for row in range(view.list.count()):  # rows wrap to the panel, never run off its side
        assert view.list.visualItemRect(view.list.item(row)).right() < width
