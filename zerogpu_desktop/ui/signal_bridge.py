"""SIGTERM and SIGINT as a normal window close, on the Qt thread."""

from __future__ import annotations

import signal
import socket

from PySide6.QtCore import QSocketNotifier
from PySide6.QtWidgets import QWidget


class SignalBridge:
    """Turns SIGTERM/SIGINT into a normal window close on the Qt thread.

    Python runs signal handlers only when it gets control; Qt's C++ loop
    may not give it for a long time. A socket written by the C-level
    wakeup fd wakes a QSocketNotifier at once.
    """

    def __init__(self, window: QWidget) -> None:
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno())
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read)
        self._notifier.activated.connect(self._drain)
        self._window = window
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: None)

    def _drain(self) -> None:
        try:
            while self._reader.recv(64):
                pass
        except (BlockingIOError, InterruptedError):
            pass
        self._window.close()

    def close(self) -> None:
        signal.set_wakeup_fd(self._previous_fd)
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, signal.SIG_DFL)
        self._notifier.setEnabled(False)
        self._reader.close()
        self._writer.close()
