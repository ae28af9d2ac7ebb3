"""The background worker: order, time bounds that abandon stuck jobs, clean late answers."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import ClassVar

import pytest

from zerogpu_desktop import background
from zerogpu_desktop.background import Worker, WorkerClosedError


class Tracked:
    """Records the thread that frees it: the last reference must go on the caller's thread."""

    freed_on: ClassVar[list[str]] = []

    def __del__(self) -> None:
        Tracked.freed_on.append(threading.current_thread().name)


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """An event stuck jobs wait on; set at the end so no test leaves a thread hanging."""
    event = threading.Event()
    yield event
    event.set()


def _thread_facts() -> tuple[str, bool]:
    current = threading.current_thread()
    return current.name, current.daemon


def test_jobs_run_in_order_on_one_named_daemon_thread() -> None:
    worker = Worker("zerogpu-test-worker")
    seen: list[int] = []
    futures = [worker.submit(seen.append, number) for number in range(50)]
    facts = worker.submit(_thread_facts)

    assert facts.result(5) == ("zerogpu-test-worker", True)
    assert all(future.done() for future in futures)
    assert seen == list(range(50))
    assert worker.close(5)


def test_a_job_that_raises_gives_the_exception_and_the_next_job_still_runs() -> None:
    worker = Worker("zerogpu-test-worker")

    def broken() -> None:
        raise LookupError("boom")

    failed = worker.submit(broken)
    after = worker.submit(lambda: "still here")

    with pytest.raises(LookupError, match="boom"):
        failed.result(5)
    assert after.result(5) == "still here"
    assert worker.close(5)


def test_a_blocking_wait_past_its_bound_abandons_the_stuck_thread(
    release: threading.Event,
) -> None:
    worker = Worker("zerogpu-test-worker")
    stuck: list[threading.Thread] = []

    def hang() -> None:
        stuck.append(threading.current_thread())
        release.wait(10)

    started = time.monotonic()
    with pytest.raises(TimeoutError, match=r"did not finish within 0\.05 seconds"):
        worker.run_blocking(hang, timeout=0.05)
    waited = time.monotonic() - started

    assert waited < 1.0
    # Later work is not stuck behind the hung call: a fresh thread serves it.
    assert worker.run_blocking(threading.current_thread, timeout=2) is not stuck[0]
    assert worker.close(2), "close waited for the abandoned thread"
    assert stuck[0].is_alive()


def test_a_job_still_queued_when_its_wait_times_out_never_runs(release: threading.Event) -> None:
    worker = Worker("zerogpu-test-worker")
    blocker = worker.submit(release.wait, 10)
    ran: list[str] = []

    with pytest.raises(TimeoutError):
        worker.run_blocking(ran.append, "late", timeout=0.05)
    release.set()
    assert blocker.result(5) is True
    assert worker.close(5)

    assert ran == []


def test_a_timeout_raised_by_the_job_itself_is_its_answer_not_the_bound() -> None:
    worker = Worker("zerogpu-test-worker")

    def gives_up() -> None:
        raise TimeoutError("the job's own")

    with pytest.raises(TimeoutError, match="the job's own"):
        worker.run_blocking(gives_up, timeout=5)
    assert worker.close(5)


def test_async_run_returns_from_another_thread_and_keeps_the_loop_free(
    release: threading.Event,
) -> None:
    worker = Worker("zerogpu-test-worker")

    async def scenario() -> tuple[int, int, int, float]:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.01)

        tick_task = asyncio.create_task(ticker())
        other = await worker.run(threading.get_ident)
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            await worker.run(release.wait, 10, timeout=0.3)
        waited = time.monotonic() - started
        tick_task.cancel()
        return threading.get_ident(), other, ticks, waited

    loop_thread, worker_thread, ticks, waited = asyncio.run(scenario())

    assert loop_thread != worker_thread
    assert waited < 1.0
    assert ticks >= 10
    assert worker.close(2)


def test_async_run_passes_on_the_jobs_exception() -> None:
    worker = Worker("zerogpu-test-worker")

    def broken() -> None:
        raise LookupError("boom")

    with pytest.raises(LookupError, match="boom"):
        asyncio.run(worker.run(broken, timeout=5))
    assert worker.close(5)


def test_a_late_answer_after_the_loop_closed_is_dropped_quietly(
    release: threading.Event,
) -> None:
    # filterwarnings=error turns an exception in the late thread into a test failure.
    async def scenario() -> None:
        with pytest.raises(TimeoutError):
            await background.run(release.wait, 10, timeout=0.05, name="zerogpu-test-late")

    asyncio.run(scenario())
    release.set()
    for thread in threading.enumerate():
        if thread.name == "zerogpu-test-late":
            thread.join(5)
            assert not thread.is_alive()


def test_a_cancelled_await_abandons_a_queued_job() -> None:
    worker = Worker("zerogpu-test-worker")
    hold = threading.Event()
    worker.submit(hold.wait, 10)
    ran: list[str] = []

    async def scenario() -> None:
        task = asyncio.create_task(worker.run(ran.append, "never"))
        await asyncio.sleep(0.02)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(scenario())
    hold.set()
    assert worker.close(5)
    assert ran == []


def test_the_last_reference_to_a_jobs_arguments_goes_on_the_callers_thread() -> None:
    """The window collects garbage only on its own thread: a Qt wrapper freed on a worker is
    the crash that guard prevents, so the worker must never be the one dropping a job's data."""
    worker = Worker("zerogpu-test-worker")
    Tracked.freed_on.clear()

    payload = Tracked()
    worker.run_blocking(id, payload, timeout=5)
    del payload

    async def scenario() -> None:
        payload = Tracked()
        await worker.run(id, payload, timeout=5)
        del payload

    asyncio.run(scenario())
    caller = threading.current_thread().name

    assert Tracked.freed_on == [caller, caller]
    assert worker.close(5)


def test_close_runs_what_is_queued_then_refuses_more_work() -> None:
    worker = Worker("zerogpu-test-worker")
    done: list[int] = []

    def slow_append(number: int) -> None:
        time.sleep(0.01)
        done.append(number)

    for number in range(5):
        worker.submit(slow_append, number)

    assert worker.close(5)
    assert done == [0, 1, 2, 3, 4]
    with pytest.raises(WorkerClosedError, match="takes no more work"):
        worker.submit(done.append, 9)
    assert worker.close(5)  # twice is fine


def test_one_off_calls_end_their_thread() -> None:
    assert background.run_blocking(_thread_facts, timeout=5, name="zerogpu-test-once") == (
        "zerogpu-test-once",
        True,
    )
    assert asyncio.run(background.run(_thread_facts, timeout=5, name="zerogpu-test-once"))[1]
    future = background.start(_thread_facts, name="zerogpu-test-once")
    assert future.result(5) == ("zerogpu-test-once", True)
    deadline = time.monotonic() + 5
    while any(t.name == "zerogpu-test-once" for t in threading.enumerate()):
        assert time.monotonic() < deadline, "a one-off thread kept running"
        time.sleep(0.01)
