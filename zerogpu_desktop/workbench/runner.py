"""`Runner`: the one engine that sends prompts, for the window, the CLI and batches.

A run goes: refusals (nothing is sent while something is missing) → render → a client from
the pool → the request (retried by the client, held back by the shared `RateGate`) → the
truncation verdict → what the run teaches → the history row → the outcome. Every run's end
is an outcome: a failure, a bug and a cancel are all described in one, never raised.

Many runs share one Runner: at most `concurrency` are in flight, the rest wait their turn
in order; each can be cancelled alone, or all at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import itertools
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

import httpx

from zerogpu_desktop.api.client import RetryNotice, ZeroGPUClient
from zerogpu_desktop.api.errors import APIStatusError, ContextLengthExceededError, ZeroGPUError
from zerogpu_desktop.api.models import Response
from zerogpu_desktop.api.tokens import TruncationStatus, assess_truncation, rejected_assessment
from zerogpu_desktop.explain import Explanation, explain
from zerogpu_desktop.storage.history.types import RunRecord, RunSource
from zerogpu_desktop.workbench.client_pool import ClientPool
from zerogpu_desktop.workbench.connection import Connection
from zerogpu_desktop.workbench.handle import RunHandle
from zerogpu_desktop.workbench.learning import CalibrationBook, ModelMemory
from zerogpu_desktop.workbench.outcome import RunOutcome
from zerogpu_desktop.workbench.preflight import missing_configuration, render_or_refuse
from zerogpu_desktop.workbench.progress import RunProgress, RunState
from zerogpu_desktop.workbench.rate_gate import RATE_LIMIT_STATUSES, RateGate
from zerogpu_desktop.workbench.records import CANCELLED, record_for
from zerogpu_desktop.workbench.spec import PromptSpec, RenderedPrompt

__all__ = ["HistorySink", "RunHandle", "Runner"]

log = logging.getLogger(__name__)

#: The run whose request the client is sending right now: the client is shared by many
#: runs, and its hooks learn which one from the task's context.
_current_run: contextvars.ContextVar[int] = contextvars.ContextVar("zerogpu_current_run")


class HistorySink(Protocol):
    """Where finished runs are kept (the window's writer thread, the CLI's store)."""

    async def record(self, record: RunRecord) -> int | None:
        """Keeps `record`; returns its history id, or None when it was not stored."""
        ...


class Runner:
    """Runs prompt specs and reports each as a `RunOutcome`.

    Args:
        source: Where the runs come from ("window" or "cli"): it picks the words of a
            refusal, and is what the history keeps unless `history_source` says otherwise.
        history_source: What the history keeps as the runs' source when it is not `source`
            (the cells of an evaluation are "evaluate" runs, worded for their window or CLI).
        calibration: The token calibration to assess truncation with and teach.
        models: The remembered models and their input limits.
        history: Where finished runs are recorded; None records nothing.
        concurrency: How many runs are in flight at most.
        transport: An httpx transport for every client (tests).
        on_progress: Called on the loop with every step of every run.

    Attributes:
        log_file: The file unexpected errors are logged to, named in their explanation.
    """

    def __init__(
        self,
        *,
        source: RunSource,
        calibration: CalibrationBook,
        models: ModelMemory,
        history: HistorySink | None = None,
        history_source: RunSource | None = None,
        concurrency: int = 4,
        transport: httpx.AsyncBaseTransport | None = None,
        on_progress: Callable[[RunProgress], None] | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.source: RunSource = source
        self.history_source: RunSource = history_source or source
        self.calibration = calibration
        self.models = models
        self.history = history
        self.concurrency = concurrency
        self.on_progress = on_progress
        self.log_file: Path | None = None
        self.gate = RateGate()
        self._transport = transport
        self._pool = ClientPool(self._new_client)
        self._slots: asyncio.Semaphore | None = None
        self._ids = itertools.count(1)
        self._tasks: dict[int, asyncio.Task[RunOutcome]] = {}
        self._states: dict[int, RunState] = {}
        #: When each run's latest attempt began (after any wait at the gate): the latency of
        #: an answer is its own attempt's, not the retries and back-off before it.
        self._attempt_started: dict[int, float] = {}
        #: Each run's outcome as soon as it ends, before it is recorded (`RunHandle.answered`).
        self._answered: dict[int, asyncio.Future[RunOutcome]] = {}
        #: Runs whose task has begun; one cancelled before that is told by `_cancel_first`
        #: (a task cancelled before its first step would end without an outcome).
        self._started: set[int] = set()
        self._cancel_first: set[int] = set()
        self._running = 0

    def __repr__(self) -> str:
        return (
            f"Runner(source={self.source!r}, concurrency={self.concurrency}, "
            f"running={self._running}, queued={len(self._tasks) - self._running})"
        )

    # -- public --------------------------------------------------------------

    @property
    def running(self) -> int:
        """Runs in flight now (queued ones not counted)."""
        return self._running

    def submit(self, spec: PromptSpec, connection: Connection) -> RunHandle:
        """Queues a run; it starts when one of the `concurrency` slots is free."""
        run_id = next(self._ids)
        answered = self._answered[run_id] = asyncio.get_running_loop().create_future()
        task = asyncio.ensure_future(self._execute(run_id, spec, connection))
        self._tasks[run_id] = task
        task.add_done_callback(lambda _task: self._forget(run_id))
        self._announce(run_id, RunState.QUEUED)
        return RunHandle(run_id, task, self._cancel, answered)

    async def run(self, spec: PromptSpec, connection: Connection) -> RunOutcome:
        """Runs one spec to its end; raises CancelledError only if the caller is cancelled.

        A cancelled caller cancels the run too, and waits for it to be recorded.
        """
        handle = self.submit(spec, connection)
        try:
            return await asyncio.shield(handle._task)
        except asyncio.CancelledError:
            handle.cancel()
            await asyncio.wait({handle._task})
            raise

    async def run_many(
        self, specs: Iterable[PromptSpec], connection: Connection
    ) -> list[RunOutcome]:
        """Queues every spec at once and returns their outcomes in input order."""
        handles = [self.submit(spec, connection) for spec in specs]
        try:
            return list(await asyncio.gather(*(handle._task for handle in handles)))
        except asyncio.CancelledError:
            for handle in handles:
                handle.cancel()
            raise

    def cancel_all(self) -> int:
        """Cancels every queued and running run; returns how many were cancelled."""
        return sum(1 for run_id in list(self._tasks) if self._cancel(run_id))

    async def aclose(self) -> None:
        """Cancels everything, waits for the runs to unwind, closes the clients, saves learning."""
        self.cancel_all()
        pending = [task for task in self._tasks.values() if not task.done()]
        if pending:
            await asyncio.wait(pending)
        await self._pool.aclose()
        await self.calibration.flush()
        await self.models.flush()

    # -- one run -------------------------------------------------------------

    async def _execute(self, run_id: int, spec: PromptSpec, connection: Connection) -> RunOutcome:
        _current_run.set(run_id)
        self._started.add(run_id)
        sent: RenderedPrompt | None = None
        started: float | None = None
        if run_id in self._cancel_first:
            cancelled = RunOutcome(spec, None, None, None, CANCELLED, None, 0.0, None, True)
            return self._finish(run_id, cancelled)
        try:
            prepared = render_or_refuse(spec, self.source)
            if isinstance(prepared, Explanation):
                return self._finish(run_id, RunOutcome.refusal(spec, None, prepared))
            sent = prepared
            missing = missing_configuration(connection, self.source)
            if missing is not None:
                return self._finish(run_id, RunOutcome.refusal(spec, sent, missing))
            async with self._slot():
                started = time.monotonic()
                self._running += 1
                try:
                    self._announce(run_id, RunState.RUNNING)
                    outcome = await self._send(sent, connection, started)
                finally:
                    self._running -= 1
        except asyncio.CancelledError:
            # The cancel is consumed here: the run ends as an outcome, and its task may still
            # await the history (with time bounds of its own) without a stale cancel pending.
            task = asyncio.current_task()
            if task is not None:
                task.uncancel()
            seconds = time.monotonic() - started if started is not None else 0.0
            outcome = RunOutcome(spec, sent, None, None, CANCELLED, None, seconds, None, True)
            if started is None:
                return self._finish(run_id, outcome)  # never sent: nothing to keep
        except Exception as exc:  # a bug must end as an outcome, never escape the run
            # The traceback goes where the explanation says the details are: a log file if
            # there is one; a terminal gets the sentence only.
            log.log(
                logging.ERROR if self.log_file else logging.DEBUG,
                "the run failed unexpectedly",
                exc_info=True,
            )
            seconds = time.monotonic() - started if started is not None else 0.0
            words = explain(exc, log_file=self.log_file)
            outcome = RunOutcome(spec, sent, None, exc, words, None, seconds, None)
        self._finish(run_id, outcome)
        return await self._record(outcome, demo=connection.demo)

    async def _send(
        self, sent: RenderedPrompt, connection: Connection, started: float
    ) -> RunOutcome:
        spec = sent.spec
        limit = spec.input_limit or self.models.input_limit_for(spec.model)
        try:
            client = self._pool.acquire(connection)
            try:
                fmt = spec.response_format
                response = await client.create_response(
                    spec.model, sent.messages(), response_format=fmt
                )
            finally:
                await self._pool.release(client)
        except ZeroGPUError as exc:
            self._hold_gate_for(exc)
            rejected = (
                rejected_assessment(sent.text_sent(), limit)
                if isinstance(exc, ContextLengthExceededError)
                else None
            )
            seconds = time.monotonic() - started
            return RunOutcome(spec, sent, None, exc, explain(exc), rejected, seconds, None)
        ended = time.monotonic()
        outcome = self._succeeded(sent, response, limit, ended - started, learn=not connection.demo)
        attempt_started = self._attempt_started.get(_current_run.get(0), started)
        return replace(outcome, attempt_seconds=ended - attempt_started)

    def _succeeded(
        self,
        sent: RenderedPrompt,
        response: Response,
        limit: int | None,
        seconds: float,
        *,
        learn: bool,
    ) -> RunOutcome:
        """Judges truncation; only a real run (`learn`) teaches calibration and models."""
        model, text = sent.model, sent.text_sent()
        counted = response.usage.input_tokens if response.usage else None
        assessment = assess_truncation(
            text,
            counted,
            limit=limit,
            model=model,
            calibration=self.calibration.calibration,
            usage_problem=response.usage_problem,
        )
        if learn and counted is not None and assessment.status is TruncationStatus.NOT_TRUNCATED:
            self.calibration.learn(model, text, counted)
        if learn:
            self.models.remember(model)
        return RunOutcome(sent.spec, sent, response, None, None, assessment, seconds, None)

    def _finish(self, run_id: int, outcome: RunOutcome) -> RunOutcome:
        detail = outcome.explanation.as_line() if outcome.explanation else ""
        self._announce(run_id, RunState.DONE, detail, outcome)
        answered = self._answered.pop(run_id, None)
        if answered is not None and not answered.done():
            answered.set_result(outcome)
        return outcome

    async def _record(self, outcome: RunOutcome, *, demo: bool) -> RunOutcome:
        if self.history is None:
            return outcome
        try:
            record = record_for(outcome, self.history_source, demo=demo)
            history_id = await self.history.record(record)
        except asyncio.CancelledError:
            # Cancelled while being recorded: the run itself is over, and its outcome stands.
            return outcome
        except Exception:  # the sink reports its own problems; a run never fails over it
            log.exception("the run could not be recorded")
            return outcome
        return replace(outcome, history_id=history_id)

    # -- shared pieces ---------------------------------------------------------

    @contextlib.asynccontextmanager
    async def _slot(self) -> Any:
        if self._slots is None:  # made on the loop that runs it
            self._slots = asyncio.Semaphore(self.concurrency)
        async with self._slots:
            yield

    def _new_client(self, connection: Connection) -> ZeroGPUClient:
        return ZeroGPUClient(
            connection.api_key,
            connection.project_id,
            base_url=connection.base_url,
            timeout=httpx.Timeout(connection.timeout, connect=connection.connect_timeout),
            max_retries=connection.max_retries,
            max_response_bytes=connection.max_response_bytes,
            transport=self._transport,
            on_retry=self._on_retry,
            before_attempt=self._before_attempt,
        )

    async def _before_attempt(self) -> None:
        """Waits at the gate (saying so), then reports the run as running again."""
        run_id = _current_run.get(None)
        remaining = self.gate.remaining
        if remaining > 0 and run_id is not None:
            self._announce(
                run_id,
                RunState.WAITING,
                f"Waiting {remaining:.1f} s: the server asked to slow down.",
            )
        await self.gate.wait()
        if run_id is not None:
            self._attempt_started[run_id] = time.monotonic()
            if self._states.get(run_id) is not RunState.RUNNING:
                self._announce(run_id, RunState.RUNNING)

    def _on_retry(self, notice: RetryNotice) -> None:
        if notice.status_code in RATE_LIMIT_STATUSES and notice.retry_after is not None:
            self.gate.hold(notice.retry_after)
        run_id = _current_run.get(None)
        if run_id is not None:
            self._announce(
                run_id,
                RunState.RETRYING,
                f"Retrying in {notice.wait_seconds:.1f} s (attempt {notice.attempt + 1}): "
                f"{notice.reason}",
            )

    def _hold_gate_for(self, exc: ZeroGPUError) -> None:
        """A rate limit that ended its run (no retries left) still holds the others back."""
        if (
            isinstance(exc, APIStatusError)
            and exc.status_code in RATE_LIMIT_STATUSES
            and exc.retry_after is not None
        ):
            self.gate.hold(exc.retry_after)

    def _announce(
        self, run_id: int, state: RunState, detail: str = "", outcome: RunOutcome | None = None
    ) -> None:
        if state is RunState.DONE:
            self._states.pop(run_id, None)
        else:
            self._states[run_id] = state
        if self.on_progress is None:
            return
        try:
            self.on_progress(RunProgress(run_id, state, detail, outcome))
        except Exception:  # a view's bug must not end the run
            log.exception("a progress listener failed")

    def _cancel(self, run_id: int) -> bool:
        task = self._tasks.get(run_id)
        if task is None or task.done() or run_id in self._cancel_first:
            return False
        if run_id not in self._started:
            self._cancel_first.add(run_id)
            return True
        return task.cancel()

    def _forget(self, run_id: int) -> None:
        self._tasks.pop(run_id, None)
        self._states.pop(run_id, None)
        self._attempt_started.pop(run_id, None)
        answered = self._answered.pop(run_id, None)
        if answered is not None and not answered.done():  # ended without an outcome (a bug)
            answered.cancel()
        self._started.discard(run_id)
        self._cancel_first.discard(run_id)
