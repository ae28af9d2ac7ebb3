"""The Evaluate grid as a table model over the store: rows are cases, columns are models.

Nothing holds all the results: the cells of a few pages of cases are kept (least recently
used go first) and read again from SQLite when the view scrolls back to them, about a
millisecond a page. Results that arrive while an evaluation runs are counted at once (the
filters and the summary row), shown in the pages on screen, and kept for a moment in a small
bounded list, because the engine writes them to the store in batches: a page read before
its batch was committed still shows them.

Row 0 is the summary; the first column names the case.
"""

from __future__ import annotations

import bisect
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer

from zerogpu_desktop.safe_text import safe_for_display
from zerogpu_desktop.storage.history.types import HistoryError
from zerogpu_desktop.ui.evaluate_cells import (
    DIFFERENT,
    ERRORS,
    FAILURES,
    MARKS,
    CellView,
    GridTally,
    ModelTotals,
    case_line,
    cell_text,
    cell_tooltip,
    spoken_cell,
    summary_text,
)
from zerogpu_desktop.workbench.evaluate.types import Case, CellKey, CellResult

if TYPE_CHECKING:
    from zerogpu_desktop.workbench.evaluate.store import EvaluationStore

AnyIndex = QModelIndex | QPersistentModelIndex

#: The filters, by the words the combo shows, and the case bits each keeps.
FILTERS: dict[str, int] = {
    "All": 0,
    "Failures": FAILURES,
    "Errors": ERRORS,
    "Different answers": DIFFERENT,
}
#: A role that tells the delegate the colour of a cell's first line ("ok", "bad", …).
TONE_ROLE = int(Qt.ItemDataRole.UserRole) + 1
#: Cells read per page (a few milliseconds): 50 cases of six models, fewer cases when there
#: are many repeats.
PAGE_CELLS = 300
MAX_PAGE_CASES = 50
#: Pages kept in memory; the rest are read again when shown.
MAX_PAGES = 40
#: Cell texts kept once made: a repaint of the screen then only draws.
MAX_TEXTS = 5000
#: Results kept until their batch is surely in the store (the engine commits every 200 or
#: every half second), so a page read meanwhile is complete.
MAX_PENDING = 2000
#: Cases counted per step while an earlier evaluation's results are read in (a resume).
SCAN_CASES_PER_STEP = 100


