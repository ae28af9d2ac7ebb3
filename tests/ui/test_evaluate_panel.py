"""The Evaluate panel in a real window, against the loopback server, driven by the keyboard.

Ctrl+E opens it, a dataset is read, models are ticked with keys, Run fills the grid with
pass/fail words; the filter, a cell's detail with every check's reason, the three exports,
Cancel mid-run (and Resume) and the names a screen reader announces are each checked.
"""

from __future__ import annotations

import csv
import json
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QProgressBar
from pytestqt.qtbot import QtBot

from tests.fakeserver import FakeServer, Scenario
from tests.ui.conftest import MODEL, WindowFactory, run_async
from tests.ui.helpers import CTRL, focused, type_model, type_user_prompt
from tests.ui.test_accessibility import interactive_widgets, unnamed
from zerogpu_desktop.ui.evaluate_detail import CellDetailDialog
from zerogpu_desktop.ui.evaluate_panel import EvaluatePanel
from zerogpu_desktop.ui.main_window import MainWindow
from zerogpu_desktop.workbench.evaluate.store import open_evaluation_store
from zerogpu_desktop.workbench.evaluate.types import EvaluationState

ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
OTHER_MODEL = "acme/other-model"
#: Three cases: the echo contains the country, so the first two pass and Chile fails.
CSV = """\
country,__expected,__description
France,icontains:france,
Peru,icontains:peru,
Chile,contains:Santiago,fails on purpose
"""
RUN_TIMEOUT_MS = 15_000


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    path = tmp_path / "capitals.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


