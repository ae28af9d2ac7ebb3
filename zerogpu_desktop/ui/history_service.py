"""The window's run history: opened once, checked off the GUI thread, written on its own thread.

The History and Usage panels read through the window's connection (`store`); runs and their
ratings are written by a `HistoryWriter` on a second connection, so indexing a large answer
never stalls the window. A history that cannot be opened is told once, and runs then go
unrecorded: the window keeps working without it.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    import asyncio
    from concurrent.futures import Future

    from zerogpu_desktop.storage.history.store import HistoryStore
    from zerogpu_desktop.storage.history.types import RunRating, RunRecord
    from zerogpu_desktop.storage.history.writer import HistoryWriter
    from zerogpu_desktop.storage.loaded import Loaded

log = logging.getLogger(__name__)

#: The start-up check reads the whole file (100 ms per 100,000 runs); past this it is given up.
CHECK_SECONDS = 60.0
#: The last answer is looked for among this many newest runs, LATEST_RUN_PAGE at a time.
LATEST_RUN_PAGE = 50
LATEST_RUN_PAGES = 4
#: Closing waits this much longer than the writer is given, for the thread's own join.
CLOSE_MARGIN_SECONDS = 0.5


class HistoryService(QObject):
    """Owns the window's `HistoryStore` and `HistoryWriter`; records runs for the run engine.

    Args:
        data_dir: The data folder holding the history database.

    Signals:
        ready(): the database is open; `store` is set.
        problem(str): a sentence about a history that could not be opened or written.
        rated(int): the rating of this run (its id) was stored; open views show it again.
    """

    ready = Signal()
    problem = Signal(str)
    rated = Signal(int)

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
        """The newest run of a prompt sent from the window or the CLI, or None.

        Never an evaluation's cell, nor a comparison's column: the window shows its own last
        answer again, not one of several that were side by side. The runs of comparisons
        listed since are skipped page by page, at most LATEST_RUN_PAGES pages (cheap enough
        for the GUI thread); past that there is no last answer to show.
        """
        from zerogpu_desktop.storage.history.types import HistoryError

        if self.store is None:
            return None
        before: int | None = None
        try:
            for _page in range(LATEST_RUN_PAGES):
                rows = self.store.page(limit=LATEST_RUN_PAGE, batch_runs=False, before_id=before)
                own = next((row for row in rows if row.source in ("window", "cli")), None)
                if own is not None:
                    return self.store.get(own.id)
                if len(rows) < LATEST_RUN_PAGE:
                    return None
                before = rows[-1].id
        except HistoryError as exc:
            log.warning("the newest run could not be read: %s", exc)
        return None

    async def record(self, record: RunRecord) -> int | None:
        """Writes one run on the writer's thread; its id, or None when it was not stored."""
        if self.open() is None:
            return None
        import asyncio

        from zerogpu_desktop.storage.history.types import HistoryError

        try:
            return await asyncio.wrap_future(self._started_writer().submit(record))
        except HistoryError as exc:
            self.problem.emit(f"The run was not saved to the history: {exc}")
            return None

    def rate(self, run_id: int, rating: RunRating | None, note: str) -> asyncio.Future[bool]:
        """Stores a rating on the writer's thread; the future tells whether it was stored.

        Call it on the GUI thread, while the window's event loop runs; nothing waits here.
        The future is an asyncio one (await it, or add a done callback), resolved on this
        thread: True once stored (and `rated` is emitted first), False when it was not
        (`problem` has said why: the run was deleted, or the history failed). It never
        raises, so nobody has to wait on it. A rating given right after `record` returned
        the run's id is queued behind that run, so it is never lost.

        Raises:
            ValueError: The note is longer than MAX_RATING_NOTE (the window bounds it first).
        """
        import asyncio

        loop = asyncio.get_running_loop()
        answer: asyncio.Future[bool] = loop.create_future()
        if self.open() is None:
            self.problem.emit("The rating was not saved: the history is not available.")
            answer.set_result(False)
            return answer
        stored = self._started_writer().rate(run_id, rating, note)

        def finished(done: Future[bool]) -> None:  # on the writer's thread
            # The loop may be closed already at quit: the rating is written all the same.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._told_rated, run_id, done, answer)

        stored.add_done_callback(finished)
        return answer

    def _told_rated(self, run_id: int, done: Future[bool], answer: asyncio.Future[bool]) -> None:
        from zerogpu_desktop.storage.history.types import HistoryError

        try:
            found = done.result()
        except HistoryError as exc:
            self.problem.emit(f"The rating was not saved: {exc}")
            found = False
        else:
            if found:
                self.rated.emit(run_id)
            else:
                self.problem.emit(
                    f"Run {run_id} is no longer in the history, so its rating was not saved."
                )
        if not answer.done():
            answer.set_result(found)

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

    def _started_writer(self) -> HistoryWriter:
        if self._writer is None:
            from zerogpu_desktop.storage.history.writer import HistoryWriter

            self._writer = HistoryWriter(self.data_dir)
        return self._writer

    def _open(self, *, check: bool) -> Loaded[HistoryStore]:
        from zerogpu_desktop.storage.history.store import open_history_store

        return open_history_store(self.data_dir, check=check)

    def _fail(self, exc: BaseException) -> None:
        self.failure = str(exc)
        self.problem.emit(f"The history is not available: {exc}")
