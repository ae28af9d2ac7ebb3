"""The window holds together from 800×600 up: no control is cut off, no word split in two.

Content inside a scroll area (the editors, the Output, the lists and tables) may scroll; the
controls around it may not be clipped, squeezed below the size they need, or pushed outside
the widget that holds them.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QStatusBar,
    QTabBar,
    QTableView,
    QWidget,
)
from pytestqt.qtbot import QtBot

from zerogpu_desktop.ui.main_window import MainWindow

CONTROLS = (QAbstractButton, QLabel, QLineEdit, QComboBox, QAbstractSpinBox, QCheckBox, QTabBar)
#: Room a push button needs around its text (frame and margins of the common styles).
BUTTON_PADDING = 8
#: Room a header title needs around it (the section's margins in the common styles).
HEADER_PADDING = 12
#: Qt may round a layout a pixel off.
SLACK = 1


def _inside_scrolled_content(widget: QWidget) -> bool:
    """Whether `widget` sits in a scroll area's viewport (its content may scroll)."""
    parent = widget.parentWidget()
    while parent is not None:
        grand = parent.parentWidget()
        if isinstance(grand, QAbstractScrollArea) and grand.viewport() is parent:
            return True
        parent = grand
    return False


def _behind_another_tab(widget: QWidget) -> bool:
    """A panel behind another tab keeps its last size until it comes to the front."""
    parent: QWidget | None = widget
    while parent is not None:
        if isinstance(parent, QDockWidget):
            content = parent.widget()
            return content is not None and content.visibleRegion().isEmpty()
        parent = parent.parentWidget()
    return False


def visible_controls(window: MainWindow) -> Iterator[QWidget]:
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, CONTROLS) or not widget.isVisible():
            continue
        if widget.window() is not window or _inside_scrolled_content(widget):
            continue
        if _behind_another_tab(widget):
            continue
        # Qt's own little dock title buttons are laid out by the dock, not by a layout.
        if widget.objectName().startswith("qt_dockwidget_"):
            continue
        yield widget


def describe(widget: QWidget) -> str:
    text = getattr(widget, "text", lambda: "")()
    return f"{type(widget).__name__} {widget.accessibleName() or widget.objectName()!r} {text!r}"


def least_width(widget: QWidget) -> int:
    """The width a layout may give `widget` at the least, as Qt's layouts compute it.

    A widget meant to shrink (a label that elides, a sentence that is cut with its full text
    in the tooltip) says so with an explicit minimum width or an Ignored size policy.
    """
    if widget.minimumWidth() > 0:
        return widget.minimumWidth()
    if widget.sizePolicy().horizontalPolicy() == QSizePolicy.Policy.Ignored:
        return 0
    return widget.minimumSizeHint().width()


def clipped_controls(window: MainWindow) -> list[str]:
    problems = []
    for widget in visible_controls(window):
        # Inside its parent, and so on up: a container pushed out clips all it holds.
        child: QWidget = widget
        while child is not window:
            parent = child.parentWidget()
            assert parent is not None
            geometry = widget.rect().translated(widget.mapTo(parent, QPoint(0, 0)))
            room = parent.rect().adjusted(-SLACK, -SLACK, SLACK, SLACK)
            if not room.contains(geometry):
                problems.append(
                    f"{describe(widget)} at {geometry} is outside {describe(parent)} {room}"
                )
                break
            child = parent
        needed = least_width(widget)
        if widget.width() + SLACK < needed:
            problems.append(f"{describe(widget)} is {widget.width()} px wide, needs {needed}")
    return problems


def cut_button_texts(window: MainWindow) -> list[str]:
    """Buttons whose own text does not fit in them (e.g. "Render Markdown" shown as "Render")."""
    problems = []
    for widget in visible_controls(window):
        if not isinstance(widget, QPushButton | QCheckBox):
            continue
        text = widget.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        needed = widget.fontMetrics().horizontalAdvance(text) + BUTTON_PADDING
        if isinstance(widget, QCheckBox):
            needed += widget.iconSize().width()
        if widget.width() < needed:
            problems.append(f"{describe(widget)} is {widget.width()} px, its text needs {needed}")
    return problems


