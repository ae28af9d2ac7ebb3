"""Records runs on a thread of their own, so a big answer never stalls the window.

Indexing a multi-megabyte answer for full-text search takes over 100 ms;
done on the GUI thread it freezes the window just as the answer appears.
The writer owns a second connection (WAL lets it write while the GUI's
connection reads) on one daemon thread, and hands back futures.
"""

from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import Future
from pathlib import Path

from zerogpu_desktop.storage.history.store import HistoryStore
from zerogpu_desktop.storage.history.types import HistoryError, RunRecord

_STOP = object()
_log = logging.getLogger(__name__)


class HistoryWriter:
    """A single background thread that appends runs to the history in order.

    Args:
        data_dir: the data folder holding `history.sqlite3`.
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._queue: queue.Queue[tuple[RunRecord, Future[int]] | object] = queue.Queue()
        self._thread = threading.Thread(
            target=self._work, name="zerogpu-history-writer", daemon=True
        )
        self._thread.start()

    def submit(self, record: RunRecord) -> Future[int]:
        """Queues `record`; the future gives its id, or raises HistoryError.

        Any failure with one record (even a bug) fails only that record's future, or is
        logged when nobody waits; the thread goes on writing the next ones.
        """
        future: Future[int] = Future()
        self._queue.put((record, future))
        return future

    def close(self, timeout: float = 2.0) -> bool:
        """Finishes queued writes (up to `timeout`) and stops; returns whether it finished."""
        self._queue.put(_STOP)
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _work(self) -> None:
        store: HistoryStore | None = None
        open_error: HistoryError | None = None
        try:
            while True:
                item = self._queue.get()
                if item is _STOP:
                    return
                assert isinstance(item, tuple)
                record, future = item
                # A cancelled future only means nobody waits for the id any more (the app
                # is quitting): the run is written all the same.
                waited_for = future.set_running_or_notify_cancel()
                if store is None and open_error is None:
                    try:
                        # Unchecked: the window has just opened (and checked) the file, and a
                        # full quick_check here could outlast the wait for this thread at quit.
                        store = HistoryStore(self.data_dir, check=False)
                    except Exception as exc:
                        open_error = _as_history_error(exc, "The history could not be opened")
                try:
                    if store is None:
                        raise open_error or HistoryError("The history is closed.")
                    run_id = store.record(record)
                except Exception as exc:
                    error = _as_history_error(exc, "The run could not be saved to the history")
                    if waited_for:
                        future.set_exception(error)
                    else:
                        _log.warning("A run could not be saved to the history: %s", error)
                    continue
                if waited_for:
                    future.set_result(run_id)
        finally:
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
