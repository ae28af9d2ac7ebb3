"""The History panel: search and filter every run, open one back, run it again, rate it,
delete, clear."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from zerogpu_desktop.storage.history.types import HistoryError, RunRating, RunRecord, RunSummary
from zerogpu_desktop.ui.controls import FOCUS_RING, confirm_box, named_button, widget_key
from zerogpu_desktop.ui.history_filters import HistoryFilters
from zerogpu_desktop.ui.history_model import (
    COLUMNS,
    MODEL,
    PRESET,
    PROMPT,
    RATING,
    RESULT,
    TOKENS,
    WHEN,
    HistoryTableModel,
)
from zerogpu_desktop.ui.history_rating import RatingActions

if TYPE_CHECKING:
    from zerogpu_desktop.storage.history.store import HistoryStore
    from zerogpu_desktop.storage.presets.store import PresetStore
    from zerogpu_desktop.ui.history_service import HistoryService

#: Typing pauses this long before the search runs.
SEARCH_DELAY_MS = 200
#: The columns shown, in this order, when the panel is wide enough for them too.
_OPTIONAL_COLUMNS = (TOKENS, RATING, WHEN, PRESET, MODEL)
#: The prompt keeps at least this much room before When or Model is shown beside it (for
#: Tokens, the room its title needs).
PROMPT_ROOM = 110
#: Room around a cell's text (the header's sort-free padding and the cell margins).
CELL_PADDING = 8
#: Room a header title needs around it so that Qt never cuts it.
TITLE_PADDING = 12
#: The widest texts each fixed column shows, measured in the current font.
_WIDTH_SAMPLES = {
    WHEN: ("00:00", "28 May", "2099"),
    TOKENS: ("99,999", "999k", "9.9M"),
    RESULT: ("Answered", "Cancelled", "Truncated?", "Failed"),
    MODEL: ("provider/model-name",),
    PRESET: ("A preset name v12",),
    RATING: ("Good", "Bad"),
}


class HistoryPanel(QWidget):
    """A searchable, filterable, lazily loaded list of every run, newest first.

    Ratings are stored through the window's `HistoryService` (see `use_service`); until it
    is given, the rating actions stay disabled.

    Signals:
        open_requested(RunRecord): put this run back into the editors and the output.
        rerun_requested(RunRecord): open it and send it again.
        message(str): a sentence for the status bar.
        problem(str): a sentence for the error banner.
    """

    open_requested = Signal(object)
    rerun_requested = Signal(object)
    message = Signal(str)
    problem = Signal(str)

    def __init__(self, store: HistoryStore | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.model = HistoryTableModel(store, self)

        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText("Search prompts and answers")
        self.search_edit.setAccessibleName("Search history")
        self.search_edit.setClearButtonEnabled(True)
        self.batch_box = QCheckBox("Include evaluation runs", self)
        self.batch_box.setAccessibleName("Include evaluation runs")
        self.batch_box.setToolTip(
            "Every call of an evaluation is a run too; they are left out unless this is ticked."
        )
        self.filters = HistoryFilters(self)
        self.filters.set_store(store)
        self.table = QTableView(self)
        self.table.setAccessibleName("History")
        self.table.setStyleSheet(FOCUS_RING)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self._set_up_columns()
        self.table.installEventFilter(self)
        self.count_label = QLabel("", self)
        self.count_label.setAccessibleName("History count")
        self._service: HistoryService | None = None
        #: Runs rated from this panel and not yet stored, with the rating asked for.
        self._asked_ratings: dict[int, RunRating | None] = {}
        self.rating = RatingActions(self.table, self.selected_summary, self)
        self.rating.rate_requested.connect(self.rate)

        self.open_button = named_button("&Open", "Open run", self)
        self.rerun_button = named_button("Run &again", "Run again", self)
        self.rate_button = named_button("Ra&te", "Rate run", self)
        self.rate_button.setToolTip("Rate the selected run: G good, B bad, C clear, N note")
        self.rate_button.setMenu(self.rating.menu)
        self.delete_button = named_button("Delete", "Delete run", self)
        self.clear_button = named_button("Clear all…", "Clear history", self)
        buttons = QGridLayout()
        buttons.addWidget(self.open_button, 0, 0)
        buttons.addWidget(self.rerun_button, 0, 1)
        buttons.addWidget(self.rate_button, 1, 0)
        buttons.addWidget(self.delete_button, 1, 1)
        buttons.addWidget(self.clear_button, 2, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.batch_box)
        layout.addWidget(self.filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        layout.addLayout(buttons)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_search)
        self.search_edit.textChanged.connect(lambda _text: self._search_timer.start())
        self.search_edit.returnPressed.connect(self._focus_table)
        self.batch_box.toggled.connect(self._show_batch_runs)
        self.filters.changed.connect(self._apply_filters)
        self.table.activated.connect(lambda _index: self.open_selected())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)
        self.open_button.clicked.connect(self.open_selected)
        self.rerun_button.clicked.connect(self.rerun_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.clear_button.clicked.connect(self.ask_clear)
        widget_key(QKeySequence.StandardKey.Delete, self.table, self.delete_selected)
        self._loaded = False
        self._update_buttons()

    def _set_up_columns(self) -> None:
        """The prompt takes the room; the figures fit their contents and never scroll away.

        The Model and When columns are shown only when the panel is wide enough for them
        beside the others (each row's tooltip names the model and the time), so at the
        default width the prompt, the tokens and the result are all in view without a
        horizontal scrollbar.
        """
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(PROMPT, QHeaderView.ResizeMode.Stretch)
        # Widths from the font, not from the rows: measuring loaded rows would slow paging.
        self._widths: dict[int, int] = {}
        cell = self.table.fontMetrics()
        titles = header.fontMetrics()
        for column, samples in _WIDTH_SAMPLES.items():
            width = max(cell.horizontalAdvance(sample) for sample in samples) + CELL_PADDING
            width = max(width, titles.horizontalAdvance(COLUMNS[column]) + TITLE_PADDING)
            self.table.setColumnWidth(column, width)
            self._widths[column] = width
        self._prompt_title = titles.horizontalAdvance(COLUMNS[PROMPT]) + TITLE_PADDING
        # Below the narrowest fixed column, so that no fixed column is widened by it.
        header.setMinimumSectionSize(min(self._widths.values()) // 2)
        # Prompt first after the time, Model last: what matters most stays on the left, and
        # the rating beside the result.
        header.moveSection(header.visualIndex(MODEL), len(COLUMNS) - 1)
        header.moveSection(header.visualIndex(RATING), header.visualIndex(RESULT) + 1)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.table and event.type() == QEvent.Type.Resize:
            self._fit_columns()
        return super().eventFilter(watched, event)

    def _fit_columns(self) -> None:
        """Shows Tokens, Rating, When, Preset, Model, each only while the prompt keeps its room.

        The room is measured as if the vertical scrollbar were shown, so a growing list does
        not make columns come and go.
        """
        extent = self.table.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        room = self.table.contentsRect().width() - extent
        used = self._widths[RESULT]
        for column in _OPTIONAL_COLUMNS:
            prompt_room = self._prompt_title if column == TOKENS else PROMPT_ROOM
            shown = room - used - self._widths[column] >= prompt_room
            self.table.setColumnHidden(column, not shown)
            if shown:
                used += self._widths[column]

    # -- loading ----------------------------------------------------------------

    def set_store(self, store: HistoryStore | None) -> None:
        """The history opens after the window is on screen; until then the panel is empty."""
        self.store = store
        self.model.store = store
        self.filters.set_store(store)
        self._loaded = False

    def set_presets(self, presets: PresetStore | None) -> None:
        """The user's presets: the preset filter offers their current names and keeps a
        preset's runs by its id (see ``history_filters``)."""
        self.filters.set_presets(presets)
        self.refresh_if_loaded()

    def use_service(self, service: HistoryService) -> None:
        """Rates through `service` (its writer thread), and shows each rating it stored."""
        if self._service is service:
            return
        self._service = service
        service.rated.connect(self.show_rating)
        self._update_buttons()

    def ensure_loaded(self) -> None:
        """Loads the first page the first time the panel is shown, not at start-up."""
        if not self._loaded and self.store is not None:
            self._loaded = True
            self.refresh()

    def refresh_if_loaded(self) -> None:
        """After a new run: show it, unless the panel was never opened (then nothing to do)."""
        if self._loaded:
            self.refresh()

    def refresh(self) -> None:
        if self.store is None:
            return
        try:
            self.filters.update_choices()
            self._take_filters()  # a chosen preset renamed since is found by its new name
            self.model.reload()
            self._show_count()
        except HistoryError as exc:
            self.problem.emit(str(exc))
            return
        self._update_buttons()

    def _show_count(self) -> None:
        """How many runs there are (or match the search), under the list."""
        assert self.store is not None
        total = self.store.count(self.model.search, **self.model.filters())
        search = self.model.search.strip()
        noun = "run" if total == 1 else "runs"
        filtered = any(
            value is not None
            for value in (self.model.preset, self.model.preset_version, self.model.rating)
        )
        if search:
            text = f"{total:,} {noun} match “{search}”"
        else:
            text = f"{total:,} {noun}" + (" match the filters" if filtered else "")
        self.count_label.setText(text)

    def _show_batch_runs(self, shown: bool) -> None:
        self.model.batch_runs = shown
        self.refresh()

    def _apply_filters(self) -> None:
        self._take_filters()
        self.refresh()

    def _take_filters(self) -> None:
        self.model.preset = self.filters.preset
        self.model.preset_id = self.filters.preset_id
        self.model.preset_version = self.filters.preset_version
        self.model.rating = self.filters.rating

    def apply_search(self) -> None:
        self._search_timer.stop()
        self.model.search = self.search_edit.text()
        self.refresh()

    def _focus_table(self) -> None:
        self.apply_search()
        if self.model.rowCount():
            self.table.selectRow(0)
            self.table.setFocus()

    # -- actions ------------------------------------------------------------------

    def selected_summary(self) -> RunSummary | None:
        index: QModelIndex = self.table.currentIndex()
        return self.model.summary(index.row()) if index.isValid() else None

    def selected_record(self) -> RunRecord | None:
        summary = self.selected_summary()
        if summary is None or self.store is None:
            return None
        try:
            return self.store.get(summary.id)
        except HistoryError as exc:
            self.problem.emit(str(exc))
            return None

    def open_selected(self) -> None:
        record = self.selected_record()
        if record is not None:
            self.open_requested.emit(record)

    def rerun_selected(self) -> None:
        record = self.selected_record()
        if record is not None:
            self.rerun_requested.emit(record)

    def rate(self, run_id: int, rating: RunRating | None, note: str) -> None:
        """Stores a rating through the service; `show_rating` shows it once stored."""
        if self._service is None:
            return
        try:
            self._service.rate(run_id, rating, note)
            self._asked_ratings[run_id] = rating
        except ValueError as exc:  # a note too long: the dialog bounds it, a caller may not
            self.problem.emit(str(exc))

    def show_rating(self, run_id: int) -> None:
        """A rating was stored (here or elsewhere): the list shows it, the selection stays."""
        asked = self._asked_ratings.pop(run_id, False)
        if not self._loaded:
            return
        selected = self.selected_summary()
        try:
            self.model.rating_changed(run_id)
            self._show_count()
        except HistoryError as exc:
            self.problem.emit(str(exc))
            return
        row = self.model.row_of(selected.id) if selected else None
        if row is not None and row != self.table.currentIndex().row():
            self.table.selectRow(row)
        self._update_buttons()
        if asked is not False:
            self.message.emit(
                f"Rated run {run_id} {asked}." if asked else f"Run {run_id} is no longer rated."
            )

    def delete_selected(self) -> None:
        index = self.table.currentIndex()
        summary = self.model.summary(index.row()) if index.isValid() else None
        if summary is None or self.store is None:
            return
        try:
            self.store.delete(summary.id)
            self.model.remove_run(summary.id)
            self._show_count()
        except HistoryError as exc:
            self.problem.emit(str(exc))
            return
        self.message.emit("Deleted one run from the history.")
        self._update_buttons()

    def ask_clear(self) -> None:
        confirm_box(
            self,
            "Clear history?",
            "Delete every run in the history? Prompts and answers are removed from disk "
            "and cannot be brought back.",
            self.clear_all,
        )

    def clear_all(self) -> None:
        if self.store is None:
            return
        try:
            count = self.store.clear()
        except HistoryError as exc:
            self.problem.emit(str(exc))
            return
        self.refresh()
        self.message.emit(f"Cleared {count:,} runs from the history.")

    def _update_buttons(self) -> None:
        has = self.table.currentIndex().isValid()
        for button in (self.open_button, self.rerun_button, self.delete_button):
            button.setEnabled(has)
        self.rating.update(has and self._service is not None)
        self.rate_button.setEnabled(has and self._service is not None)
        self.clear_button.setEnabled(self.model.rowCount() > 0)
