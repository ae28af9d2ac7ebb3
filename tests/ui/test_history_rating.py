"""The History panel rates runs and filters by preset, version and rating, by keyboard alone;
`HistoryService.rate` writes on the writer's thread and tells every failure."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from tests.ui.conftest import MODEL, WindowFactory, run_async
from tests.ui.helpers import CTRL, focused, wait_dialog
from tests.ui.test_layout import clipped_controls, show_at
from zerogpu_desktop.storage import Settings
from zerogpu_desktop.storage.history.store import HistoryStore, RunRecord
from zerogpu_desktop.storage.history.types import MAX_RATING_NOTE
from zerogpu_desktop.ui.history_model import PRESET, PROMPT, RATING
from zerogpu_desktop.ui.history_panel import HistoryPanel
from zerogpu_desktop.ui.history_service import HistoryService
from zerogpu_desktop.ui.main_window import MainWindow
from zerogpu_desktop.ui.rating_dialog import RatingDialog

LONG_NAME = "A preset with a remarkably long name that would widen any combo box " * 2


def seed(data_dir: Path) -> None:
    """Eight runs, oldest first: two versions of "Summarise", one "Translate", one rated."""
    runs = [
        ("Summarise", 1, "summary one"),
        ("Summarise", 2, "summary two"),
        ("Translate", 1, "translate this"),
        (None, None, "plain question"),
        ("Summarise", 2, "summary three"),
        (LONG_NAME, 1, "long named"),
        (None, None, "another plain one"),
        ("Summarise", 1, "summary four"),
    ]
    now = time.time()
    with HistoryStore(data_dir) as store:
        for number, (preset, version, prompt) in enumerate(runs):
            store.record(
                RunRecord(
                    MODEL,
                    "",
                    prompt,
                    f"answer {number}",
                    created=now - 60 * (len(runs) - number),
                    preset_name=preset,
                    preset_version=version,
                    source="window",
                )
            )
        store.rate(5, "bad", "rambles")


def open_panel(qtbot: QtBot, window: MainWindow) -> HistoryPanel:
    assert window.library is not None
    panel = window.library.history
    panel.use_service(window.session.history)  # what the window wires; a second call is a no-op
    qtbot.keyClick(focused(window), Qt.Key.Key_H, CTRL)
    qtbot.waitUntil(lambda: panel.isVisible() and panel.model.rowCount() == 8, timeout=3000)
    return panel


def prompts(panel: HistoryPanel) -> list[str]:
    return [str(panel.model.index(row, PROMPT).data()) for row in range(panel.model.rowCount())]


def cell(
    panel: HistoryPanel, row: int, column: int, role: Any = Qt.ItemDataRole.DisplayRole
) -> Any:
    return panel.model.index(row, column).data(role)


def stored(data_dir: Path, run_id: int) -> tuple[str | None, str | None]:
    with HistoryStore(data_dir) as store:
        record = store.get(run_id)
    assert record is not None
    return record.rating, record.rating_note


def test_the_filters_drive_the_list_by_keyboard(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    seed(data_dir)
    window = make_window(settings=Settings(max_retries=0))
    panel = open_panel(qtbot, window)
    filters = panel.filters
    assert [filters.preset_combo.itemText(n) for n in range(filters.preset_combo.count())] == [
        "All presets",
        LONG_NAME,
        "Summarise",
        "Translate",
    ]
    assert not filters.version_combo.isEnabled()
    assert cell(panel, 0, PRESET) == "Summarise v1"
    assert cell(panel, 3, RATING) == "Bad"
    assert cell(panel, 3, RATING, Qt.ItemDataRole.ToolTipRole) == "Rated bad: rambles"

    # Search box, Tab: the evaluation box, Tab: the preset filter.
    panel.search_edit.setFocus()
    qtbot.keyClick(panel.search_edit, Qt.Key.Key_Tab)
    qtbot.keyClick(focused(window), Qt.Key.Key_Tab)
    assert focused(window) is filters.preset_combo
    qtbot.keyClick(filters.preset_combo, Qt.Key.Key_Down)
    qtbot.keyClick(filters.preset_combo, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 4, timeout=2000)
    assert prompts(panel) == ["summary four", "summary three", "summary two", "summary one"]
    assert panel.count_label.text() == "4 runs match the filters"
    assert filters.version_combo.isEnabled()
    assert [filters.version_combo.itemText(n) for n in range(3)] == ["All versions", "v2", "v1"]

    qtbot.keyClick(filters.preset_combo, Qt.Key.Key_Tab)
    assert focused(window) is filters.version_combo
    qtbot.keyClick(filters.version_combo, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: prompts(panel) == ["summary three", "summary two"], timeout=2000)
    assert cell(panel, 0, PRESET) == "Summarise v2"

    qtbot.keyClick(filters.version_combo, Qt.Key.Key_Tab)
    assert focused(window) is filters.rating_combo
    qtbot.keyClick(filters.rating_combo, Qt.Key.Key_Down)  # Rated good: none of these
    qtbot.waitUntil(lambda: panel.model.rowCount() == 0, timeout=2000)
    assert panel.count_label.text() == "0 runs match the filters"
    qtbot.keyClick(filters.rating_combo, Qt.Key.Key_Down)  # Rated bad
    qtbot.waitUntil(lambda: prompts(panel) == ["summary three"], timeout=2000)

    # Another preset resets the version; back to all presets disables it.
    qtbot.keyClick(filters.rating_combo, Qt.Key.Key_Up)
    qtbot.keyClick(filters.rating_combo, Qt.Key.Key_Up)
    filters.preset_combo.setFocus()
    qtbot.keyClick(filters.preset_combo, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: prompts(panel) == ["translate this"], timeout=2000)
    assert filters.version_combo.currentText() == "All versions"
    qtbot.keyClick(filters.preset_combo, Qt.Key.Key_Home)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 8, timeout=2000)
    assert not filters.version_combo.isEnabled()
    assert panel.count_label.text() == "8 runs"
    for combo in (filters.preset_combo, filters.version_combo, filters.rating_combo):
        assert combo.accessibleName().startswith("Filter by ")


def test_rating_from_the_panel_lands_in_the_history_by_keyboard(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    seed(data_dir)
    window = make_window(settings=Settings(max_retries=0))
    panel = open_panel(qtbot, window)
    qtbot.keyClick(focused(window), Qt.Key.Key_H, CTRL)
    qtbot.keyClick(panel.search_edit, Qt.Key.Key_Return)  # into the list, on the newest run
    assert focused(window) is panel.table
    assert panel.rate_button.isEnabled()
    newest = panel.selected_summary()
    assert newest is not None

    qtbot.keyClick(panel.table, Qt.Key.Key_G)
    qtbot.waitUntil(lambda: cell(panel, 0, RATING) == "Good", timeout=3000)
    assert stored(data_dir, newest.id) == ("good", None)
    assert window.status.state_label.text() == f"Rated run {newest.id} good."
    assert panel.selected_summary() == panel.model.summary(0)  # the selection stayed

    qtbot.keyClick(panel.table, Qt.Key.Key_B)
    qtbot.waitUntil(lambda: cell(panel, 0, RATING) == "Bad", timeout=3000)
    assert stored(data_dir, newest.id) == ("bad", None)

    # N: the rating and its note, in a dialog; the note is searchable afterwards.
    qtbot.keyClick(panel.table, Qt.Key.Key_N)
    dialog = wait_dialog(qtbot, RatingDialog)
    assert isinstance(dialog, RatingDialog)
    assert dialog.bad_button.isChecked()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.note_edit.hasFocus, timeout=2000)  # rated already: the note
    qtbot.keyClicks(dialog.note_edit, "Too long winded")
    assert dialog.counter.text() == f"15 of {MAX_RATING_NOTE:,} characters"
    qtbot.keyClick(dialog.note_edit, Qt.Key.Key_Tab)  # Tab leaves the note
    assert focused(dialog) is dialog.buttons.button(dialog.buttons.StandardButton.Save)
    qtbot.keyClick(focused(dialog), Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: stored(data_dir, newest.id) == ("bad", "Too long winded"), timeout=3000)
    qtbot.waitUntil(
        lambda: cell(panel, 0, RATING, Qt.ItemDataRole.ToolTipRole) == "Rated bad: Too long winded",
        timeout=2000,
    )

    qtbot.keyClick(focused(window), Qt.Key.Key_H, CTRL)
    qtbot.keyClicks(panel.search_edit, "winded")
    qtbot.waitUntil(lambda: prompts(panel) == ["summary four"], timeout=2000)
    assert panel.count_label.text() == "1 run match “winded”"

    # C clears the rating (and its note); it then leaves the search that found it by the note.
    qtbot.keyClick(panel.search_edit, Qt.Key.Key_Return)
    qtbot.keyClick(panel.table, Qt.Key.Key_C)
    qtbot.waitUntil(lambda: stored(data_dir, newest.id) == (None, None), timeout=3000)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 0, timeout=2000)
    assert window.status.state_label.text() == f"Run {newest.id} is no longer rated."


def test_the_context_menu_rates_the_selected_run(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    seed(data_dir)
    window = make_window(settings=Settings(max_retries=0))
    panel = open_panel(qtbot, window)
    panel.table.setFocus()
    panel.table.selectRow(2)
    chosen = panel.selected_summary()
    assert chosen is not None
    # The Menu key (or Shift+F10) asks the focused list for its context menu.
    at = QPoint(5, 5)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, at, panel.table.mapToGlobal(at))
    QApplication.sendEvent(panel.table, event)
    menu = panel.rating.menu
    qtbot.waitUntil(menu.isVisible, timeout=2000)
    assert isinstance(menu, QMenu)
    assert [action.text() for action in menu.actions()] == [
        "Rate &good",
        "Rate &bad",
        "&Clear rating",
        "Edit &note…",
    ]
    assert not panel.rating.clear.isEnabled()  # nothing to clear yet
    qtbot.keyClick(menu, Qt.Key.Key_G)  # the mnemonic
    qtbot.waitUntil(lambda: stored(data_dir, chosen.id) == ("good", None), timeout=3000)
    qtbot.waitUntil(lambda: cell(panel, 2, RATING) == "Good", timeout=2000)
    assert panel.rating.clear.isEnabled()


def test_a_run_rated_elsewhere_joins_a_list_filtered_by_rating(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    """Compare rates through the same service: an open History list shows it at once."""
    seed(data_dir)
    window = make_window(settings=Settings(max_retries=0))
    panel = open_panel(qtbot, window)
    panel.filters.rating_combo.setFocus()
    qtbot.keyClick(panel.filters.rating_combo, Qt.Key.Key_Down)  # Rated good
    qtbot.waitUntil(lambda: panel.model.rowCount() == 0, timeout=2000)
    stored_it = window.session.history.rate(2, "good", "from a comparison")
    qtbot.waitUntil(stored_it.done, timeout=3000)
    assert stored_it.result() is True
    qtbot.waitUntil(lambda: prompts(panel) == ["summary two"], timeout=2000)
    assert panel.count_label.text() == "1 run match the filters"


def test_the_filters_fit_at_800_by_600_even_with_a_long_preset_name(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    seed(data_dir)
    window = make_window(settings=Settings(max_retries=0))
    show_at(qtbot, window, 800, 600)
    panel = open_panel(qtbot, window)
    panel.filters.preset_combo.setFocus()
    qtbot.keyClick(panel.filters.preset_combo, Qt.Key.Key_Down)  # the long name
    qtbot.waitUntil(lambda: prompts(panel) == ["long named"], timeout=2000)
    QApplication.processEvents()
    assert window.width() == 800
    assert clipped_controls(window) == []
    assert not panel.table.horizontalScrollBar().isVisible()


def test_the_service_tells_why_a_rating_was_not_stored(
    qtbot: QtBot, qloop: Any, data_dir: Path
) -> None:
    service = HistoryService(data_dir)
    problems: list[str] = []
    rated: list[int] = []
    service.problem.connect(problems.append)
    service.rated.connect(rated.append)
    run_id = run_async(qtbot, service.record(RunRecord(MODEL, "", "q", "a")))
    assert isinstance(run_id, int)

    async def rate(number: int) -> bool:
        return await service.rate(number, "good", "fine")

    assert run_async(qtbot, rate(run_id)) is True
    assert rated == [run_id]
    assert run_async(qtbot, rate(run_id + 5)) is False
    assert problems == [
        f"Run {run_id + 5} is no longer in the history, so its rating was not saved."
    ]
    run_async(qtbot, service.close(1.0))

    broken = data_dir / "broken"
    broken.mkdir()
    (broken / "history.sqlite3").mkdir()  # a folder where the database should be
    unusable = HistoryService(broken)
    unusable.problem.connect(problems.append)

    async def rate_unusable() -> bool:
        return await unusable.rate(1, "bad", "")

    assert run_async(qtbot, rate_unusable()) is False
    assert problems[-1] == "The rating was not saved: the history is not available."
    run_async(qtbot, unusable.close(1.0))
