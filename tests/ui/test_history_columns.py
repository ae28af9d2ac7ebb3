"""The History list shows what matters at the width it has: the prompt takes the room, the
tokens and the result stay in view, and how a run ended is a word, not only a colour."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QHeaderView
from pytestqt.qtbot import QtBot

from tests.ui.conftest import WindowFactory
from zerogpu_desktop.api.tokens import TruncationStatus
from zerogpu_desktop.storage import Settings
from zerogpu_desktop.storage.history.store import HistoryStore, RunRecord
from zerogpu_desktop.ui.history_model import (
    MODEL,
    PROMPT,
    RESULT,
    TOKENS,
    TOOLTIP_PROMPT_CHARS,
    WHEN,
    compact_count,
)
from zerogpu_desktop.ui.main_window import MainWindow
from zerogpu_desktop.ui.palette import tone

CTRL = Qt.KeyboardModifier.ControlModifier
LONG_PROMPT = "Summarise the report below.\n" + "The quarterly figures rose. " * 200


def run(prompt: str, **fields: object) -> RunRecord:
    values: dict[str, object] = {
        "model": "acme/a-rather-long-model-name-v2",
        "system_prompt": "",
        "user_prompt": prompt,
        "answer": "An answer",
        "created": time.time() - 60,
        "input_tokens": 1200,
        "output_tokens": 340,
        "total_tokens": 1540,
        "truncation_status": TruncationStatus.NOT_TRUNCATED,
    }
    values.update(fields)
    return RunRecord(**values)  # type: ignore[arg-type]


def record(data_dir: Path) -> None:
    """Five runs, one of each ending, plus enough more for a vertical scrollbar."""
    runs = [run(f"Earlier question {number}") for number in range(40)]
    runs += [
        run("Answered question"),
        run(
            "Cut short",
            truncation_status=TruncationStatus.TRUNCATED,
            total_tokens=123_456,
        ),
        run("Maybe cut", truncation_status=TruncationStatus.POSSIBLY_TRUNCATED),
        run(
            "Broke",
            error_title="Server error",
            error_message="The server failed.",
            input_tokens=None,
            output_tokens=None,
            total_tokens=None,
            truncation_status=None,
        ),
        run(
            LONG_PROMPT,
            error_title="Cancelled",
            error_message="You cancelled the request.",
            input_tokens=None,
            output_tokens=None,
            total_tokens=None,
            truncation_status=None,
        ),
    ]
    with HistoryStore(data_dir) as store:
        store.record_many(runs)


def open_history(qtbot: QtBot, window: MainWindow, width: int, height: int) -> None:
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width, timeout=2000)
    qtbot.keyClick(window.user_editor.editor, Qt.Key.Key_H, CTRL)
    assert window.library is not None
    history = window.library.history
    qtbot.waitUntil(lambda: history.isVisible() and history.model.rowCount() > 40, timeout=3000)
    QApplication.processEvents()


def fully_in_view(window: MainWindow, column: int) -> bool:
    assert window.library is not None
    table = window.library.history.table
    header = table.horizontalHeader()
    if table.isColumnHidden(column):
        return False
    start = header.sectionViewportPosition(column)
    return start >= 0 and start + header.sectionSize(column) <= table.viewport().width()


def test_tokens_and_result_are_in_view_at_the_default_panel_width(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    record(data_dir)
    window = make_window(settings=Settings(max_retries=0))
    open_history(qtbot, window, 1440, 900)
    assert window.library is not None
    history = window.library.history
    table = history.table
    assert 230 <= window.history_dock.width() <= 290  # the first-start width
    assert table.verticalScrollBar().isVisible()
    assert not table.horizontalScrollBar().isVisible()
    for column in (PROMPT, TOKENS, RESULT):
        assert fully_in_view(window, column), column
    header = table.horizontalHeader()
    assert header.sectionResizeMode(PROMPT) == QHeaderView.ResizeMode.Stretch
    # The prompt gets what the figures leave, and more than any of them.
    assert header.sectionSize(PROMPT) >= max(header.sectionSize(c) for c in (TOKENS, RESULT))

    # Widened, the panel shows the time and the model too, and the prompt grows.
    narrow_prompt = header.sectionSize(PROMPT)
    window.resizeDocks([window.history_dock], [700], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: fully_in_view(window, MODEL), timeout=2000)
    assert fully_in_view(window, WHEN)
    assert header.sectionSize(PROMPT) > narrow_prompt
    assert not table.horizontalScrollBar().isVisible()


def test_at_800_by_600_the_list_still_does_not_scroll_sideways(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    record(data_dir)
    window = make_window(settings=Settings(max_retries=0))
    open_history(qtbot, window, 800, 600)
    assert window.library is not None
    table = window.library.history.table
    assert not table.horizontalScrollBar().isVisible()
    for column in (PROMPT, TOKENS, RESULT):
        assert fully_in_view(window, column), column


def test_each_ending_is_a_word_a_colour_and_a_spoken_phrase(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    record(data_dir)
    window = make_window(settings=Settings(max_retries=0))
    open_history(qtbot, window, 1440, 900)
    assert window.library is not None
    model = window.library.history.model

    def cell(row: int, column: int, role: Qt.ItemDataRole = Qt.ItemDataRole.DisplayRole) -> object:
        return model.index(row, column).data(role)

    words = [cell(row, RESULT) for row in range(5)]
    assert words == ["Cancelled", "Failed", "Truncated?", "Truncated", "Answered"]
    spoken = [cell(row, RESULT, Qt.ItemDataRole.AccessibleTextRole) for row in range(5)]
    assert spoken == [
        "Cancelled",
        "Failed: Server error",
        "Answered, possibly truncated",
        "Answered, truncated",
        "Answered",
    ]
    colours = [cell(row, RESULT, Qt.ItemDataRole.ForegroundRole) for row in range(5)]
    assert all(isinstance(colour, QColor) for colour in colours)
    names = [colour.name() for colour in colours]  # type: ignore[union-attr]
    assert names == [tone("muted"), tone("bad"), tone("warn"), tone("bad"), tone("ok")]
    # A cancelled run no longer looks like an answered one.
    assert names[0] != names[4]
    # Big counts are shortened for the narrow column; the tooltip keeps the exact figure.
    assert cell(3, TOKENS) == "123k"
    assert "123,456 total" in str(cell(3, TOKENS, Qt.ItemDataRole.ToolTipRole))


def test_the_prompt_shows_its_first_line_and_the_whole_prompt_as_a_tooltip(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    record(data_dir)
    window = make_window(settings=Settings(max_retries=0))
    open_history(qtbot, window, 1440, 900)
    assert window.library is not None
    model = window.library.history.model
    index = model.index(0, PROMPT)
    assert index.data() == "Summarise the report below."
    tip = str(index.data(Qt.ItemDataRole.ToolTipRole))
    assert tip.startswith("Summarise the report below.\nThe quarterly figures rose.")
    assert len(tip) <= TOOLTIP_PROMPT_CHARS + 1
    assert tip.endswith("…")
    short = str(model.index(4, PROMPT).data(Qt.ItemDataRole.ToolTipRole))
    assert short == "Answered question"


def test_compact_counts() -> None:
    assert compact_count(0) == "0"
    assert compact_count(99_999) == "99,999"
    assert compact_count(100_000) == "100k"
    assert compact_count(2_345_678) == "2.3M"
    assert compact_count(12_345_678_901) == "12,345M"


def test_evaluation_runs_are_left_out_until_the_box_is_ticked_by_keyboard(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    record(data_dir)
    with HistoryStore(data_dir) as store:
        store.record_many([run(f"Cell {n}", source="evaluate") for n in range(30)])
    window = make_window(settings=Settings(max_retries=0))
    open_history(qtbot, window, 1440, 900)
    assert window.library is not None
    history = window.library.history
    assert history.model.rowCount() == 45
    assert history.count_label.text() == "45 runs"
    history.search_edit.setFocus()
    qtbot.keyClick(history.search_edit, Qt.Key.Key_Tab)
    qtbot.waitUntil(history.batch_box.hasFocus, timeout=2000)
    qtbot.keyClick(history.batch_box, Qt.Key.Key_Space)
    assert history.batch_box.isChecked()
    qtbot.waitUntil(lambda: history.count_label.text() == "75 runs", timeout=2000)
    assert history.model.summary(0) is not None
    assert history.model.summary(0).preview == "Cell 29"  # type: ignore[union-attr]
