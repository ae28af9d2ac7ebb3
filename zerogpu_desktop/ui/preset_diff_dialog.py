"""Two versions of a preset side by side: every field, the words that changed marked.

Left is always the older version, right the newer one, whichever order they were picked in,
so "removed" reads on the left and "added" on the right. Colour alone never carries a change:
removed words are also struck through and added ones underlined, each field's label says
whether it changed and by how many words, and each pane's accessible description says the
same to a screen reader.

The word diff runs on the GUI thread with one shared deadline: past it, the remaining fields
are compared by lines (`word_diff`'s own fallback), so a pair of huge prompts never freezes
the window.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from zerogpu_desktop.safe_text import safe_for_display
from zerogpu_desktop.ui.palette import is_dark, tone
from zerogpu_desktop.ui.preset_version_text import changed_count, changed_labels, version_title
from zerogpu_desktop.workbench.preset_diff import FieldDiff, field_diffs
from zerogpu_desktop.workbench.word_diff import TextDiff, word_diff

if TYPE_CHECKING:
    from zerogpu_desktop.storage.presets.versions import PresetVersion

__all__ = ["DIFF_SECONDS", "PresetDiffDialog", "highlight_colour"]

#: How long all the fields' word diffs may take together before the rest go by lines.
DIFF_SECONDS = 0.2
#: A field this long, or with a line break, gets a tall pane; shorter ones get one line.
SHORT_FIELD_CHARS = 80
#: The least lines a tall pane shows, so a prompt is never squeezed to nothing.
TALL_LINES = 4
#: Beyond this many lines, a longer prompt gets no larger share of the window.
MAX_WEIGHT = 30

#: Backgrounds of removed and added words: pale on a light window, deep on a dark one, so
#: the palette's own text colour keeps its contrast on both.
_HIGHLIGHTS = {
    False: {"removed": "#ffd7d5", "added": "#c8f0d0"},
    True: {"removed": "#6e2b2b", "added": "#1e5631"},
}


def highlight_colour(kind: str) -> str:
    """The background of "removed" or "added" words for the current palette."""
    return _HIGHLIGHTS[is_dark()][kind]


@dataclass(frozen=True, slots=True)
class FieldRow:
    """One field's widgets and diff, so the toggle and the repaint can reach them."""

    field: FieldDiff
    label: QLabel
    old_pane: QPlainTextEdit
    new_pane: QPlainTextEdit
    diff: TextDiff
    old_text: str
    new_text: str
    grid_row: int
    weight: int
    """Its share of the height (0: one line, fixed)."""


