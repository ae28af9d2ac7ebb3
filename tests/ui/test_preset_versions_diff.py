"""The diff window: two versions side by side, changed words marked, in light and dark.

What is checked is what is drawn: the character formats of the text views at the words that
changed (and at words that did not), the labels and the names a screen reader announces.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QApplication, QPlainTextEdit
from pytestqt.qtbot import QtBot

from tests.ui.preset_versions_helpers import (
    FIRST,
    MODEL,
    NAME,
    SECOND,
    SYSTEM,
    click_version,
    diff_window,
    make_panel,
    pick,
    select_preset,
    three_versions,
)
from zerogpu_desktop.storage.presets.store import Preset, PresetStore
from zerogpu_desktop.ui.palette import tone
from zerogpu_desktop.ui.preset_diff_dialog import FieldRow, PresetDiffDialog, highlight_colour
from zerogpu_desktop.ui.presets_panel import PresetsPanel
from zerogpu_desktop.ui.theme import apply_theme


@pytest.fixture
def back_to_the_system_theme(qapp: QApplication) -> Iterator[None]:
    yield
    apply_theme(qapp, "system")


def char_format(pane: QPlainTextEdit, word: str, offset: int = 0) -> QTextCharFormat:
    """The format of the character `offset` into the first `word` of the pane's text."""
    text = pane.toPlainText()
    index = text.index(word) + offset
    position = len(text[:index].encode("utf-16-le")) // 2  # Qt counts UTF-16 units
    cursor = QTextCursor(pane.document())
    cursor.setPosition(position + 1)  # a cursor reports the format of the character before it
    return cursor.charFormat()


def background(pane: QPlainTextEdit, word: str) -> str | None:
    brush = char_format(pane, word).background()
    return brush.color().name() if brush.style() != Qt.BrushStyle.NoBrush else None


def row(dialog: PresetDiffDialog, label: str) -> FieldRow:
    [found] = [each for each in dialog.rows if each.field.label == label]
    return found


def open_diff(qtbot: QtBot, panel: PresetsPanel, *numbers: int) -> PresetDiffDialog:
    view = select_preset(qtbot, panel)
    if len(numbers) == 1:
        click_version(qtbot, view, numbers[0])
    else:
        pick(qtbot, view, *numbers)
    qtbot.mouseClick(view.diff_button, Qt.MouseButton.LeftButton)
    return diff_window(qtbot, view)


def test_two_versions_side_by_side_with_the_changed_words_marked(
    qtbot: QtBot, data_dir: Path
) -> None:
    panel = make_panel(qtbot, three_versions(data_dir))
    dialog = open_diff(qtbot, panel, 3, 1)

    assert dialog.windowTitle() == f"“{NAME}”: v1 ↔ v3"
    assert not dialog.isModal()
    assert dialog.summary.text() == "Changed: Model, User prompt."
    user = row(dialog, "User prompt")
    assert user.old_pane.toPlainText() == FIRST
    assert user.new_pane.toPlainText() == SECOND
    assert user.label.text() == "User prompt — changed (1 removed, 2 added)"
    removed = highlight_colour("removed")
    added = highlight_colour("added")
    assert background(user.old_pane, "three") == removed
    assert char_format(user.old_pane, "three").fontStrikeOut()
    assert background(user.old_pane, "tides") is None
    assert background(user.new_pane, "five") == added
    assert background(user.new_pane, "short") == added
    assert char_format(user.new_pane, "short").fontUnderline()
    assert background(user.new_pane, "lines") is None
    assert user.old_pane.accessibleName() == "Version 1, User prompt"
    assert user.new_pane.accessibleName() == "Version 3, User prompt"
    assert user.old_pane.accessibleDescription() == "1 word removed."
    assert user.new_pane.accessibleDescription() == "2 words added."
    assert user.old_pane.isReadOnly()
    assert user.new_pane.isReadOnly()

    system = row(dialog, "System prompt")
    assert not system.old_pane.isVisible()
    assert not system.label.isVisible()
    dialog.show_unchanged.click()
    assert system.old_pane.isVisible()
    assert system.new_pane.isVisible()
    assert system.label.text() == "System prompt — unchanged"
    assert not system.label.isEnabled()
    assert char_format(system.new_pane, "short").foreground().color() == QColor(tone("muted"))
    assert system.new_pane.accessibleDescription() == "Unchanged."

    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)


def test_one_picked_version_is_compared_with_the_current_one(qtbot: QtBot, data_dir: Path) -> None:
    panel = make_panel(qtbot, three_versions(data_dir))
    dialog = open_diff(qtbot, panel, 2)
    assert dialog.windowTitle() == f"“{NAME}”: v2 ↔ v3"
    assert dialog.summary.text() == "Changed: Model."
    model = row(dialog, "Model")
    assert background(model.old_pane, "tiny") == highlight_colour("removed")
    assert background(model.new_pane, "translator") == highlight_colour("added")


