"""A labelled plain-text editor for a prompt, with a monospace option."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget


class PromptEditor(QWidget):
    """A caption with a mnemonic over a QPlainTextEdit (undo, copy and paste built in).

    QPlainTextEdit rather than QTextEdit: it lays out lazily, so a
    100 KB prompt still types without lag.
    """

    def __init__(
        self, caption: str, accessible_name: str, placeholder: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._monospace = False
        self.label = QLabel(caption, self)
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName(accessible_name.replace(" ", "_").lower())
        self.editor.setAccessibleName(accessible_name)
        self.editor.setPlaceholderText(placeholder)
        self.editor.setTabChangesFocus(True)
        self.label.setBuddy(self.editor)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.label)
        layout.addWidget(self.editor, 1)

    def text(self) -> str:
        return self.editor.toPlainText()

    def set_text(self, text: str) -> None:
        """Replaces the text as one undoable step, so a restore can be undone."""
        if text != self.editor.toPlainText():
            cursor = self.editor.textCursor()
            cursor.select(cursor.SelectionType.Document)
            cursor.insertText(text)
            self.editor.setTextCursor(cursor)

    def set_monospace(self, enabled: bool) -> None:
        if enabled == self._monospace:
            return
        self._monospace = enabled
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont) if enabled else QFont()
        self.editor.setFont(font)
