"""Start-up order, in one place, then the window's run on a qasync loop and its shutdown.

Why an order at all: the first frame needs only Qt and the window's widgets, while the
event loop (asyncio, qasync), the library panels, the keyring, SQLite and the HTTP stack
cost 17 to 100 ms each to import (measured with tests/benchmarks/bench_startup.py). So
this module shows and paints the window first and loads each of those after, and the
modules that use them import them inside the function that needs them. Nothing is
ordered here for less than 10 ms. Quitting by Ctrl+Q, the close button or SIGTERM all
take the same path: cancel the runs, save the drafts, close the connection pool, exit.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from zerogpu_desktop import __version__
from zerogpu_desktop.assets import resource_path
from zerogpu_desktop.ui.main_window import MainWindow
from zerogpu_desktop.ui.services import AppServices
from zerogpu_desktop.ui.session import WindowSession

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
    return app


def set_window_icon(app: QApplication) -> None:
    """The icon of the title bar and the task switcher (a PNG, found at run time)."""
    icon = resource_path("icons/zerogpu-desktop-256.png")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))


def build_window(services: AppServices, *, defer_library: bool = False) -> MainWindow:
    return MainWindow(WindowSession(services), defer_library=defer_library)


def show_and_paint(app: QApplication, window: MainWindow, timeout: float = 1.0) -> bool:
    """Shows the window and lets Qt paint it before anything else is loaded.

    asyncio, qasync, logging handlers, keyring and httpx are not needed
    for the first frame; the caller loads them after this returns. Qt paints
    and flushes a top-level window while it delivers the window's first
    expose event, so "exposed" means "painted"; watching for paint events
    instead would need Python to see every event of the window.
    """
    window.show()
    deadline = time.monotonic() + timeout
    while not _exposed(window) and time.monotonic() < deadline:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
    return _exposed(window)


def _exposed(window: MainWindow) -> bool:
    handle = window.windowHandle()
    return handle is not None and handle.isExposed()


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
    session = window.session
    session.set_log_file(log_path)
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
    from zerogpu_desktop.ui.gc_guard import GuiThreadGarbageCollector
    from zerogpu_desktop.ui.signal_bridge import SignalBridge

    bridge = SignalBridge(window)

    collector = GuiThreadGarbageCollector(window)
    window.show()  # already shown by open_window; shows it when a caller did not
    # The keyring is read after the first paint, off the GUI thread; the history is
    # opened (and checked) once the window is idle.
    QTimer.singleShot(0, lambda: session.tasks.spawn(session.keys.load()))
    QTimer.singleShot(0, start_network_warm_up)
    QTimer.singleShot(HISTORY_OPEN_DELAY_MS, lambda: session.tasks.spawn(session.history.prepare()))
    try:
        await quitting
    finally:
        bridge.close()
        await session.shutdown()
        collector.stop()
    return 0


def start_network_warm_up() -> None:
    """Imports httpx and loads the CA bundle on a daemon thread, not at the first Send.

    Python switches threads every few milliseconds, so the window keeps
    painting while this runs.
    """

    from zerogpu_desktop import background

    def work() -> None:
        from zerogpu_desktop.api.tls import warm_up

        warm_up()

    background.start(work, name="zerogpu-warm-up")


def _report_loop_error(reporter: CrashReporter, context: dict[str, object]) -> None:
    """asyncio's own errors (a callback that raised) go where every other one does."""
    exc = context.get("exception")
    if not isinstance(exc, BaseException):
        exc = RuntimeError(str(context.get("message", "asyncio error")))
    reporter.handle(type(exc), exc, exc.__traceback__)


def show_window(app: QApplication, services: AppServices) -> MainWindow:
    """The window as the app opens it: painted first, then its library panels."""
    set_window_icon(app)
    window = build_window(services, defer_library=True)
    show_and_paint(app, window)
    window.attach_library()
    return window


def open_window(services: AppServices) -> int:
    """Paints the window first, then loads what it runs on; returns the process exit code."""
    app = create_application([sys.argv[0]])
    window = show_window(app, services)

    # Everything below is loaded after the window is on screen.
    import asyncio

    import qasync

    from zerogpu_desktop.ui.crash_reporting import setup_file_logging

    log_path = setup_file_logging(services.data_dir)
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        return runner.run(run_window(app, services, log_path, window))