def test_the_two_sides_of_a_field_scroll_together(qtbot: QtBot, data_dir: Path) -> None:
    store = PresetStore(data_dir)
    lines = [f"Step {n}: check the tide tables." for n in range(200)]
    store.save(Preset(NAME, MODEL, SYSTEM, "\n".join(lines)))
    lines[150] = "Step 150: check the moon."
    store.save(Preset(NAME, MODEL, SYSTEM, "\n".join(lines)))
    panel = make_panel(qtbot, store)
    dialog = open_diff(qtbot, panel, 1)
    user = row(dialog, "User prompt")
    left, right = user.old_pane.verticalScrollBar(), user.new_pane.verticalScrollBar()
    qtbot.waitUntil(lambda: left.maximum() > 100, timeout=2000)
    left.setValue(120)
    assert right.value() == 120
    right.setValue(40)
    assert left.value() == 40
    assert background(user.new_pane, "moon") == highlight_colour("added")


def test_an_emoji_before_a_change_does_not_shift_the_mark(qtbot: QtBot, data_dir: Path) -> None:
    store = PresetStore(data_dir)
    store.save(Preset(NAME, MODEL, SYSTEM, "🌊🌊 Summarise the tides in three lines."))
    store.save(Preset(NAME, MODEL, SYSTEM, "🌊🌊 Summarise the tides in five lines."))
    dialog = open_diff(qtbot, make_panel(qtbot, store), 1)
    user = row(dialog, "User prompt")
    assert background(user.old_pane, "three") == highlight_colour("removed")
    assert background(user.old_pane, " lines") is None
    assert background(user.new_pane, "five") == highlight_colour("added")
    assert background(user.new_pane, "tides") is None


def test_the_same_content_says_so_and_shows_every_field(qtbot: QtBot, data_dir: Path) -> None:
    store = three_versions(data_dir)
    store.restore(NAME, 1)
    dialog = open_diff(qtbot, make_panel(qtbot, store), 4, 1)
    assert dialog.summary.text() == "Nothing differs: both versions hold the same prompt setup."
    assert dialog.show_unchanged.isChecked()
    assert all(each.old_pane.isVisible() for each in dialog.rows)
    assert all(not each.field.changed for each in dialog.rows)


def test_a_huge_rewrite_is_marked_by_lines_without_freezing(qtbot: QtBot, data_dir: Path) -> None:
    store = PresetStore(data_dir)
    store.save(
        Preset(NAME, MODEL, SYSTEM, "\n".join(f"Line {n} is high tide." for n in range(3000)))
    )
    rewritten = "\n".join(f"Row {n} says the wind is low today." for n in range(3000))
    store.save(Preset(NAME, MODEL, SYSTEM, rewritten))
    panel = make_panel(qtbot, store)
    started = time.monotonic()
    dialog = open_diff(qtbot, panel, 1)
    assert time.monotonic() - started < 5
    user = row(dialog, "User prompt")
    assert user.diff.by_lines
    assert user.label.text().endswith(", compared by lines)")
    assert background(user.new_pane, "Row 2999") == highlight_colour("added")
    assert background(user.old_pane, "Line 0") == highlight_colour("removed")


def test_dark_theme_marks_in_its_own_colours_and_follows_a_switch(
    qtbot: QtBot, qapp: QApplication, data_dir: Path, back_to_the_system_theme: None
) -> None:
    apply_theme(qapp, "dark")
    dialog = open_diff(qtbot, make_panel(qtbot, three_versions(data_dir)), 1, 3)
    user = row(dialog, "User prompt")
    dark_removed = background(user.old_pane, "three")
    assert dark_removed == highlight_colour("removed")
    assert QColor(dark_removed).lightness() < 100, "a dark mark keeps light text readable"
    assert QColor(background(user.new_pane, "five")).lightness() < 100

    apply_theme(qapp, "light")
    qtbot.waitUntil(lambda: background(user.old_pane, "three") != dark_removed, timeout=2000)
    assert background(user.old_pane, "three") == highlight_colour("removed")
    assert QColor(background(user.old_pane, "three")).lightness() > 180


def test_the_shown_prompts_take_the_room_the_hidden_ones_leave(
    qtbot: QtBot, data_dir: Path
) -> None:
    store = PresetStore(data_dir)
    long_prompt = "\n".join(f"Step {n}: check the tide tables." for n in range(60))
    store.save(Preset(NAME, MODEL, "You are brief.\nAnswer in one line.", long_prompt))
    store.save(Preset(NAME, MODEL, "You are thorough.\nAnswer in one line.", long_prompt))
    dialog = open_diff(qtbot, make_panel(qtbot, store), 1)
    system, user = row(dialog, "System prompt"), row(dialog, "User prompt")
    assert not user.old_pane.isVisible()
    qtbot.waitUntil(lambda: system.old_pane.height() > dialog.height() // 2, timeout=2000)

    dialog.show_unchanged.click()
    qtbot.waitUntil(lambda: user.old_pane.height() > system.old_pane.height(), timeout=2000)
    bar = dialog.body_scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: not bar.isVisible(), timeout=2000)  # every field fits as it is
