"""A lazy table model over the run history: pages arrive as the view scrolls.

Nothing ever loads the whole history: the model asks the store for one
page of summaries at a time (keyset paging on the run id), so a history
of 100,000 runs opens as fast as one of ten.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from zerogpu_desktop.api.tokens import TruncationStatus
from zerogpu_desktop.safe_text import safe_for_display
from zerogpu_desktop.storage.history.types import RunSummary
from zerogpu_desktop.ui.palette import tone, truncation_colour

if TYPE_CHECKING:
    from zerogpu_desktop.storage.history.store import HistoryStore

PAGE_SIZE = 200
COLUMNS = ("When", "Model", "Prompt", "Tokens", "Result")
_STATUS_WORDS = {
    TruncationStatus.NOT_TRUNCATED: "ok",
    TruncationStatus.TRUNCATED: "truncated",
    TruncationStatus.POSSIBLY_TRUNCATED: "possibly truncated",
    TruncationStatus.REJECTED: "rejected",
    TruncationStatus.UNKNOWN: "ok, usage unknown",
}

AnyIndex = QModelIndex | QPersistentModelIndex


class HistoryTableModel(QAbstractTableModel):
    """Rows are `RunSummary`s, newest first, optionally filtered by a full-text search."""

    def __init__(self, store: HistoryStore | None, parent: Any = None) -> None:
        super().__init__(parent)
        self.store = store
        self.search = ""
        self._rows: list[RunSummary] = []
        self._exhausted = False

    # -- loading ------------------------------------------------------------------

    def set_search(self, search: str) -> None:
        self.search = search
        self.reload()

    def reload(self) -> None:
        """Drops what is loaded and fetches the first page again."""
        self.beginResetModel()
        self._rows = []
        self._exhausted = False
        self.endResetModel()
        self._fetch_page()

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: N802, B008
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: N802, B008
        if not parent.isValid():
            self._fetch_page()

    def _fetch_page(self) -> None:
        if self._exhausted or self.store is None:
            return
        before = self._rows[-1].id if self._rows else None
        page = self.store.page(0, PAGE_SIZE, self.search, before_id=before)
        if len(page) < PAGE_SIZE:
            self._exhausted = True
        if page:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()

    def summary(self, row: int) -> RunSummary | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def remove_run(self, run_id: int) -> None:
        for row, summary in enumerate(self._rows):
            if summary.id == run_id:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self.endRemoveRows()
                return

    # -- Qt model ---------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        summary = self.summary(index.row())
        if summary is None:
            return None
        column = index.column()
        # A model name or an error title came from a server: shown escaped, like everywhere.
        if role == Qt.ItemDataRole.DisplayRole:
            return safe_for_display(_display(summary, column))
        if role == Qt.ItemDataRole.ToolTipRole:
            return safe_for_display(_tooltip(summary))
        if role == Qt.ItemDataRole.ForegroundRole and column == 4:
            if summary.failed:
                return QColor(tone("bad"))
            if summary.truncation_status is not None:
                return QColor(truncation_colour(summary.truncation_status))
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def _display(summary: RunSummary, column: int) -> str:
    if column == 0:
        return _when(summary.created)
    if column == 1:
        return summary.model
    if column == 2:
        return summary.preview
    if column == 3:
        return "" if summary.total_tokens is None else f"{summary.total_tokens:,}"
    if summary.failed:
        return summary.error_title or "failed"
    if summary.truncation_status is None:
        return "ok"
    return _STATUS_WORDS[summary.truncation_status]


def _when(created: float) -> str:
    moment = dt.datetime.fromtimestamp(created)
    today = dt.date.today()
    if moment.date() == today:
        return moment.strftime("%H:%M")
    if moment.year == today.year:
        return moment.strftime("%d %b %H:%M")
    return moment.strftime("%Y-%m-%d")


def _tooltip(summary: RunSummary) -> str:
    moment = dt.datetime.fromtimestamp(summary.created).strftime("%Y-%m-%d %H:%M:%S")
    parts = [moment, f"Model: {summary.model}"]
    if summary.preset_name:
        parts.append(f"Preset: {summary.preset_name}")
    if summary.input_tokens is not None:
        parts.append(f"Tokens: {summary.input_tokens:,} in · {summary.output_tokens or 0:,} out")
    parts.append(f"From: {summary.source}")
    return "\n".join(parts)
