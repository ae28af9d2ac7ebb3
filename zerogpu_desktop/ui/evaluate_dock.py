"""The Evaluate dock: made the first time Ctrl+E asks for it, in its saved place if it had one.

The window's first frame never pays for the panel: the dock, the engine and the store load
only when someone opens it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QMainWindow

from zerogpu_desktop.ui.docks import create_evaluate_dock, name_tool_buttons
from zerogpu_desktop.ui.evaluate_panel import EvaluatePanel, EvaluateParts

__all__ = ["EvaluateParts", "create_evaluate_panel"]

#: On a first open, the dock takes this share of the window's height.
FIRST_HEIGHT_SHARE = 0.55


def create_evaluate_panel(window: QMainWindow, parts: EvaluateParts) -> EvaluatePanel:
    """The Evaluate dock with its panel, in its saved place or under the editors."""
    dock, restored = create_evaluate_dock(window)
    panel = EvaluatePanel(parts, dock)
    dock.setWidget(panel)
    name_tool_buttons(dock, "Evaluate")
    if not restored:
        # A dock's size applies once the window has laid the dock out with its panel.
        QTimer.singleShot(0, lambda: _first_size(window, dock))
    return panel


def _first_size(window: QMainWindow, dock: QDockWidget) -> None:
    height = int(window.height() * FIRST_HEIGHT_SHARE)
    window.resizeDocks([dock], [height], Qt.Orientation.Vertical)
