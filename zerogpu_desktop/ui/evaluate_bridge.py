"""The window's evaluations, as Qt signals over the evaluation engine (`Evaluator`).

One evaluation runs at a time, as a task of the window (quitting cancels it and waits for
what finished to be stored). Its cells go through a Runner of their own, made for the
evaluation with its concurrency and closed after it, sharing the window's calibration, model
memory and history. The engine reports every cell; a view cannot repaint that often, so the
reports reach the view at most ten times a second, each with the results since the last.

The results are written by the engine through a worker thread that opens its own connection
to the store (SQLite is used on the thread that opened it); the grid reads with another.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal

from zerogpu_desktop.ui.run_bridge import RunBridge
from zerogpu_desktop.ui.tasks import TaskKeeper

if TYPE_CHECKING:
    from concurrent.futures import Future

    from zerogpu_desktop.workbench.connection import Connection
    from zerogpu_desktop.workbench.evaluate.engine import EvaluationProgress, Evaluator
    from zerogpu_desktop.workbench.evaluate.plan import EvaluationPlan
    from zerogpu_desktop.workbench.evaluate.types import CellKey, CellResult

log = logging.getLogger(__name__)

#: The view is told at most this often (ms): ten updates a second.
PROGRESS_INTERVAL_MS = 100
#: Opening the store (and creating its tables) may wait this long for another writer.
STORE_OPEN_SECONDS = 15.0
#: Closing the writer's connection at the end is given this long.
STORE_CLOSE_SECONDS = 5.0


class EvaluateBridge(QObject):
    """Starts, reports and cancels the window's one evaluation.

    Args:
        runs: The window's runs: the connection, the key check, and the Runner of each batch.
        tasks: The window's tasks; quitting cancels the evaluation through them.
        data_dir: The data folder holding the store.

    Signals:
        running_changed(bool): an evaluation started, or ended however it ended.
        started(int): the evaluation is stored under this id; its cells are about to run.
        progress(EvaluationProgress): where it is, at most ten times a second.
        results(list): the `CellResult`s finished since the last `progress`.
        finished(EvaluationReport): it ended: finished, cancelled or at the token budget.
        failed(str): it could not start or go on; one sentence says why.
    """

    running_changed = Signal(bool)
    started = Signal(int)
    progress = Signal(object)
    results = Signal(object)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        runs: RunBridge,
        tasks: TaskKeeper,
        data_dir: Path,
        *,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._runs = runs
        self._tasks = tasks
        self.data_dir = data_dir
        self._running = False
        self._cancel_asked = False
        self._evaluator: Evaluator | None = None
        self._latest: EvaluationProgress | None = None
        self._unsent: list[CellResult] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PROGRESS_INTERVAL_MS)
        self._timer.timeout.connect(self._on_tick)
        #: Done once the engine is loaded (see `warm_up`).
        self.warmed = warm_up()

    def __repr__(self) -> str:
        return f"EvaluateBridge(running={self._running})"

    @property
    def is_running(self) -> bool:
        return self._running

    @property
    def demo(self) -> bool:
        return self._runs.demo

    def start(
        self,
        plan: EvaluationPlan,
        *,
        resume: int | None = None,
        skip: Iterable[CellKey] | None = None,
    ) -> bool:
        """Starts `plan` (checked by the caller); False when one runs or it cannot start.

        `resume` continues a stored evaluation of the same plan: the cells in `skip` (all
        the stored ones when None) do not run again.
        """
        if self._running:
            return False
        refusal = self._runs.not_ready()
        if refusal is not None:
            self.failed.emit(refusal)
            return False
        self._running = True
        self._cancel_asked = False
        self.running_changed.emit(True)
        self._tasks.spawn(self._evaluate(plan, self._runs.connection(), resume, skip))
        return True

    def cancel(self) -> bool:
        """Stops the evaluation: no new cell starts, the cells in flight are cancelled."""
        if not self._running:
            return False
        self._cancel_asked = True
        if self._evaluator is not None:
            self._evaluator.cancel()
        return True

    # -- the task -------------------------------------------------------------------------

    async def _evaluate(
        self,
        plan: EvaluationPlan,
        connection: Connection,
        resume: int | None,
        skip: Iterable[CellKey] | None,
    ) -> None:
        import asyncio

        from zerogpu_desktop import background
        from zerogpu_desktop.storage.history.types import HistoryError
        from zerogpu_desktop.workbench.evaluate.engine import Evaluator
        from zerogpu_desktop.workbench.evaluate.plan import PlanError
        from zerogpu_desktop.workbench.evaluate.store import open_evaluation_store
        from zerogpu_desktop.workbench.evaluate.types import DatasetError
        from zerogpu_desktop.workbench.runner import Runner

        worker = background.Worker("zerogpu-evaluate-writer")
        store = None
        runner: Runner | None = None
        report = None
        try:
            store = await worker.run(
                open_evaluation_store, self.data_dir, timeout=STORE_OPEN_SECONDS
            )
            runner = self._runs.batch_runner("evaluate", plan.concurrency)
            evaluator = Evaluator(runner, worker, store, on_progress=self._on_engine_progress)
            self._evaluator = evaluator
            if resume is None:
                evaluation_id = await evaluator.start(plan, connection)
                done: Iterable[CellKey] = ()
            else:
                evaluation_id = resume
                stored = store
                done = (
                    skip
                    if skip is not None
                    else await worker.run(lambda: stored.done_cells(resume))
                )
            self.started.emit(evaluation_id)
            if self._cancel_asked:
                # `run` starts by clearing an earlier cancel; this one lands once it waits.
                asyncio.get_running_loop().call_soon(evaluator.cancel)
            report = await evaluator.run(evaluation_id, plan, connection, skip=done)
        except (HistoryError, PlanError, DatasetError, TimeoutError) as exc:
            self._send_progress()
            self.failed.emit(_sentence(exc))
        finally:
            self._evaluator = None
            if runner is not None:
                await runner.aclose()
            if store is not None:
                closing = store
                with contextlib.suppress(Exception):
                    await worker.run(closing.close, timeout=STORE_CLOSE_SECONDS)
            worker.close(timeout=0)
            self._running = False
            if shiboken6.isValid(self):  # not when its window was destroyed meanwhile
                self._timer.stop()
                self._send_progress()
                self.running_changed.emit(False)
        if report is not None and shiboken6.isValid(self):
            self.finished.emit(report)

    # -- progress, throttled --------------------------------------------------------------

    def _on_engine_progress(self, progress: EvaluationProgress) -> None:
        """Every cell's report: kept, and passed on now or at the next tick."""
        self._latest = progress
        if progress.last is not None:
            self._unsent.append(progress.last)
        if not self._timer.isActive():
            self._send_progress()
            self._timer.start()

    def _on_tick(self) -> None:
        if self._latest is not None:
            self._send_progress()
            self._timer.start()

    def _send_progress(self) -> None:
        latest, self._latest = self._latest, None
        batch, self._unsent = self._unsent, []
        if batch:
            self.results.emit(batch)
        if latest is not None:
            self.progress.emit(latest)


def warm_up() -> Future[None]:
    """Loads the engine (and with it the HTTP stack and the CA bundle) on a thread of its own.

    The panel opens long before Run is pressed; importing the engine then, on the GUI
    thread, would freeze the window for a few hundred milliseconds at the worst moment.
    """
    from zerogpu_desktop import background

    def work() -> None:
        import zerogpu_desktop.workbench.evaluate.engine  # noqa: F401 - the import is the work
        from zerogpu_desktop.api.tls import warm_up as load_certificates

        load_certificates()

    return background.start(work, name="zerogpu-evaluate-warm-up")


def _sentence(exc: BaseException) -> str:
    """The engine's and the store's errors are sentences already; a timeout is made one."""
    if isinstance(exc, TimeoutError):
        return (
            "The evaluation could not reach its store in time: the history database is busy. "
            "Try again in a moment."
        )
    text = str(exc).strip()
    return text if text else "The evaluation could not run."
