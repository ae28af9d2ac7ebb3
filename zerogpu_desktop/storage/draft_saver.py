"""Saves the draft on a worker thread while the user types.

Each save ends in an fsync, which on a busy disk can take far longer
than a frame: done on the GUI thread it shows up as a stutter while
typing. Only the newest draft matters, so a save still waiting is simply
replaced by the next one, and a save that would write an older draft than
one already handed over (``save_now`` on another thread) is skipped.
"""

from __future__ import annotations

import threading

from zerogpu_desktop.background import Worker
from zerogpu_desktop.storage.drafts import Draft, DraftStore


class DraftSaver:
    """A worker writing the latest submitted draft; `save_now` writes on the caller's thread.

    Attributes:
        last_error: a sentence about the most recent failed save, or None.
    """

    def __init__(self, store: DraftStore) -> None:
        self.store = store
        self.last_error: str | None = None
        self._write_lock = threading.Lock()  # one writer at a time, whichever thread
        self._state_lock = threading.Lock()
        self._pending: Draft | None = None
        self._save_queued = False
        self._stopped = False
        #: Counts drafts handed over; a save only writes the newest one.
        self._generation = 0
        self._worker = Worker("zerogpu-draft-saver")

    def submit(self, draft: Draft) -> None:
        """Saves `draft` soon, off the caller's thread; a newer submit replaces it."""
        with self._state_lock:
            self._pending = draft
            self._generation += 1
            if self._save_queued or self._stopped:
                return
            self._save_queued = True
            # Queued under the lock, so that `stop` cannot close the worker in between.
            self._worker.submit(self._save_pending)

    def save_now(self, draft: Draft) -> bool:
        """Saves `draft` before returning (Send, quit); returns whether it was written."""
        with self._state_lock:
            self._pending = None
            self._generation += 1
            generation = self._generation
        return self._save(draft, generation)

    def flush(self, timeout: float = 2.0) -> bool:
        """Waits until nothing is pending or being written; returns whether that happened."""
        with self._state_lock:
            stopped = self._stopped
            # Jobs run in order: once this empty one has run, every save before it has too.
            marker = None if stopped else self._worker.submit(_nothing)
        if marker is None:
            return self._worker.close(timeout)  # stopped: done once the thread has ended
        try:
            marker.result(timeout)
        except TimeoutError:
            return False
        return True

    def stop(self) -> None:
        """Lets a queued save finish, then ends the thread, without waiting for it.

        Drafts submitted later are not saved; ``save_now`` still works.
        """
        with self._state_lock:
            self._stopped = True
            self._worker.close(timeout=0)

    def _save_pending(self) -> None:
        with self._state_lock:
            draft, self._pending = self._pending, None
            generation = self._generation
            self._save_queued = False
        if draft is not None:
            self._save(draft, generation)

    def _save(self, draft: Draft, generation: int) -> bool:
        with self._write_lock:
            if generation != self._generation:
                return False  # a newer draft was handed over meanwhile; it is the one to keep
            try:
                self.store.save(draft)
            except OSError as exc:
                self.last_error = f"Draft not saved: {exc.strerror or exc}."
                return False
            except ValueError:  # text that cannot be encoded; the saver must go on
                self.last_error = "Draft not saved: it holds characters that cannot be stored."
                return False
            self.last_error = None
            return True


def _nothing() -> None:
    """The marker job ``flush`` waits for."""
