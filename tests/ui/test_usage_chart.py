"""The Usage panel: a chart of tokens per day that can be read by eye, by pointer and by
keyboard, above a per-model table that fits the panel."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.ui.conftest import WindowFactory
from zerogpu_desktop.storage import Settings
from zerogpu_desktop.storage.history.store import HistoryStore, RunRecord
from zerogpu_desktop.storage.history.types import DailyUsage
from zerogpu_desktop.ui.main_window import MainWindow
from zerogpu_desktop.ui.usage_chart import UsageChart, days_of, summary_sentence

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
LONG_MODEL = "acme/an-extremely-long-model-identifier-that-cannot-fit-v3"
TODAY = dt.date(2024, 12, 10)


def test_days_without_runs_count_zero_and_models_add_up() -> None:
    rows = [
        DailyUsage(TODAY, "a", 2, 100, 50, 150),
        DailyUsage(TODAY, "b", 1, 1000, 500, 1500),
        DailyUsage(TODAY - dt.timedelta(days=8), "a", 1, 3000, 1000, 4000),
        DailyUsage(TODAY - dt.timedelta(days=40), "a", 1, 9, 9, 18),  # outside the period
    ]
    days = days_of(rows, 30, TODAY)
    assert len(days) == 30
    assert days[0].day == TODAY - dt.timedelta(days=29)
    assert days[-1] == (TODAY, 1100, 550)
    assert days[-9] == (dt.date(2024, 12, 2), 3000, 1000)
    assert sum(entry.total for entry in days) == 1650 + 4000
    assert summary_sentence(days) == (
        "Last 30 days: 4,100 input and 1,550 output tokens; busiest day 2 Dec with 4,000 tokens."
    )
    assert summary_sentence(days_of([], 30, TODAY)) == (
        "Last 30 days: 0 input and 0 output tokens; no runs with counted tokens."
    )


def painted(chart: UsageChart) -> QImage:
    image = QImage(chart.size(), QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    chart.render(image)
    return image


def colour_count(image: QImage, colour: QColor) -> int:
    wanted = colour.rgb()
    return sum(
        1
        for y in range(0, image.height(), 2)
        for x in range(0, image.width(), 2)
        if image.pixel(x, y) == wanted
    )


def test_the_bars_are_stacked_input_below_output_and_scaled_to_the_busiest_day(
    qtbot: QtBot,
) -> None:
    chart = UsageChart()
    qtbot.addWidget(chart)
    chart.resize(300, 160)
    rows = [
        DailyUsage(TODAY, "a", 1, 3000, 1000, 4000),
        DailyUsage(TODAY - dt.timedelta(days=1), "a", 1, 1000, 1000, 2000),
    ]
    chart.set_days(days_of(rows, 30, TODAY))
    input_colour, output_colour = chart.colours()
    image = painted(chart)
    # The busiest day's bar (the last) reaches the max line; the day before is half as high.
    last_x = chart.width() - 8 - 4
    column = [QColor(image.pixel(last_x, y)) for y in range(image.height())]
    inputs = [y for y, colour in enumerate(column) if colour == input_colour]
    outputs = [y for y, colour in enumerate(column) if colour == output_colour]
    assert inputs
    assert outputs
    assert max(outputs) < min(inputs)  # output stacked on top of input
    assert abs(len(inputs) - 3 * len(outputs)) <= 2  # 3,000 vs 1,000
    assert colour_count(image, input_colour) > colour_count(image, output_colour)
    assert chart.day_at(QPoint(last_x, chart.height() // 2)) == 29
    assert chart.day_at(QPoint(2, 2)) is None


def test_the_colours_follow_a_dark_palette(qtbot: QtBot, qapp: QApplication) -> None:
    chart = UsageChart()
    qtbot.addWidget(chart)
    light = chart.colours()
    palette = qapp.palette()
    dark = palette
    dark.setColor(dark.ColorRole.Window, QColor("#202124"))
    dark.setColor(dark.ColorRole.WindowText, QColor("#e8eaed"))
    before = qapp.palette()
    qapp.setPalette(dark)
    try:
        assert chart.colours() != light
        assert all(colour.lightness() > 120 for colour in chart.colours())
    finally:
        qapp.setPalette(before)


def test_the_keyboard_steps_through_the_days_and_the_description_says_each(
    qtbot: QtBot,
) -> None:
    chart = UsageChart()
    qtbot.addWidget(chart)
    chart.resize(300, 160)
    rows = [
        DailyUsage(TODAY, "a", 1, 1234, 567, 1801),
        DailyUsage(TODAY - dt.timedelta(days=1), "a", 1, 10, 20, 30),
    ]
    chart.set_days(days_of(rows, 30, TODAY))
    summary = (
        "Last 30 days: 1,244 input and 587 output tokens; busiest day 10 Dec with 1,801 tokens."
    )
    assert chart.accessibleDescription() == summary
    chart.show()
    qtbot.waitExposed(chart)
    chart.activateWindow()
    chart.setFocus()
    qtbot.waitUntil(chart.hasFocus, timeout=2000)
    assert chart.accessibleDescription().startswith("10 Dec: 1,234 input and 567 output tokens.")
    qtbot.keyClick(chart, Qt.Key.Key_Left)
    assert chart.accessibleDescription().startswith("9 Dec: 10 input and 20 output tokens.")
    assert chart.accessibleDescription().endswith(summary)
    qtbot.keyClick(chart, Qt.Key.Key_Home)
    assert chart.accessibleDescription().startswith("11 Nov: 0 input and 0 output tokens.")
    qtbot.keyClick(chart, Qt.Key.Key_Left)  # stays on the first day
    assert chart.current_day().day == dt.date(2024, 11, 11)  # type: ignore[union-attr]
    qtbot.keyClick(chart, Qt.Key.Key_End)
    assert chart.current_day().day == TODAY  # type: ignore[union-attr]


def record_usage(data_dir: Path) -> None:
    now = time.time()
    runs = [
        RunRecord(
            model=model,
            system_prompt="",
            user_prompt="Question",
            answer="Answer",
            created=now - days * 86400,
            input_tokens=inp,
            output_tokens=out,
            total_tokens=inp + out,
        )
        for model, days, inp, out in (
            (LONG_MODEL, 0, 12_000, 3_000),
            (LONG_MODEL, 3, 1_000, 500),
            ("short/m", 1, 200, 100),
        )
    ]
    with HistoryStore(data_dir) as store:
        store.record_many(runs)


def show_usage(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(window.user_editor.editor, Qt.Key.Key_U, CTRL_SHIFT)
    assert window.library is not None
    usage = window.library.usage
    qtbot.waitUntil(lambda: usage.isVisible() and usage.table.rowCount() == 2, timeout=3000)
    QApplication.processEvents()


def test_the_panel_shows_the_chart_and_a_model_table_that_fits(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    record_usage(data_dir)
    window = make_window(settings=Settings(max_retries=0))
    window.resize(800, 600)
    qtbot.waitUntil(lambda: window.width() == 800, timeout=2000)
    show_usage(qtbot, window)
    assert window.library is not None
    usage = window.library.usage
    days = usage.chart.days()
    assert len(days) == 30
    assert days[-1].day == dt.date.today()
    assert days[-1].total == 15_000
    assert "16,800 tokens" not in usage.chart.accessibleDescription()
    assert usage.chart.accessibleDescription().startswith(
        "Last 30 days: 13,200 input and 3,600 output tokens; busiest day"
    )
    assert usage.total_label.text() == "Last 30 days: 3 runs, 16,800 tokens"

    table = usage.table
    cells = [[table.item(row, column).text() for column in range(3)] for row in range(2)]
    assert cells == [[LONG_MODEL, "2", "16,500"], ["short/m", "1", "300"]]
    assert table.item(0, 0).toolTip().startswith(LONG_MODEL)
    assert "13,000 input and 3,500 output tokens" in table.item(0, 0).toolTip()
    assert table.textElideMode() == Qt.TextElideMode.ElideMiddle
    assert not table.wordWrap()
    assert not table.horizontalScrollBar().isVisible()
    header = table.horizontalHeader()
    assert header.sectionViewportPosition(2) + header.sectionSize(2) <= table.viewport().width()
    for row in range(2):
        for column in (1, 2):
            alignment = table.item(row, column).textAlignment()
            assert alignment & Qt.AlignmentFlag.AlignRight
    # The keyboard reaches the chart.
    usage.chart.setFocus()
    qtbot.waitUntil(usage.chart.hasFocus, timeout=2000)
    assert usage.chart.accessibleDescription().startswith(
        f"{dt.date.today().day} {dt.date.today().strftime('%b')}: 12,000 input"
    )
