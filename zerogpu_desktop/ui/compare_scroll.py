"""Columns that scroll together: moving one moves the others to the same share of their length.

By share rather than by pixels, because answers differ in length: halfway down one is
halfway down the others, which is where the same part of a similar answer usually is.
"""

from __future__ import annotations

from collections.abc import Sequence

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QAbstractScrollArea, QScrollBar

__all__ = ["ScrollTogether"]


class ScrollTogether(QObject):
    """Keeps the vertical scroll bars of some views in step while enabled."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bars: list[QScrollBar] = []
        self._enabled = True
        self._moving = False

    def follow(self, views: Sequence[QAbstractScrollArea]) -> None:
        """From now on these views (and no others) move together."""
        for bar in self._bars:
            if shiboken6.isValid(bar):
                bar.valueChanged.disconnect(self._moved)
        self._bars = [view.verticalScrollBar() for view in views]
        for bar in self._bars:
            bar.valueChanged.connect(self._moved)

    def set_enabled(self, enabled: bool) -> None:
        self._enabled = enabled

    def _moved(self, value: int) -> None:
        source = self.sender()
        if not self._enabled or self._moving or not isinstance(source, QScrollBar):
            return
        span = source.maximum() - source.minimum()
        share = (value - source.minimum()) / span if span > 0 else 0.0
        self._moving = True
        try:
            for bar in self._bars:
                if bar is not source and shiboken6.isValid(bar):
                    bar.setValue(bar.minimum() + round(share * (bar.maximum() - bar.minimum())))
        finally:
            self._moving = False