class EvaluationGridModel(QAbstractTableModel):
    """One evaluation's grid; empty until `attach`."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._store: EvaluationStore | None = None
        self.evaluation_id: int | None = None
        self._cases: Sequence[Case] = ()
        self._case_lines: dict[int, tuple[str, str]] = {}
        self._models: tuple[str, ...] = ()
        self._page_cases = MAX_PAGE_CASES
        self._pages: OrderedDict[int, dict[tuple[int, int], CellView]] = OrderedDict()
        self._pending: OrderedDict[CellKey, CellView] = OrderedDict()
        self._texts: dict[tuple[int, int], str] = {}
        self._tally = GridTally(0, 0)
        self._mask = 0
        self._rows: list[int] | None = None
        self._scan_next: int | None = None
        self._scan_skip: set[CellKey] = set()
        self._scan_timer = QTimer(self)
        self._scan_timer.setInterval(0)
        self._scan_timer.timeout.connect(self._scan_step)

    # -- what is shown --------------------------------------------------------------------

    def attach(
        self,
        store: EvaluationStore,
        evaluation_id: int,
        cases: Sequence[Case],
        models: Sequence[str],
        repeat: int,
        *,
        read_existing: bool = False,
    ) -> None:
        """Shows an evaluation of `cases` (their titles are made as the rows are shown).

        `read_existing` counts the results already stored (a resumed evaluation), a few
        pages per step so the window never waits for them.
        """
        self.beginResetModel()
        self._store = store
        self.evaluation_id = evaluation_id
        self._cases = cases
        self._case_lines.clear()
        self._models = tuple(models)
        per_case = max(1, len(self._models) * max(1, repeat))
        self._page_cases = max(1, min(MAX_PAGE_CASES, PAGE_CELLS // per_case))
        self._pages.clear()
        self._pending.clear()
        self._texts.clear()
        self._tally = GridTally(len(self._cases), len(self._models))
        self._rows = None if self._mask == 0 else []
        self._scan_skip.clear()
        self._scan_next = 0 if read_existing else None
        self.endResetModel()
        if read_existing:
            self._scan_timer.start()

    def detach(self) -> None:
        """Shows nothing (the store is about to close)."""
        self._scan_timer.stop()
        self.beginResetModel()
        self._store = None
        self.evaluation_id = None
        self._cases, self._models = (), ()
        self._case_lines.clear()
        self._pages.clear()
        self._pending.clear()
        self._texts.clear()
        self._tally = GridTally(0, 0)
        self._rows = None if self._mask == 0 else []
        self.endResetModel()

    @property
    def models(self) -> tuple[str, ...]:
        return self._models

    def set_filter(self, name: str) -> None:
        """Keeps only the cases the filter names (see `FILTERS`)."""
        mask = FILTERS.get(name, 0)
        if mask == self._mask:
            return
        self.beginResetModel()
        self._mask = mask
        self._rows = None if mask == 0 else self._tally.matching(mask)
        self.endResetModel()

    def case_for_row(self, row: int) -> int | None:
        """The case a row shows; None for the summary row and rows past the end."""
        if row < 1:
            return None
        position = row - 1
        if self._rows is None:
            return position if position < len(self._cases) else None
        return self._rows[position] if position < len(self._rows) else None

    def cell_at(self, index: AnyIndex) -> tuple[int, int] | None:
        """The (case, model) of a result cell; None for the summary row or the case column."""
        case = self.case_for_row(index.row())
        if case is None or index.column() < 1:
            return None
        return case, index.column() - 1

    def totals(self, model: int) -> ModelTotals:
        return self._tally.totals(model)

    def view_of(self, case: int, model: int) -> CellView | None:
        """The cell as shown (read from the store if its page is not in memory)."""
        page = self._page(case)
        return page.get((case, model)) if page is not None else None

    # -- results arriving -----------------------------------------------------------------

    def add_results(self, results: Sequence[CellResult]) -> None:
        """Counts and shows results just finished (the engine is still writing them)."""
        changed: set[int] = set()
        for result in results:
            key = result.key
            if not self._tally.add(result):
                continue
            if self._scan_next is not None:
                self._scan_skip.add(key)
            view = CellView.of(result)
            self._pending[key] = view
            self._pending.move_to_end(key)
            while len(self._pending) > MAX_PENDING:
                self._pending.popitem(last=False)
            page = self._pages.get(key.case_index // self._page_cases)
            if page is not None:
                cell = (key.case_index, key.model_index)
                known = page.get(cell)
                page[cell] = view if known is None else known.merge(view)
            self._texts.pop((key.case_index, key.model_index), None)
            changed.add(key.case_index)
        if changed:
            self._show_changed(changed)

    def _show_changed(self, cases: set[int]) -> None:
        if self._rows is not None:
            self._insert_matching(cases)
        rows = [row for row in (self._row_of(case) for case in cases) if row is not None]
        last_column = self.columnCount() - 1
        if rows:
            self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), last_column))
        self.dataChanged.emit(self.index(0, 0), self.index(0, last_column))

    def _insert_matching(self, cases: set[int]) -> None:
        """Rows for cases that match the filter only now (a case's bits are only ever added)."""
        assert self._rows is not None
        for case in sorted(cases):
            if not self._tally.flags(case) & self._mask:
                continue
            position = bisect.bisect_left(self._rows, case)
            if position < len(self._rows) and self._rows[position] == case:
                continue
            self.beginInsertRows(QModelIndex(), position + 1, position + 1)
            self._rows.insert(position, case)
            self.endInsertRows()

    def _row_of(self, case: int) -> int | None:
        if self._rows is None:
            return case + 1 if 0 <= case < len(self._cases) else None
        position = bisect.bisect_left(self._rows, case)
        if position < len(self._rows) and self._rows[position] == case:
            return position + 1
        return None

    def finish(self) -> None:
        """Everything is in the store now: the list kept for the batches is let go."""
        self._pending.clear()

    # -- the store ------------------------------------------------------------------------

    def _page(self, case: int) -> dict[tuple[int, int], CellView] | None:
        number = case // self._page_cases
        page = self._pages.get(number)
        if page is not None:
            self._pages.move_to_end(number)
            return page
        if self._store is None or self.evaluation_id is None:
            return None
        first = number * self._page_cases
        last = first + self._page_cases - 1
        page = {}
        try:
            for result in self._store.results(self.evaluation_id, first_case=first, last_case=last):
                _merge(page, result.key, CellView.of(result))
        except HistoryError:
            return None
        for key, view in self._pending.items():
            if first <= key.case_index <= last:
                _merge(page, key, view)
        self._pages[number] = page
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        return page

    def _scan_step(self) -> None:
        """Counts the stored results of a few cases; done when every case was read."""
        start = self._scan_next
        if start is None or self._store is None or self.evaluation_id is None:
            self._scan_timer.stop()
            return
        last = start + SCAN_CASES_PER_STEP - 1
        try:
            for result in self._store.results(self.evaluation_id, first_case=start, last_case=last):
                if result.key not in self._scan_skip:
                    self._tally.add(result)
        except HistoryError:
            last = len(self._cases)
        if last + 1 >= len(self._cases):
            self._scan_next = None
            self._scan_skip.clear()
            self._scan_timer.stop()
            if self._rows is not None:
                self._insert_matching(set(range(len(self._cases))))
            self.dataChanged.emit(self.index(0, 0), self.index(0, self.columnCount() - 1))
        else:
            self._scan_next = last + 1

    # -- Qt model -------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        if parent.isValid() or self.evaluation_id is None:
            return 0
        return 1 + (len(self._cases) if self._rows is None else len(self._rows))

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else 1 + len(self._models)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.AccessibleTextRole,
        ):
            return None
        if section == 0:
            return "Case"
        return safe_for_display(self._models[section - 1]) if section <= len(self._models) else None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = index.column()
        if index.row() == 0:
            return self._summary_data(column, role)
        case = self.case_for_row(index.row())
        if case is None:
            return None
        if column == 0:
            return self._case_data(case, role)
        view = self.view_of(case, column - 1)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(case, column - 1, view)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return spoken_cell(view, self._models[column - 1])
        if role == Qt.ItemDataRole.ToolTipRole:
            return cell_tooltip(view)
        if role == TONE_ROLE:
            return MARKS[view.status][1] if view is not None else "muted"
        return None

    def _text(self, case: int, model: int, view: CellView | None) -> str:
        text = self._texts.get((case, model))
        if text is None:
            text = cell_text(view)
            if view is not None:
                if len(self._texts) >= MAX_TEXTS:
                    self._texts.clear()
                self._texts[(case, model)] = text
        return text

    def _case_data(self, case: int, role: int) -> Any:
        lines = self._case_lines.get(case)
        if lines is None:
            if len(self._case_lines) >= MAX_TEXTS:
                self._case_lines.clear()
            lines = self._case_lines[case] = case_line(self._cases[case])
        title, detail = lines
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{title}\n{detail}" if detail else title
        if role in (Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
            return f"Case {title}" + (f", {detail}" if detail else "")
        if role == TONE_ROLE:
            return "plain"
        return None

    def _summary_data(self, column: int, role: int) -> Any:
        if column == 0:
            words = f"Summary\n{len(self._cases):,} cases"
            if role == Qt.ItemDataRole.DisplayRole:
                return words
            if role in (Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
                return words.replace("\n", ", ")
            return "plain" if role == TONE_ROLE else None
        totals = self._tally.totals(column - 1)
        if role == Qt.ItemDataRole.DisplayRole:
            return summary_text(totals)
        if role in (Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
            model = safe_for_display(self._models[column - 1])
            return f"Summary for {model}: " + summary_text(totals).replace("\n", ", ")
        if role == TONE_ROLE:
            rate = totals.pass_rate
            if rate is None:
                return "muted"
            return "ok" if rate == 1 else ("warn" if rate >= 0.5 else "bad")
        return None


def _merge(page: dict[tuple[int, int], CellView], key: CellKey, view: CellView) -> None:
    cell = (key.case_index, key.model_index)
    known = page.get(cell)
    page[cell] = view if known is None else known.merge(view)
