"""Tokens per day and model, from the history: what the last weeks cost.

A chart shows the days; a table below totals each model. The figures come from one grouped
query on the history (`usage_by_day`), cheap enough to run on the GUI thread when the panel
comes to the front.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from zerogpu_desktop.safe_text import safe_for_display
from zerogpu_desktop.storage.history.types import DailyUsage, HistoryError
from zerogpu_desktop.ui.usage_chart import UsageChart, days_of

if TYPE_CHECKING:
    from zerogpu_desktop.storage.history.store import HistoryStore

DAYS = 30
HEADERS = ("Model", "Runs", "Tokens")
#: Room around a number's text in its cell.
CELL_PADDING = 12
#: Room a header title needs around it so that Qt never cuts it.
TITLE_PADDING = 16


class UsageView(QWidget):
    """The chart of the last `DAYS` days, a total line, and a table of totals per model."""

    def __init__(self, store: HistoryStore | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.chart = UsageChart(self)
        self.total_label = QLabel("", self)
        self.total_label.setAccessibleName("Usage total")
        self.total_label.setWordWrap(True)
        self.table = QTableWidget(0, len(HEADERS), self)
        self.table.setAccessibleName("Usage by model")
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        # A long model ID keeps its start and its end ("acme/…-chat-1"); the tooltip has it all.
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        metrics = self.table.fontMetrics()
        titles = header.fontMetrics()
        for column, sample in ((1, "999"), (2, "9,999,999")):
            width = max(
                metrics.horizontalAdvance(sample) + CELL_PADDING,
                titles.horizontalAdvance(HEADERS[column]) + TITLE_PADDING,
            )
            self.table.setColumnWidth(column, width)
        header.setMinimumSectionSize(titles.horizontalAdvance(HEADERS[0]) + TITLE_PADDING)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.chart, 2)
        layout.addWidget(self.total_label)
        layout.addWidget(self.table, 1)

    def set_store(self, store: HistoryStore | None) -> None:
        self.store = store

    def refresh(self) -> str | None:
        """Reloads the figures; returns a sentence if the history could not be read."""
        if self.store is None:
            return None
        try:
            rows = self.store.usage_by_day(DAYS)
        except HistoryError as exc:
            return str(exc)
        self.chart.set_days(days_of(rows, DAYS))
        self._fill_table(rows)
        total = sum(row.total_tokens for row in rows)
        runs = sum(row.runs for row in rows)
        self.total_label.setText(
            f"Last {DAYS} days: {runs:,} runs, {total:,} tokens" if rows else "No runs yet."
        )
        return None

    def _fill_table(self, rows: Iterable[DailyUsage]) -> None:
        totals: dict[str, list[int]] = {}
        for row in rows:
            sums = totals.setdefault(row.model, [0, 0, 0, 0])
            for number, value in enumerate(
                (row.runs, row.input_tokens, row.output_tokens, row.total_tokens)
            ):
                sums[number] += value
        ordered = sorted(totals.items(), key=lambda item: (-item[1][3], item[0]))
        self.table.setRowCount(len(ordered))
        for number, (model, (runs, inp, out, total)) in enumerate(ordered):
            name = safe_for_display(model)
            detail = f"{name}: {runs:,} runs, {inp:,} input and {out:,} output tokens"
            cells = (name, f"{runs:,}", f"{total:,}")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(detail)
                if column:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(number, column, item)
