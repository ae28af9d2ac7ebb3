"""Small building blocks the panels share: named buttons, widget-local keys, Yes/No questions,
and the dialogs a panel has open."""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget


def named_button(text: str, accessible_name: str, parent: QWidget) -> QPushButton:
    """A button with the name a screen reader announces (its text may carry a mnemonic)."""
    button = QPushButton(text, parent)
    button.setAccessibleName(accessible_name)
    return button


#: A list, table or text view shows clearly that it has the keyboard: styles such as Fusion
#: draw no focus frame around item views, and a keyboard user must see where keys go.
FOCUS_RING = (
    "QAbstractItemView:focus, QAbstractScrollArea:focus "
    "{ border: 2px solid palette(highlight); border-radius: 3px; }"
)


def widget_key(
    key: QKeySequence | QKeySequence.StandardKey | str, widget: QWidget, slot: Callable[[], object]
) -> QShortcut:
    """A key that acts only while `widget` has the focus (Delete in a list, F2 to rename)."""
    shortcut = QShortcut(QKeySequence(key), widget)
    shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
    shortcut.activated.connect(slot)
    return shortcut


def confirm_box(
    parent: QWidget, title: str, text: str, on_yes: Callable[[], object]
) -> QMessageBox:
    """A Yes/No question opened with `open()` (never `exec()`); `on_yes` runs only on Yes."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.setAccessibleName(title)

    def finished(_result: int) -> None:
        if box.standardButton(box.clickedButton()) == QMessageBox.StandardButton.Yes:
            on_yes()
        box.deleteLater()

    box.finished.connect(finished)
    box.open()
    return box


class OpenDialogs:
    """Keeps the dialogs opened with `open()` alive until they close.

    Without a Python reference a dialog's wrapper may be collected while it is on screen;
    a finished dialog deletes itself (`deleteLater`), so its wrapper is dropped, never touched.
    """

    def __init__(self) -> None:
        self._dialogs: list[QWidget] = []

    def open(self, dialog: QWidget) -> None:
        self._dialogs = [d for d in self._dialogs if shiboken6.isValid(d) and d.isVisible()]
        self._dialogs.append(dialog)
        dialog.open()  # type: ignore[attr-defined]
