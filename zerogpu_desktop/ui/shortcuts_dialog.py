"""Help → Keyboard shortcuts: every key of the window, searchable.

The list is read from the window's actions when the dialog opens, so an action added later
(the library's, attached after the first frame) or a key changed in code is never missing or
stale; the keys that belong to widgets rather than actions are listed beside them.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

#: Keys handled by the editors and lists themselves, which no action shows (Send's
#: Ctrl+Enter and Cancel's Esc are actions, listed with them).
FIXED_KEYS: tuple[tuple[str, str], ...] = (
    ("Undo in an editor (after New prompt: bring the previous prompt back)", "Ctrl+Z"),
    ("Redo in an editor", "Ctrl+Shift+Z"),
    ("Move to the next control", "Tab"),
    ("Move to the previous control", "Shift+Tab"),
    ("Forget the selected model (in the model list)", "Delete"),
    ("Run the evaluation (in the Evaluate panel)", "Ctrl+Shift+Enter"),
    ("Tick or untick a model (in the Evaluate models list)", "Space"),
    ("Open a result in full (in the Evaluate grid)", "Enter"),
    ("Compare the columns again (in the Compare window)", "Ctrl+Enter"),
    ("Cancel every column, or close (in the Compare window)", "Esc"),
    ("Rate good / bad, clear the rating, edit the note (in the History list)", "G / B / C / N"),
)


def action_rows(actions: Iterable[QAction]) -> list[tuple[str, str]]:
    """(what it does, its keys) for every action with a shortcut, each action once."""
    rows: list[tuple[str, str]] = []
    seen: set[int] = set()
    for action in actions:
        keys = [key for key in action.shortcuts() if not key.isEmpty()]
        if not keys or id(action) in seen:
            continue
        seen.add(id(action))
        name = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        shown = " or ".join(key.toString(QKeySequence.SequenceFormat.NativeText) for key in keys)
        rows.append((name.rstrip("…").rstrip(".").strip(), shown))
    return rows


class ShortcutsDialog(QDialog):
    """A filter box over a two-column table (action, keys); non-modal, Esc closes it."""

    def __init__(self, rows: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.setAccessibleName("Keyboard shortcuts")
        self.setModal(False)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter: type part of an action or a key")
        self.filter_edit.setAccessibleName("Filter shortcuts")
        self.filter_edit.setClearButtonEnabled(True)
        for button in self.filter_edit.findChildren(QToolButton):
            button.setAccessibleName("Clear the filter")
        label = QLabel("&Find:", self)
        label.setBuddy(self.filter_edit)
        self.table = QTableWidget(len(rows), 2, self)
        self.table.setAccessibleName("Shortcuts")
        self.table.setHorizontalHeaderLabels(["Action", "Keys"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        for row, (name, keys) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(name))
            self.table.setItem(row, 1, QTableWidgetItem(keys))
        self.count_label = QLabel("", self)
        self.count_label.setAccessibleName("Shortcuts shown")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(buttons)
        self.filter_edit.textChanged.connect(self.apply_filter)
        self.resize(560, 480)
        self.apply_filter("")
        self.filter_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def event(self, event: QEvent) -> bool:
        """Esc closes this dialog, even though the window's Esc (Cancel) is active."""
        if claims_escape(event):
            return True
        return super().event(event)

    def apply_filter(self, text: str) -> None:
        """Shows the rows whose action or keys contain every word typed."""
        words = text.casefold().split()
        shown = 0
        for row in range(self.table.rowCount()):
            haystack = " ".join(
                item.text() for column in (0, 1) if (item := self.table.item(row, column))
            ).casefold()
            visible = all(word in haystack for word in words)
            self.table.setRowHidden(row, not visible)
            shown += visible
        total = self.table.rowCount()
        sentence = f"{shown} of {total} shortcuts shown"
        self.count_label.setText(sentence)
        self.count_label.setAccessibleDescription(sentence)

    def visible_rows(self) -> list[tuple[str, str]]:
        """The rows the filter leaves, as (action, keys)."""
        return [
            (self._cell(row, 0), self._cell(row, 1))
            for row in range(self.table.rowCount())
            if not self.table.isRowHidden(row)
        ]

    def _cell(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""


def claims_escape(event: QEvent) -> bool:
    """Takes Esc for a help dialog before the window's Esc shortcut (Cancel) can.

    The window's actions stay active while one of its non-modal dialogs has the focus; a
    shortcut override for Esc makes Esc reach the dialog, which closes.
    """
    if (
        event.type() == QEvent.Type.ShortcutOverride
        and isinstance(event, QKeyEvent)
        and event.key() == Qt.Key.Key_Escape
    ):
        event.accept()
        return True
    return False


def window_shortcut_rows(window: QWidget) -> list[tuple[str, str]]:
    """Every action of `window` with a key, then the fixed keys, as the dialog lists them."""
    return [*action_rows(window.actions()), *FIXED_KEYS]
