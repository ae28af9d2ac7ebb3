"""Runs Python's garbage collector on the GUI thread only.

An automatic collection can start on any thread that allocates (a
keyring worker, httpx's DNS thread). If it frees a Qt object there, Qt
complains ("Timers cannot be stopped from another thread") or crashes.
Like qutebrowser, the app turns automatic collection off and collects
from a timer on the GUI thread, using the same per-generation thresholds.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

#: How often pending garbage is looked at; young collections are cheap.
INTERVAL_MS = 1000
#: When start-up has settled (first paint, keyring, warm-up, history open) and what is alive
#: then is frozen.
FREEZE_AFTER_MS = 5000


class GuiThreadGarbageCollector(QObject):
    """Disables automatic collection while alive; collects on a GUI-thread timer."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.collect_if_due)
        self._timer.start()
        self._freeze_timer = QTimer(self)
        self._freeze_timer.setSingleShot(True)
        self._freeze_timer.setInterval(FREEZE_AFTER_MS)
        self._freeze_timer.timeout.connect(gc.freeze)
        self._freeze_timer.start()

    def collect_if_due(self) -> int:
        """Collects the oldest generation past its threshold; returns how many were freed."""
        counts = gc.get_count()
        threshold0, threshold1, threshold2 = self._thresholds
        if counts[0] <= threshold0:
            return 0
        generation = 0
        if counts[1] > threshold1:
            generation = 2 if counts[2] > threshold2 else 1
        return gc.collect(generation)

    def stop(self) -> None:
        self._timer.stop()
        self._freeze_timer.stop()
        if self._was_enabled:
            gc.enable()
