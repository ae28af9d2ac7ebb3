"""The presets filter hands the keyboard on: Down goes into the list, Enter loads the match."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractItemView, QApplication, QDockWidget
from pytestqt.qtbot import QtBot

from tests.ui.conftest import MODEL, WindowFactory
from zerogpu_desktop.storage.presets.store import Preset, PresetStore
from zerogpu_desktop.ui.controls import FOCUS_RING
from zerogpu_desktop.ui.main_window import MainWindow


def test_down_moves_into_the_list_and_enter_loads_the_match(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    store = PresetStore(data_dir)
    store.save(Preset("Code review", MODEL, "You review code.", "Review this."))
    store.save(Preset("Translate", MODEL, "You translate.", "Translate this."))
    window = make_window()
    library = window.attach_library()
    panel = library.presets
    library.presets_dock.raise_()
    panel.filter_edit.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.filter_edit, timeout=2000)

    qtbot.keyClicks(panel.filter_edit, "trans")
    qtbot.keyClick(panel.filter_edit, Qt.Key.Key_Return)
    assert window.user_editor.text() == "Translate this."
    assert "Ctrl+Z" in window.status.state_label.text()

    panel.filter_edit.clear()
    panel.filter_edit.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.filter_edit, timeout=2000)
    qtbot.keyClick(panel.filter_edit, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is panel.list
    assert panel.list.currentRow() >= 0
    assert panel.list.styleSheet() == FOCUS_RING


def assert_ring_only_with_focus(
    qtbot: QtBot, window: MainWindow, view: QAbstractItemView, dock: QDockWidget
) -> None:
    dock.show()
    dock.raise_()
    qtbot.waitUntil(view.isVisible, timeout=2000)
    window.user_editor.editor.setFocus()
    qtbot.waitUntil(lambda: not view.hasFocus(), timeout=2000)
    unfocused = view.grab().toImage()
    view.setFocus()
    qtbot.waitUntil(view.hasFocus, timeout=2000)
    focused = view.grab().toImage()
    highlight = view.palette().color(QPalette.ColorRole.Highlight)
    # The ring is in the highlight colour, at the very edge of the view.
    edge = focused.pixelColor(focused.width() // 2, 0)
    assert edge == highlight, (edge.name(), highlight.name())
    assert unfocused.pixelColor(unfocused.width() // 2, 0) != highlight


def test_the_lists_draw_a_ring_when_they_have_the_keyboard(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    PresetStore(data_dir).save(Preset("Code review", MODEL, "", "Review this."))
    window = make_window()
    library = window.attach_library()
    assert_ring_only_with_focus(qtbot, window, library.presets.list, library.presets_dock)
    assert_ring_only_with_focus(qtbot, window, library.history.table, library.history_dock)
