"""Status colours that read well on both light and dark system palettes."""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

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
