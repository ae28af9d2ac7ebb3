"""The window's three library docks (Presets, History, Usage), tabbed on the left.

They exist, empty, from the first frame, so nothing shifts when the panels move in.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget


def create_library_docks(window: QMainWindow) -> tuple[QDockWidget, QDockWidget, QDockWidget]:
    """The Presets, History and Usage docks, tabbed together with Presets in front."""
    presets = _dock(window, "Presets", "presetsDock")
    history = _dock(window, "History", "historyDock")
    usage = _dock(window, "Usage", "usageDock")
    window.tabifyDockWidget(presets, history)
    window.tabifyDockWidget(history, usage)
    presets.raise_()
    return presets, history, usage


def _dock(window: QMainWindow, title: str, name: str) -> QDockWidget:
    dock = QDockWidget(title, window)
    dock.setObjectName(name)
    dock.setAccessibleName(title)
    dock.setWidget(QWidget(dock))
    dock.setAllowedAreas(
        Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea
    )
    dock.setFeatures(
        QDockWidget.DockWidgetFeature.DockWidgetClosable
        | QDockWidget.DockWidgetFeature.DockWidgetMovable
    )
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
    return dock
