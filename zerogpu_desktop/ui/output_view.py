"""The Output pane: the answer as Markdown or plain text, copy all, save as .md/.txt.

Large answers are inserted piece by piece, one piece per event-loop
turn, so a multi-megabyte answer never freezes the window.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextDocumentLayout,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from zerogpu_desktop.storage import atomic_write_text
from zerogpu_desktop.ui.markdown_chunks import iter_markdown_pieces

#: Answers up to this size render in one go; bigger ones progressively.
PROGRESSIVE_THRESHOLD = 48_000
MARKDOWN_PIECE_CHARS = 10_000
PLAIN_PIECE_CHARS = 256_000
#: A replaced answer is freed this many characters per event-loop turn: deleting a 2 MB
#: document in one go blocks the window for ~40 ms.
DISPOSE_CHARS = 50_000


class OutputView(QWidget):
    """Shows the answer; keeps the raw text so toggling and saving are lossless.

    Signals:
        rendered(): the whole answer is on screen.
        saved(str): the answer was written to this path.
        save_failed(str): a sentence saying why saving failed.
        markdown_toggled(bool): the user switched rendering.
    """

    rendered = Signal()
    saved = Signal(str)
    save_failed = Signal(str)
    markdown_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._pending: Iterator[str] | None = None
        self._render_timer = QTimer(self)
        self._render_timer.setInterval(0)
        self._render_timer.timeout.connect(self._render_next_piece)
        self._retired: list[QTextDocument] = []
        self._dispose_timer = QTimer(self)
        self._dispose_timer.setInterval(0)
        self._dispose_timer.timeout.connect(self._dispose_next_piece)
        self._dialog: QFileDialog | None = None

        caption = QLabel("&Output", self)
        self.markdown_toggle = QCheckBox("Render &Markdown", self)
        self.markdown_toggle.setAccessibleName("Render Markdown")
        self.markdown_toggle.setChecked(True)
        self.copy_button = QPushButton("&Copy all", self)
        self.copy_button.setAccessibleName("Copy all")
        self.copy_button.setToolTip("Copy the whole answer as Markdown source")
        self.save_button = QPushButton("Sa&ve…", self)
        self.save_button.setAccessibleName("Save output")
        self.save_button.setToolTip("Save the answer as .md or .txt (Ctrl+S)")

        self.browser = QTextBrowser(self)
        self.browser.setAccessibleName("Output")
        self.browser.setOpenExternalLinks(True)
        self.browser.setDocument(self._new_document(plain=False))
        self.browser.setPlaceholderText("The answer appears here. Press Ctrl+Enter to send.")
        self.plain = QPlainTextEdit(self)
        self.plain.setReadOnly(True)
        self.plain.setDocument(self._new_document(plain=True))
        self.plain.setAccessibleName("Output")
        self.plain.setPlaceholderText(self.browser.placeholderText())
        # Read-only views select by mouse only by default: keyboard users need it too.
        for view in (self.browser, self.plain):
            view.setTextInteractionFlags(
                view.textInteractionFlags() | Qt.TextInteractionFlag.TextSelectableByKeyboard
            )
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.browser)
        self.stack.addWidget(self.plain)
        caption.setBuddy(self.browser)
        self._caption = caption

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(caption)
        bar.addStretch(1)
        bar.addWidget(self.markdown_toggle)
        bar.addWidget(self.copy_button)
        bar.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)

        self.markdown_toggle.toggled.connect(self._on_toggle)
        self.copy_button.clicked.connect(self.copy_all)
        self.save_button.clicked.connect(self.ask_save)
        self._update_buttons()

    # -- content -----------------------------------------------------------

    def text(self) -> str:
        return self._text

    def current_view(self) -> QTextBrowser | QPlainTextEdit:
        return self.browser if self.markdown_toggle.isChecked() else self.plain

    def is_rendering(self) -> bool:
        return self._render_timer.isActive()

    def set_markdown_enabled(self, enabled: bool) -> None:
        self.markdown_toggle.setChecked(enabled)

    def set_text(self, text: str) -> None:
        """Shows a new answer, progressively if it is large."""
        self._text = text
        self._render()
        self._update_buttons()

    def clear(self) -> None:
        self.set_text("")

    def _render(self) -> None:
        self._render_timer.stop()
        self._pending = None
        markdown = self.markdown_toggle.isChecked()
        self.stack.setCurrentWidget(self.browser if markdown else self.plain)
        self._caption.setBuddy(self.current_view())
        self._empty(self.browser)
        self._empty(self.plain)
        if len(self._text) <= PROGRESSIVE_THRESHOLD:
            if markdown:
                self.browser.setMarkdown(self._text)
            else:
                self.plain.setPlainText(self._text)
            self.rendered.emit()
            return
        if markdown:
            self._pending = iter_markdown_pieces(self._text, MARKDOWN_PIECE_CHARS)
        else:
            text, step = self._text, PLAIN_PIECE_CHARS
            self._pending = (text[i : i + step] for i in range(0, len(text), step))
        self._render_timer.start()

    def _render_next_piece(self) -> None:
        piece = next(self._pending, None) if self._pending is not None else None
        if piece is None:
            self._render_timer.stop()
            self._pending = None
            for view in (self.browser, self.plain):
                view.verticalScrollBar().setValue(0)
            self.rendered.emit()
            return
        if self.markdown_toggle.isChecked():
            cursor = QTextCursor(self.browser.document())
            cursor.movePosition(QTextCursor.MoveOperation.End)
            cursor.insertMarkdown(piece + "\n")
        else:
            cursor = QTextCursor(self.plain.document())
            cursor.movePosition(QTextCursor.MoveOperation.End)
            cursor.insertText(piece)

    def _new_document(self, *, plain: bool) -> QTextDocument:
        """A document owned by this widget, so that replacing it in a view does not delete it."""
        document = QTextDocument(self)
        document.setUndoRedoEnabled(False)
        if plain:
            document.setDocumentLayout(QPlainTextDocumentLayout(document))
        else:
            document.setDocumentMargin(10)
        return document

    def _empty(self, view: QTextBrowser | QPlainTextEdit) -> None:
        """Empties `view` at once; a large old document is freed a piece per loop turn."""
        old = view.document()
        if old.characterCount() <= DISPOSE_CHARS:
            view.clear()
            return
        view.setDocument(self._new_document(plain=isinstance(view, QPlainTextEdit)))
        self._retired.append(old)
        self._dispose_timer.start()

    def _dispose_next_piece(self) -> None:
        if not self._retired:
            self._dispose_timer.stop()
            return
        document = self._retired[-1]
        size = document.characterCount()
        if size <= DISPOSE_CHARS:
            self._retired.pop()
            document.deleteLater()
            return
        cursor = QTextCursor(document)
        cursor.setPosition(size - 1 - DISPOSE_CHARS)
        cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()

    def _on_toggle(self, checked: bool) -> None:
        self._render()
        self.markdown_toggled.emit(checked)

    def _update_buttons(self) -> None:
        has_text = bool(self._text)
        self.copy_button.setEnabled(has_text)
        self.save_button.setEnabled(has_text)

    # -- actions -------------------------------------------------------------

    def copy_all(self) -> None:
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(self._text)

    def ask_save(self) -> None:
        """Opens a non-modal-loop save dialog (open(), not exec(): qasync-safe)."""
        if not self._text:
            return
        dialog = QFileDialog(self, "Save the answer")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilters(["Markdown (*.md)", "Plain text (*.txt)"])
        dialog.setDefaultSuffix("md")
        dialog.selectFile("answer.md")
        dialog.fileSelected.connect(self.save_to)
        dialog.filterSelected.connect(
            lambda name: dialog.setDefaultSuffix("txt" if "*.txt" in name else "md")
        )
        self._dialog = dialog
        dialog.open()

    def save_to(self, path: str) -> None:
        """Writes the answer atomically; .md and .txt both keep the Markdown source."""
        try:
            atomic_write_text(Path(path), self._text)
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            self.save_failed.emit(f"Could not save to {path}: {reason}.")
            return
        self.saved.emit(path)
