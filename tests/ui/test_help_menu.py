"""Help → Keyboard shortcuts (F1) lists every key the window has, searchable; Help → About
shows versions, the data folder, the keyring backend and the licences, without waiting."""

from __future__ import annotations

import sys
from pathlib import Path

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from tests.credentials.fake_backends import MemoryKeyring
from tests.ui.conftest import WindowFactory
from tests.ui.helpers import focused
from tests.ui.test_accessibility import interactive_widgets, unnamed
from zerogpu_desktop import __version__
from zerogpu_desktop.credentials.backends import backend_name
from zerogpu_desktop.storage import Settings
from zerogpu_desktop.ui.about_dialog import AboutDialog
from zerogpu_desktop.ui.main_window import MainWindow
from zerogpu_desktop.ui.shortcuts_dialog import FIXED_KEYS, ShortcutsDialog
from zerogpu_desktop.ui.window_actions import keyring_backend


def _open_shortcuts(qtbot: QtBot, window: MainWindow) -> ShortcutsDialog:
    qtbot.keyClick(focused(window), Qt.Key.Key_F1)
    dialog = window.help_dialogs.get("shortcuts")
    assert isinstance(dialog, ShortcutsDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=2000)
    return dialog


def _bare(text: str) -> str:
    return text.replace("&", "").rstrip("…").strip()


def test_f1_lists_every_action_with_a_key_including_the_librarys(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.attach_library()
    dialog = _open_shortcuts(qtbot, window)

    assert not dialog.isModal()
    rows = dialog.visible_rows()
    listed = {name for name, _keys in rows}
    expected = {
        _bare(action.text())
        for action in window.actions()
        if any(not key.isEmpty() for key in action.shortcuts())
    }
    assert expected <= listed
    # The library's actions, added after the first frame, are there with their keys.
    assert ("History", "Ctrl+H") in rows
    assert ("Save preset", "Ctrl+Shift+S") in rows
    assert ("New prompt", "Ctrl+N") in rows
    assert ("Keyboard shortcuts", "F1") in rows
    send_keys = dict(rows)["Send"]
    assert "Ctrl+Return" in send_keys
    assert "Ctrl+Enter" in send_keys
    for fixed in FIXED_KEYS:
        assert fixed in rows
    assert {"Tab", "Shift+Tab", "Delete", "Ctrl+Z"} <= {keys for _name, keys in rows}
    assert dialog.table.accessibleName() == "Shortcuts"
    assert dialog.filter_edit.accessibleName() == "Filter shortcuts"
    assert unnamed(interactive_widgets(dialog)) == []


def test_the_filter_narrows_the_list_by_action_or_key(qtbot: QtBot, window: MainWindow) -> None:
    dialog = _open_shortcuts(qtbot, window)
    assert focused_in(dialog) is dialog.filter_edit
    total = len(dialog.visible_rows())

    qtbot.keyClicks(dialog.filter_edit, "markdown")
    assert dialog.visible_rows() == [("Render Markdown", "Ctrl+M")]
    assert "1 of" in dialog.count_label.accessibleDescription()

    dialog.filter_edit.clear()
    qtbot.keyClicks(dialog.filter_edit, "ctrl+shift")
    shown = dialog.visible_rows()
    assert shown
    assert all("Ctrl+Shift" in keys for _name, keys in shown)

    dialog.filter_edit.clear()
    assert len(dialog.visible_rows()) == total
    qtbot.keyClicks(dialog.filter_edit, "no such thing")
    assert dialog.visible_rows() == []


def focused_in(dialog: ShortcutsDialog) -> object:
    dialog.activateWindow()
    return dialog.focusWidget()


def test_escape_closes_the_shortcuts_and_the_window_keeps_working(
    qtbot: QtBot, window: MainWindow
) -> None:
    dialog = _open_shortcuts(qtbot, window)
    qtbot.keyClick(dialog.filter_edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)
    assert window.shortcuts_action.shortcut() == QKeySequence("F1")


def test_about_shows_versions_data_folder_keyring_and_licences(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    window = make_window(settings=Settings(max_retries=0))
    window.about_action.trigger()
    dialog = window.help_dialogs.get("about")
    assert isinstance(dialog, AboutDialog)
    qtbot.waitUntil(dialog.isVisible, timeout=2000)
    assert not dialog.isModal()

    fields = {name: label.text() for name, label in dialog.fields.items()}
    assert fields["Version"] == __version__
    assert fields["Data folder"] == str(data_dir)
    assert dialog.fields["Data folder"].textInteractionFlags() & (
        Qt.TextInteractionFlag.TextSelectableByMouse
    )
    assert fields["Keyring"] == backend_name(MemoryKeyring())
    assert fields["Python"] == sys.version.split()[0]
    assert fields["Qt"] == qVersion()
    assert fields["PySide6"] == PySide6.__version__
    assert fields["Licence of ZeroGPU Desktop"] == "MIT"
    assert fields["Licence of Qt and PySide6"].startswith("LGPL-3.0")
    assert fields["Licence of httpx"] == "BSD-3-Clause"
    assert fields["Licence of qasync"] == "BSD-2-Clause"
    assert fields["Licence of keyring"] == "MIT"
    assert unnamed(interactive_widgets(dialog)) == []
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)


def test_the_keyring_name_is_never_waited_for(make_window: WindowFactory) -> None:
    window = make_window(settings=Settings(max_retries=0), load_key=False)
    assert keyring_backend(window) == "not loaded yet"


def test_the_help_menu_holds_both_entries(window: MainWindow) -> None:
    texts = [action.text() for action in window.help_menu.actions() if not action.isSeparator()]
    assert texts == ["&Keyboard shortcuts", "&About ZeroGPU Desktop"]
