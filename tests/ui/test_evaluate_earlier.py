"""Earlier… in the Evaluate panel: a stored evaluation comes back into the grid with its
figures, and one stopped early can be resumed from there, without its dataset file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.fakeserver import FakeServer, Scenario
from tests.ui.test_evaluate_panel import CSV, cell_words, prepare, run_by_keys, wait_ended
from zerogpu_desktop.ui.evaluations_dialog import EvaluationsDialog
from zerogpu_desktop.ui.main_window import MainWindow
from zerogpu_desktop.workbench.evaluate.types import EvaluationState


def open_earlier(qtbot: QtBot, window: MainWindow) -> EvaluationsDialog:
    panel = window.evaluate
    assert panel is not None
    panel.earlier_button.setFocus()
    qtbot.keyClick(panel.earlier_button, Qt.Key.Key_Space)

    def shown() -> EvaluationsDialog | None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, EvaluationsDialog) and widget.isVisible():
                return widget
        return None

    qtbot.waitUntil(lambda: shown() is not None, timeout=3000)
    dialog = shown()
    assert dialog is not None
    return dialog


def test_a_stopped_evaluation_is_reopened_by_keys_and_resumed(
    qtbot: QtBot, window: MainWindow, server: FakeServer, tmp_path: Path
) -> None:
    dataset = tmp_path / "capitals.csv"
    dataset.write_text(CSV, encoding="utf-8")
    panel = prepare(qtbot, window, dataset)
    panel.setup.budget.setValue(1)  # the first cell spends it: the rest is left
    panel.setup.concurrency.setValue(1)
    run_by_keys(qtbot, window)
    wait_ended(qtbot, panel)
    assert panel.last_state is EvaluationState.BUDGET
    first = panel.evaluation_id
    dataset.unlink()  # a stored evaluation needs no file
    panel.model.detach()

    dialog = open_earlier(qtbot, window)
    assert dialog.table.rowCount() == 1
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)
    assert panel.evaluation_id == first
    assert panel.progress_label.text().startswith("Stopped at the token budget: evaluation")
    assert "Resume runs the 5 left" in panel.progress_label.text()
    assert panel.resume_button.isVisible()

    server.scenario = Scenario.echo()
    panel.setup.budget.setValue(0)
    qtbot.mouseClick(panel.resume_button, Qt.MouseButton.LeftButton)
    wait_ended(qtbot, panel)
    qtbot.waitUntil(lambda: panel.last_state is EvaluationState.FINISHED, timeout=15_000)
    assert panel.evaluation_id == first
    assert cell_words(panel, 0, 1).startswith("67% passed (2 of 3)")
