"""The History and Usage docks: every run listed, searched, opened, run again, deleted, cleared.

Runs are made the way a person makes them (typing, Ctrl+Return, Esc) against the loopback
server, except where a test needs many: those are recorded into the data folder before the
window starts, exactly as `zerogpu-desktop send` would have left them.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.benchmarks.bench_history import SEED, make_runs, vocabulary
from tests.fakeserver import FakeServer, Scenario, count_tokens
from tests.ui.conftest import API_KEY, MODEL, WindowFactory
from tests.ui.helpers import (
    CTRL,
    answer_name,
    answer_question,
    banner_text,
    focused,
    press_escape,
    press_send,
    type_model,
    type_system_prompt,
    type_user_prompt,
    variables_form,
    wait_finished,
    wait_request,
    wait_running,
)
from zerogpu_desktop.storage import Settings
from zerogpu_desktop.storage.history.store import HistoryStore, RunRecord
from zerogpu_desktop.ui.history_model import PAGE_SIZE
from zerogpu_desktop.ui.main_window import MainWindow

SHIFT = Qt.KeyboardModifier.ShiftModifier
BIG_HISTORY = 100_000
#: What a person notices as a lag; generous because the CPU is shared with other work.
SNAPPY_MS = 200.0


def show_history(qtbot: QtBot, window: MainWindow) -> None:
    """Ctrl+H: the History dock comes to the front with the search box focused."""
    qtbot.keyClick(focused(window), Qt.Key.Key_H, CTRL)
    history = window.library.history
    qtbot.waitUntil(lambda: history.isVisible() and history.store is not None, timeout=2000)
    assert focused(window) is history.search_edit


def rows(window: MainWindow) -> list[tuple[str, ...]]:
    """The History table's cells as shown, top row first."""
    model = window.library.history.model
    return [
        tuple(str(model.index(row, column).data() or "") for column in range(model.columnCount()))
        for row in range(model.rowCount())
    ]


def results(window: MainWindow) -> list[str]:
    return [row[4] for row in rows(window)]


def prompts(window: MainWindow) -> list[str]:
    return [row[2] for row in rows(window)]


def count_label(window: MainWindow) -> str:
    return window.library.history.count_label.text()


def send_and_wait(qtbot: QtBot, window: MainWindow, user: str) -> None:
    type_user_prompt(qtbot, window, user)
    press_send(qtbot, window)
    wait_finished(qtbot, window)


def clear_user_prompt(qtbot: QtBot, window: MainWindow) -> None:
    type_user_prompt(qtbot, window, "")
    qtbot.keyClick(window.user_editor.editor, Qt.Key.Key_A, CTRL)
    qtbot.keyClick(window.user_editor.editor, Qt.Key.Key_Delete)


def seed_runs(data_dir: Path, *texts: tuple[str, str]) -> None:
    """Runs recorded before the window starts (oldest first): (user prompt, answer)."""
    now = time.time()
    with HistoryStore(data_dir) as store:
        for number, (user, answer) in enumerate(texts):
            store.record(
                RunRecord(
                    model=MODEL,
                    system_prompt="",
                    user_prompt=user,
                    answer=answer,
                    created=now - 60 * (len(texts) - number),
                    input_tokens=10,
                    output_tokens=20,
                    total_tokens=30,
                    source="cli",
                )
            )


