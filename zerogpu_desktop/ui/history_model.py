"""A lazy table model over the run history: pages arrive as the view scrolls.

Nothing ever loads the whole history: the model asks the store for one
page of summaries at a time (keyset paging on the run id), so a history
of 100,000 runs opens as fast as one of ten.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from zerogpu_desktop.api.tokens import TruncationStatus
from zerogpu_desktop.safe_text import safe_for_display
from zerogpu_desktop.storage.history.types import (
    HistoryError,
    RatingFilter,
    RunSummary,
    preset_label,
)
from zerogpu_desktop.ui.palette import tone
from zerogpu_desktop.workbench.records import CANCELLED

if TYPE_CHECKING:
    from zerogpu_desktop.storage.history.store import HistoryStore

PAGE_SIZE = 200
COLUMNS = ("When", "Model", "Prompt", "Tokens", "Result", "Preset", "Rating")
WHEN, MODEL, PROMPT, TOKENS, RESULT, PRESET, RATING = range(len(COLUMNS))
#: How a rating reads in its column (a word, never only a colour) and its colour's tone.
RATING_WORDS = {"good": ("Good", "ok"), "bad": ("Bad", "bad")}
#: The prompt tooltip shows at most this much of the prompt.
TOOLTIP_PROMPT_CHARS = 2_000


class Outcome(NamedTuple):
    """How a run ended, as one word for the list and a longer phrase for screen readers."""

    word: str
    spoken: str
    colour_tone: str


AnyIndex = QModelIndex | QPersistentModelIndex


class HistoryTableModel(QAbstractTableModel):
    """Rows are `RunSummary`s, newest first, optionally searched and filtered."""

    def __init__(self, store: HistoryStore | None, parent: Any = None) -> None:
        super().__init__(parent)
        self.store = store
        self.search = ""
        #: Whether the cells of evaluations are listed (thousands at a time).
        self.batch_runs = False
        #: Only the runs of this preset (and version), or rated so; None lists all.
        self.preset: str | None = None
        #: The id of the current preset called `preset`, if any (see `HistoryStore.page`).
        self.preset_id: str | None = None
        self.preset_version: int | None = None
        self.rating: RatingFilter | None = None
        self._rows: list[RunSummary] = []
        self._exhausted = False
        self._prompt_tip: tuple[int, str] | None = None

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
        page = self.store.page(0, PAGE_SIZE, self.search, before_id=before, **self.filters())
        if len(page) < PAGE_SIZE:
            self._exhausted = True
        if page:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()

    def filters(self) -> dict[str, Any]:
        """The keyword filters of `HistoryStore.page` and `count` this list uses."""
        return {
            "batch_runs": self.batch_runs,
            "preset": self.preset,
            "preset_id": self.preset_id,
            "preset_version": self.preset_version,
            "rating": self.rating,
        }

    def summary(self, row: int) -> RunSummary | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, run_id: int) -> int | None:
        """The row showing run `run_id`, if it is loaded."""
        for row, summary in enumerate(self._rows):
            if summary.id == run_id:
                return row
        return None

    def rating_changed(self, run_id: int) -> None:
        """Shows a run's new rating: in place, or by reloading a list it may join or leave.

        A list filtered by rating, or searched (the note is searched too), is reloaded; any
        other list keeps its rows, its selection and where it was scrolled to.

        Raises:
            HistoryError: The run could not be read.
        """
        if self.rating is not None or self.search.strip():
            self.reload()
            return
        row = self.row_of(run_id)
        if row is None or self.store is None:
            return
        record = self.store.get(run_id)
        if record is None:
            self.remove_run(run_id)
            return
        self._rows[row] = replace(
            self._rows[row], rating=record.rating, rating_note=record.rating_note
        )
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def remove_run(self, run_id: int) -> None:
        row = self.row_of(run_id)
        if row is not None:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()

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
        if role == Qt.ItemDataRole.AccessibleTextRole:
            if column == RESULT:
                return safe_for_display(outcome_of(summary).spoken)
            if column == RATING:
                return safe_for_display(rating_spoken(summary))
            return safe_for_display(_display(summary, column))
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == PROMPT:
                return self._prompt_tooltip(summary)
            if column == RATING and summary.rating:
                return safe_for_display(rating_spoken(summary))
            return safe_for_display(_tooltip(summary))
        if role == Qt.ItemDataRole.ForegroundRole and column == RESULT:
            return QColor(tone(outcome_of(summary).colour_tone))
        if role == Qt.ItemDataRole.ForegroundRole and column == RATING and summary.rating:
            return QColor(tone(RATING_WORDS[summary.rating][1]))
        if role == Qt.ItemDataRole.TextAlignmentRole and column == TOKENS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _prompt_tooltip(self, summary: RunSummary) -> str:
        """The start of the whole prompt, read from the store only when a tooltip is asked for.

        The list itself holds only previews, so paging 100,000 runs stays fast; one lookup by
        id per hovered row is cheap, and the last one is kept while the pointer rests.
        """
        if self._prompt_tip is not None and self._prompt_tip[0] == summary.id:
            return self._prompt_tip[1]
        prompt = summary.preview
        if self.store is not None:
            try:
                record = self.store.get(summary.id)
            except HistoryError:
                record = None
            if record is not None and record.user_prompt.strip():
                prompt = record.user_prompt.strip()
        if len(prompt) > TOOLTIP_PROMPT_CHARS:
            prompt = prompt[:TOOLTIP_PROMPT_CHARS].rstrip() + "…"
        text = safe_for_display(prompt)
        self._prompt_tip = (summary.id, text)
        return text


def outcome_of(summary: RunSummary) -> Outcome:
    """Answered, Cancelled, Failed or Truncated: told by word and colour, never colour alone."""
    if summary.failed:
        if summary.error_title == CANCELLED.title:
            return Outcome("Cancelled", "Cancelled", "muted")
        return Outcome("Failed", f"Failed: {summary.error_title}", "bad")
    status = summary.truncation_status
    if status == TruncationStatus.TRUNCATED:
        return Outcome("Truncated", "Answered, truncated", "bad")
    if status == TruncationStatus.POSSIBLY_TRUNCATED:
        return Outcome("Truncated?", "Answered, possibly truncated", "warn")
    if status == TruncationStatus.REJECTED:
        return Outcome("Failed", "Failed: the input was rejected", "bad")
    if status == TruncationStatus.UNKNOWN:
        return Outcome("Answered", "Answered, usage unknown", "ok")
    return Outcome("Answered", "Answered", "ok")


def rating_spoken(summary: RunSummary) -> str:
    """The rating as a phrase with its note: "Rated good: clear and short", or "Not rated"."""
    if summary.rating is None:
        return "Not rated"
    spoken = f"Rated {summary.rating}"
    return f"{spoken}: {summary.rating_note}" if summary.rating_note else spoken


def _display(summary: RunSummary, column: int) -> str:
    if column == WHEN:
        return _when(summary.created)
    if column == MODEL:
        return summary.model
    if column == PROMPT:
        # The prompt column is never hidden, so a demo run is marked there.
        return f"Demo · {summary.preview}" if summary.demo else summary.preview
    if column == TOKENS:
        return "" if summary.total_tokens is None else compact_count(summary.total_tokens)
    if column == PRESET:
        return preset_label(summary.preset_name, summary.preset_version)
    if column == RATING:
        return RATING_WORDS[summary.rating][0] if summary.rating else ""
    return outcome_of(summary).word


def compact_count(count: int) -> str:
    """A token count short enough for a narrow column: exact below 100,000, then "123k", "4.5M".

    The exact figure is in the row's tooltip.
    """
    if count < 100_000:
        return f"{count:,}"
    if count < 10_000_000:
        return f"{count // 1000:,}k" if count < 1_000_000 else f"{count / 1_000_000:.1f}M"
    return f"{count // 1_000_000:,}M"


def _when(created: float) -> str:
    moment = dt.datetime.fromtimestamp(created)
    today = dt.date.today()
    if moment.date() == today:
        return moment.strftime("%H:%M")
    if moment.year == today.year:
        return moment.strftime("%d %b")  # the time is in the tooltip; the column stays narrow
    return moment.strftime("%Y")


def _tooltip(summary: RunSummary) -> str:
    moment = dt.datetime.fromtimestamp(summary.created).strftime("%Y-%m-%d %H:%M:%S")
    parts = [moment, f"Model: {summary.model}"]
    if summary.preset_name:
        parts.append(f"Preset: {preset_label(summary.preset_name, summary.preset_version)}")
    if summary.input_tokens is not None:
        parts.append(
            f"Tokens: {summary.input_tokens:,} in · {summary.output_tokens or 0:,} out"
            + ("" if summary.total_tokens is None else f" · {summary.total_tokens:,} total")
        )
    parts.append(f"From: {summary.source}" + (", the offline demo" if summary.demo else ""))
    parts.append(f"Result: {outcome_of(summary).spoken}")
    if summary.rating:
        parts.append(rating_spoken(summary))
    return "\n".join(parts)