class PresetDiffDialog(QDialog):
    """A non-modal window comparing two versions of one preset, field by field.

    Attributes:
        older, newer: The two versions, older on the left.
        rows: One per field, in the order of `DIFF_FIELDS`.
    """

    def __init__(
        self,
        name: str,
        first: PresetVersion,
        second: PresetVersion,
        current: int | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.older, self.newer = sorted((first, second), key=lambda v: v.number)
        self.setModal(False)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        title = f"“{safe_for_display(name)}”: v{self.older.number} ↔ v{self.newer.number}"
        self.setWindowTitle(title)
        self.setAccessibleName(title)

        fields = field_diffs(self.older, self.newer)
        changed = changed_labels(fields)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setText(
            "Changed: " + ", ".join(changed) + "."
            if changed
            else "Nothing differs: both versions hold the same prompt setup."
        )
        self.show_unchanged = QCheckBox("Show unchanged fields", self)
        self.show_unchanged.setAccessibleName("Show unchanged fields")
        # With nothing changed, hiding the unchanged fields would leave an empty window.
        self.show_unchanged.setChecked(not changed)

        body = QWidget(self)
        grid = QGridLayout(body)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        for column, version in enumerate((self.older, self.newer)):
            heading = QLabel(version_title(version, current), body)
            bold = heading.font()
            bold.setBold(True)
            heading.setFont(bold)
            heading.setMinimumWidth(1)  # may be cut in a narrow window; never wrapped (below)
            grid.addWidget(heading, 0, column)
        deadline = time.monotonic() + DIFF_SECONDS
        self.rows = [
            self._add_row(grid, 1 + 2 * number, field, deadline)
            for number, field in enumerate(fields)
        ]
        self._grid = grid
        self._filler_row = 1 + 2 * len(fields)  # takes the room no tall pane is there to take
        self.body_scroll = scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.show_unchanged)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)

        self.show_unchanged.toggled.connect(self._show_rows)
        self._show_rows()
        self._paint()
        self._fit_to_screen()

    # -- building ---------------------------------------------------------------------

    def _add_row(self, grid: QGridLayout, row: int, field: FieldDiff, deadline: float) -> FieldRow:
        old_text, new_text = _one_newline(field.old), _one_newline(field.new)
        diff = word_diff(old_text, new_text, deadline=deadline)
        label = QLabel(_row_label(field, diff, old_text, new_text), self)
        # Not wrapped: a wrapping label makes the scroll area size its content by the text
        # views' preferred heights, so it would scroll where their least heights fit.
        label.setMinimumWidth(1)
        label.setEnabled(field.changed)  # an unchanged field's label is dimmed
        old_pane = self._pane(self.older, field, old_text, diff, removed=True)
        new_pane = self._pane(self.newer, field, new_text, diff, removed=False)
        label.setBuddy(old_pane)
        tall = any(len(text) > SHORT_FIELD_CHARS or "\n" in text for text in (old_text, new_text))
        for pane in (old_pane, new_pane):
            lines = TALL_LINES if tall else 1
            height = pane.fontMetrics().lineSpacing() * lines
            height += int(2 * pane.document().documentMargin()) + 2 * pane.frameWidth() + 2
            (pane.setMinimumHeight if tall else pane.setFixedHeight)(height)
        _sync_scrolling(old_pane, new_pane)
        grid.addWidget(label, row, 0, 1, 2)
        grid.addWidget(old_pane, row + 1, 0)
        grid.addWidget(new_pane, row + 1, 1)
        # Room is shared by length, so a two-line prompt leaves it to a long one beside it.
        weight = _weight(old_text, new_text) if tall else 0
        return FieldRow(field, label, old_pane, new_pane, diff, old_text, new_text, row, weight)

    def _pane(
        self, version: PresetVersion, field: FieldDiff, text: str, diff: TextDiff, *, removed: bool
    ) -> QPlainTextEdit:
        pane = QPlainTextEdit(self)
        pane.setReadOnly(True)
        pane.setTabChangesFocus(True)
        pane.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        pane.setPlainText(text)
        pane.setPlaceholderText(
            "(not set)" if field.attribute == "input_token_limit" else "(empty)"
        )
        pane.setAccessibleName(f"Version {version.number}, {field.label}")
        ranges = diff.old_ranges if removed else diff.new_ranges
        if not field.changed:
            pane.setAccessibleDescription("Unchanged.")
        else:
            count = changed_count(text, ranges)
            what = "removed" if removed else "added"
            pane.setAccessibleDescription(f"{count} {_words(count)} {what}.")
        return pane

    # -- showing ----------------------------------------------------------------------

    def _show_rows(self) -> None:
        every = self.show_unchanged.isChecked()
        tall_shown = False
        for row in self.rows:
            visible = every or row.field.changed
            tall_shown = tall_shown or (visible and row.weight > 0)
            for widget in (row.label, row.old_pane, row.new_pane):
                widget.setVisible(visible)
            # A grid gives a stretching row its share even with its widgets hidden.
            self._grid.setRowStretch(row.grid_row + 1, row.weight if visible else 0)
        self._grid.setRowStretch(self._filler_row, 0 if tall_shown else 1)

    def _paint(self) -> None:
        """(Re)applies the highlight and dim formats in the current palette's colours."""
        for row in self.rows:
            dim = not row.field.changed
            _paint_pane(row.old_pane, row.old_text, row.diff.old_ranges, "removed", dim=dim)
            _paint_pane(row.new_pane, row.new_text, row.diff.new_ranges, "added", dim=dim)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        """A theme change swaps the palette: the highlights follow it."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._paint()

    def _fit_to_screen(self) -> None:
        screen = (self.parentWidget() or self).screen().availableGeometry()
        self.resize(min(960, screen.width() - 40), min(680, screen.height() - 40))


def _row_label(field: FieldDiff, diff: TextDiff, old: str, new: str) -> str:
    if not field.changed:
        return f"{field.label} — unchanged"
    removed = changed_count(old, diff.old_ranges)
    added = changed_count(new, diff.new_ranges)
    if diff.identical:  # "\r\n" against "\n", or trailing spaces: nothing to mark
        return f"{field.label} — changed (only spaces or line breaks)"
    counts = ", ".join(
        f"{count} {what}" for count, what in ((removed, "removed"), (added, "added")) if count
    )
    if diff.by_lines:
        counts += ", compared by lines"
    return f"{field.label} — changed ({counts})"


def _weight(*texts: str) -> int:
    """About how many lines the longer text takes, 1 to `MAX_WEIGHT`."""
    lines = max(text.count("\n") + 1 + len(text) // SHORT_FIELD_CHARS for text in texts)
    return max(1, min(lines, MAX_WEIGHT))


def _words(count: int) -> str:
    return "word" if count == 1 else "words"


def _one_newline(text: str) -> str:
    """Line ends as the text view counts them: one position each, so ranges line up."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _qt_positions(text: str) -> Callable[[int], int]:
    """Python string indexes as positions in Qt's UTF-16 text, where an emoji takes two."""
    if all(ord(char) <= 0xFFFF for char in text):
        return lambda index: index
    extra = list(accumulate((ord(char) > 0xFFFF for char in text), initial=0))
    return lambda index: index + extra[index]


def _paint_pane(
    pane: QPlainTextEdit,
    text: str,
    ranges: tuple[tuple[int, int], ...],
    kind: str,
    *,
    dim: bool,
) -> None:
    cursor = QTextCursor(pane.document())
    cursor.select(QTextCursor.SelectionType.Document)
    base = QTextCharFormat()
    if dim:
        base.setForeground(QColor(tone("muted")))
    cursor.setCharFormat(base)
    mark = QTextCharFormat()
    mark.setBackground(QColor(highlight_colour(kind)))
    if kind == "removed":
        mark.setFontStrikeOut(True)
    else:
        mark.setFontUnderline(True)
    position = _qt_positions(text)
    for start, length in ranges:
        cursor.setPosition(position(start))
        cursor.setPosition(position(start + length), QTextCursor.MoveMode.KeepAnchor)
        cursor.mergeCharFormat(mark)


def _sync_scrolling(left: QPlainTextEdit, right: QPlainTextEdit) -> None:
    """Scrolling one side of a field scrolls the other to the same line."""
    left_bar, right_bar = left.verticalScrollBar(), right.verticalScrollBar()
    left_bar.valueChanged.connect(right_bar.setValue)
    right_bar.valueChanged.connect(left_bar.setValue)