def test_every_run_is_listed_newest_first_and_counted_in_usage(
    qtbot: QtBot, window: MainWindow, server: FakeServer
) -> None:
    show_history(qtbot, window)
    assert rows(window) == []
    assert count_label(window) == "0 runs"

    type_model(qtbot, window, MODEL)
    clear_user_prompt(qtbot, window)
    send_and_wait(qtbot, window, "What is 2 + 2?")
    qtbot.waitUntil(lambda: len(rows(window)) == 1, timeout=2000)

    server.queue(Scenario.context_limit(3))
    clear_user_prompt(qtbot, window)
    send_and_wait(qtbot, window, "A question far too long for this model")
    qtbot.waitUntil(lambda: len(rows(window)) == 2, timeout=2000)

    server.queue(Scenario.slow(5))
    clear_user_prompt(qtbot, window)
    type_user_prompt(qtbot, window, "Never mind")
    press_send(qtbot, window)
    wait_running(qtbot, window)
    wait_request(qtbot, server, 3)
    press_escape(qtbot, window)
    wait_finished(qtbot, window)
    qtbot.waitUntil(lambda: len(rows(window)) == 3, timeout=2000)

    assert prompts(window) == [
        "Never mind",
        "A question far too long for this model",
        "What is 2 + 2?",
    ]
    assert results(window) == ["Cancelled", "Failed", "Answered"]
    tokens_in = count_tokens("What is 2 + 2?")
    tokens_out = count_tokens("Echo: What is 2 + 2?")
    assert [row[3] for row in rows(window)] == ["", "", f"{tokens_in + tokens_out:,}"]
    assert {row[1] for row in rows(window)} == {MODEL}
    now = dt.datetime.now().strftime("%H:%M")
    assert all(len(row[0]) == 5 and row[0] <= now for row in rows(window))
    assert count_label(window) == "3 runs"

    # The Usage dock: today's runs and tokens for the model.
    qtbot.keyClick(focused(window), Qt.Key.Key_U, CTRL | SHIFT)
    usage = window.library.usage
    qtbot.waitUntil(lambda: usage.isVisible() and usage.table.rowCount() == 1, timeout=2000)
    total = tokens_in + tokens_out
    assert usage.total_label.text() == f"Last 30 days: 3 runs, {total:,} tokens"
    cells = [usage.table.item(0, column) for column in range(usage.table.columnCount())]
    assert [cell.text() if cell else None for cell in cells] == [MODEL, "3", str(total)]
    assert f"{tokens_in:,} input and {tokens_out:,} output tokens" in cells[0].toolTip()
    assert usage.chart.days()[-1].total == total

    # It follows new runs while it is on screen.
    clear_user_prompt(qtbot, window)
    send_and_wait(qtbot, window, "Again")
    qtbot.waitUntil(
        lambda: usage.total_label.text().startswith("Last 30 days: 4 runs"), timeout=2000
    )


def test_runs_are_recorded_even_before_the_history_is_first_shown(
    qtbot: QtBot, window: MainWindow
) -> None:
    type_model(qtbot, window, MODEL)
    send_and_wait(qtbot, window, "Recorded while hidden")
    assert window.library.history.visibleRegion().isEmpty()
    assert window.library.history.model.rowCount() == 0

    show_history(qtbot, window)
    qtbot.waitUntil(lambda: prompts(window) == ["Recorded while hidden"], timeout=2000)
    assert count_label(window) == "1 run"


