"""A labelled plain-text editor for a prompt, with a monospace option."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QObject, QPoint
from PySide6.QtGui import QFont, QFontDatabase, QHelpEvent
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QToolTip, QVBoxLayout, QWidget

from zerogpu_desktop.ui.variable_highlighter import UNFILLED_TIP, VariableHighlighter


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
        self.highlighter = VariableHighlighter(self.editor.document())
        # The wavy mark alone does not say what it means: hovering it does.
        self.editor.viewport().installEventFilter(self)
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

    def set_known_variables(self, names: Iterable[str]) -> None:
        """Variables with a value are highlighted plainly; the others are marked."""
        self.highlighter.set_known_values(names)

    def variable_tip_at(self, x: int, y: int) -> str:
        """The hover tip at viewport point (x, y): why a variable is marked, else ""."""
        cursor = self.editor.cursorForPosition(QPoint(x, y))
        name = self.highlighter.unfilled_at(cursor.block().text(), cursor.positionInBlock())
        return UNFILLED_TIP.format(name=name) if name is not None else ""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if (
            watched is self.editor.viewport()
            and event.type() == QEvent.Type.ToolTip
            and isinstance(event, QHelpEvent)
        ):
            tip = self.variable_tip_at(event.pos().x(), event.pos().y())
            if tip:
                QToolTip.showText(event.globalPos(), tip, self.editor.viewport())
                return True
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.highlighter.restyle()
