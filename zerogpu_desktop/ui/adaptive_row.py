"""Layout pieces that let a narrow window keep every control whole.

At 800×600 there is no room for the model row and its neighbours side by side; rather than
make the window wider than the screen, the neighbours move to a line of their own. A plain
label whose text can be long (a hint, a status sentence) is shortened with "…" instead of
demanding its full width.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

#: Pixels between the row's parts.
SPACING = 12
#: The narrowest an eliding label gets: a few letters and the "…".
ELIDED_MIN_WIDTH = 40


class AdaptiveRow(QWidget):
    """`main` on the left and `trailing` on its right, or below it when the row is too narrow.

    The row reports the narrower of its two arrangements as its minimum, so the window can
    shrink; when it is given less than one line needs, `trailing` wraps to a second line. It
    places its two children itself: a layout of its own would hide its height-for-width
    from the window's layout.
    """

    def __init__(self, main: QWidget, trailing: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._main = main
        self._trailing = trailing
        main.setParent(self)
        trailing.setParent(self)
        # Not Fixed: a fixed height would cap the wrapped height at one line.
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def is_wrapped(self) -> bool:
        return self.width() < self.one_line_width()

    def one_line_width(self) -> int:
        """The width below which `trailing` moves to its own line."""
        return self._main.minimumSizeHint().width() + SPACING + self._least(self._trailing)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        width = max(self._main.minimumSizeHint().width(), self._least(self._trailing))
        return QSize(width, self._height(wrapped=False))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(self.one_line_width(), self._height(wrapped=False))

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        """Tells the window's layout the height of either arrangement before it is made, so
        the editors below get their final height in the same pass (a restored splitter keeps
        its sizes)."""
        return self._height(wrapped=width < self.one_line_width())

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()
            self._place()
        return super().event(event)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._place()

    @staticmethod
    def _least(widget: QWidget) -> int:
        return widget.minimumSizeHint().width()

    def _height(self, *, wrapped: bool) -> int:
        main = self._main.sizeHint().height()
        trailing = self._trailing.sizeHint().height()
        if wrapped:
            return main + SPACING // 2 + trailing
        return max(main, trailing)

    def _place(self) -> None:
        width = self.width()
        main_height = self._main.sizeHint().height()
        trailing_height = self._trailing.sizeHint().height()
        if self.is_wrapped():
            self._main.setGeometry(0, 0, width, main_height)
            self._trailing.setGeometry(0, main_height + SPACING // 2, width, trailing_height)
            return
        line = max(main_height, trailing_height)
        room = width - SPACING
        # `trailing` gets what its text needs, up to 40% of the row; the model row the rest.
        wanted = min(self._trailing.sizeHint().width(), room * 2 // 5)
        trailing_width = min(
            max(self._least(self._trailing), wanted), room - self._least(self._main)
        )
        main_width = room - trailing_width
        self._main.setGeometry(0, (line - main_height) // 2, main_width, main_height)
        self._trailing.setGeometry(
            main_width + SPACING, (line - trailing_height) // 2, trailing_width, trailing_height
        )


class ElidedLabel(QLabel):
    """A plain-text label that shows as much of its text as fits, ending in "…".

    The full text stays the label's text (and its tooltip, when it is cut), so assistive
    technology and tests read all of it.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(ELIDED_MIN_WIDTH)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(ELIDED_MIN_WIDTH, super().minimumSizeHint().height())

    def is_elided(self) -> bool:
        return self.fontMetrics().horizontalAdvance(self.text()) > self.contentsRect().width()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        if not self.is_elided():
            super().paintEvent(event)
            return
        painter = QPainter(self)
        rect = self.contentsRect()
        shown = self.fontMetrics().elidedText(
            self.text(), Qt.TextElideMode.ElideRight, rect.width()
        )
        alignment = int(self.alignment() | Qt.AlignmentFlag.AlignVCenter)
        self.style().drawItemText(
            painter, rect, alignment, self.palette(), self.isEnabled(), shown, self.foregroundRole()
        )

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.setToolTip(self.text() if self.is_elided() else "")
