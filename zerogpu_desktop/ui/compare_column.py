"""One column of the Compare view: its model or version, the answer, the figures, the rating.

A column finishes on its own: it shows "Waiting…" with the elapsed time until its outcome
arrives, then the answer (Markdown, or plain text with the changed words marked while it is
one of the two columns being compared), the tokens, the duration and the truncation verdict,
or the failure's sentence. Once its run is in the history it can be rated good or bad, with
a note.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from zerogpu_desktop.safe_text import safe_for_display
from zerogpu_desktop.ui.controls import FOCUS_RING, named_button
from zerogpu_desktop.ui.markdown_style import CodeBlocks, MarkdownColours, style_markdown
from zerogpu_desktop.ui.output_view import PROGRESSIVE_THRESHOLD
from zerogpu_desktop.ui.palette import is_dark, tone, truncation_colour
from zerogpu_desktop.workbench.compare_display import ColumnDisplay, utf16_ranges

if TYPE_CHECKING:
    from zerogpu_desktop.workbench.outcome import RunOutcome

__all__ = ["MAX_NOTE_CHARS", "CompareColumnView"]

#: The note on a rating, as the history keeps it.
MAX_NOTE_CHARS = 2000
#: A column is never narrower than this (px): beyond the window's width the row scrolls.
COLUMN_MIN_WIDTH = 260
_HIGHLIGHT = {False: "#fff1a8", True: "#6b5a00"}
"""The changed words' background, for a light and for a dark window."""
_SHORT_VERDICT = {"not_truncated": "Not truncated", "unknown": "Truncation unknown"}


