"""The start-up floor stays honest: the plain-PySide6 replica shows what the first frame shows.

bench_startup compares the app with tests/benchmarks/same_widgets_window.py to
tell PySide6's own cost from the app's. That comparison means something only
while both paint the same widgets, so a change to the main window that is not
mirrored in the replica fails here.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QMainWindow, QWidget
from pytestqt.qtbot import QtBot

from tests.benchmarks.same_widgets_window import build
from tests.credentials.fake_backends import MemoryKeyring
from tests.ui.conftest import run_async
from zerogpu_desktop.credentials import KeyStore
from zerogpu_desktop.overrides import RunOverrides
from zerogpu_desktop.ui.main_window import MainWindow
from zerogpu_desktop.ui.services import AppServices
from zerogpu_desktop.ui.session import WindowSession


def painted_widgets(window: QMainWindow) -> Counter[str]:
    """The visible widgets by the Qt class they are (an app subclass counts as its Qt base)."""

    def qt_class(widget: QWidget) -> str:
        return next(c.__name__ for c in type(widget).__mro__ if c.__module__.startswith("PySide6"))

    return Counter(qt_class(w) for w in window.findChildren(QWidget) if w.isVisible())


def test_replica_paints_the_same_widgets_as_the_first_frame(
    qtbot: QtBot, qloop: Any, data_dir: Path
) -> None:
    services = AppServices.for_data_dir(
        data_dir,
        key_store=KeyStore(backend=MemoryKeyring()),
        overrides=RunOverrides(base_url="http://127.0.0.1:9", project_id="p"),
    )
    session = WindowSession(services)
    app_window = MainWindow(session, defer_library=True)  # as launch.open_window builds it
    replica = QMainWindow()
    build(replica)
    try:
        for window in (app_window, replica):
            qtbot.addWidget(window)
            window.show()
            qtbot.waitExposed(window)
        app_widgets, replica_widgets = painted_widgets(app_window), painted_widgets(replica)
        assert sum(app_widgets.values()) > 30  # the comparison is not vacuous
        assert replica_widgets == app_widgets
        assert len(replica.actions()) == len(app_window.actions())
    finally:
        app_window.close()
        run_async(qtbot, session.shutdown())
