"""Fixtures for window tests: a qasync loop inside pytest-qt, a loopback server, a window.

The window runs exactly as in the app: its requests are asyncio tasks on a
`qasync.QEventLoop` driven by Qt's event loop, which `qtbot.waitUntil` /
`qtbot.waitSignal` spin. The HTTP server is the real loopback fake server, the
key store uses an in-memory keyring backend passed through its constructor, and
every file goes to a temp folder.
"""

from __future__ import annotations

import os

# Before any QApplication exists: without a display, render off screen.
if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("QT_API", "pyside6")

import asyncio
import contextlib
import gc
import logging
import socket
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
import qasync
import shiboken6
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.credentials.fake_backends import MemoryKeyring
from tests.fakeserver import FakeServer
from zerogpu_desktop.credentials import KeyStore
from zerogpu_desktop.credentials.keystore import DEFAULT_SERVICE, DEFAULT_USERNAME
from zerogpu_desktop.overrides import RunOverrides
from zerogpu_desktop.storage import Settings, SettingsStore
from zerogpu_desktop.ui.main_window import MainWindow
from zerogpu_desktop.ui.services import AppServices
from zerogpu_desktop.ui.session import WindowSession

API_KEY = "zg-test-key-0123456789abcdef"
PROJECT_ID = "3f0c6a52-1d2b-4c8e-9a7f-5e2d1b0c9a11"
MODEL = "acme/tiny-chat-1"

T = TypeVar("T")


@pytest.fixture(scope="package", autouse=True)
def _garbage_collected_on_the_gui_thread_only() -> Iterator[None]:
    """Keeps Python's cyclic GC off the fake server's threads.

    The collector runs on whichever thread happens to allocate when a
    threshold is crossed; here that is often a fake-server handler thread.
    If it then frees a Python-owned QObject (a closed qasync loop's timer
    object, a window session), Qt destroys it on the wrong thread: "QObject::~QObject:
    Timers cannot be stopped from another thread", and sometimes a segfault.
    So automatic collection is off in this package and each test ends with a
    collection on the GUI thread (see `_collect_after_each_test`).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    yield
    gc.collect()
    if was_enabled:
        gc.enable()


@pytest.fixture(autouse=True)
def _collect_after_each_test(qapp: QApplication) -> Iterator[None]:
    yield
    gc.collect()


@pytest.fixture
def qloop(qapp: QApplication, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A qasync loop marked as running inside pytest-qt's Qt loop.

    `already_running=True` tells qasync that Qt's loop is already spinning
    (pytest-qt spins it in `waitUntil`/`waitSignal`), so asyncio tasks run
    whenever a test waits. Teardown cancels leftovers, then stops and closes
    the loop with `qapp.exit`/`qapp.quit` patched: `loop.stop()` calls
    `app.exit()`, which would otherwise end the app for every later test.
    """
    loop = qasync.QEventLoop(qapp, already_running=True)
    yield loop
    leftovers = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in leftovers:
        task.cancel()
    if leftovers:
        qtbot.waitUntil(lambda: all(task.done() for task in leftovers), timeout=3000)
    for task in leftovers:
        if not task.cancelled() and task.exception() is not None:
            raise AssertionError(f"a background task failed: {task.exception()!r}")
    monkeypatch.setattr(qapp, "exit", lambda *_args: None)
    monkeypatch.setattr(qapp, "quit", lambda *_args: None)
    with contextlib.suppress(RuntimeError, TypeError):
        qapp.aboutToQuit.disconnect(loop._after_run_forever)
    loop.stop()
    asyncio.events._set_running_loop(None)
    loop.close()


def run_async(qtbot: QtBot, coroutine: Coroutine[Any, Any, T], timeout: float = 5.0) -> T:
    """Runs a coroutine on the already-running qasync loop and returns its result."""
    task = asyncio.ensure_future(coroutine)
    qtbot.waitUntil(task.done, timeout=int(timeout * 1000))
    return task.result()


@pytest.fixture
def server() -> Iterator[FakeServer]:
    """The fake ZeroGPU API on 127.0.0.1, accepting only API_KEY and PROJECT_ID."""
    with FakeServer(api_key=API_KEY, project_id=PROJECT_ID) as fake:
        yield fake


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def keyring_backend() -> MemoryKeyring:
    """An in-memory keyring already holding API_KEY under the app's service name."""
    backend = MemoryKeyring()
    backend.set_password(DEFAULT_SERVICE, DEFAULT_USERNAME, API_KEY)
    return backend


def closed_port_url() -> str:
    """A loopback URL on which nothing listens (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


WindowFactory = Callable[..., MainWindow]


@pytest.fixture
def make_window(
    qtbot: QtBot,
    qloop: Any,
    server: FakeServer,
    data_dir: Path,
    keyring_backend: MemoryKeyring,
) -> Iterator[WindowFactory]:
    """Builds windows like `launch.run_window` does: services, session, window, key load.

    Keyword arguments: `key_store`, `base_url`, `project_id`, `settings` (written
    to settings.json before the window reads it), `load_key`, `data_dir`, `overrides`
    (instead of the base URL and project ones).
    Teardown closes every window and shuts its session down (connections
    closed, tasks finished) so no socket or task outlives the test.
    """
    windows: list[MainWindow] = []
    sessions: list[WindowSession] = []

    def make(
        *,
        key_store: KeyStore | None = None,
        base_url: str | None = None,
        project_id: str | None = PROJECT_ID,
        settings: Settings | None = None,
        load_key: bool = True,
        folder: Path | None = None,
        overrides: RunOverrides | None = None,
    ) -> MainWindow:
        folder = folder or data_dir
        if settings is not None:
            SettingsStore(folder).save(settings)
        services = AppServices.for_data_dir(
            folder,
            key_store=key_store or KeyStore(backend=keyring_backend),
            overrides=overrides
            or RunOverrides(base_url=base_url or server.base_url, project_id=project_id),
        )
        session = WindowSession(services)
        window = MainWindow(session)
        qtbot.addWidget(window)
        windows.append(window)
        sessions.append(session)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        if load_key:
            run_async(qtbot, session.keys.load())
        return window

    yield make
    # pytest-qt may already have closed and deleted the windows (qtbot.addWidget).
    for window in windows:
        if shiboken6.isValid(window) and window.isVisible():
            window.close()
    for session in sessions:
        run_async(qtbot, session.shutdown())


@pytest.fixture
def window(make_window: WindowFactory) -> MainWindow:
    """A window with a saved key, pointed at the fake server, with fast-failing settings."""
    return make_window(settings=Settings(max_retries=0))


@pytest.fixture
def file_log(data_dir: Path) -> Iterator[Path]:
    """The app's log file in the data folder, removed from the root logger afterwards."""
    from zerogpu_desktop.ui.crash_reporting import setup_file_logging

    root = logging.getLogger()
    before = list(root.handlers)
    level = root.level
    path = setup_file_logging(data_dir)
    yield path
    for handler in root.handlers[:]:
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
