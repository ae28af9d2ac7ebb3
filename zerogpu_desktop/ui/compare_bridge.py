"""The window's comparisons, as Qt signals over the Qt-free compare use case.

One comparison runs at a time, as a task of the window (quitting cancels it). Its columns go
through a Runner of their own, made with one lane per column so none waits for another, and
sharing the window's calibration, model memory and history; each column is a history run of
source "compare".
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, Signal, SignalInstance

from zerogpu_desktop.ui.run_bridge import RunBridge
from zerogpu_desktop.ui.tasks import TaskKeeper

if TYPE_CHECKING:
    import asyncio
    from collections.abc import Callable

    from zerogpu_desktop.workbench.compare import CompareColumn
    from zerogpu_desktop.workbench.connection import Connection
    from zerogpu_desktop.workbench.outcome import RunOutcome

log = logging.getLogger(__name__)


class CompareBridge(QObject):
    """Starts and cancels the window's one comparison, and reports each column on its own.

    Args:
        runs: The window's runs: the connection, the key check, and the Runner of each batch.
        tasks: The window's tasks; quitting cancels the comparison through them.

    Signals:
        running_changed(bool): a comparison started, or every column ended.
        answered(int, RunOutcome): column `index` ended (answered, failed or cancelled).
        recorded(int, RunOutcome): column `index` is in the history (`history_id` set, or
            None when the history could not take it).
        failed(str): the comparison could not start; one sentence says why.
    """

    running_changed = Signal(bool)
    answered = Signal(int, object)
    recorded = Signal(int, object)
    failed = Signal(str)

    def __init__(
        self,
        runs: RunBridge,
        tasks: TaskKeeper,
        *,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._runs = runs
        self._tasks = tasks
        self._task: asyncio.Task[None] | None = None

    def __repr__(self) -> str:
        return f"CompareBridge(running={self.is_running})"

    @property
    def is_running(self) -> bool:
        return self._task is not None

    @property
    def demo(self) -> bool:
        return self._runs.demo

    def start(self, columns: Sequence[CompareColumn]) -> bool:
        """Sends every column at once; False when a comparison runs or it cannot start."""
        if self.is_running:
            return False
        refusal = self._runs.not_ready()
        if refusal is not None:
            self.failed.emit(refusal)
            return False
        self.running_changed.emit(True)
        self._task = self._tasks.spawn(self._compare(list(columns), self._runs.connection()))
        return True

    def cancel(self) -> bool:
        """Esc: every column still running stops, and is recorded as cancelled."""
        if self._task is None:
            return False
        self._task.cancel()
        return True

    async def _compare(self, columns: list[CompareColumn], connection: Connection) -> None:
        import asyncio
        import contextlib

        from zerogpu_desktop.workbench.compare import run_columns

        runner = self._runs.batch_runner("compare", len(columns))
        try:
            with contextlib.suppress(asyncio.CancelledError):
                await run_columns(
                    runner,
                    columns,
                    connection,
                    on_done=self._tell(self.answered),
                    on_recorded=self._tell(self.recorded),
                )
        finally:
            await runner.aclose()
            self._task = None
            if shiboken6.isValid(self):  # not when its window was destroyed meanwhile
                self.running_changed.emit(False)

    def _tell(self, signal: SignalInstance) -> Callable[[int, RunOutcome], None]:
        def told(index: int, outcome: RunOutcome) -> None:
            if shiboken6.isValid(self):
                signal.emit(index, outcome)

        return told
