"""The Output pane: the answer as Markdown or plain text, copy all, save as .md/.txt.

Large answers are inserted piece by piece, one piece per event-loop
turn, so a multi-megabyte answer never freezes the window.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QDesktopServices,
    QFontDatabase,
    QGuiApplication,
    QTextCursor,
    QTextDocument,
)
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
from zerogpu_desktop.ui.answer_json import pretty_json
from zerogpu_desktop.ui.controls import FOCUS_RING
from zerogpu_desktop.ui.markdown_chunks import iter_markdown_pieces
from zerogpu_desktop.ui.markdown_style import (
    COPY_SCHEME,
    CodeBlocks,
    MarkdownColours,
    style_markdown,
)
from zerogpu_desktop.ui.save_folder import SaveFolders

if TYPE_CHECKING:
    from zerogpu_desktop.storage.ui_state import UiStateStore

#: Links in an answer that may open in the desktop's browser or mail program.
_OPENABLE_SCHEMES = frozenset({"http", "https", "mailto"})

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
        code_copied(): a code block's "Copy" link put that block on the clipboard.
        has_answer_changed(bool): whether a current answer is shown (Copy and Save follow it).
    """

    rendered = Signal()
    has_answer_changed = Signal(bool)
    code_copied = Signal()
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
        self._save_folders = SaveFolders()
        self._notice_text = ""
        self._pretty: str | None = None

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
        # Links are handled here: "Copy" links copy a code block, web links open in the
        # browser, and nothing in an answer can make the view navigate to a local file.
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._on_link)
        self._code_blocks = CodeBlocks()
        self.browser.setDocument(self._new_document(plain=False))
        self.browser.setPlaceholderText("The answer appears here. Press Ctrl+Enter to send.")
        self.plain = QPlainTextEdit(self)
        self.plain.setReadOnly(True)
        self.plain.setDocument(self._new_document(plain=True))
        self.plain.setAccessibleName("Output")
        # Raw Markdown tables and code line up only in a fixed-pitch font.
        self.plain.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.plain.setPlaceholderText(self.browser.placeholderText())
        # Read-only views select by mouse only by default: keyboard users need it too.
        for view in (self.browser, self.plain):
            view.setTextInteractionFlags(
                view.textInteractionFlags() | Qt.TextInteractionFlag.TextSelectableByKeyboard
            )
            view.setStyleSheet(FOCUS_RING)
        # While waiting, or after a run that gave no answer, this says so instead of
        # leaving the previous answer on screen as if it were current.
        self.notice = QLabel(self)
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.setWordWrap(True)
        self.notice.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.notice.setAccessibleName("Output")
        self.notice.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.notice.setMargin(12)
        self.origin_label = QLabel(self)
        self.origin_label.setTextFormat(Qt.TextFormat.PlainText)
        self.origin_label.setAccessibleName("Answer origin")
        self.origin_label.setEnabled(False)
        self.origin_label.hide()
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.browser)
        self.stack.addWidget(self.plain)
        self.stack.addWidget(self.notice)
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
        layout.addWidget(self.origin_label)
        layout.addWidget(self.stack, 1)

        self.markdown_toggle.toggled.connect(self._on_toggle)
        self.copy_button.clicked.connect(self.copy_all)
        self.save_button.clicked.connect(self.ask_save)
        self._update_buttons()

    # -- content -----------------------------------------------------------

    def text(self) -> str:
        return self._text

    def current_view(self) -> QTextBrowser | QPlainTextEdit:
        # A big JSON answer is shown in the plain view even in Markdown mode.
        if self.stack.currentWidget() is self.plain:
            return self.plain
        return self.browser if self.markdown_toggle.isChecked() else self.plain

    def is_rendering(self) -> bool:
        return self._render_timer.isActive()

    def set_markdown_enabled(self, enabled: bool) -> None:
        self.markdown_toggle.setChecked(enabled)

    def set_text(self, text: str, origin: str = "") -> None:
        """Shows a new answer, progressively if it is large; `origin` says where it is from."""
        self._text = text
        self._notice_text = ""
        self._pretty = pretty_json(text)
        if self._pretty is not None:
            origin = (
                f"{origin} · Valid JSON, shown indented" if origin else "Valid JSON, shown indented"
            )
        self.origin_label.setText(origin)
        self.origin_label.setAccessibleDescription(origin)
        self.origin_label.setVisible(bool(origin))
        self._render()
        self._update_buttons()

    def clear(self) -> None:
        self.set_text("")

    def show_notice(self, words: str) -> None:
        """No current answer: the old one is removed and `words` say why (waiting, failed)."""
        if self._text or self.origin_label.isVisible():
            self.set_text("")
        self._notice_text = words
        self.notice.setText(words)
        self.notice.setAccessibleDescription(words)
        self.stack.setCurrentWidget(self.notice)

    def notice_text(self) -> str:
        """The words shown instead of an answer, or "" when an answer (or nothing) is shown."""
        return self._notice_text if self.stack.currentWidget() is self.notice else ""

    def origin(self) -> str:
        return self.origin_label.text() if self.origin_label.isVisible() else ""

    def _render(self) -> None:
        self._render_timer.stop()
        self._pending = None
        markdown = self.markdown_toggle.isChecked()
        self.stack.setCurrentWidget(self.browser if markdown else self.plain)
        self._caption.setBuddy(self.current_view())
        self._empty(self.browser)
        self._empty(self.plain)
        self._code_blocks.clear()
        shown = self._text if self._pretty is None else self._pretty
        if len(shown) <= PROGRESSIVE_THRESHOLD:
            if markdown:
                self.browser.setMarkdown(
                    shown if self._pretty is None else f"```json\n{shown}\n```"
                )
                self._style(0)
            else:
                self.plain.setPlainText(shown)
            self.rendered.emit()
            return
        if markdown and self._pretty is None:
            self._pending = iter_markdown_pieces(self._text, MARKDOWN_PIECE_CHARS)
        else:
            if markdown:  # big JSON: plain text, as there is no Markdown to parse
                self.stack.setCurrentWidget(self.plain)
                self._caption.setBuddy(self.plain)
            text, step = shown, PLAIN_PIECE_CHARS
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
        if self.markdown_toggle.isChecked() and self._pretty is None:
            cursor = QTextCursor(self.browser.document())
            cursor.movePosition(QTextCursor.MoveOperation.End)
            start = cursor.position()
            cursor.insertMarkdown(piece + "\n")
            self._style(start)
        else:
            cursor = QTextCursor(self.plain.document())
            cursor.movePosition(QTextCursor.MoveOperation.End)
            cursor.insertText(piece)

    def _style(self, start: int) -> None:
        colours = MarkdownColours.from_palette(self.browser.palette())
        style_markdown(self.browser.document(), start, colours, self._code_blocks)

    def _on_link(self, url: QUrl) -> None:
        if url.scheme() == COPY_SCHEME:
            index = url.path()
            source = self._code_blocks.source(int(index)) if index.isdigit() else None
            if source is not None:
                QGuiApplication.clipboard().setText(source)
                self.code_copied.emit()
        elif url.scheme().lower() in _OPENABLE_SCHEMES:
            QDesktopServices.openUrl(url)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        """A theme change recolours the code boxes and table rules of the answer shown."""
        super().changeEvent(event)
        if (
            event.type() == QEvent.Type.PaletteChange
            and self._text
            and self.markdown_toggle.isChecked()
            and not self.is_rendering()
        ):
            self._render()

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
        if self.stack.currentWidget() is self.notice:
            self.markdown_toggled.emit(checked)
            return
        self._render()
        self.markdown_toggled.emit(checked)

    def _update_buttons(self) -> None:
        has_text = bool(self._text)
        self.copy_button.setEnabled(has_text)
        self.save_button.setEnabled(has_text)
        self.has_answer_changed.emit(has_text)

    # -- actions -------------------------------------------------------------

    def enable_with_answer(self, *actions: QAction) -> None:
        """Keeps `actions` (the window's Save and Copy) enabled only while an answer is shown."""
        for action in actions:
            action.setEnabled(bool(self._text))
            self.has_answer_changed.connect(action.setEnabled)

    def remember_folders_in(self, state: UiStateStore) -> None:
        """Keeps the folder of the last Save in `state`, so it is still there after a restart."""
        self._save_folders = SaveFolders(state)

    def copy_all(self) -> None:
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(self._text)

    def ask_save(self) -> None:
        """Opens a non-modal-loop save dialog (open(), not exec(): qasync-safe)."""
        if not self._text:
            return
        dialog = QFileDialog(self, "Save the answer", str(self._save_folders.folder()))
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
        """Writes the answer atomically; .md and .txt both keep the Markdown source.

        An answer saved is the user's document: it gets the mode any new file gets (the
        umask's, usually 0644), not the 0600 of the app's own files, and its folder is where
        the next Save opens.
        """
        try:
            atomic_write_text(Path(path), self._text, private=False)
            self._save_folders.remember(Path(path).parent)
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            self.save_failed.emit(f"Could not save to {path}: {reason}.")
            return
        self.saved.emit(path)
