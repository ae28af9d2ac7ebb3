"""Status colours that read well on both light and dark palettes.

`tone()` reads the application's palette at the moment it is called, so it follows a theme
change (ui/theme.py) as well as the desktop's; colours already written into stylesheets and
rich-text labels are switched by `retone_widgets` when the theme changes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QLabel

from zerogpu_desktop.api.tokens import TruncationStatus

_LIGHT = {
    "ok": "#1b7f3b",
    "warn": "#9a6700",
    "bad": "#c62828",
    "muted": "#5f6368",
}
_DARK = {
    "ok": "#6fdc8c",
    "warn": "#f2c94c",
    "bad": "#ff8a80",
    "muted": "#a8adb3",
}

_STATUS_TONE = {
    TruncationStatus.NOT_TRUNCATED: "ok",
    TruncationStatus.POSSIBLY_TRUNCATED: "warn",
    TruncationStatus.TRUNCATED: "bad",
    TruncationStatus.REJECTED: "bad",
    TruncationStatus.UNKNOWN: "muted",
}


def is_dark() -> bool:
    """True when the window background is darker than its text (a dark theme)."""
    palette = QApplication.palette()
    return (
        palette.color(QPalette.ColorRole.Window).lightness()
        < palette.color(QPalette.ColorRole.WindowText).lightness()
    )


def tone(name: str) -> str:
    """A colour name ("ok", "warn", "bad", "muted") for the current palette."""
    return (_DARK if is_dark() else _LIGHT)[name]


def truncation_colour(status: TruncationStatus) -> str:
    return tone(_STATUS_TONE[status])


def retone_widgets(app: QApplication) -> None:
    """Rewrites the other theme's status colours in every stylesheet and rich label.

    The widgets that use `tone()` set colours once, when their state changes; without this
    a warning turned red for a light window would stay that red on a dark one.
    """
    current, other = (_DARK, _LIGHT) if is_dark() else (_LIGHT, _DARK)
    swaps = [(other[name], current[name]) for name in current]
    for widget in app.allWidgets():
        sheet = widget.styleSheet()
        if sheet:
            # Set again even when no colour changed: a styled widget resolves `palette(...)`
            # and its background when the sheet is set, and would keep the old theme's.
            widget.setStyleSheet(_swap(sheet, swaps))
        if isinstance(widget, QLabel) and widget.textFormat() != Qt.TextFormat.PlainText:
            text = widget.text()
            if any(old in text for old, _ in swaps):
                widget.setText(_swap(text, swaps))


def _swap(text: str, swaps: list[tuple[str, str]]) -> str:
    for old, new in swaps:
        text = text.replace(old, new)
    return text
