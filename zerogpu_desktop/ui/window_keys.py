"""Window keys that single-line text boxes would otherwise take for themselves.

On Linux Qt gives every line edit (and every editable combo box and spin box) the Emacs
binding Ctrl+E for "end of line", so Ctrl+E, the window's key for Evaluate, did nothing while
the model box or a filter had the keyboard. End still goes to the end of the line; these keys
go to the window. A filter is put on a text box the first time it gets the focus, so boxes
made later (the library's, the Evaluate panel's) are covered too.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QLineEdit, QWidget

_TEXT_BOXES = (QLineEdit, QComboBox, QAbstractSpinBox)
_WATCHED = "zerogpuWindowKeys"


class WindowKeys(QObject):
    """Lets `keys` reach the window's shortcuts from any of its text boxes."""

    def __init__(self, window: QWidget, keys: Iterable[QKeySequence]) -> None:
        super().__init__(window)
        self._window = window
        self._keys = [key for key in keys if not key.isEmpty()]
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_focus_changed)
            self._on_focus_changed(None, app.focusWidget())

    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if (
            isinstance(new, _TEXT_BOXES)
            and not new.property(_WATCHED)
            and self._window.isAncestorOf(new)
        ):
            new.setProperty(_WATCHED, True)
            new.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """A shortcut override for one of the keys is refused, so the shortcut runs."""
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            pressed = QKeySequence(event.keyCombination())
            if any(
                key.matches(pressed) == QKeySequence.SequenceMatch.ExactMatch for key in self._keys
            ):
                event.ignore()
                return True
        return False
