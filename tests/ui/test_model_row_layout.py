"""The model row at 800×600 with the Presets panel at its default width: the model box, the
input limit (arrows and its largest value) and the Format box are whole and inside the row."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from zerogpu_desktop.ui.main_window import MainWindow
from zerogpu_desktop.ui.model_picker import MAX_INPUT_LIMIT

#: Qt may round a layout a pixel off.
SLACK = 1


def _outside_its_parents(widget: QWidget, window: MainWindow) -> str | None:
    child = widget
    while child is not window:
        parent = child.parentWidget()
        assert parent is not None
        geometry = widget.rect().translated(widget.mapTo(parent, QPoint(0, 0)))
        if not parent.rect().adjusted(-SLACK, -SLACK, SLACK, SLACK).contains(geometry):
            return f"{widget.accessibleName() or type(widget).__name__} at {geometry} in {parent}"
        child = parent
    return None


def test_the_model_row_fits_at_800x600(qtbot: QtBot, window: MainWindow) -> None:
    window.attach_library()
    window.resize(800, 600)
    window.presets_dock.show()
    qtbot.waitUntil(lambda: window.width() == 800, timeout=2000)
    picker = window.model_picker
    picker.set_model("a-rather-long-organisation/with-a-long-model-name-v2")
    picker.limit.setValue(MAX_INPUT_LIMIT)  # the widest value it can show
    picker.set_response_format("json_object")
    QApplication.processEvents()
    assert window.presets_dock.isVisible()
    assert window.presets_dock.width() >= 200  # the panel kept a usable width

    row = [picker.combo, picker.limit, picker.format_box]
    row += [child for child in picker.findChildren(QWidget) if child.isVisible()]
    problems = []
    for widget in row:
        assert widget.isVisible(), widget
        if (where := _outside_its_parents(widget, window)) is not None:
            problems.append(f"outside: {where}")
        if widget.width() + SLACK < widget.minimumSizeHint().width():
            problems.append(
                f"{widget.accessibleName() or type(widget).__name__} is {widget.width()} px, "
                f"needs {widget.minimumSizeHint().width()}"
            )
    # The spin box shows its largest value and its arrows: its full preferred width.
    if picker.limit.width() + SLACK < picker.limit.sizeHint().width():
        problems.append(f"Input limit is {picker.limit.width()} px, {picker.limit.sizeHint()}")
    assert problems == []
