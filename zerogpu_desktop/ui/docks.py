"""The window's docks: the library (Presets, History, Usage), tabbed on the left, and Evaluate.

The library docks exist, empty, from the first frame, so nothing shifts when the panels move
in; Evaluate is made when first opened, so the first frame does not pay for it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QLineEdit, QMainWindow, QToolButton, QWidget


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
    dock = _new_dock(window, title, name)
    dock.setAllowedAreas(
        Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea
    )
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
    return dock


def _new_dock(window: QMainWindow, title: str, name: str) -> QDockWidget:
    dock = QDockWidget(title, window)
    dock.setObjectName(name)
    dock.setAccessibleName(title)
    dock.setWidget(QWidget(dock))
    dock.setFeatures(
        QDockWidget.DockWidgetFeature.DockWidgetClosable
        | QDockWidget.DockWidgetFeature.DockWidgetMovable
    )
    return dock


def create_evaluate_dock(window: QMainWindow) -> tuple[QDockWidget, bool]:
    """The Evaluate dock, made the first time it is asked for (Ctrl+E), and whether it went
    back to the place the saved layout had for it.

    Its grid needs width more than height, so it starts in the bottom area; it can be moved
    to any side or floated.
    """
    dock = _new_dock(window, "Evaluate", "evaluateDock")
    dock.setAllowedAreas(Qt.DockWidgetArea.AllDockWidgetAreas)
    dock.setFeatures(dock.features() | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
    if window.restoreDockWidget(dock):
        return dock, True
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    return dock, False


def name_tool_buttons(dock: QDockWidget, title: str) -> None:
    """Qt's own small buttons (dock close/float, line-edit clear) come without names."""
    for button in dock.findChildren(QToolButton):
        if button.accessibleName():
            continue
        if button.objectName() == "qt_dockwidget_closebutton":
            button.setAccessibleName(f"Close the {title} panel")
        elif button.objectName() == "qt_dockwidget_floatbutton":
            button.setAccessibleName(f"Detach the {title} panel")
        elif isinstance(button.parent(), QLineEdit):
            button.setAccessibleName("Clear")