@pytest.fixture
def heard(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the panel asked a screen reader to say."""
    said: list[str] = []
    real = QAccessible.updateAccessibility

    def record(event: Any) -> None:
        if isinstance(event, QAccessibleAnnouncementEvent):
            said.append(event.message())
        real(event)

    monkeypatch.setattr(QAccessible, "updateAccessibility", record)
    return said


def open_panel(qtbot: QtBot, window: MainWindow) -> EvaluatePanel:
    """Ctrl+E, from wherever the focus is; the keyboard lands on the prompt choice."""
    qtbot.keyClick(focused(window), Qt.Key.Key_E, CTRL)
    panel = window.evaluate
    assert panel is not None
    qtbot.waitUntil(lambda: focused(window) is panel.setup.prompt_combo, timeout=3000)
    return panel


def prepare(qtbot: QtBot, window: MainWindow, dataset: Path) -> EvaluatePanel:
    """The prompt typed, the panel open, the dataset read, a second model added by keys."""
    type_model(qtbot, window, MODEL)
    type_user_prompt(qtbot, window, "What is the capital of {{country}}?")
    panel = open_panel(qtbot, window)
    panel.open_dataset(dataset)
    qtbot.waitUntil(lambda: "3 cases" in panel.setup.dataset_label.text(), timeout=5000)
    qtbot.keyClick(focused(window), Qt.Key.Key_I, ALT)
    add = panel.setup.models_chooser.add_edit
    assert focused(window) is add
    qtbot.keyClicks(add, OTHER_MODEL)
    qtbot.keyClick(add, Qt.Key.Key_Return)
    assert panel.setup.models() == (MODEL, OTHER_MODEL)
    return panel


def run_by_keys(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(focused(window), Qt.Key.Key_Return, CTRL | SHIFT)


def wait_ended(qtbot: QtBot, panel: EvaluatePanel, timeout_ms: int = RUN_TIMEOUT_MS) -> None:
    qtbot.waitUntil(
        lambda: not panel.bridge.is_running and panel.last_state is not None, timeout=timeout_ms
    )


def cell_words(panel: EvaluatePanel, row: int, column: int) -> str:
    return str(panel.model.index(row, column).data(Qt.ItemDataRole.DisplayRole))


def test_a_keyboard_only_evaluation_on_two_models(
    qtbot: QtBot,
    window: MainWindow,
    server: FakeServer,
    dataset: Path,
    heard: list[str],
) -> None:
    panel = prepare(qtbot, window, dataset)
    assert panel.dock.accessibleName() == "Evaluate"
    assert panel.dock.objectName() == "evaluateDock"
    qtbot.waitUntil(
        lambda: panel.setup.estimate_label.text().startswith("6 calls · about "), timeout=5000
    )
    assert panel.setup.estimate_label.text().endswith(" input tokens")

    run_by_keys(qtbot, window)
    wait_ended(qtbot, panel)
    assert panel.last_state is EvaluationState.FINISHED
    assert len(server.requests) == 6
    assert panel.progress_bar.value() == panel.progress_bar.maximum() == 6
    figures = panel.progress_label.text()
    assert figures.startswith("Finished: 6 of 6 done · 4 passed · 2 failed · 0 errors · ")
    assert panel.progress_bar.accessibleDescription() == figures
    assert figures in heard  # spoken when it ends, not only shown

    # Row 0 sums up; rows 1..3 are the cases, column 0 names them, 1..2 are the models.
    assert panel.model.rowCount() == 4
    assert panel.model.columnCount() == 3
    assert cell_words(panel, 1, 1).startswith("✓ Passed\nEcho: What is the capital of France?")
    assert cell_words(panel, 3, 2).startswith("✗ Failed\n")
    assert " tok · " in cell_words(panel, 3, 2).splitlines()[-1]
    assert cell_words(panel, 0, 1).startswith("67% passed (2 of 3)")
    spoken = panel.model.index(3, 1).data(Qt.ItemDataRole.AccessibleTextRole)
    assert spoken.startswith(f"{MODEL}: Failed. ")
    assert 'does not contain "Santiago"' in spoken
    assert "Santiago" in panel.model.index(3, 1).data(Qt.ItemDataRole.ToolTipRole)

    # Show: Failures keeps only Chile (Alt+W, then Down from "All").
    qtbot.keyClick(focused(window), Qt.Key.Key_W, ALT)
    assert focused(window) is panel.filter_combo
    qtbot.keyClick(panel.filter_combo, Qt.Key.Key_Down)
    assert panel.filter_combo.currentText() == "Failures"
    assert panel.model.rowCount() == 2
    assert cell_words(panel, 1, 0).startswith("3. fails on purpose")

    # Tab to the grid, go to Chile on the first model, Enter opens it in full.
    qtbot.keyClick(panel.filter_combo, Qt.Key.Key_Tab)
    assert focused(window) is panel.earlier_button
    qtbot.keyClick(focused(window), Qt.Key.Key_Tab)
    qtbot.keyClick(focused(window), Qt.Key.Key_Tab)
    assert focused(window) is panel.grid
    panel.grid.setCurrentIndex(panel.model.index(0, 0))
    qtbot.keyClick(panel.grid, Qt.Key.Key_Down)
    qtbot.keyClick(panel.grid, Qt.Key.Key_Right)
    qtbot.keyClick(panel.grid, Qt.Key.Key_Return)
    dialog = wait_for_detail(qtbot)
    checks = [dialog.checks.item(row).text() for row in range(dialog.checks.count())]
    assert checks == ['✗ contains:Santiago — The answer does not contain "Santiago".']
    assert dialog.answer.toPlainText() == "Echo: What is the capital of Chile?"
    assert "User prompt:\nWhat is the capital of Chile?" in dialog.request.toPlainText()
    assert "✗ Failed" in dialog.figures_label.text()
    assert "history run #" in dialog.figures_label.text()
    assert unnamed(interactive_widgets(dialog)) == []
    qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)
    qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)


def wait_for_detail(qtbot: QtBot) -> CellDetailDialog:
    found: list[CellDetailDialog] = []

    def shown() -> None:
        dialogs = [
            widget
            for widget in QApplication.topLevelWidgets()
            if isinstance(widget, CellDetailDialog) and widget.isVisible()
        ]
        assert dialogs
        found[:] = dialogs

    qtbot.waitUntil(shown, timeout=3000)
    return found[0]


def test_the_three_exports_parse(
    qtbot: QtBot, window: MainWindow, server: FakeServer, dataset: Path, tmp_path: Path
) -> None:
    panel = prepare(qtbot, window, dataset)
    run_by_keys(qtbot, window)
    wait_ended(qtbot, panel)
    for name in ("out.csv", "out.jsonl", "out.html"):
        target = tmp_path / name
        panel.export_to(target)
        qtbot.waitUntil(
            lambda target=target: panel.message_label.text() == f"Exported 6 results to {target}.",
            timeout=5000,
        )
    with (tmp_path / "out.csv").open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert [row["status"] for row in rows].count("failed") == 2
    assert {row["model"] for row in rows} == {MODEL, OTHER_MODEL}
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0])["evaluation"]["models"] == [MODEL, OTHER_MODEL]
    assert len([json.loads(line) for line in lines[1:]]) == 6
    html = (tmp_path / "out.html").read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html")
    assert "Santiago" in html

    panel.export_to(tmp_path / "out.txt")
    qtbot.waitUntil(lambda: ".csv, .jsonl or .html" in panel.message_label.text(), timeout=5000)
    assert not (tmp_path / "out.txt").exists()


def test_cancel_stops_within_a_second_and_resume_runs_the_rest(
    qtbot: QtBot, window: MainWindow, server: FakeServer, dataset: Path, data_dir: Path
) -> None:
    server.scenario = Scenario.slow(3.0)
    panel = prepare(qtbot, window, dataset)
    panel.setup.concurrency.setValue(2)
    run_by_keys(qtbot, window)
    qtbot.waitUntil(lambda: len(server.requests) >= 2, timeout=5000)
    assert panel.cancel_button.isEnabled()
    started = time.monotonic()
    panel.cancel_button.setFocus()
    qtbot.keyClick(panel.cancel_button, Qt.Key.Key_Space)
    wait_ended(qtbot, panel, timeout_ms=5000)
    assert time.monotonic() - started < 1.5
    assert panel.last_state is EvaluationState.CANCELLED
    assert panel.progress_label.text().startswith("Cancelled: 0 of 6 done")
    assert panel.resume_button.isVisible()
    evaluation_id = panel.evaluation_id
    assert evaluation_id is not None
    store = open_evaluation_store(data_dir)
    try:
        info = store.info(evaluation_id)
        assert info is not None
        assert info.state is EvaluationState.CANCELLED
        assert store.done_cells(evaluation_id) == set()
    finally:
        store.close()

    server.scenario = Scenario.echo()
    qtbot.mouseClick(panel.resume_button, Qt.MouseButton.LeftButton)
    wait_ended(qtbot, panel)
    qtbot.waitUntil(lambda: panel.last_state is EvaluationState.FINISHED, timeout=RUN_TIMEOUT_MS)
    assert panel.evaluation_id == evaluation_id
    assert cell_words(panel, 0, 1).startswith("67% passed (2 of 3)")


def test_a_setup_that_cannot_run_is_told_in_one_sentence(
    qtbot: QtBot, window: MainWindow, server: FakeServer, tmp_path: Path
) -> None:
    type_user_prompt(qtbot, window, "Capital of {{city}}?")
    panel = open_panel(qtbot, window)
    run_by_keys(qtbot, window)
    assert panel.message_label.text().startswith("Open a dataset first")
    broken = tmp_path / "broken.csv"
    broken.write_text("country,__threshold\nFrance,0.5\n", encoding="utf-8")
    panel.open_dataset(broken)
    qtbot.waitUntil(lambda: "broken.csv" in panel.message_label.text(), timeout=5000)
    assert "Traceback" not in panel.message_label.text()
    good = tmp_path / "good.csv"
    good.write_text("country\nFrance\n", encoding="utf-8")
    panel.open_dataset(good)
    qtbot.waitUntil(lambda: "1 case" in panel.setup.dataset_label.text(), timeout=5000)
    run_by_keys(qtbot, window)
    words = panel.message_label.text()
    assert words.startswith("good.csv has no column “city”")
    assert words.endswith(".")
    assert ". " not in words
    assert server.requests == []


def test_every_control_of_the_panel_has_a_name(
    qtbot: QtBot, window: MainWindow, dataset: Path
) -> None:
    panel = prepare(qtbot, window, dataset)
    # Item views and the progress bar are read by a screen reader too.
    views = [*panel.dock.findChildren(QAbstractItemView), *panel.dock.findChildren(QProgressBar)]
    widgets = interactive_widgets(panel.dock) + views
    assert len(widgets) >= 14
    assert unnamed(widgets) == []
    names = {widget.accessibleName() for widget in widgets}
    assert {"Prompt to evaluate", "Open dataset", "Models to compare", "Run evaluation"} <= names
    assert {"Concurrency", "Repeat", "Token budget", "Show", "Export the evaluation"} <= names
    assert panel.grid.accessibleName() == "Evaluation results"
    assert panel.progress_bar.accessibleName() == "Evaluation progress"
    assert ("Evaluate", "Ctrl+E") in [
        (action.text().replace("&", "").rstrip("…"), action.shortcut().toString())
        for action in window.actions()
    ]


def test_quitting_mid_run_cancels_and_stores_the_evaluation_as_cancelled(
    qtbot: QtBot, window: MainWindow, server: FakeServer, dataset: Path, data_dir: Path
) -> None:
    server.scenario = Scenario.slow(5.0)
    panel = prepare(qtbot, window, dataset)
    run_by_keys(qtbot, window)
    qtbot.waitUntil(lambda: len(server.requests) >= 4, timeout=5000)
    started = time.monotonic()
    window.close()
    run_async(qtbot, window.session.shutdown(), timeout=5)
    assert time.monotonic() - started < 3.0
    assert not panel.bridge.is_running
    store = open_evaluation_store(data_dir)
    try:
        [listing] = store.listing()
        assert listing.info.state is EvaluationState.CANCELLED
        assert listing.results == 0
    finally:
        store.close()


def test_the_panel_comes_back_where_it_was_left(
    qtbot: QtBot, make_window: WindowFactory, data_dir: Path
) -> None:
    window = make_window()
    panel = open_panel(qtbot, window)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, panel.dock)
    window.close()
    again = make_window(folder=data_dir)
    assert again.evaluate is None  # nothing is built until it is asked for
    reopened = open_panel(qtbot, again)
    assert again.dockWidgetArea(reopened.dock) == Qt.DockWidgetArea.RightDockWidgetArea
