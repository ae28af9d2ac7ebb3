"""The Evaluate panel's stored side: its read connection, and reopening an earlier evaluation.

An earlier evaluation comes back as the plan it ran (its cases and prompt are stored, so the
dataset file is not needed), the words of how it ended, and whether Resume has cells left.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QWidget

from zerogpu_desktop.storage.history.types import HistoryError
from zerogpu_desktop.ui.evaluations_dialog import EvaluationsDialog
from zerogpu_desktop.workbench.evaluate.plan import EvaluationPlan
from zerogpu_desktop.workbench.evaluate.store import EvaluationStore, open_evaluation_store
from zerogpu_desktop.workbench.evaluate.types import EvaluationState

__all__ = ["earlier_dialog", "open_reader", "stored_plan"]

_ENDED = {
    EvaluationState.FINISHED: "Finished",
    EvaluationState.CANCELLED: "Cancelled",
    EvaluationState.BUDGET: "Stopped at the token budget",
    EvaluationState.RUNNING: "Stopped when the app closed",
}


def open_reader(data_dir: Path) -> tuple[EvaluationStore | None, str | None]:
    """The grid's own connection, on the GUI thread (WAL: it reads while the engine writes)."""
    try:
        return open_evaluation_store(data_dir), None
    except HistoryError as exc:
        return None, f"The results cannot be shown: {exc}"


def stored_plan(
    store: EvaluationStore, evaluation_id: int
) -> tuple[EvaluationPlan, str, bool] | None:
    """The plan a stored evaluation ran, how it ended in words, and whether cells are left."""
    info = store.info(evaluation_id)
    if info is None:
        return None
    cases = store.cases(evaluation_id)
    plan = EvaluationPlan.from_stored(info, store.columns(evaluation_id), cases)
    done = len(store.done_cells(evaluation_id))
    left = plan.cells_total - done
    words = (
        f"{_ENDED[info.state]}: evaluation {evaluation_id}, {done:,} of {plan.cells_total:,} done"
    )
    if left:
        words += f". Resume runs the {left:,} left"
    return plan, words + ".", left > 0


def earlier_dialog(
    store: EvaluationStore, parent: QWidget, show: Callable[[int], None]
) -> EvaluationsDialog:
    """The list of earlier evaluations; Open calls `show` with the chosen one."""
    dialog = EvaluationsDialog(store, parent)
    dialog.open_requested.connect(show)
    dialog.finished.connect(dialog.deleteLater)
    return dialog
