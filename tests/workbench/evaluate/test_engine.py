"""The Evaluator against the loopback server: checks on every answer, truncation failing a row,
429 storms, cancel and resume, the token budget, repeats, and history runs linked to cells."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.fakeserver import FakeServer, Scenario
from tests.workbench.conftest import RunnerFactory, connection_to
from zerogpu_desktop import background
from zerogpu_desktop.api.tokens import TruncationStatus
from zerogpu_desktop.cli.history_sink import WriterHistorySink
from zerogpu_desktop.storage.history.store import HistoryStore
from zerogpu_desktop.storage.history.writer import HistoryWriter
from zerogpu_desktop.workbench.evaluate.dataset import parse_dataset
from zerogpu_desktop.workbench.evaluate.engine import (
    EvaluationProgress,
    EvaluationReport,
    Evaluator,
)
from zerogpu_desktop.workbench.evaluate.plan import EvaluationPlan
from zerogpu_desktop.workbench.evaluate.store import EvaluationStore, open_evaluation_store
from zerogpu_desktop.workbench.evaluate.types import (
    CellKey,
    CellResult,
    CellStatus,
    EvaluationState,
)
from zerogpu_desktop.workbench.spec import PromptSpec

CSV = """\
country,__expected,__expected1,__description
France,icontains:france,not-contains:sorry,plain
Peru,regex:^Echo: (?<what>.+)$,max-output-tokens:100000,named group
Chile,contains:Santiago,,fails on purpose
"""


class Harness:
    """A real Evaluator: a Runner with the history writer, the store on its worker thread."""

    def __init__(self, data_dir: Path, make_runner: RunnerFactory, **runner: Any) -> None:
        self.data_dir = data_dir
        self.writer = HistoryWriter(data_dir)
        self.sink = WriterHistorySink(self.writer, _Stderr())
        self.make_runner = make_runner
        self.runner_options = runner
        self.worker = background.Worker("test-evaluation-store")
        self.store: EvaluationStore = self.worker.run_blocking(open_evaluation_store, data_dir)
        self.progress: list[EvaluationProgress] = []

    def evaluator(self, concurrency: int = 4) -> Evaluator:
        runner = self.make_runner(
            history=self.sink,
            history_source="evaluate",
            concurrency=concurrency,
            **self.runner_options,
        )
        return Evaluator(runner, self.worker, self.store, on_progress=self.progress.append)

    def close(self) -> None:
        self.writer.close()
        self.worker.run_blocking(self.store.close)
        self.worker.close()

    def read(self) -> EvaluationStore:
        return open_evaluation_store(self.data_dir)


class _Stderr:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


@pytest.fixture
def harness(tmp_path: Path, make_runner: RunnerFactory) -> Iterator[Harness]:
    made = Harness(tmp_path, make_runner)
    yield made
    made.close()


def plan_for(csv: str = CSV, models: tuple[str, ...] = ("m",), **options: Any) -> EvaluationPlan:
    prompt = PromptSpec("", "Answer briefly.", "Capital of {{country}}?")
    dataset = parse_dataset(csv.encode(), "capitals.csv")
    return EvaluationPlan(prompt, "Current prompt", dataset, models, **options)


def evaluate(
    harness: Harness,
    server: FakeServer,
    plan: EvaluationPlan,
    *,
    during: Callable[[Evaluator], Any] | None = None,
    evaluation_id: int | None = None,
    skip: set[CellKey] | None = None,
) -> EvaluationReport:
    async def go() -> EvaluationReport:
        evaluator = harness.evaluator(plan.concurrency)
        connection = connection_to(server, max_retries=3)
        try:
            eid = evaluation_id or await evaluator.start(plan, connection)
            run = asyncio.ensure_future(evaluator.run(eid, plan, connection, skip=skip or ()))
            if during is not None:
                await during(evaluator)
            return await run
        finally:
            await evaluator.runner.aclose()

    return asyncio.run(go())


def results(harness: Harness, evaluation_id: int) -> list[CellResult]:
    store = harness.read()
    try:
        return list(store.results(evaluation_id))
    finally:
        store.close()


def test_every_cell_is_judged_stored_and_recorded_as_an_evaluate_run(
    harness: Harness, fake_server: FakeServer
) -> None:
    report = evaluate(harness, fake_server, plan_for(models=("m", "n")))
    assert report.state is EvaluationState.FINISHED
    assert not report.all_passed
    found = results(harness, report.evaluation_id)
    assert [(r.key.case_index, r.key.model_index) for r in found] == [
        (0, 0), (0, 1), (1, 0), (1, 1), (2, 0), (2, 1)
    ]  # fmt: skip
    statuses = [r.status for r in found]
    assert statuses == [CellStatus.PASSED] * 4 + [CellStatus.FAILED] * 2
    chile = found[4]
    assert chile.reason.startswith("The answer does not contain")
    assert [c.passed for c in chile.checks] == [False]
    assert found[2].checks[0].check == "regex:^Echo: (?<what>.+)$"
    assert all(r.latency_seconds is not None and r.latency_seconds > 0 for r in found)
    assert {r.model for r in found} == {"m", "n"}
    # every cell is a history run of source "evaluate", with the row's prompt as sent
    with HistoryStore(harness.data_dir, check=False) as history:
        runs = [history.get(r.run_id) for r in found if r.run_id is not None]
    assert len(runs) == 6
    assert {run.source for run in runs if run} == {"evaluate"}
    assert runs[4] is not None
    assert runs[4].user_prompt == "Capital of Chile?"
    assert harness.progress[-1].done == 6
    assert harness.progress[-1].failed == 2


def test_a_truncated_input_fails_its_row_unless_the_row_allows_it(
    harness: Harness, fake_server: FakeServer
) -> None:
    long_text = "word " * 400
    csv = f"country,__allow_truncation\n{long_text},false\n{long_text},true\nshort,\n"
    report = evaluate(harness, fake_server, plan_for(csv, models=("scenario:truncate",)))
    found = results(harness, report.evaluation_id)
    assert found[0].status is CellStatus.FAILED
    assert found[0].truncation_status is TruncationStatus.POSSIBLY_TRUNCATED  # no limit known
    assert found[0].reason == found[0].truncation_note
    assert "truncat" in found[0].reason.lower()
    assert found[1].status is CellStatus.PASSED  # __allow_truncation
    assert found[2].status is CellStatus.PASSED


def test_with_the_models_input_limit_known_the_verdict_is_truncated(
    harness: Harness, fake_server: FakeServer
) -> None:
    csv = f"country\n{'word ' * 400}\n"
    plan = plan_for(csv, models=("scenario:truncate",))
    plan = replace(plan, prompt=replace(plan.prompt, model="scenario:truncate", input_limit=100))
    report = evaluate(harness, fake_server, plan)
    (found,) = results(harness, report.evaluation_id)
    assert found.status is CellStatus.FAILED
    assert found.truncation_status is TruncationStatus.TRUNCATED
    assert found.reason.startswith("Truncated")


def test_a_429_storm_is_waited_out_and_every_cell_still_answers(
    harness: Harness, fake_server: FakeServer
) -> None:
    fake_server.queue(*[Scenario.rate_limited(retry_after="0.3")] * 6)
    csv = "country\n" + "".join(f"c{i}\n" for i in range(12))
    started = time.monotonic()
    report = evaluate(harness, fake_server, plan_for(csv, concurrency=6))
    assert report.state is EvaluationState.FINISHED
    found = results(harness, report.evaluation_id)
    assert [r.status for r in found] == [CellStatus.PASSED] * 12
    assert time.monotonic() - started >= 0.3  # the retry-after was honoured
    # latency is the successful attempt's, not the wait before it
    assert max(r.latency_seconds or 0 for r in found) < 0.3


def test_an_error_is_the_cells_reason_and_errors_can_be_resumed_alone(
    harness: Harness, fake_server: FakeServer
) -> None:
    fake_server.queue(Scenario.status(400))
    csv = "country\nFrance\nPeru\n"
    report = evaluate(harness, fake_server, plan_for(csv, concurrency=1))
    found = results(harness, report.evaluation_id)
    assert found[0].status is CellStatus.ERROR
    assert found[0].reason
    assert found[1].status is CellStatus.PASSED
    store = harness.read()
    skip = store.done_cells(report.evaluation_id, errors_too=False)
    store.close()
    assert skip == {CellKey(1, 0, 0)}
    again = evaluate(
        harness, fake_server, plan_for(csv), evaluation_id=report.evaluation_id, skip=skip
    )
    assert again.state is EvaluationState.FINISHED
    assert [r.status for r in results(harness, report.evaluation_id)] == [CellStatus.PASSED] * 2


def test_cancel_stops_every_cell_at_once_and_resume_runs_only_what_is_left(
    harness: Harness, fake_server: FakeServer
) -> None:
    csv = "country\n" + "".join(f"c{i}\n" for i in range(20))
    fake_server.queue(Scenario.echo(), Scenario.echo())
    fake_server.scenario = Scenario.slow(delay=10)

    async def cancel_soon(evaluator: Evaluator) -> None:
        answered = asyncio.Event()

        def follow(progress: EvaluationProgress) -> None:
            if progress.done >= 2:
                answered.set()

        evaluator.on_progress = follow
        await answered.wait()
        evaluator.cancel()

    started = time.monotonic()
    report = evaluate(harness, fake_server, plan_for(csv, concurrency=4), during=cancel_soon)
    assert time.monotonic() - started < 5
    assert report.state is EvaluationState.CANCELLED
    kept = results(harness, report.evaluation_id)
    assert len(kept) == 2
    store = harness.read()
    assert store.info(report.evaluation_id).state is EvaluationState.CANCELLED  # type: ignore[union-attr]
    skip = store.done_cells(report.evaluation_id)
    store.close()
    fake_server.scenario = Scenario.echo()
    before = len(fake_server.requests)
    again = evaluate(
        harness, fake_server, plan_for(csv), evaluation_id=report.evaluation_id, skip=skip
    )
    assert again.state is EvaluationState.FINISHED
    assert len(fake_server.requests) - before == 18
    assert len(results(harness, report.evaluation_id)) == 20


def test_the_token_budget_stops_scheduling_and_keeps_what_ran(
    harness: Harness, fake_server: FakeServer
) -> None:
    csv = "country\n" + "".join(f"c{i}\n" for i in range(30))
    report = evaluate(harness, fake_server, plan_for(csv, concurrency=1, max_total_tokens=40))
    assert report.state is EvaluationState.BUDGET
    found = results(harness, report.evaluation_id)
    assert 0 < len(found) < 30
    used = sum(r.tokens_used for r in found)
    assert used >= 40
    assert used - found[-1].tokens_used < 40


def test_repeats_report_agreement_and_pass_only_when_every_repeat_passes(
    harness: Harness, fake_server: FakeServer
) -> None:
    fake_server.queue(Scenario.echo("Paris"), Scenario.echo("Paris"), Scenario.echo("Lyon"))
    csv = "country,__expected\nFrance,contains:Paris\n"
    report = evaluate(harness, fake_server, plan_for(csv, repeat=3, concurrency=1))
    assert report.models[0].cases == 1
    assert report.models[0].passed == 0
    store = harness.read()
    from zerogpu_desktop.workbench.evaluate.summary import SummaryBuilder

    builder = SummaryBuilder(("m",))
    for result in store.results(report.evaluation_id):
        builder.add(result)
    store.close()
    (verdict,) = list(builder.verdicts())
    assert verdict.repeats == 3
    assert verdict.distinct_answers == 2
    assert verdict.agreement == pytest.approx(2 / 3)
    assert verdict.status is CellStatus.FAILED


#: (the answer the server gives, the check, whether it passes) — every check type, both ways.
EVERY_CHECK = [
    ("Paris is the capital", "contains:Paris", True),
    ("Lyon", "contains:Paris", False),
    ("PARIS", "icontains:paris", True),
    ("Lyon", "icontains:paris", False),
    ("a Lyon b", "contains-any:Paris,Lyon", True),
    ("Nice", "contains-any:Paris,Lyon", False),
    ("Paris and Lyon", "contains-all:Paris,Lyon", True),
    ("Paris only", "contains-all:Paris,Lyon", False),
    ("Paris first", "starts-with:Paris", True),
    ("First Paris", "starts-with:Paris", False),
    ("Year 2024", r"regex:(?<year>\d{4})", True),
    ("No year", r"regex:(?<year>\d{4})", False),
    ('{"city": "Paris"}', "is-json", True),
    ("city: Paris", "is-json", False),
    ('The answer is {"city": "Paris"}.', "contains-json", True),
    ("No JSON here", "contains-json", False),
    ("Pariss", "levenshtein(2):Paris", True),
    ("Marseille", "levenshtein(2):Paris", False),
    ("Answer: 42", "Answer: 42", True),
    ("Answer: 43", "Answer: 42", False),
    ("Lyon", "not-contains:Paris", True),
    ("Paris", "not-contains:Paris", False),
    ("short", "max-output-tokens:1000", True),
    ("long " * 50, "max-output-tokens:3", False),
    ("fast", "latency:60000", True),
    ("fast", "latency(0)", False),
]


def test_every_check_type_passes_and_fails_end_to_end(
    harness: Harness, fake_server: FakeServer
) -> None:
    rows = "".join(
        f'"{index}","{check.replace(chr(34), chr(34) * 2)}"\n'
        for index, (_, check, _) in enumerate(EVERY_CHECK)
    )
    fake_server.queue(*(Scenario.echo(answer) for answer, _, _ in EVERY_CHECK))
    plan = plan_for(f"country,__expected\n{rows}", concurrency=1)
    report = evaluate(harness, fake_server, plan)
    found = results(harness, report.evaluation_id)
    assert [r.answer for r in found] == [answer for answer, _, _ in EVERY_CHECK]
    outcomes = [(r.checks[0].check, r.passed) for r in found]
    assert outcomes == [(check, passes) for _, check, passes in EVERY_CHECK]
    assert all(r.reason for r in found if not r.passed)


def test_max_output_tokens_fails_as_usage_unknown_when_the_server_gives_none(
    harness: Harness, fake_server: FakeServer
) -> None:
    fake_server.queue(Scenario.no_usage())
    report = evaluate(
        harness, fake_server, plan_for("country,__expected\nFrance,max-output-tokens:100\n")
    )
    (found,) = results(harness, report.evaluation_id)
    assert found.status is CellStatus.FAILED
    assert "usage unknown" in found.reason.lower()
