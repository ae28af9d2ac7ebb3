"""How the grid looks: each cell's mark line bold in its colour, the answer, the figures muted.

A plain table draws a cell in one colour; the mark alone carries the colour here, so a red
"✗ Failed" does not turn the answer under it red, and the word is always beside the colour.
Every row has the same height, so the view never measures 10,000 rows to lay them out.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from zerogpu_desktop.ui.controls import FOCUS_RING
from zerogpu_desktop.ui.evaluate_model import TONE_ROLE, EvaluationGridModel
from zerogpu_desktop.ui.palette import tone

#: Lines a cell has room for: the mark, two lines of answer, the figures.
CELL_LINES = 4
_PADDING = 5
#: The grid's column widths when it opens.
CASE_COLUMN_WIDTH = 200
MODEL_COLUMN_WIDTH = 240


def results_grid(model: EvaluationGridModel, parent: QWidget) -> QTableView:
    """The table over `model`: rows of one fixed height, Enter opens a cell, Tab leaves it."""
    grid = QTableView(parent)
    grid.setAccessibleName("Evaluation results")
    grid.setAccessibleDescription(
        "Rows are cases, columns are models; the first row sums up. Enter opens a cell."
    )
    grid.setModel(model)
    grid.setItemDelegate(GridDelegate(grid))
    grid.setStyleSheet(FOCUS_RING)
    grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    grid.setTabKeyNavigation(False)
    grid.setWordWrap(False)
    rows = grid.verticalHeader()
    rows.setAccessibleName("Cases")
    rows.hide()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(row_height(grid.font()))
    columns = grid.horizontalHeader()
    columns.setAccessibleName("Models")
    columns.setDefaultSectionSize(MODEL_COLUMN_WIDTH)
    columns.setMinimumSectionSize(120)
    columns.setStretchLastSection(True)
    return grid


def fit_columns(grid: QTableView, models: int) -> None:
    """The case column at its width, the models sharing the rest (each resizable)."""
    columns = grid.horizontalHeader()
    columns.setStretchLastSection(False)
    columns.resizeSection(0, CASE_COLUMN_WIDTH)
    room = grid.width() - CASE_COLUMN_WIDTH - grid.verticalScrollBar().sizeHint().width() - 4
    width = max(MODEL_COLUMN_WIDTH, room // max(1, models))
    for column in range(1, models + 1):
        columns.resizeSection(column, width)
    columns.setStretchLastSection(True)


def row_height(font: QFont) -> int:
    return QFontMetrics(font).lineSpacing() * CELL_LINES + 2 * _PADDING


class GridDelegate(QStyledItemDelegate):
    """Draws the lines of a cell's text, each elided to the column's width.

    A screenful is 60 cells repainted on every scroll step, so a cell asks its model for two
    things only (its text and its colour), not the dozen roles a standard item reads.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fonts: tuple[QFont, QFont, QFontMetrics, QFontMetrics] | None = None
        self._tones: tuple[int, dict[str, QColor]] = (-1, {})

    def _tone(self, palette: QPalette, name: str) -> QColor:
        """The status colour for this palette, worked out once per palette, not per cell."""
        key, colours = self._tones
        if key != palette.cacheKey():
            colours = {}
            self._tones = (palette.cacheKey(), colours)
        colour = colours.get(name)
        if colour is None:
            colour = colours[name] = QColor(tone(name))
        return colour

    def _fonts_for(self, font: QFont) -> tuple[QFont, QFont, QFontMetrics, QFontMetrics]:
        known = self._fonts
        if known is None or known[0] != font:
            bold = QFont(font)
            bold.setBold(True)
            known = self._fonts = (QFont(font), bold, QFontMetrics(font), QFontMetrics(bold))
        return known

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)
        state = option.state
        if state & QStyle.StateFlag.State_HasFocus:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_FrameFocusRect, option, painter, widget)
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if not text:
            return
        lines = str(text).split("\n")[:CELL_LINES]
        selected = bool(state & QStyle.StateFlag.State_Selected)
        palette: QPalette = option.palette
        plain = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        tone_name = index.data(TONE_ROLE) or "plain"
        first = plain if selected or tone_name == "plain" else self._tone(palette, tone_name)
        last = plain if selected else self._tone(palette, "muted")
        cell: QRect = option.rect
        font, bold, metrics, bold_metrics = self._fonts_for(option.font)
        spacing = metrics.lineSpacing()
        left, top = cell.left() + _PADDING + 1, cell.top() + _PADDING
        width = cell.width() - 2 * _PADDING - 1
        align = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        painter.save()
        painter.setClipRect(cell)
        for number, line in enumerate(lines):
            is_mark = number == 0
            painter.setFont(bold if is_mark else font)
            if is_mark:
                painter.setPen(first)
            elif number == len(lines) - 1 and len(lines) > 2:
                painter.setPen(last)
            else:
                painter.setPen(plain)
            fitted = (bold_metrics if is_mark else metrics).elidedText(
                line, Qt.TextElideMode.ElideRight, width
            )
            painter.drawText(QRect(left, top, width, spacing), align, fitted)
            top += spacing
        painter.restore()

    def sizeHint(  # noqa: N802 - Qt's name
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        font: QFont = option.font
        return QSize(200, row_height(font))
