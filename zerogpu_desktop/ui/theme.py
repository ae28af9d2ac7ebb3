"""The window's colour theme: the desktop's own, or an explicit light or dark one.

Qt's `styleHints().setColorScheme()` would be the clean way, but on Linux without a desktop
platform theme (Xvfb, most window managers) it changes nothing: the palette stays light. So
Light and Dark are the Fusion style with a full palette of our own (every role, the Disabled
group and the link colours), which looks the same everywhere; System puts back the style and
palette the application started with. Everything that sets colours from `palette.tone()` is
re-toned here, in the same step, so no label keeps the other theme's colours.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyleFactory

from zerogpu_desktop.ui.palette import retone_widgets

__all__ = ["THEME_LABELS", "applied_theme", "apply_theme", "theme_palette"]

#: Menu texts of the themes, in menu order (the keys are `Settings.theme` values).
THEME_LABELS = {"system": "&System", "light": "&Light", "dark": "&Dark"}

_Role = QPalette.ColorRole
_Group = QPalette.ColorGroup

_LIGHT = {
    _Role.Window: "#efefef",
    _Role.WindowText: "#1f1f1f",
    _Role.Base: "#ffffff",
    _Role.AlternateBase: "#f5f5f5",
    _Role.ToolTipBase: "#ffffdc",
    _Role.ToolTipText: "#1f1f1f",
    _Role.PlaceholderText: "#767676",
    _Role.Text: "#1f1f1f",
    _Role.Button: "#efefef",
    _Role.ButtonText: "#1f1f1f",
    _Role.BrightText: "#ffffff",
    _Role.Light: "#ffffff",
    _Role.Midlight: "#e3e3e3",
    _Role.Mid: "#b8b8b8",
    _Role.Dark: "#9f9f9f",
    _Role.Shadow: "#767676",
    _Role.Highlight: "#3073c6",
    _Role.HighlightedText: "#ffffff",
    _Role.Link: "#0b57d0",
    _Role.LinkVisited: "#6a3fb5",
}
_DARK = {
    _Role.Window: "#2b2b2b",
    _Role.WindowText: "#e6e6e6",
    _Role.Base: "#1e1e1e",
    _Role.AlternateBase: "#262626",
    _Role.ToolTipBase: "#3a3a3a",
    _Role.ToolTipText: "#e6e6e6",
    _Role.PlaceholderText: "#8c8c8c",
    _Role.Text: "#e6e6e6",
    _Role.Button: "#353535",
    _Role.ButtonText: "#e6e6e6",
    _Role.BrightText: "#ffffff",
    _Role.Light: "#4a4a4a",
    _Role.Midlight: "#3e3e3e",
    _Role.Mid: "#2f2f2f",
    _Role.Dark: "#1a1a1a",
    _Role.Shadow: "#000000",
    _Role.Highlight: "#3d7fd1",
    _Role.HighlightedText: "#ffffff",
    _Role.Link: "#8ab4f8",
    _Role.LinkVisited: "#c58af9",
}
#: Disabled text is dimmed in both themes, so a disabled control never reads as active.
_DISABLED = {
    "light": {
        _Role.WindowText: "#9a9a9a",
        _Role.Text: "#9a9a9a",
        _Role.ButtonText: "#9a9a9a",
        _Role.Highlight: "#b0b0b0",
        _Role.HighlightedText: "#f0f0f0",
    },
    "dark": {
        _Role.WindowText: "#7a7a7a",
        _Role.Text: "#7a7a7a",
        _Role.ButtonText: "#7a7a7a",
        _Role.Base: "#252525",
        _Role.Button: "#2f2f2f",
        _Role.Highlight: "#505050",
        _Role.HighlightedText: "#9a9a9a",
    },
}


class _Startup:
    """The style and palette the application had before any theme of ours: System's look."""

    style_name: str | None = None
    palette: QPalette | None = None
    applied = "system"


def theme_palette(theme: str) -> QPalette:
    """The full palette of "light" or "dark"."""
    colours = _DARK if theme == "dark" else _LIGHT
    palette = QPalette()
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role, colour in _DISABLED["dark" if theme == "dark" else "light"].items():
        palette.setColor(_Group.Disabled, role, QColor(colour))
    return palette


def applied_theme() -> str:
    """The theme in force ("system" until another one was applied)."""
    return _Startup.applied


def apply_theme(app: QApplication, theme: str) -> bool:
    """Puts `theme` in force; returns whether anything changed.

    System at start-up costs nothing (nothing is touched), so the first frame pays only
    for a theme the user chose.
    """
    if theme == _Startup.applied:
        return False
    if _Startup.palette is None:
        _Startup.style_name = app.style().name()
        _Startup.palette = QPalette(app.palette())
    if theme in ("light", "dark"):
        if app.style().name().lower() != "fusion":
            _set_style(app, "Fusion")
        app.setPalette(theme_palette(theme))
    else:
        if _Startup.style_name and app.style().name() != _Startup.style_name:
            _set_style(app, _Startup.style_name)
        app.setPalette(_Startup.palette)
    _Startup.applied = theme
    retone_widgets(app)
    return True


def _set_style(app: QApplication, name: str) -> None:
    style: QStyle | None = QStyleFactory.create(name)
    if style is not None:
        app.setStyle(style)
