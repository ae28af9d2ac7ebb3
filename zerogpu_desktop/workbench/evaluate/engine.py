"""`Evaluator`: runs an evaluation's cells through the `Runner`, judges them, streams them out.

Cells are scheduled case by case, at most `concurrency` at a time, so a token budget can stop
scheduling the moment it is reached and a cancel leaves few cells half done. Every finished
cell is judged off the event loop (a check may take up to a second), counted, reported, and
queued for the store, which commits in batches from its own thread; nothing keeps the answers
in memory, so 10,000 results cost no more than 10.

A cancelled cell leaves no result: resuming the evaluation runs exactly the cells without one.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from zerogpu_desktop import background
from zerogpu_desktop.workbench.connection import Connection
from zerogpu_desktop.workbench.evaluate.checks import Check, parse_check
from zerogpu_desktop.workbench.evaluate.judging import judge_cell
from zerogpu_desktop.workbench.evaluate.plan import EvaluationPlan
from zerogpu_desktop.workbench.evaluate.store import EvaluationStore
from zerogpu_desktop.workbench.evaluate.summary import ModelSummary, SummaryBuilder
from zerogpu_desktop.workbench.evaluate.types import (
    Case,
    CellKey,
    CellResult,
    CellStatus,
    EvaluationState,
)
from zerogpu_desktop.workbench.handle import RunHandle
from zerogpu_desktop.workbench.runner import Runner

__all__ = ["EvaluationProgress", "EvaluationReport", "Evaluator"]

log = logging.getLogger(__name__)
_T = TypeVar("_T")

#: Results are committed when this many are waiting, or when the oldest waited FLUSH_SECONDS.
FLUSH_RESULTS = 200
FLUSH_SECONDS = 0.5


@dataclass(frozen=True, slots=True)
class EvaluationProgress:
    """Where a running evaluation is, after each cell.

    Attributes:
        evaluation_id: The stored evaluation.
        total: Cells this run will do (the ones not done before a resume).
        done: Cells finished (passed, failed or error).
        passed, failed, errors: How they ended.
        tokens: Tokens used so far.
        elapsed_seconds: Since this run began.
        last: The cell that just finished, or None for the first report.
    """

    evaluation_id: int
    total: int
    done: int = 0
    passed: int = 0
    failed: int = 0
    errors: int = 0
    tokens: int = 0
    elapsed_seconds: float = 0.0
    last: CellResult | None = None

    @property
    def eta_seconds(self) -> float | None:
        """The time left at the pace so far; None until a cell finished."""
        if self.done == 0 or self.done >= self.total:
            return None if self.done == 0 else 0.0
        return self.elapsed_seconds / self.done * (self.total - self.done)


@dataclass(frozen=True, slots=True)
class EvaluationReport:
    """How an evaluation run ended."""

    evaluation_id: int
    state: EvaluationState
    progress: EvaluationProgress
    models: list[ModelSummary] = field(default_factory=list)

    @property
    def all_passed(self) -> bool:
        return self.state is EvaluationState.FINISHED and all(
            summary.passed == summary.cases for summary in self.models
        )


class Evaluator:
    """Runs plans through one `Runner` (whose concurrency bounds the requests).

    Args:
        runner: The engine that sends, retries, records each cell as a history run.
        store_worker: The worker thread that owns the `EvaluationStore` (SQLite is used on
            the thread that opened it).
        store: The store, opened on `store_worker`.
        on_progress: Called on the loop after each cell.
    """

    def __init__(
        self,
        runner: Runner,
        store_worker: background.Worker,
        store: EvaluationStore,
        *,
        on_progress: Callable[[EvaluationProgress], None] | None = None,
    ) -> None:
        self.runner = runner
        self._worker = store_worker
        self._store = store
        self.on_progress = on_progress
        self._stop = asyncio.Event()
        #: The thread the checks run on, for the length of one `run`.
        self._checks: background.Worker | None = None

    def __repr__(self) -> str:
        return f"Evaluator(runner={self.runner!r})"

    def cancel(self) -> None:
        """Stops scheduling and cancels the cells in flight; `run` returns as CANCELLED."""
        self._stop.set()

    async def start(self, plan: EvaluationPlan, connection: Connection) -> int:
        """Stores a new evaluation for `plan` (checked first) and returns its id."""
        plan.check()
        info = plan.info()
        return await self._store_call(
            lambda: self._store.create(
                info,
                plan.dataset.columns,
                plan.dataset.cases,
                source=self.runner.source,
                demo=connection.demo,
            )
        )

    async def run(
        self,
        evaluation_id: int,
        plan: EvaluationPlan,
        connection: Connection,
        *,
        skip: Iterable[CellKey] = (),
    ) -> EvaluationReport:
        """Runs every cell of `plan` not in `skip`; what finished is kept whatever happens.

        Raises:
            asyncio.CancelledError: the caller was cancelled (Ctrl+C); the cells in flight
                were cancelled and everything finished was stored first.
        """
        self._stop.clear()
        self._checks = background.Worker("zerogpu-evaluate-checks")
        skipped = set(skip)
        to_run = [cell for cell in plan.cells() if cell not in skipped]
        cells = iter(to_run)
        parsed: dict[str, Check] = {}  # parsed as cells are taken: a start never stalls

        def checks_of(case: Case) -> list[Check]:
            for text in case.checks:
                if text not in parsed:
                    parsed[text] = parse_check(text)
            return [parsed[text] for text in case.checks]

        cases = {case.index: case for case in plan.dataset.cases}
        run = _Run(evaluation_id, len(to_run), plan.models)
        self._report(run.progress())

        async def lane() -> None:
            """Takes the next cell until none is left, the budget is spent or a stop."""
            budget = plan.max_total_tokens
            while not self._stop.is_set() and (budget is None or run.tokens < budget):
                cell = next(cells, None)
                if cell is None:
                    return
                case = cases[cell.case_index]
                answered = await self._cell(plan, case, checks_of(case), cell, connection)
                if answered is not None:
                    run.add(answered)
                    self._report(run.progress(answered.result))
                    self._flush_when_due(run)

        lanes = [asyncio.ensure_future(lane()) for _ in range(plan.concurrency)]
        stopper = asyncio.ensure_future(self._stop.wait())
        every_lane = asyncio.gather(*lanes, return_exceptions=True)
        waited: set[asyncio.Future[Any]] = {every_lane, stopper}
        try:
            await asyncio.wait(waited, return_when=asyncio.FIRST_COMPLETED)
            if self._stop.is_set():
                await _cancel_all(lanes)
            for ended in await every_lane:
                if isinstance(ended, Exception):  # a bug: what finished is still kept
                    log.error("an evaluation lane failed unexpectedly", exc_info=ended)
                    self._stop.set()
        except asyncio.CancelledError:
            await _cancel_all(lanes)
            await asyncio.shield(self._end(run, EvaluationState.CANCELLED))
            raise
        finally:
            stopper.cancel()
            self._checks.close(timeout=0)
        state = EvaluationState.FINISHED
        if run.done < run.total:
            state = EvaluationState.CANCELLED if self._stop.is_set() else EvaluationState.BUDGET
        await self._end(run, state)
        # Off the loop: medians over every cell's latency take tens of milliseconds at 10,000.
        models = await background.run(run.summary.per_model, timeout=None, name="zerogpu-summary")
        return EvaluationReport(evaluation_id, state, run.progress(), models)

    # -- one cell ----------------------------------------------------------------------------

    async def _cell(
        self,
        plan: EvaluationPlan,
        case: Case,
        checks: list[Check],
        cell: CellKey,
        connection: Connection,
    ) -> _Answered | None:
        """Sends one cell and judges its answer; the history id follows with the handle.

        The cell counts as done when its answer is judged, not when the history has it, so
        the next cell is sent while the history writer commits.
        """
        model = plan.models[cell.model_index]
        handle = self.runner.submit(plan.spec_for(case, model), connection)
        try:
            outcome = await asyncio.shield(handle.answered)
        except asyncio.CancelledError:
            handle.cancel()
            await asyncio.wait({handle.task})
            raise
        if outcome.cancelled:
            return None
        assert self._checks is not None, "cells run only within `run`"
        return _Answered(await judge_cell(cell, case, checks, outcome, self._checks), handle)

    # -- the store ---------------------------------------------------------------------------

    def _flush_when_due(self, run: _Run) -> None:
        """Starts committing the waiting results in the background when enough are waiting.

        In the background because a batch first waits for its runs' history ids (the history
        writer commits every 50 ms): the loop keeps sending cells meanwhile. One batch at a
        time, so results are committed in order.
        """
        if not run.unsaved or (run.saving is not None and not run.saving.done()):
            return
        due = time.monotonic() - run.oldest_unsaved >= FLUSH_SECONDS
        if due or len(run.unsaved) >= FLUSH_RESULTS:
            run.saving = asyncio.ensure_future(self._save(run, run.take_unsaved()))

    async def _save(self, run: _Run, answered: list[_Answered]) -> None:
        recording = [item.handle.task for item in answered if not item.handle.done()]
        if recording:
            await asyncio.wait(recording)
        batch = [item.recorded() for item in answered]
        await self._store_call(lambda: self._store.save_results(run.evaluation_id, batch))

    async def _end(self, run: _Run, state: EvaluationState) -> None:
        """Commits everything still waiting, then the evaluation's state."""
        if run.saving is not None:
            await asyncio.wait({run.saving})
        if run.unsaved:
            await self._save(run, run.take_unsaved())
        await self._store_call(lambda: self._store.set_state(run.evaluation_id, state))

    async def _store_call(self, call: Callable[[], _T]) -> _T:
        return await self._worker.run(call)

    def _report(self, progress: EvaluationProgress) -> None:
        if self.on_progress is None:
            return
        try:
            self.on_progress(progress)
        except Exception:  # a view's bug must not end the evaluation
            log.exception("an evaluation progress listener failed")


