"""Tokens per day as stacked input/output bars, painted with Qt alone (no chart library).

The chart is also readable without seeing it: its accessible description sums up the period
and, while it has the keyboard focus, Left/Right step through the days and the description
says that day's figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
)
from PySide6.QtWidgets import QSizePolicy, QStyle, QStyleOptionFocusRect, QToolTip, QWidget

from zerogpu_desktop.storage.history.types import DailyUsage
from zerogpu_desktop.ui.palette import is_dark

#: Input and output colours for a light and a dark window (blue and orange read apart for
#: the common kinds of colour blindness).
_INPUT = {"light": "#3b6fd4", "dark": "#7aa7ff"}
_OUTPUT = {"light": "#e08a1e", "dark": "#ffb454"}
#: Pixels kept for the axis labels and the legend.
_LEFT, _BOTTOM, _TOP, _RIGHT = 8, 18, 20, 8
_NAMES = ("Input", "Output")
#: A day tick every this many days (the first and the last day are always named).
TICK_EVERY = 7


class DayTokens(NamedTuple):
    day: dt.date
    input_tokens: int
    output_tokens: int

    @property
    def total(self) -> int:
        return self.input_tokens + self.output_tokens


def days_of(rows: Iterable[DailyUsage], days: int, today: dt.date | None = None) -> list[DayTokens]:
    """One entry per day of the period, oldest first; the days without runs count zero."""
    last = today or dt.date.today()
    first = last - dt.timedelta(days=days - 1)
    totals: dict[dt.date, list[int]] = {}
    for row in rows:
        if first <= row.day <= last:
            pair = totals.setdefault(row.day, [0, 0])
            pair[0] += row.input_tokens
            pair[1] += row.output_tokens
    return [
        DayTokens(day, *totals.get(day, (0, 0)))
        for day in (first + dt.timedelta(days=number) for number in range(days))
    ]


def day_name(day: dt.date) -> str:
    return f"{day.day} {day.strftime('%b')}"


def day_sentence(entry: DayTokens) -> str:
    return (
        f"{day_name(entry.day)}: {entry.input_tokens:,} input and "
        f"{entry.output_tokens:,} output tokens"
    )


def summary_sentence(days: list[DayTokens]) -> str:
    """What the chart shows, in one sentence for a screen reader."""
    if not days:
        return "No usage to show."
    inp = sum(entry.input_tokens for entry in days)
    out = sum(entry.output_tokens for entry in days)
    text = f"Last {len(days)} days: {inp:,} input and {out:,} output tokens"
    busiest = max(days, key=lambda entry: (entry.total, entry.day))
    if busiest.total == 0:
        return text + "; no runs with counted tokens."
    return text + f"; busiest day {day_name(busiest.day)} with {busiest.total:,} tokens."


class UsageChart(QWidget):
    """Stacked bars of input and output tokens, one a day, with a max tick and a legend."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._days: list[DayTokens] = []
        self._current: int | None = None
        self.setAccessibleName("Tokens per day")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setToolTip("")
        self._describe()

    # -- data ----------------------------------------------------------------------------

    def set_days(self, days: list[DayTokens]) -> None:
        self._days = list(days)
        if self._current is not None and self._current >= len(self._days):
            self._current = None
        self._describe()
        self.update()

    def days(self) -> list[DayTokens]:
        return list(self._days)

    def current_day(self) -> DayTokens | None:
        return None if self._current is None else self._days[self._current]

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(260, 150)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(120, 110)

    # -- keyboard and pointer ----------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if not self._days:
            super().keyPressEvent(event)
            return
        last = len(self._days) - 1
        current = last if self._current is None else self._current
        steps = {
            Qt.Key.Key_Left: current - 1,
            Qt.Key.Key_Right: current + 1,
            Qt.Key.Key_Home: 0,
            Qt.Key.Key_End: last,
        }
        key = Qt.Key(event.key())
        if key not in steps:
            super().keyPressEvent(event)
            return
        self._select(max(0, min(last, steps[key])))

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt's name
        super().focusInEvent(event)
        if self._current is None and self._days:
            self._select(len(self._days) - 1)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            index = self.day_at(event.pos())
            if index is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), day_sentence(self._days[index]), self)
            return True
        return super().event(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        index = self.day_at(event.position().toPoint())
        if index is not None:
            self._select(index)
        super().mousePressEvent(event)

    def day_at(self, point: QPoint) -> int | None:
        """The index of the day whose bar column holds `point`, if any."""
        plot = self._plot_rect()
        if not self._days or not plot.contains(point):
            return None
        width = plot.width() / len(self._days)
        index = int((point.x() - plot.left()) / width)
        return index if 0 <= index < len(self._days) else None

    def _select(self, index: int) -> None:
        self._current = index
        self._describe()
        self.update()

    def _describe(self) -> None:
        summary = summary_sentence(self._days)
        current = self.current_day()
        self.setAccessibleDescription(
            summary if current is None else f"{day_sentence(current)}. {summary}"
        )

    # -- painting -----------------------------------------------------------------------

    def _plot_rect(self) -> QRect:
        return self.rect().adjusted(_LEFT, self._top_margin(), -_RIGHT, -_BOTTOM)

    def _peak_label(self) -> str:
        peak = max((entry.total for entry in self._days), default=0)
        return f"max {peak:,}" if peak else ""

    def _top_margin(self) -> int:
        """Room for the legend, and for the max tick beside it or, when narrow, below it."""
        metrics = self.fontMetrics()
        legend = sum(metrics.horizontalAdvance(name) + metrics.ascent() + 14 for name in _NAMES)
        beside = _LEFT + legend + metrics.horizontalAdvance(self._peak_label()) + _RIGHT
        return _TOP if beside <= self.width() else _TOP + metrics.height()

    def colours(self) -> tuple[QColor, QColor]:
        theme = "dark" if is_dark() else "light"
        return QColor(_INPUT[theme]), QColor(_OUTPUT[theme])

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        muted = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)
        input_colour, output_colour = self.colours()
        metrics = self.fontMetrics()
        plot = self._plot_rect()
        self._paint_legend(painter, input_colour, output_colour, text)
        peak = max((entry.total for entry in self._days), default=0)
        painter.setPen(muted)
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        if peak:
            label = f"max {peak:,}"
            painter.drawLine(plot.left(), plot.top(), plot.right(), plot.top())
            painter.setPen(text)
            painter.drawText(plot.right() - metrics.horizontalAdvance(label), plot.top() - 3, label)
        if not self._days:
            return
        slot = plot.width() / len(self._days)
        bar = max(1.0, slot * 0.7)
        for index, entry in enumerate(self._days):
            left = int(plot.left() + index * slot + (slot - bar) / 2)
            if peak:
                in_height = round(plot.height() * entry.input_tokens / peak)
                out_height = round(plot.height() * entry.output_tokens / peak)
                bottom = plot.bottom()
                painter.fillRect(
                    QRect(left, bottom - in_height + 1, int(bar), in_height), input_colour
                )
                painter.fillRect(
                    QRect(left, bottom - in_height - out_height + 1, int(bar), out_height),
                    output_colour,
                )
            if index == self._current and self.hasFocus():
                option = QStyleOptionFocusRect()
                option.initFrom(self)
                option.rect = QRect(
                    int(plot.left() + index * slot), plot.top(), int(slot), plot.height() + 1
                )
                self.style().drawPrimitive(
                    QStyle.PrimitiveElement.PE_FrameFocusRect, option, painter, self
                )
        painter.setPen(text)
        for index in self._tick_indexes():
            name = day_name(self._days[index].day)
            width = metrics.horizontalAdvance(name)
            centre = int(plot.left() + (index + 0.5) * slot)
            x = max(plot.left(), min(plot.right() - width, centre - width // 2))
            painter.drawText(x, plot.bottom() + 2 + metrics.ascent(), name)

    def _tick_indexes(self) -> list[int]:
        """The first and last day, and one every `TICK_EVERY` days counted back from today,
        leaving out those that would overlap."""
        last = len(self._days) - 1
        wanted = sorted({0, *range(last, -1, -TICK_EVERY)})
        metrics = self.fontMetrics()
        slot = self._plot_rect().width() / len(self._days)
        room = metrics.horizontalAdvance("28 May") + 8
        kept: list[int] = []
        for index in reversed(wanted):
            if not kept or (kept[-1] - index) * slot >= room:
                kept.append(index)
        return sorted(kept)

    def _paint_legend(
        self, painter: QPainter, input_colour: QColor, output_colour: QColor, text: QColor
    ) -> None:
        metrics = self.fontMetrics()
        x = _LEFT
        y = 2
        box = metrics.ascent() - 2
        for name, colour in zip(_NAMES, (input_colour, output_colour), strict=True):
            painter.fillRect(QRect(x, y + 2, box, box), colour)
            x += box + 4
            painter.setPen(text)
            painter.drawText(x, y + metrics.ascent(), name)
            x += metrics.horizontalAdvance(name) + 12