def split_header_words(window: MainWindow) -> list[str]:
    """Table headers too narrow for their title (Qt would elide or cut it mid-word)."""
    problems = []
    for table in window.findChildren(QTableView):
        if not table.isVisible() or _behind_another_tab(table):
            continue
        header: QHeaderView = table.horizontalHeader()
        model = table.model()
        for section in range(header.count()):
            if header.isSectionHidden(section):
                continue
            title = str(model.headerData(section, header.orientation()) or "")
            needed = header.fontMetrics().horizontalAdvance(title) + HEADER_PADDING
            if header.sectionSize(section) < needed:
                problems.append(
                    f"{table.accessibleName()}: column {title!r} is "
                    f"{header.sectionSize(section)} px, needs {needed}"
                )
    return problems


def show_at(qtbot: QtBot, window: MainWindow, width: int, height: int) -> None:
    window.attach_library()
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.width() == width, timeout=2000)
    QApplication.processEvents()


def show_every_dock(qtbot: QtBot, window: MainWindow) -> Iterator[QDockWidget]:
    for dock in (window.presets_dock, window.history_dock, window.usage_dock):
        dock.show()
        dock.raise_()
        qtbot.waitUntil(lambda dock=dock: not dock.widget().visibleRegion().isEmpty())
        QApplication.processEvents()
        yield dock


@pytest.mark.parametrize(("width", "height"), [(800, 600), (1440, 900)])
def test_no_control_is_clipped(qtbot: QtBot, window: MainWindow, width: int, height: int) -> None:
    assert window.minimumSizeHint().width() <= 800
    assert window.minimumSizeHint().height() <= 600
    show_at(qtbot, window, width, height)
    assert (window.width(), window.height()) == (width, height)
    for dock in show_every_dock(qtbot, window):
        problems = clipped_controls(window) + cut_button_texts(window)
        problems += split_header_words(window)
        assert problems == [], f"with the {dock.windowTitle()} panel in front"


def test_the_status_bar_cuts_a_long_message_instead_of_widening_the_window(
    qtbot: QtBot, window: MainWindow
) -> None:
    show_at(qtbot, window, 800, 600)
    sentence = "A sentence about what happened, " * 20
    window.status.set_state(sentence)
    window.status.set_estimate(123_456_789, 1000)
    QApplication.processEvents()
    assert window.width() == 800
    assert window.minimumSizeHint().width() <= 800
    bar = window.findChild(QStatusBar)
    assert bar is not None
    assert bar.width() <= 800
    assert window.status.state_label.toolTip() == sentence.strip() or sentence in (
        window.status.state_label.toolTip() + " "
    )
    assert clipped_controls(window) == []


def test_a_long_preset_name_does_not_widen_the_window(qtbot: QtBot, window: MainWindow) -> None:
    show_at(qtbot, window, 800, 600)
    window._show_preset("A preset with a very long name indeed " * 5, unsaved=True)
    QApplication.processEvents()
    assert window.width() == 800
    assert window.minimumSizeHint().width() <= 800
    assert clipped_controls(window) == []


def test_the_preset_and_settings_join_the_model_row_when_there_is_room(
    qtbot: QtBot, window: MainWindow
) -> None:
    show_at(qtbot, window, 800, 600)
    assert window.top_row.is_wrapped()
    assert window.settings_button.mapTo(window, window.settings_button.rect().topLeft()).y() > (
        window.model_picker.mapTo(window, window.model_picker.rect().bottomLeft()).y()
    )
    window.resize(1440, 900)
    qtbot.waitUntil(lambda: not window.top_row.is_wrapped(), timeout=2000)
    assert clipped_controls(window) == []


def test_the_send_hint_is_shortened_with_an_ellipsis_and_keeps_its_words(
    qtbot: QtBot, window: MainWindow
) -> None:
    show_at(qtbot, window, 800, 600)
    window.main_splitter.setSizes([10, 10_000])
    QApplication.processEvents()
    hint = window.send_hint
    assert hint.is_elided()
    assert hint.text() == "Ctrl+Enter to send · Esc to cancel"
    assert hint.toolTip() == hint.text()
    window.resize(1440, 900)
    window.main_splitter.setSizes([10_000, 10])
    qtbot.waitUntil(lambda: not hint.is_elided(), timeout=2000)


def test_the_side_panel_narrows_to_about_180_px_but_no_further(
    qtbot: QtBot, window: MainWindow
) -> None:
    show_at(qtbot, window, 800, 600)
    dock = window.presets_dock
    window.resizeDocks([dock], [100], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: dock.width() <= 200, timeout=2000)
    assert dock.width() >= 150
    for panel in show_every_dock(qtbot, window):
        assert clipped_controls(window) == [], f"with the {panel.windowTitle()} panel in front"