def test_search_lists_only_matching_runs_and_says_how_many(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    seed_runs(
        data_dir,
        ("Tell me about volcanoes", "Volcanoes are mountains that erupt."),
        ("How do tides work?", "The moon pulls the oceans."),
        ("Another volcano question", "Lava is hot."),
        ("Summarise this", "It mentions a giraffe."),
    )
    window = make_window(settings=Settings(max_retries=0))
    show_history(qtbot, window)
    assert count_label(window) == "4 runs"
    search = window.library.history.search_edit

    qtbot.keyClicks(search, "volcano")
    qtbot.waitUntil(lambda: count_label(window) == "2 runs match “volcano”", timeout=2000)
    assert prompts(window) == ["Another volcano question", "Tell me about volcanoes"]

    # Answers are searched too.
    qtbot.keyClick(search, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(search, "giraffe")
    qtbot.waitUntil(lambda: count_label(window) == "1 run match “giraffe”", timeout=2000)
    assert prompts(window) == ["Summarise this"]

    qtbot.keyClick(search, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(search, "xylophone")
    qtbot.waitUntil(lambda: count_label(window) == "0 runs match “xylophone”", timeout=2000)
    assert rows(window) == []

    # Characters that mean something to FTS5 are only text.
    qtbot.keyClick(search, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(search, '(moon" *')
    qtbot.waitUntil(lambda: count_label(window) == '1 run match “(moon" *”', timeout=2000)
    assert prompts(window) == ["How do tides work?"]
    assert banner_text(window) == ""

    qtbot.keyClick(search, Qt.Key.Key_A, CTRL)
    qtbot.keyClick(search, Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: count_label(window) == "4 runs", timeout=2000)


def test_open_run_again_delete_and_clear_all(
    qtbot: QtBot, window: MainWindow, server: FakeServer
) -> None:
    type_model(qtbot, window, MODEL)
    type_system_prompt(qtbot, window, "Be terse.")
    send_and_wait(qtbot, window, "First question")
    clear_user_prompt(qtbot, window)
    send_and_wait(qtbot, window, "Second question")
    show_history(qtbot, window)
    history = window.library.history
    # Runs are written on the history's own thread: they show once stored.
    qtbot.waitUntil(lambda: prompts(window) == ["Second question", "First question"], timeout=3000)

    # Something else in the editors; then Enter in the search box, Down, Enter opens a run.
    type_model(qtbot, window, "acme/other")
    clear_user_prompt(qtbot, window)
    type_user_prompt(qtbot, window, "unrelated draft")
    window.output.set_text("unrelated output")
    qtbot.keyClick(focused(window), Qt.Key.Key_H, CTRL)
    qtbot.keyClick(history.search_edit, Qt.Key.Key_Return)
    assert focused(window) is history.table
    qtbot.keyClick(history.table, Qt.Key.Key_Down)
    assert history.table.currentIndex().row() == 1
    qtbot.keyClick(history.table, Qt.Key.Key_Return)

    first_id = history.model.summary(1).id  # type: ignore[union-attr]
    assert window.model_picker.model() == MODEL
    assert window.system_editor.text() == "Be terse."
    assert window.user_editor.text() == "First question"
    assert window.output.text() == "Echo: First question"
    assert window.status.state_label.text() == (
        f"Opened run {first_id} (answered) from the history. Ctrl+Z in an editor brings back "
        "what was there."
    )
    tokens_in = count_tokens("Be terse.") + count_tokens("First question")
    tokens_out = count_tokens("Echo: First question")
    assert window.status.usage_label.text() == (
        f"In {tokens_in} · Out {tokens_out} · Total {tokens_in + tokens_out} tokens"
    )
    assert window.status.truncation_label.text() == "Not truncated"

    # Run again: the very same request goes out once more and becomes the newest run.
    history.table.selectRow(1)
    qtbot.mouseClick(history.rerun_button, Qt.MouseButton.LeftButton)
    wait_request(qtbot, server, 3)
    wait_finished(qtbot, window)
    assert server.requests[2].json == server.requests[0].json
    qtbot.waitUntil(lambda: len(rows(window)) == 3, timeout=2000)
    assert prompts(window) == ["First question", "Second question", "First question"]
    assert count_label(window) == "3 runs"

    # Delete removes the selected run only.
    history.table.setFocus()
    history.table.selectRow(1)
    qtbot.keyClick(history.table, Qt.Key.Key_Delete)
    assert prompts(window) == ["First question", "First question"]
    assert window.status.state_label.text() == "Deleted one run from the history."
    assert count_label(window) == "2 runs"
    assert window.session.history.store is not None
    assert window.session.history.store.count() == 2

    # Clear all asks first; No keeps everything, Yes removes everything.
    qtbot.mouseClick(history.clear_button, Qt.MouseButton.LeftButton)
    question = answer_question(qtbot, "No")
    assert question.startswith("Delete every run in the history?")
    assert len(rows(window)) == 2
    qtbot.mouseClick(history.clear_button, Qt.MouseButton.LeftButton)
    answer_question(qtbot, "Yes")
    assert rows(window) == []
    assert count_label(window) == "0 runs"
    assert window.status.state_label.text() == "Cleared 2 runs from the history."
    assert not history.clear_button.isEnabled()
    assert window.session.history.store.count() == 0


@pytest.mark.timeout(120)
def test_a_hundred_thousand_runs_open_and_search_fast(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    with HistoryStore(data_dir) as store:
        assert store.record_many(make_runs(BIG_HISTORY, answer_sentences=1)) == BIG_HISTORY
    window = make_window(settings=Settings(max_retries=0))
    history = window.library.history

    # As at start-up: the database is opened (and checked) shortly after the first paint.
    began = time.perf_counter()
    assert window.session.history.open() is not None
    open_ms = (time.perf_counter() - began) * 1000
    assert history.model.rowCount() == 0  # nothing loaded while the panel is hidden

    began = time.perf_counter()
    qtbot.keyClick(focused(window), Qt.Key.Key_H, CTRL)
    history.table.viewport().repaint()
    QApplication.processEvents()
    show_ms = (time.perf_counter() - began) * 1000
    assert history.isVisible()
    assert history.model.rowCount() == PAGE_SIZE
    assert count_label(window) == f"{BIG_HISTORY:,} runs"
    assert history.model.summary(0).id == BIG_HISTORY  # type: ignore[union-attr]

    # A search, as a person runs it: type, press Enter, read the list.
    search = history.search_edit
    qtbot.keyClicks(search, "ticket 4242")
    began = time.perf_counter()
    qtbot.keyClick(search, Qt.Key.Key_Return)
    history.table.viewport().repaint()
    QApplication.processEvents()
    search_ms = (time.perf_counter() - began) * 1000
    assert count_label(window).endswith("match “ticket 4242”")
    found = [history.model.summary(row) for row in range(history.model.rowCount())]
    assert 4243 in {summary.id for summary in found if summary is not None}  # run number 4242

    # A common word matches most runs; still one page, still quick.
    qtbot.keyClick(search, Qt.Key.Key_A, CTRL)
    common = vocabulary(random.Random(SEED))[0]  # the generator's most frequent word
    qtbot.keyClicks(search, common)
    began = time.perf_counter()
    qtbot.keyClick(search, Qt.Key.Key_Return)
    history.table.viewport().repaint()
    QApplication.processEvents()
    common_ms = (time.perf_counter() - began) * 1000

    # Scrolling to the end of the list fetches one more page, not everything.
    history.table.scrollToBottom()
    QApplication.processEvents()
    assert history.model.rowCount() <= 2 * PAGE_SIZE <= 400

    print(
        f"\n[history GUI, {BIG_HISTORY:,} runs] open {open_ms:.0f} ms; show dock + first page "
        f"{show_ms:.1f} ms; search 'ticket 4242' {search_ms:.1f} ms; search '{common}' "
        f"{common_ms:.1f} ms ({count_label(window)}); rows loaded {history.model.rowCount()}"
    )
    assert show_ms < SNAPPY_MS
    assert search_ms < SNAPPY_MS
    assert common_ms < SNAPPY_MS
    assert open_ms < 2000


def test_a_corrupt_history_database_is_replaced_and_the_app_says_so(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    garbage = b"this is not a database " * 400
    (data_dir / "history.sqlite3").write_bytes(garbage)

    window = make_window(settings=Settings(max_retries=0))
    show_history(qtbot, window)

    words = banner_text(window)
    assert "history database was damaged" in words
    assert "new, empty history was started" in words
    [aside] = list(data_dir.glob("history.sqlite3.corrupt-*"))
    assert aside.read_bytes() == garbage
    assert rows(window) == []

    type_model(qtbot, window, MODEL)
    send_and_wait(qtbot, window, "After the damage")
    qtbot.waitUntil(lambda: prompts(window) == ["After the damage"], timeout=2000)
    assert results(window) == ["Answered"]
    with HistoryStore(data_dir) as store:
        assert store.count() == 1


def test_the_key_is_in_no_file_of_the_data_folder_nor_in_an_export(
    qtbot: QtBot, window: MainWindow, server: FakeServer, data_dir: Path, tmp_path: Path
) -> None:
    type_model(qtbot, window, MODEL)
    type_system_prompt(qtbot, window, "Be careful with {{thing}}.")
    type_user_prompt(qtbot, window, "Check this")
    qtbot.keyClick(focused(window), Qt.Key.Key_S, CTRL | SHIFT)
    answer_name(qtbot, "Careful")

    press_send(qtbot, window)
    form = variables_form(qtbot)
    qtbot.keyClicks(form.fields["thing"], "secrets")
    qtbot.keyClick(form.fields["thing"], Qt.Key.Key_Return)
    wait_finished(qtbot, window)
    server.queue(Scenario.status(500))
    press_send(qtbot, window)
    form = variables_form(qtbot)
    qtbot.keyClick(form.fields["thing"], Qt.Key.Key_Return)
    wait_finished(qtbot, window)
    show_history(qtbot, window)
    qtbot.waitUntil(lambda: results(window) == ["Failed", "Answered"], timeout=3000)
    assert server.requests[0].headers["x-api-key"] == API_KEY  # the key was really used

    export = tmp_path / "exported.json"
    window.library.transfer.export_to(export)
    window.save_draft()
    window.save_layout()

    files = [path for path in data_dir.rglob("*") if path.is_file()] + [export]
    names = {path.name for path in files}
    assert {"presets.json", "history.sqlite3", "settings.json"} <= names
    needles = [API_KEY.encode("utf-8"), API_KEY.encode("utf-16-le"), API_KEY[8:].encode()]
    for path in files:
        content = path.read_bytes()
        for needle in needles:
            assert needle not in content, f"the API key is in {path}"