class CompareColumnView(QFrame):
    """What one column shows, and its rating controls.

    Signals:
        rated(str | None, str): the user rated the answer ("good", "bad" or None to clear)
            and the note as it is now.
        use_model(str): "Use this model" was pressed; the column's model.
    """

    rated = Signal(object, str)
    use_model = Signal(str)

    def __init__(self, label: str, model: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = label
        self.model = model
        self.history_id: int | None = None
        self._answer: str | None = None
        self._rating: str | None = None
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumWidth(COLUMN_MIN_WIDTH)
        shown = safe_for_display(label)
        self.setAccessibleName(f"Column {shown}")

        self.title = QLabel(shown, self)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setAccessibleName(f"Column {shown}")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.use_button = named_button("Use this model", f"Use the model {shown}", self)
        self.use_button.setToolTip("Put this column's model in the window's model box")
        self.state = QLabel("Waiting…", self)
        self.state.setTextFormat(Qt.TextFormat.PlainText)
        self.state.setWordWrap(True)
        self.state.setAccessibleName(f"State of {shown}")
        self.browser = QTextBrowser(self)
        self.browser.setOpenLinks(False)
        self.browser.setOpenExternalLinks(False)
        self.browser.setAccessibleName(f"Answer from {shown}")
        self.browser.setStyleSheet(FOCUS_RING)
        self.browser.setTextInteractionFlags(
            self.browser.textInteractionFlags() | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.browser.document().setUndoRedoEnabled(False)
        self._code_blocks = CodeBlocks()
        self.figures = QLabel("", self)
        self.figures.setTextFormat(Qt.TextFormat.PlainText)
        self.figures.setWordWrap(True)
        self.figures.setAccessibleName(f"Figures of {shown}")
        self.good_button = self._rating_button("Good", f"Rate the answer from {shown} good")
        self.bad_button = self._rating_button("Bad", f"Rate the answer from {shown} bad")
        self.note_edit = QLineEdit(self)
        self.note_edit.setPlaceholderText("Note (saved with the rating)")
        self.note_edit.setAccessibleName(f"Note on the answer from {shown}")
        self.note_edit.setMaxLength(MAX_NOTE_CHARS)
        self.note_edit.setAcceptDrops(False)

        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.use_button)
        rating = QHBoxLayout()
        rating.addWidget(self.good_button)
        rating.addWidget(self.bad_button)
        rating.addWidget(self.note_edit, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.state)
        layout.addWidget(self.browser, 1)
        layout.addWidget(self.figures)
        layout.addLayout(rating)

        self.use_button.clicked.connect(lambda: self.use_model.emit(self.model))
        self.good_button.clicked.connect(lambda: self._toggle("good"))
        self.bad_button.clicked.connect(lambda: self._toggle("bad"))
        self.note_edit.editingFinished.connect(self._note_done)
        self._set_rating_enabled(False)

    def __repr__(self) -> str:
        return f"CompareColumnView(label={self.label!r}, answered={self._answer is not None})"

    def _rating_button(self, text: str, name: str) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setCheckable(True)
        button.setAccessibleName(name)
        button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # A pressed toggle must read as chosen at a glance, in either theme.
        button.setStyleSheet(
            "QToolButton:checked { background: palette(highlight); "
            "color: palette(highlighted-text); border-radius: 3px; }"
        )
        return button

    # -- the outcome ------------------------------------------------------------------

    @property
    def answer(self) -> str | None:
        """The answer text, or None while running or after a failure."""
        return self._answer

    @property
    def rating(self) -> str | None:
        return self._rating

    def set_elapsed(self, seconds: float) -> None:
        if self._answer is None and self.state.text().startswith("Waiting"):
            self._say(f"Waiting for {safe_for_display(self.model)}… {seconds:.1f} s")

    def set_outcome(self, outcome: RunOutcome) -> None:
        """The column ended: its answer and figures, or the sentence of what went wrong."""
        response = outcome.response if outcome.succeeded else None
        if response is None:
            words = outcome.explanation
            sentence = words.as_line() if words is not None else "No answer."
            self._answer = None
            self._say(safe_for_display(sentence), "bad" if not outcome.cancelled else "muted")
            self.browser.clear()
            self.figures.setText(f"{outcome.seconds:.2f} s")
            return
        self._answer = response.text
        self._say(f"Answered in {outcome.seconds:.2f} s")
        self._show_figures(outcome)

    def _show_figures(self, outcome: RunOutcome) -> None:
        response = outcome.response
        usage = response.usage if response is not None else None
        parts = []
        if usage is not None:
            parts.append(
                f"In {usage.input_tokens:,} · Out {usage.output_tokens:,} · "
                f"Total {usage.total_tokens:,} tokens"
            )
        else:
            parts.append("usage not reported")
        parts.append(f"{outcome.seconds:.2f} s")
        assessment = outcome.assessment
        if assessment is not None:
            status = assessment.status
            parts.append(_SHORT_VERDICT.get(status.value, assessment.explanation.rstrip(".")))
            self.figures.setToolTip(assessment.explanation)
            self.figures.setStyleSheet(f"color: {truncation_colour(status)};")
        text = " · ".join(parts)
        self.figures.setText(text)
        self.figures.setAccessibleDescription(
            text + (f". {assessment.explanation}" if assessment is not None else "")
        )

    def set_recorded(self, history_id: int | None) -> None:
        """The run is in the history: it can be rated from now on."""
        self.history_id = history_id
        self._set_rating_enabled(history_id is not None)

    def _say(self, text: str, colour: str | None = None) -> None:
        self.state.setText(text)
        self.state.setAccessibleDescription(text)
        self.state.setStyleSheet(f"color: {tone(colour)};" if colour else "")

    # -- what is shown ----------------------------------------------------------------

    def show_display(self, display: ColumnDisplay) -> None:
        """Shows `display`: the changed words marked, or the answer as Markdown."""
        if self._answer is None:
            return
        text = display.text
        scroll = self.browser.verticalScrollBar().value()
        self._code_blocks.clear()
        if display.compared or len(text) > PROGRESSIVE_THRESHOLD:
            self.browser.setPlainText(text)
            self._mark(text, display.highlights)
        else:
            self.browser.setMarkdown(text)
            colours = MarkdownColours.from_palette(self.browser.palette())
            style_markdown(self.browser.document(), 0, colours, self._code_blocks)
        notes = []
        if display.compared:
            count = len(display.highlights)
            noun = "passage" if count == 1 else "passages"
            notes.append(
                f"{count} changed {noun} marked" + (" by line" if display.by_lines else "")
            )
        if display.cut:
            notes.append(f"only the first {len(text):,} characters shown; History has it all")
        if display.folded:
            noun = "paragraph" if display.folded == 1 else "paragraphs"
            notes.append(f"{display.folded} {noun} shared by every answer folded")
        self.browser.setAccessibleDescription("; ".join(notes))
        self.browser.setToolTip("; ".join(notes))
        self.browser.verticalScrollBar().setValue(scroll)

    def _mark(self, text: str, ranges: tuple[tuple[int, int], ...]) -> None:
        if not ranges:
            return
        marked = QTextCharFormat()
        marked.setBackground(QColor(_HIGHLIGHT[is_dark()]))
        marked.setFontUnderline(True)  # not by colour alone
        document = self.browser.document()
        cursor = QTextCursor(document)
        cursor.beginEditBlock()
        for start, length in utf16_ranges(text, ranges):
            cursor.setPosition(start)
            cursor.setPosition(start + length, QTextCursor.MoveMode.KeepAnchor)
            cursor.mergeCharFormat(marked)
        cursor.endEditBlock()

    # -- rating -----------------------------------------------------------------------

    def _set_rating_enabled(self, enabled: bool) -> None:
        tip = "" if enabled else "Rating is possible once the answer is in the history."
        for control in (self.good_button, self.bad_button, self.note_edit):
            control.setEnabled(enabled)
            control.setToolTip(tip)

    def set_rating(self, rating: str | None) -> None:
        """Shows `rating` ("good", "bad" or None) without telling anyone."""
        self._rating = rating
        self.good_button.setChecked(rating == "good")
        self.bad_button.setChecked(rating == "bad")

    def _toggle(self, rating: str) -> None:
        self.set_rating(None if self._rating == rating else rating)
        self.rated.emit(self._rating, self.note_edit.text())

    def _note_done(self) -> None:
        if self.note_edit.isModified():
            self.note_edit.setModified(False)
            self.rated.emit(self._rating, self.note_edit.text())
