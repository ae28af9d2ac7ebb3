"""How the main window reaches Compare: Run → Compare… (Ctrl+Shift+Enter), and the Presets
panel's "Compare answers".

The window is made at its first use, so start-up never pays for it. Ctrl+Shift+Enter is
also the Evaluate panel's Run: one key has one action in a window, so this action runs the
evaluation while the keyboard is in that panel, and opens (or runs) Compare everywhere else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtWidgets import QApplication, QWidget

if TYPE_CHECKING:
    from zerogpu_desktop.ui.compare_window import CompareWindow
    from zerogpu_desktop.ui.editors import EditorSet
    from zerogpu_desktop.ui.evaluate_panel import EvaluatePanel
    from zerogpu_desktop.ui.library import Library
    from zerogpu_desktop.ui.session import WindowSession

__all__ = ["CompareHost", "compare_key", "compare_window_of"]


class CompareHost(Protocol):
    """What Compare needs of the main window."""

    session: WindowSession
    editors: EditorSet
    evaluate: EvaluatePanel | None
    compare_window: CompareWindow | None

    def attach_library(self) -> Library: ...
    def save_draft(self) -> None: ...


def compare_window_of(host: CompareHost, parent: QWidget) -> CompareWindow:
    """The Compare window, made the first time it is asked for."""
    if host.compare_window is None:
        from zerogpu_desktop.ui.compare_window import CompareParts, CompareWindow

        library = host.attach_library()
        parts = CompareParts(
            host.session,
            host.editors,
            library.preset_store,
            lambda: library.loaded_preset,
            library.send_with_variables,
        )
        host.compare_window = CompareWindow(parts, parent)
    return host.compare_window


def compare_key(host: CompareHost, parent: QWidget) -> None:
    """Ctrl+Shift+Enter: the evaluation in its panel; else Compare, run at once when open.

    Open with its choices made, Compare runs the edited prompt again straight away: edit,
    press the key, read the columns.
    """
    focus = QApplication.focusWidget()
    panel = host.evaluate
    if panel is not None and focus is not None and panel.isAncestorOf(focus):
        panel.run()
        return
    opened = host.compare_window is not None and host.compare_window.isVisible()
    window = compare_window_of(host, parent)
    host.save_draft()
    if opened and not window.bridge.is_running:
        window.run()
    else:
        window.show_and_focus()
