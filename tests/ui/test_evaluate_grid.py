"""The Evaluate grid over 10,000 stored results: pages read as it scrolls, never all at once.

The grid is a model over SQLite: scrolling from the first case to the last keeps a bounded
number of pages in memory, each step costs milliseconds, the filters come from a few bytes per
case, and an evaluation running on the loopback server leaves the event loop free.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tests.fakeserver import FakeServer
from tests.ui.conftest import MODEL
from tests.ui.helpers import type_model, type_user_prompt
from zerogpu_desktop.api.tokens import TruncationStatus
from zerogpu_desktop.ui.evaluate_delegate import results_grid
from zerogpu_desktop.ui.evaluate_model import MAX_PAGES, EvaluationGridModel
from zerogpu_desktop.ui.main_window import MainWindow
from zerogpu_desktop.workbench.evaluate.dataset import parse_dataset
from zerogpu_desktop.workbench.evaluate.plan import EvaluationPlan
from zerogpu_desktop.workbench.evaluate.store import EvaluationStore, open_evaluation_store
from zerogpu_desktop.workbench.evaluate.types import CellKey, CellResult, CellStatus
from zerogpu_desktop.workbench.spec import PromptSpec

CASES = 2000
MODELS = ("m-one", "m-two", "m-three", "m-four", "m-five")
#: Generous bounds for a loaded two-core machine; the issue's own bound is 50 ms.
STEP_BOUND_SECONDS = 0.25


def stored_evaluation(data_dir: Path) -> tuple[EvaluationStore, int, EvaluationPlan]:
    """10,000 results (2,000 cases × 5 models), every seventh failing, every 11th cut."""
    rows = "\n".join(f"case {n},icontains:{n}" for n in range(CASES))
    dataset = parse_dataset(f"name,__expected\n{rows}\n".encode(), "big.csv")
    plan = EvaluationPlan(PromptSpec("", "", "About {{name}}"), "Current prompt", dataset, MODELS)
    store = open_evaluation_store(data_dir)
    evaluation_id = store.create(plan.info(), dataset.columns, dataset.cases, source="window")
    results = [
        CellResult(
            key=CellKey(case, model),
            model=MODELS[model],
            status=CellStatus.FAILED if (case * 5 + model) % 7 == 0 else CellStatus.PASSED,
            answer=f"Answer {case} from {MODELS[model]}\nsecond line\n" + "more words " * 30,
            reason="The answer does not contain what it should.",
            input_tokens=40,
            output_tokens=60,
            total_tokens=100,
            latency_seconds=0.25,
            truncation_status=(TruncationStatus.POSSIBLY_TRUNCATED if case % 11 == 0 else None),
        )
        for case in range(CASES)
        for model in range(len(MODELS))
    ]
    store.save_results(evaluation_id, results)
    return store, evaluation_id, plan


@pytest.fixture
def big(data_dir: Path) -> Iterator[tuple[EvaluationStore, int, EvaluationPlan]]:
    store, evaluation_id, plan = stored_evaluation(data_dir)
    yield store, evaluation_id, plan
    store.close()


def timed(step: Any) -> float:
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


def test_scrolling_10000_results_reads_pages_and_never_stalls(
    qtbot: QtBot, big: tuple[EvaluationStore, int, EvaluationPlan]
) -> None:
    store, evaluation_id, plan = big
    host = QWidget()
    qtbot.addWidget(host)
    model = EvaluationGridModel(host)
    grid = results_grid(model, host)
    grid.resize(1200, 800)
    host.resize(1200, 800)
    host.show()
    qtbot.waitExposed(host)
    cases = plan.dataset.cases
    model.attach(store, evaluation_id, cases, plan.models, plan.repeat, read_existing=True)
    qtbot.waitUntil(lambda: model.totals(0).cases == CASES, timeout=10_000)
    assert model.totals(0).passed + model.totals(0).failed == CASES
    assert model.totals(0).truncated == len(range(0, CASES, 11))

    bar = grid.verticalScrollBar()
    steps = []
    value = 0
    while value < bar.maximum():
        value = min(bar.maximum(), value + bar.pageStep())
        steps.append(timed(lambda value=value: (bar.setValue(value), grid.viewport().repaint())))
    assert len(steps) > 100
    print(f"slowest of {len(steps)} scroll steps: {max(steps) * 1000:.1f} ms")
    assert max(steps) < STEP_BOUND_SECONDS, f"slowest scroll step {max(steps) * 1000:.0f} ms"
    assert len(model._pages) <= MAX_PAGES
    last = model.index(model.rowCount() - 1, 5).data(Qt.ItemDataRole.DisplayRole)
    assert last.startswith(("✓ Passed\nAnswer 1999 from m-five", "✗ Failed\nAnswer 1999"))

    assert timed(lambda: model.set_filter("Failures")) < STEP_BOUND_SECONDS
    failing = {case for case in range(CASES) if any((case * 5 + m) % 7 == 0 for m in range(5))}
    assert model.rowCount() == 1 + len(failing)
    assert timed(lambda: model.set_filter("Different answers")) < STEP_BOUND_SECONDS
    assert model.rowCount() == 1 + CASES  # every model answered differently


def test_an_evaluation_leaves_the_event_loop_free(
    qtbot: QtBot, window: MainWindow, server: FakeServer, tmp_path: Path
) -> None:
    """300 cells at concurrency 16: the longest gap between two 5 ms ticks stays small, and
    the view hears of the progress at most ten times a second."""
    path = tmp_path / "many.csv"
    path.write_text(
        "country\n" + "\n".join(f"Country {n}" for n in range(150)) + "\n", encoding="utf-8"
    )
    type_model(qtbot, window, MODEL)
    type_user_prompt(qtbot, window, "Capital of {{country}}?")
    window.show_evaluate()
    panel = window.evaluate
    assert panel is not None
    panel.open_dataset(path)
    qtbot.waitUntil(lambda: "150 cases" in panel.setup.dataset_label.text(), timeout=5000)
    panel.setup.models_chooser.set_models((MODEL, "acme/second"))
    panel.setup.concurrency.setValue(16)
    # A person takes longer than this to get to Run: the engine loads meanwhile.
    qtbot.waitUntil(panel.bridge.warmed.done, timeout=10_000)

    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])

        last[0] = now

    probe = QTimer()
    probe.setInterval(5)
    probe.timeout.connect(tick)
    probe.start()
    reports: list[object] = []
    panel.bridge.progress.connect(reports.append)
    started = time.perf_counter()
    panel.run()
    qtbot.waitUntil(lambda: panel.last_state is not None, timeout=30_000)
    elapsed = time.perf_counter() - started
    probe.stop()
    # At most ten reports a second reach the view (plus the first and the last).
    assert 2 <= len(reports) <= elapsed * 10 + 3
    assert panel.progress_label.text().startswith("Finished: 300 of 300 done")
    assert len(gaps) > 20
    worst = max(gaps[1:])
    print(f"worst event-loop gap during the evaluation: {worst * 1000:.1f} ms")
    assert worst < STEP_BOUND_SECONDS
