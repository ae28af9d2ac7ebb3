"""The window's run history: opened once, checked off the GUI thread, written on its own thread.

The History and Usage panels read through the window's connection (`store`); runs are
written by a `HistoryWriter` on a second connection, so indexing a large answer never stalls
the window. A history that cannot be opened is told once, and runs then go unrecorded: the
window keeps working without it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from zerogpu_desktop.storage.history.store import HistoryStore
    from zerogpu_desktop.storage.history.types import RunRecord
    from zerogpu_desktop.storage.history.writer import HistoryWriter
    from zerogpu_desktop.storage.loaded import Loaded

log = logging.getLogger(__name__)

#: The start-up check reads the whole file (100 ms per 100,000 runs); past this it is given up.
CHECK_SECONDS = 60.0
#: Closing waits this much longer than the writer is given, for the thread's own join.
CLOSE_MARGIN_SECONDS = 0.5


class HistoryService(QObject):
    """Owns the window's `HistoryStore` and `HistoryWriter`; records runs for the run engine.

    Args:
        data_dir: The data folder holding the history database.

    Signals:
        ready(): the database is open; `store` is set.
        problem(str): a sentence about a history that could not be opened or written.
    """

    ready = Signal()
    problem = Signal(str)

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.store: HistoryStore | None = None
        #: Why the history could not be opened; once set, nothing tries again.
        self.failure: str | None = None
        self._writer: HistoryWriter | None = None

    def __repr__(self) -> str:
        return f"HistoryService(open={self.store is not None}, failed={self.failure is not None})"

    def open(self) -> HistoryStore | None:
        """Opens (and checks) the database on first use; None when it is not available."""
        if self.store is None and self.failure is None:
            from zerogpu_desktop.storage.history.types import HistoryError

            try:
                opened = self._open(check=True)
            except HistoryError as exc:
                self._fail(exc)
                return None
            self.store = opened.value
            if opened.problem:
                self.problem.emit(opened.problem)
            self.ready.emit()
        return self.store

    async def prepare(self) -> None:
        """Checks the database off the GUI thread, then opens the window's connection.

        `PRAGMA quick_check` reads the whole file: 100 ms for 100,000 runs, too long for
        the GUI thread.
        """
        from zerogpu_desktop.storage.history.types import HistoryError

        if self.store is not None or self.failure is not None:
            return

        def check() -> str | None:
            opened = self._open(check=True)
            opened.value.close()
            return opened.problem

        from zerogpu_desktop import background

        try:
            found = await background.run(check, timeout=CHECK_SECONDS, name="zerogpu-history-check")
        except (HistoryError, TimeoutError) as exc:
            self._fail(exc)
            return
        if self.store is not None or self.failure is not None:  # opened meanwhile
            return
        try:
            self.store = self._open(check=False).value
        except HistoryError as exc:
            self._fail(exc)
            return
        if found:
            self.problem.emit(found)
        self.ready.emit()

    def latest_run(self) -> RunRecord | None:
        """The newest run, or None; one indexed row, cheap enough for the GUI thread."""
        from zerogpu_desktop.storage.history.types import HistoryError

        if self.store is None:
            return None
        try:
            newest = self.store.page(limit=1, batch_runs=False)  # not a cell of an evaluation
            return self.store.get(newest[0].id) if newest else None
        except HistoryError as exc:
            log.warning("the newest run could not be read: %s", exc)
            return None

    async def record(self, record: RunRecord) -> int | None:
        """Writes one run on the writer's thread; its id, or None when it was not stored."""
        if self.open() is None:
            return None
        import asyncio

        from zerogpu_desktop.storage.history.types import HistoryError

        if self._writer is None:
            from zerogpu_desktop.storage.history.writer import HistoryWriter

            self._writer = HistoryWriter(self.data_dir)
        try:
            return await asyncio.wrap_future(self._writer.submit(record))
        except HistoryError as exc:
            self.problem.emit(f"The run was not saved to the history: {exc}")
            return None

    async def close(self, grace_seconds: float) -> None:
        """Finishes the queued writes (at most `grace_seconds`), then closes the database."""
        from zerogpu_desktop import background

        writer, self._writer = self._writer, None
        if writer is not None:
            try:
                finished = await background.run(
                    writer.close,
                    grace_seconds,
                    timeout=grace_seconds + CLOSE_MARGIN_SECONDS,
                    name="zerogpu-history-close",
                )
            except TimeoutError:
                finished = False
            if not finished:
                log.warning("the history writer did not finish within %.1f s", grace_seconds)
        store, self.store = self.store, None
        if store is not None:
            store.close()

    def _open(self, *, check: bool) -> Loaded[HistoryStore]:
        from zerogpu_desktop.storage.history.store import open_history_store

        return open_history_store(self.data_dir, check=check)

    def _fail(self, exc: BaseException) -> None:
        self.failure = str(exc)
        self.problem.emit(f"The history is not available: {exc}")
