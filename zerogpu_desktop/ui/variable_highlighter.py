"""`{{variables}}` stand out in the prompt editors, and the ones with no value yet are marked.

A variable is easy to mistype (`{{topci}}`) and only the form at Send time would tell; a mark
as soon as it is typed shows what will be asked for. Highlighting works one line (block) at
a time, skips lines without "{{" and very long lines, so a keystroke in a 1 MB prompt costs
a few milliseconds more at most.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import (
    QColor,
    QFont,
    QPalette,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextDocument,
)
from PySide6.QtWidgets import QApplication

from zerogpu_desktop.templating import variable_spans
from zerogpu_desktop.ui.palette import tone

#: Lines longer than this are left unmarked: parsing and formatting one huge line (minified
#: JSON, a pasted log) on every keystroke would make typing in it several times slower, and
#: the form at Send time still asks for every variable.
MAX_MARKED_LINE = 20_000

#: What the hover tip over a marked variable says; `{name}` is the variable.
UNFILLED_TIP = "{{{{{name}}}}} has no value yet: you will be asked for it when you send."


class VariableHighlighter(QSyntaxHighlighter):
    """Colours each placeholder; one with no remembered value also gets a wavy underline."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._known: frozenset[str] = frozenset()
        self._known_format = QTextCharFormat()
        self._unfilled_format = QTextCharFormat()
        self.restyle()

    def restyle(self) -> None:
        """Takes the colours of the theme in force (after a theme change too)."""
        accent = QApplication.palette().color(QPalette.ColorRole.Link)
        self._known_format = QTextCharFormat()
        self._known_format.setForeground(accent)
        self._known_format.setFontWeight(QFont.Weight.DemiBold)
        self._unfilled_format = QTextCharFormat(self._known_format)
        self._unfilled_format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        self._unfilled_format.setUnderlineColor(QColor(tone("warn")))
        self.rehighlight()

    def set_known_values(self, names: Iterable[str]) -> None:
        """The variables that have a value (remembered this session or in the preset)."""
        known = frozenset(names)
        if known != self._known:
            self._known = known
            self.rehighlight()

    def is_known(self, name: str) -> bool:
        return name in self._known

    def unfilled_at(self, line: str, column: int) -> str | None:
        """The name of the unfilled variable under `column` of `line`, for the hover tip."""
        if len(line) > MAX_MARKED_LINE:
            return None
        for start, end, name in variable_spans(line):
            if start <= column < end and name not in self._known:
                return name
        return None

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt's name
        if len(text) > MAX_MARKED_LINE:
            return
        for start, end, name in variable_spans(text):
            style = self._known_format if name in self._known else self._unfilled_format
            self.setFormat(start, end - start, style)
