"""The Runner against the loopback server: many runs, cancelling, refusing, and never raising."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from tests.fakeserver import FakeServer, Scenario
from tests.workbench.conftest import MemoryHistory, RunnerFactory, connection_to
from zerogpu_desktop.api.errors import ContextLengthExceededError
from zerogpu_desktop.api.tokens import TruncationStatus
from zerogpu_desktop.exit_codes import ExitCode
from zerogpu_desktop.workbench.outcome import RunOutcome
from zerogpu_desktop.workbench.progress import RunProgress, RunState
from zerogpu_desktop.workbench.runner import Runner
from zerogpu_desktop.workbench.spec import PromptSpec


def test_a_thousand_specs_at_concurrency_eight_all_complete(
    fake_server: FakeServer, make_runner: RunnerFactory
) -> None:
    most_in_flight = 0
    runner: Runner

    def follow(progress: RunProgress) -> None:
        nonlocal most_in_flight
        most_in_flight = max(most_in_flight, runner.running)

    runner = make_runner(concurrency=8, on_progress=follow)
    specs = [PromptSpec("m", user_prompt=f"question {i}") for i in range(1000)]

    async def go() -> list[str]:
        try:
            outcomes = await runner.run_many(specs, connection_to(fake_server))
        finally:
            await runner.aclose()
        return [o.response.text if o.response else "" for o in outcomes]

    started = time.monotonic()
    answers = asyncio.run(go())
    # A hang guard only: throughput is measured against raw httpx in tests/benchmarks; a
    # loaded 2-core machine took 20 s here.
    assert time.monotonic() - started < 90
    assert answers == [f"Echo: question {i}" for i in range(1000)]  # all, in input order
    assert len(fake_server.requests) == 1000
    assert most_in_flight == 8
    assert runner.running == 0


def test_cancel_all_stops_every_run_within_half_a_second_and_leaves_nothing_open(
    fake_server: FakeServer, make_runner: RunnerFactory
) -> None:
    fake_server.scenario = Scenario.slow(delay=10)
    history = MemoryHistory()
    runner = make_runner(concurrency=8, history=history)

    async def go() -> tuple[int, float, list[bool]]:
        handles = [
            runner.submit(PromptSpec("m", user_prompt=f"q{i}"), connection_to(fake_server))
            for i in range(40)
        ]
        assert await asyncio.to_thread(fake_server.wait_for_requests, 8, 5.0)
        started = time.monotonic()
        cancelled = runner.cancel_all()
        outcomes = [await handle for handle in handles]
        elapsed = time.monotonic() - started
        await runner.aclose()
        return cancelled, elapsed, [o.cancelled for o in outcomes]

    cancelled, elapsed, flags = asyncio.run(go())
    assert cancelled == 40
    assert elapsed < 0.5
    assert all(flags)
    assert fake_server.wait_for_disconnect(timeout=3.0, count=8)  # every request was aborted
    assert len(fake_server.requests) == 8  # and none of the queued ones was sent
    # The eight that were sent are kept as cancelled, as the window keeps them.
    assert [r.error_title for r in history.records] == ["Cancelled"] * 8
    assert all(r.error_message == "You cancelled the request." for r in history.records)


def test_cancelling_one_run_leaves_the_others_running(
    fake_server: FakeServer, make_runner: RunnerFactory
) -> None:
    runner = make_runner(concurrency=2)
    connection = connection_to(fake_server)

    async def go() -> tuple[bool, list[str]]:
        slow = runner.submit(PromptSpec("scenario:slow", user_prompt="slow"), connection)
        quick = [runner.submit(PromptSpec("m", user_prompt=f"q{i}"), connection) for i in range(3)]
        await asyncio.to_thread(fake_server.wait_for_requests, 1, 5.0)
        assert slow.cancel()
        slow_outcome = await slow
        answers = [(await handle).response for handle in quick]
        await runner.aclose()
        return slow_outcome.cancelled, [a.text if a else "" for a in answers]

    was_cancelled, answers = asyncio.run(go())
    assert was_cancelled
    assert answers == ["Echo: q0", "Echo: q1", "Echo: q2"]


def test_a_429_with_retry_after_pauses_every_run(
    fake_server: FakeServer, make_runner: RunnerFactory
) -> None:
    fake_server.queue(Scenario.rate_limited(retry_after="1"))
    retrying = asyncio.Event()
    waiting: list[str] = []

    def follow(progress: RunProgress) -> None:
        if progress.state is RunState.RETRYING:
            retrying.set()
        if progress.state is RunState.WAITING:
            waiting.append(progress.detail)

    runner = make_runner(concurrency=4, on_progress=follow)
    connection = connection_to(fake_server)

    async def go() -> list[bool]:
        first = runner.submit(PromptSpec("m", user_prompt="first"), connection)
        await retrying.wait()  # the server said 429 + retry-after: 1
        others = [runner.submit(PromptSpec("m", user_prompt=f"q{i}"), connection) for i in range(7)]
        outcomes = [await first] + [await handle for handle in others]
        await runner.aclose()
        return [o.succeeded for o in outcomes]

    assert all(asyncio.run(go()))
    rate_limited, *after = fake_server.requests
    assert len(after) == 8  # the retry of the first and the seven others
    waited = [request.time - rate_limited.time for request in after]
    assert min(waited) >= 0.9, waited  # nothing reached the server during the pause
    assert waiting  # and the runs held back said so
    assert all(d.endswith("s: the server asked to slow down.") for d in waiting)


def test_progress_goes_queued_running_done(
    fake_server: FakeServer, make_runner: RunnerFactory
) -> None:
    events: list[RunProgress] = []
    runner = make_runner(on_progress=events.append)

    async def go() -> None:
        await runner.run(PromptSpec("m", user_prompt="hi"), connection_to(fake_server))
        await runner.aclose()

    asyncio.run(go())
    assert [e.state for e in events] == [RunState.QUEUED, RunState.RUNNING, RunState.DONE]
    done = events[-1].outcome
    assert done is not None
    assert done.response is not None
    assert done.response.text == "Echo: hi"
    assert done.history_id is None  # shown before it is recorded


def test_retries_are_reported_as_progress(
    fake_server: FakeServer, make_runner: RunnerFactory
) -> None:
    fake_server.queue(Scenario.status(503))
    events: list[RunProgress] = []
    runner = make_runner(on_progress=events.append)

    async def go() -> bool:
        outcome = await runner.run(PromptSpec("m", user_prompt="hi"), connection_to(fake_server))
        await runner.aclose()
        return outcome.succeeded

    assert asyncio.run(go())
    states = [e.state for e in events]
    assert states == [
        RunState.QUEUED,
        RunState.RUNNING,
        RunState.RETRYING,
        RunState.RUNNING,
        RunState.DONE,
    ]
    retry = events[2]
    assert retry.detail.startswith("Retrying in ")
    assert "(attempt 2)" in retry.detail


@pytest.mark.parametrize(
    ("spec", "connection_changes", "title", "needs_settings"),
    [
        (PromptSpec("", user_prompt="hi"), {}, "No model", False),
        (PromptSpec("m", user_prompt="   "), {}, "Nothing to send", False),
        (PromptSpec("m", user_prompt="about {{topic}}"), {}, "Fill in the variables", False),
        (PromptSpec("m", user_prompt="hi"), {"api_key": ""}, "No API key", True),
        (PromptSpec("m", user_prompt="hi"), {"project_id": ""}, "No project ID", True),
    ],
)
def test_refusals_send_nothing_and_record_nothing(
    fake_server: FakeServer,
    make_runner: RunnerFactory,
    spec: PromptSpec,
    connection_changes: dict[str, Any],
    title: str,
    needs_settings: bool,
) -> None:
    from dataclasses import replace

    history = MemoryHistory()
    runner = make_runner(history=history)
    connection = replace(connection_to(fake_server), **connection_changes)

    async def go() -> RunOutcome:
        outcome = await runner.run(spec, connection)
        await runner.aclose()
        return outcome

    outcome = asyncio.run(go())
    assert outcome.refused
    words = outcome.explanation
    assert words is not None
    assert words.title == title
    assert words.exit_code is ExitCode.USAGE
    assert words.needs_settings is needs_settings
    assert fake_server.requests == []
    assert history.records == []


def test_an_unexpected_exception_becomes_an_outcome(
    fake_server: FakeServer, make_runner: RunnerFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    history = MemoryHistory()
    runner = make_runner(history=history)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(runner.models, "remember", broken)

    async def go() -> RunOutcome:
        outcome = await runner.run(PromptSpec("m", user_prompt="hi"), connection_to(fake_server))
        await runner.aclose()
        return outcome

    outcome = asyncio.run(go())
    assert isinstance(outcome.error, RuntimeError)
    assert outcome.explanation is not None
    assert outcome.explanation.title == "Unexpected error"
    assert outcome.explanation.exit_code is ExitCode.UNEXPECTED
    assert outcome.history_id == 1
    assert history.records[0].error_title == "Unexpected error"


def test_a_420_is_judged_rejected_with_the_remembered_limit(
    fake_server: FakeServer, make_runner: RunnerFactory
) -> None:
    fake_server.scenario = Scenario.context_limit(limit=3)
    runner = make_runner()
    runner.models.set_input_limit("m", 3)

    async def go() -> RunOutcome:
        spec = PromptSpec("m", user_prompt="far too long " * 10)
        outcome = await runner.run(spec, connection_to(fake_server))
        await runner.aclose()
        return outcome

    outcome = asyncio.run(go())
    assert isinstance(outcome.error, ContextLengthExceededError)
    assessment = outcome.assessment
    assert assessment is not None
    assert outcome.explanation is not None
    assert assessment.status is TruncationStatus.REJECTED
    assert assessment.limit == 3
    assert outcome.explanation.exit_code is ExitCode.CONTEXT_LENGTH


def test_a_clean_run_remembers_the_model_a_failed_one_does_not(
    fake_server: FakeServer, make_runner: RunnerFactory
) -> None:
    runner = make_runner()
    connection = connection_to(fake_server, max_retries=0)

    async def go() -> None:
        await runner.run(PromptSpec("good", user_prompt="hi"), connection)
        await runner.run(PromptSpec("scenario:status-500", user_prompt="hi"), connection)
        await runner.aclose()

    asyncio.run(go())
    assert [entry.id for entry in runner.models.settings.models] == ["good"]


def test_the_awaiting_task_cancelled_cancels_its_run(
    fake_server: FakeServer, make_runner: RunnerFactory
) -> None:
    fake_server.scenario = Scenario.slow(delay=10)
    history = MemoryHistory()
    runner = make_runner(history=history)

    async def go() -> None:
        task = asyncio.ensure_future(
            runner.run(PromptSpec("m", user_prompt="hi"), connection_to(fake_server))
        )
        await asyncio.to_thread(fake_server.wait_for_requests, 1, 5.0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert runner.running == 0
        await runner.aclose()

    asyncio.run(go())
    assert fake_server.wait_for_disconnect(timeout=3.0)
    assert [r.error_title for r in history.records] == ["Cancelled"]


def test_a_run_cancelled_before_it_started_still_ends_in_an_outcome(
    fake_server: FakeServer, make_runner: RunnerFactory
) -> None:
    runner = make_runner()

    async def go() -> tuple[bool, int]:
        handle = runner.submit(PromptSpec("m", user_prompt="hi"), connection_to(fake_server))
        assert handle.cancel()  # before the loop ever ran it
        assert not handle.cancel()  # once is enough
        outcome = await handle
        await runner.aclose()
        return outcome.cancelled, runner.cancel_all()

    cancelled, still_running = asyncio.run(go())
    assert cancelled
    assert still_running == 0
    assert fake_server.requests == []
