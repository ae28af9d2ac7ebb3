"""Records runs on a thread of their own, so a big answer never stalls the window.

Indexing a multi-megabyte answer for full-text search takes over 100 ms;
done on the GUI thread it freezes the window just as the answer appears.
The writer owns a second connection (WAL lets it write while the GUI's
connection reads) on one background worker, and hands back futures.

Runs that arrive faster than one per ``COMMIT_INTERVAL_SECONDS`` (an evaluation of a
dataset, many compared runs) are committed together: a run arriving after a quiet spell is
written at once, and those arriving within the interval after a commit wait for the rest of
it and go in one transaction. Each run still gets its own id, in the order submitted; if a
batch fails, its runs are written one by one, so one bad run never costs the others theirs.

Ratings go through the same thread and connection, queued behind what was submitted before
them: a rating given as soon as a run's id is known always finds that run written, and two
ratings of one run given in a row are kept in that order (the last one wins).
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future
from pathlib import Path

from zerogpu_desktop.background import Worker
from zerogpu_desktop.storage.history.store import HistoryStore
from zerogpu_desktop.storage.history.types import HistoryError, RunRating, RunRecord, clean_note

_log = logging.getLogger(__name__)

COMMIT_INTERVAL_SECONDS = 0.05
"""The shortest time between two commits while runs keep arriving."""
MAX_BATCH_RUNS = 256
"""At most this many runs per transaction, so a burst of huge answers stays a bounded write."""

_Pending = tuple[RunRecord, "Future[int]"]


class HistoryWriter:
    """A single background thread that appends runs to the history in order.

    Args:
        data_dir: the data folder holding `history.sqlite3`.
        commit_interval: seconds between commits while runs keep arriving (tests shorten it).
    """

    def __init__(self, data_dir: Path, *, commit_interval: float = COMMIT_INTERVAL_SECONDS) -> None:
        self.data_dir = data_dir
        self._commit_interval = commit_interval
        self._lock = threading.Lock()
        self._pending: list[_Pending] = []
        self._drain_queued = False
        self._closed = False
        # Used only on the worker's thread: a SQLite connection stays on the one that opened it.
        self._store: HistoryStore | None = None
        self._open_error: HistoryError | None = None
        self._last_commit = float("-inf")
        self._worker = Worker("zerogpu-history-writer")

    def submit(self, record: RunRecord) -> Future[int]:
        """Queues `record`; the future gives its id, or raises HistoryError.

        Any failure with one record (even a bug) fails only that record's future, or is
        logged when nobody waits; the thread goes on writing the next ones. After `close`,
        the future fails at once: the run is not written.
        """
        future: Future[int] = Future()
        with self._lock:
            if self._closed:
                closed = HistoryError("The history is closed, so the run was not saved.")
                future.set_exception(closed)
                return future
            self._pending.append((record, future))
            if not self._drain_queued:
                self._drain_queued = True
                self._worker.submit(self._drain)
        return future

    def rate(self, run_id: int, rating: RunRating | None, note: str = "") -> Future[bool]:
        """Queues a rating (see ``HistoryStore.rate``); the future says whether the run exists.

        The future raises HistoryError when the rating could not be written, or at once
        after `close`.

        Raises:
            ValueError: The note is too long (checked here, so the caller hears it at once).
        """
        clean_note(note)
        with self._lock:
            if self._closed:
                future: Future[bool] = Future()
                closed = HistoryError("The history is closed, so the rating was not saved.")
                future.set_exception(closed)
                return future
            # Behind any drain already queued: the run the rating is for was submitted first.
            return self._worker.submit(self._rate, run_id, rating, note)

    def close(self, timeout: float = 2.0) -> bool:
        """Finishes queued writes (up to `timeout`) and stops; returns whether it finished."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._worker.submit(self._close_store)
        return self._worker.close(timeout)

    # -- on the worker's thread -----------------------------------------------------------

    def _drain(self) -> None:
        with self._lock:
            full = len(self._pending) >= MAX_BATCH_RUNS
        wait = self._last_commit + self._commit_interval - time.monotonic()
        if wait > 0 and not full:
            time.sleep(wait)  # runs are coming fast: gather what arrives until the next commit
        with self._lock:
            batch = self._pending[:MAX_BATCH_RUNS]
            del self._pending[:MAX_BATCH_RUNS]
            if self._pending:
                self._worker.submit(self._drain)
            else:
                self._drain_queued = False
        self._write(batch)
        self._last_commit = time.monotonic()

    def _write(self, batch: list[_Pending]) -> None:
        # A cancelled future only means nobody waits for the id any more (the app is
        # quitting): the run is written all the same.
        waited = [future.set_running_or_notify_cancel() for _, future in batch]
        try:
            ids = self._opened_store().record_batch([record for record, _ in batch])
        except Exception:
            self._write_one_by_one(batch, waited)
            return
        for (_, future), run_id, waited_for in zip(batch, ids, waited, strict=True):
            if waited_for:
                future.set_result(run_id)

    def _write_one_by_one(self, batch: list[_Pending], waited: list[bool]) -> None:
        for (record, future), waited_for in zip(batch, waited, strict=True):
            try:
                run_id = self._opened_store().record(record)
            except Exception as exc:
                error = _as_history_error(exc, "The run could not be saved to the history")
                if waited_for:
                    future.set_exception(error)
                else:
                    _log.warning("A run could not be saved to the history: %s", error)
                continue
            if waited_for:
                future.set_result(run_id)

    def _rate(self, run_id: int, rating: RunRating | None, note: str) -> bool:
        try:
            return self._opened_store().rate(run_id, rating, note)
        except HistoryError:
            raise
        except Exception as exc:
            raise _as_history_error(exc, "The rating could not be saved") from exc

    def _opened_store(self) -> HistoryStore:
        """The writer's connection, opened at the first run; an open failure is kept and told."""
        if self._store is None and self._open_error is None:
            try:
                # Unchecked: the window has just opened (and checked) the file, and a full
                # quick_check here could outlast the wait for this thread at quit.
                self._store = HistoryStore(self.data_dir, check=False)
            except Exception as exc:
                self._open_error = _as_history_error(exc, "The history could not be opened")
        if self._store is None:
            raise self._open_error or HistoryError("The history is closed.")
        return self._store

    def _close_store(self) -> None:
        store, self._store = self._store, None
        if store is not None:
            store.close()


def _as_history_error(exc: Exception, action: str) -> HistoryError:
    """``exc`` as the HistoryError waiters expect, keeping the original as its cause.

    Anything else escaping here is a bug in this app, not a problem with the disk; it is
    still reported as one sentence, and the thread goes on with the next run.
    """
    if isinstance(exc, HistoryError):
        return exc
    error = HistoryError(f"{action} because of an internal error ({type(exc).__name__}).")
    error.__cause__ = exc
    return error
