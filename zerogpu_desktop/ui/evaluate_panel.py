"""The Evaluate panel: one prompt over a dataset, on several models, with checks on every answer.

The setup is on the left (`EvaluateSetup`); on the right, Run and Cancel, the progress in
figures, the filter, Export, and the grid (`EvaluationGridModel`, a model over the store).
The panel is made the first time Ctrl+E asks for it (`evaluate_dock`), so the window's start
pays nothing for it. Every error is one sentence in the panel's message line, never a dialog
or a traceback.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from zerogpu_desktop.storage import UiStateStore
from zerogpu_desktop.storage.history.types import HistoryError
from zerogpu_desktop.ui.controls import OpenDialogs, named_button
from zerogpu_desktop.ui.editors import EditorSet
from zerogpu_desktop.ui.evaluate_bridge import EvaluateBridge
from zerogpu_desktop.ui.evaluate_delegate import fit_columns, results_grid
from zerogpu_desktop.ui.evaluate_earlier import earlier_dialog, open_reader, stored_plan
from zerogpu_desktop.ui.evaluate_model import FILTERS, EvaluationGridModel
from zerogpu_desktop.ui.evaluate_results import (
    ExportJob,
    FileDrop,
    MessageLine,
    announce,
    dataset_dialog,
    ended_words,
    export_dialog,
    progress_words,
    read_detail,
)
from zerogpu_desktop.ui.evaluate_setup import EvaluateSetup
from zerogpu_desktop.ui.save_folder import SaveFolders
from zerogpu_desktop.ui.session import WindowSession
from zerogpu_desktop.workbench.evaluate.plan import EvaluationPlan, PlanError
from zerogpu_desktop.workbench.evaluate.types import DatasetError, EvaluationState
from zerogpu_desktop.workbench.evaluate.version_links import link_to_versions

if TYPE_CHECKING:
    from PySide6.QtCore import QModelIndex

    from zerogpu_desktop.storage.presets.store import PresetStore
    from zerogpu_desktop.workbench.evaluate.engine import EvaluationProgress, EvaluationReport
    from zerogpu_desktop.workbench.evaluate.store import EvaluationStore


@dataclass(frozen=True, slots=True)
class EvaluateParts:
    """What the panel works with, handed over by the window."""

    session: WindowSession
    editors: EditorSet
    presets: PresetStore
    data_dir: Path
    ui_state: UiStateStore


class EvaluatePanel(QWidget):
    """Setup, Run/Cancel, progress, filter, Export and the grid of one evaluation."""

    def __init__(self, parts: EvaluateParts, dock: QDockWidget) -> None:
        super().__init__(dock)
        self.dock = dock
        session = parts.session
        self._history = session.history
        self._data_dir = parts.data_dir
        self._save_folders = SaveFolders(parts.ui_state)
        self._tasks = session.tasks
        self._dialogs = OpenDialogs()
        self._store: EvaluationStore | None = None
        self._plan: EvaluationPlan | None = None
        self._resuming = False
        self.evaluation_id: int | None = None
        self.last_state: EvaluationState | None = None
        self.setAccessibleName("Evaluate")
        self.setObjectName("evaluatePanel")
        FileDrop(self, self.open_dataset, lambda: not self.bridge.is_running)
        self.bridge = EvaluateBridge(session.runs, session.tasks, parts.data_dir, parent=self)
        self._presets = parts.presets
        self.setup = EvaluateSetup(
            parts.editors, parts.presets, session.tasks, lambda: session.runs.demo, self
        )
        self.run_button = named_button("Run", "Run evaluation", self)
        self.run_button.setToolTip("Run every case on every ticked model (Ctrl+Shift+Enter)")
        self.cancel_button = named_button("Cancel", "Cancel evaluation", self)
        self.cancel_button.setToolTip("Stop every call; Resume runs the rest later (Esc)")
        self.cancel_button.setEnabled(False)
        self.resume_button = named_button("Resume", "Resume evaluation", self)
        self.resume_button.setToolTip("Run the cells the cancelled evaluation did not reach")
        self.resume_button.hide()
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setAccessibleName("Evaluation progress")
        self.progress_bar.setFormat("%v of %m")
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.progress_label = QLabel("Nothing has run yet.", self)
        self.progress_label.setAccessibleName("Evaluation figures")
        self.progress_label.setWordWrap(True)
        self.message_label = MessageLine("Evaluate message", self)
        self.filter_combo = QComboBox(self)
        self.filter_combo.setAccessibleName("Show")
        self.filter_combo.view().setAccessibleName("Filters")
        self.filter_combo.addItems(list(FILTERS))
        self.export_button = named_button("E&xport…", "Export the evaluation", self)
        self.export_button.setToolTip("Save the results as CSV, JSON Lines or an HTML report")
        self.export_button.setEnabled(False)
        self.earlier_button = named_button("Ea&rlier…", "Earlier evaluations", self)
        self.earlier_button.setToolTip("Reopen an earlier evaluation, or see what changed since")
        self.model = EvaluationGridModel(self)
        self.grid = results_grid(self.model, self)
        self._layout()
        self._connect()

    def _layout(self) -> None:
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(8, 6, 8, 6)
        left_layout.addWidget(self.setup, 1)
        scroll = QScrollArea(self)
        scroll.setWidget(left)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setMinimumWidth(280)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(4, 6, 8, 6)
        run_row = QHBoxLayout()
        run_row.addWidget(self.run_button)
        run_row.addWidget(self.cancel_button)
        run_row.addWidget(self.resume_button)
        run_row.addWidget(self.progress_bar, 1)
        right_layout.addLayout(run_row)
        right_layout.addWidget(self.progress_label)
        right_layout.addWidget(self.message_label)
        bar = QHBoxLayout()
        show_label = QLabel("Sho&w:", right)
        show_label.setBuddy(self.filter_combo)
        bar.addWidget(show_label)
        bar.addWidget(self.filter_combo)
        bar.addStretch(1)
        bar.addWidget(self.earlier_button)
        bar.addWidget(self.export_button)
        right_layout.addLayout(bar)
        right_layout.addWidget(self.grid, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("evaluateSplitter")
        splitter.addWidget(scroll)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([340, 1000])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        # Setup first, then Run, then the results: Tab goes through in reading order.
        QWidget.setTabOrder(self.setup.budget, self.run_button)
        QWidget.setTabOrder(self.run_button, self.cancel_button)
        QWidget.setTabOrder(self.cancel_button, self.resume_button)
        QWidget.setTabOrder(self.resume_button, self.filter_combo)
        QWidget.setTabOrder(self.filter_combo, self.earlier_button)
        QWidget.setTabOrder(self.earlier_button, self.export_button)
        QWidget.setTabOrder(self.export_button, self.grid)

    def _connect(self) -> None:
        self.setup.open_button.clicked.connect(self.ask_dataset)
        self.run_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(self.cancel)
        self.resume_button.clicked.connect(self.resume)
        self.export_button.clicked.connect(self.ask_export)
        self.earlier_button.clicked.connect(self.ask_earlier)
        self.filter_combo.currentTextChanged.connect(self.model.set_filter)
        self.grid.activated.connect(self.open_detail)
        self.setup.message.connect(self.show_message)
        self.setup.problem.connect(self.show_problem)
        bridge = self.bridge
        bridge.running_changed.connect(self._on_running_changed)
        bridge.started.connect(self._on_started)
        bridge.progress.connect(self._on_progress)
        bridge.results.connect(self.model.add_results)
        bridge.finished.connect(self._on_finished)
        bridge.failed.connect(self.show_problem)
        # Ctrl+Shift+Enter runs the evaluation while the keyboard is here: the window's
        # Compare action sends that key here (a second shortcut would make it ambiguous).

    # -- showing --------------------------------------------------------------------------

    def show_and_focus(self) -> None:
        """Ctrl+E: the panel in front, its choices fresh, the keyboard on its first control."""
        self.dock.show()
        self.dock.raise_()
        if not self.bridge.is_running:
            self.setup.refresh_choices()
        self.setup.prompt_combo.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def show_message(self, text: str) -> None:
        self.message_label.say(text, "muted")

    def show_problem(self, text: str) -> None:
        self.message_label.say(text, "bad")

    def ask_dataset(self) -> None:
        """Open dataset…: a file dialog for .csv, .tsv, .jsonl and .json files."""
        start = self.setup.dataset_path.parent if self.setup.dataset_path else Path.home()
        self._dialogs.open(dataset_dialog(self.window(), start, self.open_dataset))

    def open_dataset(self, path: Path) -> None:
        """Reads a dataset file (the Open dialog, a drop, or a test)."""
        self.show_message("")
        self.setup.open_dataset(path)

    # -- running --------------------------------------------------------------------------

    def run(self) -> None:
        """Checks the setup and starts; a setup that cannot run is told in one sentence."""
        if self.bridge.is_running:
            return
        try:
            plan = self.setup.plan()
        except (PlanError, DatasetError) as exc:
            self.show_problem(str(exc))
            return
        self.show_message("")
        self._plan = plan
        self._resuming = False
        if self.bridge.start(plan):
            self.progress_label.setText(f"Starting: {self.setup.estimate_label.text()}.")

    def resume(self) -> None:
        """Runs the cells a cancelled (or budget-stopped) evaluation did not reach."""
        if self.bridge.is_running or self._plan is None or self.evaluation_id is None:
            return
        self._resuming = True
        self.show_message("")
        self.bridge.start(self._plan, resume=self.evaluation_id)

    def cancel(self) -> None:
        if self.bridge.cancel():
            self.progress_label.setText("Cancelling…")

    def cancel_if_focused(self) -> None:
        """The window's Esc: cancels only when the keyboard is in this panel."""
        focus = QApplication.focusWidget()
        if focus is not None and self.isAncestorOf(focus):
            self.cancel()

    def close_panel(self) -> None:
        """At quit: stop the evaluation and let go of the store (the window's tasks wait)."""
        self.bridge.cancel()
        self.model.detach()
        store, self._store = self._store, None
        if store is not None:
            store.close()

    def _on_running_changed(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.setup.setEnabled(not running)
        if running:
            self.resume_button.hide()
        if not running and self.cancel_button.hasFocus():
            self.run_button.setFocus()

    def _on_started(self, evaluation_id: int, *, stored: bool = False) -> None:
        """Shows `evaluation_id` in the grid: the one starting, or a stored one (`stored`)."""
        plan, store = self._plan, self._reader()
        if plan is None or store is None:
            return
        self.evaluation_id = evaluation_id
        existing = self._resuming or stored
        self.model.attach(
            store,
            evaluation_id,
            plan.dataset.cases,
            plan.models,
            plan.repeat,
            read_existing=existing,
        )
        fit_columns(self.grid, len(plan.models))
        self.export_button.setEnabled(True)

    def ask_earlier(self) -> None:
        """Earlier…: the stored evaluations, to reopen one or see what changed since."""
        store = self._reader()
        if store is not None and not self.bridge.is_running:
            with contextlib.suppress(HistoryError):  # unlinked, they still show and open
                link_to_versions(store, self._presets)
            self._dialogs.open(earlier_dialog(store, self.window(), self.show_stored))

    def show_stored(self, evaluation_id: int) -> None:
        """A stored evaluation in the grid, with its figures; Resume runs what it did not."""
        store = self._reader()
        stored = stored_plan(store, evaluation_id) if store is not None else None
        if stored is None:
            return
        self._plan, words, resumable = stored
        self._on_started(evaluation_id, stored=True)
        self.model.finish()
        self._show_figures(words)
        self.resume_button.setVisible(resumable)

    def _reader(self) -> EvaluationStore | None:
        if self._store is None:
            self._store, problem = open_reader(self._data_dir)
            if problem is not None:
                self.show_problem(problem)
        return self._store

    def _on_progress(self, progress: EvaluationProgress) -> None:
        self.progress_bar.setTextVisible(True)
        self.progress_bar.setRange(0, max(1, progress.total))
        self.progress_bar.setValue(progress.done)
        self._show_figures(progress_words(progress))

    def _show_figures(self, words: str) -> None:
        self.progress_label.setText(words)
        self.progress_label.setAccessibleDescription(words)
        self.progress_bar.setAccessibleDescription(words)

    def _on_finished(self, report: EvaluationReport) -> None:
        self.model.finish()
        self._on_progress(report.progress)
        self.last_state = report.state
        self._show_figures(ended_words(report))
        announce(self.progress_label, ended_words(report))
        resumable = report.state in (EvaluationState.CANCELLED, EvaluationState.BUDGET)
        self.resume_button.setVisible(resumable)

    # -- a cell, the export ---------------------------------------------------------------

    def open_detail(self, index: QModelIndex) -> None:
        """Enter or a double click on a cell: its full answer, request and checks."""
        cell = self.model.cell_at(index)
        store, plan = self._store, self._plan
        if cell is None or store is None or plan is None or self.evaluation_id is None:
            return
        from zerogpu_desktop.ui.evaluate_detail import CellDetailDialog

        detail = read_detail(store, self._history.store, plan, self.evaluation_id, *cell)
        if detail is None:
            self.show_message("This cell has no result yet; open it again once it has run.")
            return
        dialog = CellDetailDialog(detail, self.window())
        dialog.finished.connect(dialog.deleteLater)
        self._dialogs.open(dialog)

    def ask_export(self) -> None:
        """Export…: a save dialog offering CSV, JSON Lines and the HTML report."""
        if self.evaluation_id is None:
            return
        stem = Path(self._plan.dataset.name).stem if self._plan else "evaluation"
        folder = self._save_folders.folder()
        self._dialogs.open(export_dialog(self.window(), folder, stem, self.export_to))

    def export_to(self, path: Path) -> None:
        """Writes the evaluation off the GUI thread; the panel says where, or what failed."""
        if self.evaluation_id is None:
            return
        job = ExportJob(self._data_dir, self.evaluation_id, path)
        self.show_message(f"Exporting to {path}…")
        self._tasks.spawn(self._export(job))

    async def _export(self, job: ExportJob) -> None:
        problem = await job.run()
        if not shiboken6.isValid(self):
            return  # the window closed while the file was written
        if problem is not None:
            self.show_problem(problem)
            return
        self._save_folders.remember(job.path.parent)
        self.show_message(f"Exported {job.written:,} results to {job.path}.")