class _Run:
    """The counters of one run, and the results not yet committed."""

    def __init__(self, evaluation_id: int, total: int, models: tuple[str, ...]) -> None:
        self.evaluation_id = evaluation_id
        self.total = total
        self.started = time.monotonic()
        self.done = self.passed = self.failed = self.errors = self.tokens = 0
        self.summary = SummaryBuilder(models)
        self.unsaved: list[_Answered] = []
        self.oldest_unsaved = 0.0
        self.saving: asyncio.Future[None] | None = None

    def take_unsaved(self) -> list[_Answered]:
        taken, self.unsaved = self.unsaved, []
        return taken

    def add(self, answered: _Answered) -> None:
        result = answered.result
        self.done += 1
        self.tokens += result.tokens_used
        if result.status is CellStatus.PASSED:
            self.passed += 1
        elif result.status is CellStatus.FAILED:
            self.failed += 1
        else:
            self.errors += 1
        self.summary.add(result)
        if not self.unsaved:
            self.oldest_unsaved = time.monotonic()
        self.unsaved.append(answered)

    def progress(self, last: CellResult | None = None) -> EvaluationProgress:
        return EvaluationProgress(
            self.evaluation_id,
            self.total,
            self.done,
            self.passed,
            self.failed,
            self.errors,
            self.tokens,
            time.monotonic() - self.started,
            last,
        )


@dataclass(frozen=True, slots=True)
class _Answered:
    """A judged cell whose run the history may still be writing."""

    result: CellResult
    handle: RunHandle

    def recorded(self) -> CellResult:
        """The result with its history run's id, once the handle is done."""
        task = self.handle.task
        if task.cancelled() or task.exception() is not None:
            return self.result
        return replace(self.result, run_id=task.result().history_id)


async def _cancel_all(lanes: Sequence[asyncio.Future[None]]) -> None:
    """Cancels the cells in flight and waits for each run to be recorded as cancelled."""
    for lane in lanes:
        lane.cancel()
    await asyncio.wait(lanes)
