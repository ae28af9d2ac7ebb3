"""Tokens per day and model, from the history: what the last weeks cost."""

from __future__ import annotations

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

from zerogpu_desktop.storage.history.types import HistoryError

if TYPE_CHECKING:
    from zerogpu_desktop.storage.history.store import HistoryStore

DAYS = 30
HEADERS = ("Day", "Model", "Runs", "Input", "Output", "Total")


class UsageView(QWidget):
    """A small table, newest day first, with a total line above it."""

    def __init__(self, store: HistoryStore | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.total_label = QLabel("", self)
        self.total_label.setAccessibleName("Usage total")
        self.table = QTableWidget(0, len(HEADERS), self)
        self.table.setAccessibleName("Usage by day")
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
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
        rows = sorted(rows, key=lambda row: (row.day, row.model), reverse=True)
        self.table.setRowCount(len(rows))
        for number, row in enumerate(rows):
            cells = (
                row.day.isoformat(),
                row.model,
                f"{row.runs:,}",
                f"{row.input_tokens:,}",
                f"{row.output_tokens:,}",
                f"{row.total_tokens:,}",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column >= 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(number, column, item)
        total = sum(row.total_tokens for row in rows)
        runs = sum(row.runs for row in rows)
        self.total_label.setText(
            f"Last {DAYS} days: {runs:,} runs, {total:,} tokens" if rows else "No runs yet."
        )
        return None
