"""Starts the window on a qasync loop and shuts it down cleanly.

Order matters for a fast first paint: Qt and the window first, then
(after the first paint) the keyring and the HTTP stack. Quitting by
Ctrl+Q, the close button or SIGTERM all take the same path: cancel the
request, save the drafts, close the connection pool, exit.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QEventLoop, QObject, QSocketNotifier, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from zerogpu_desktop import __version__
from zerogpu_desktop.assets import resource_path
from zerogpu_desktop.overrides import RunOverrides
from zerogpu_desktop.storage import DataDirError, ensure_data_dir, resolve_data_dir
from zerogpu_desktop.ui.controller import SendController
from zerogpu_desktop.ui.main_window import MainWindow
from zerogpu_desktop.ui.services import AppServices

if TYPE_CHECKING:
    from zerogpu_desktop.ui.crash_reporting import CrashReporter

#: After the first paint, the history database is opened this much later.
HISTORY_OPEN_DELAY_MS = 400


def create_application(argv: list[str]) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv)
    app.setApplicationName("ZeroGPU Desktop")
    app.setApplicationDisplayName("ZeroGPU Desktop")
    app.setOrganizationName("ZeroGPU Desktop")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("zerogpu-desktop")
    icon = resource_path("icons/zerogpu-desktop-256.png")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    return app


class SignalBridge:
    """Turns SIGTERM/SIGINT into a normal window close on the Qt thread.

    Python runs signal handlers only when it gets control; Qt's C++ loop
    may not give it for a long time. A socket written by the C-level
    wakeup fd wakes a QSocketNotifier at once.
    """

    def __init__(self, window: MainWindow) -> None:
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


def build_window(services: AppServices, *, defer_library: bool = False) -> MainWindow:
    return MainWindow(SendController(services), defer_library=defer_library)


class _FirstPaint(QObject):
    """Notes when a widget has painted once."""

    def __init__(self) -> None:
        super().__init__()
        self.painted = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            self.painted = True
        return False


def show_and_paint(app: QApplication, window: MainWindow, timeout: float = 1.0) -> bool:
    """Shows the window and lets Qt paint it before anything else is loaded.

    asyncio, qasync, logging handlers, keyring and httpx are not needed
    for the first frame; the caller loads them after this returns.
    """
    watcher = _FirstPaint()
    window.installEventFilter(watcher)
    window.show()
    deadline = time.monotonic() + timeout
    while not watcher.painted and time.monotonic() < deadline:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
    window.removeEventFilter(watcher)
    return watcher.painted


async def run_window(
    app: QApplication,
    services: AppServices,
    log_path: Path | None,
    window: MainWindow | None = None,
) -> int:
    """Runs the (shown) window on the loop and waits until the app is quitting."""
    import asyncio

    from zerogpu_desktop.ui.crash_reporting import CrashReporter

    if window is None:
        window = build_window(services)
    controller = window.controller
    reporter = CrashReporter(log_path, window)
    reporter.install()
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda _loop, context: _report_loop_error(reporter, context))
    quitting = loop.create_future()

    def on_quit() -> None:
        if not quitting.done():  # aboutToQuit can fire twice
            quitting.set_result(None)

    # Qt must not stop the loop by itself when the window closes: the shutdown below
    # (cancel, finish the history writes, close connections) still needs it running.
    app.setQuitOnLastWindowClosed(False)
    app.aboutToQuit.connect(on_quit)
    app.lastWindowClosed.connect(on_quit)
    bridge = SignalBridge(window)
    from zerogpu_desktop.ui.gc_guard import GuiThreadGarbageCollector

    collector = GuiThreadGarbageCollector(window)
    window.show()  # already shown by run_gui; shows it when a caller did not
    # The keyring is read after the first paint, off the GUI thread; the history is
    # opened (and checked) once the window is idle.
    QTimer.singleShot(0, lambda: controller.spawn(controller.load_key()))
    QTimer.singleShot(0, start_network_warm_up)
    QTimer.singleShot(HISTORY_OPEN_DELAY_MS, lambda: controller.spawn(controller.prepare_history()))
    try:
        await quitting
    finally:
        bridge.close()
        await controller.shutdown()
        collector.stop()
    return 0


def start_network_warm_up() -> None:
    """Imports httpx and loads the CA bundle on a daemon thread, not at the first Send.

    Python switches threads every few milliseconds, so the window keeps
    painting while this runs.
    """

    def work() -> None:
        from zerogpu_desktop.api.tls import warm_up

        warm_up()

    threading.Thread(target=work, name="zerogpu-warm-up", daemon=True).start()


def _report_loop_error(reporter: CrashReporter, context: dict[str, object]) -> None:
    """asyncio's own errors (a callback that raised) go where every other one does."""
    exc = context.get("exception")
    if not isinstance(exc, BaseException):
        exc = RuntimeError(str(context.get("message", "asyncio error")))
    reporter.handle(type(exc), exc, exc.__traceback__)


def run_gui(args: argparse.Namespace) -> int:
    """The window's entry point; returns the process exit code."""
    environ = os.environ
    app = create_application([sys.argv[0]])
    data_dir = resolve_data_dir(getattr(args, "data_dir", None), environ)
    try:
        ensure_data_dir(data_dir)
    except DataDirError as exc:
        print(f"zerogpu-desktop: {exc}", file=sys.stderr)
        return 2
    overrides = RunOverrides.from_environment(
        environ, base_url_flag=getattr(args, "base_url", None)
    )
    services = AppServices.for_data_dir(data_dir, overrides=overrides)
    window = build_window(services, defer_library=True)
    show_and_paint(app, window)
    window.attach_library()

    # Everything below is loaded after the window is on screen.
    import asyncio

    import qasync

    from zerogpu_desktop.ui.crash_reporting import setup_file_logging

    log_path = setup_file_logging(data_dir)
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        return runner.run(run_window(app, services, log_path, window))
