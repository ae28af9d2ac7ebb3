"""Saves the draft on a worker thread while the user types.

Each save ends in an fsync, which on a busy disk can take far longer
than a frame: done on the GUI thread it shows up as a stutter while
typing. Only the newest draft matters, so a save still waiting is simply
replaced by the next one.
"""

from __future__ import annotations

import threading

from zerogpu_desktop.storage.drafts import Draft, DraftStore


class DraftSaver:
    """One daemon thread writing the latest submitted draft; `save_now` writes on the caller's.

    Attributes:
        last_error: a sentence about the most recent failed save, or None.
    """

    def __init__(self, store: DraftStore) -> None:
        self.store = store
        self.last_error: str | None = None
        self._lock = threading.Lock()  # one writer at a time, whichever thread
        self._wake = threading.Condition()
        self._pending: Draft | None = None
        self._busy = False
        self._stopped = False
        self._thread = threading.Thread(target=self._work, name="zerogpu-draft-saver", daemon=True)
        self._thread.start()

    def submit(self, draft: Draft) -> None:
        """Saves `draft` soon, off the caller's thread; a newer submit replaces it."""
        with self._wake:
            self._pending = draft
            self._wake.notify()

    def save_now(self, draft: Draft) -> bool:
        """Saves `draft` before returning (Send, quit); returns whether it was written."""
        with self._wake:
            self._pending = None
        return self._save(draft)

    def flush(self, timeout: float = 2.0) -> bool:
        """Waits until nothing is pending or being written; returns whether that happened."""
        with self._wake:
            return self._wake.wait_for(lambda: self._pending is None and not self._busy, timeout)

    def stop(self) -> None:
        with self._wake:
            self._stopped = True
            self._wake.notify_all()

    def _save(self, draft: Draft) -> bool:
        with self._lock:
            try:
                self.store.save(draft)
            except OSError as exc:
                self.last_error = f"Draft not saved: {exc.strerror or exc}."
                return False
            except ValueError:  # text that cannot be encoded; the thread must go on
                self.last_error = "Draft not saved: it holds characters that cannot be stored."
                return False
            self.last_error = None
            return True

    def _work(self) -> None:
        while True:
            with self._wake:
                self._wake.wait_for(lambda: self._pending is not None or self._stopped)
                if self._stopped:
                    return
                draft, self._pending = self._pending, None
                self._busy = True
            try:
                if draft is not None:
                    self._save(draft)
            finally:
                with self._wake:
                    self._busy = False
                    self._wake.notify_all()
