"""The thread-per-call runner underneath KeyStore."""

from __future__ import annotations

import asyncio
import threading

import pytest

from zerogpu_desktop.credentials.worker import CallTimeoutError, call_async, call_blocking


def test_blocking_call_returns_value_and_runs_on_a_daemon_thread() -> None:
    def work() -> tuple[str, bool]:
        current = threading.current_thread()
        return current.name, current.daemon

    assert call_blocking(work, timeout=2, name="zerogpu-keyring-test") == (
        "zerogpu-keyring-test",
        True,
    )


def test_blocking_call_reraises_the_callers_exception() -> None:
    def work() -> None:
        raise LookupError("boom")

    with pytest.raises(LookupError, match="boom"):
        call_blocking(work, timeout=2, name="zerogpu-keyring-test")


def test_blocking_call_times_out() -> None:
    release = threading.Event()
    try:
        with pytest.raises(CallTimeoutError):
            call_blocking(lambda: release.wait(10), timeout=0.05, name="zerogpu-keyring-test")
    finally:
        release.set()


def test_async_call_returns_value_from_another_thread() -> None:
    async def scenario() -> tuple[int, int]:
        return threading.get_ident(), await call_async(threading.get_ident, name="t")

    loop_thread, worker_thread = asyncio.run(scenario())

    assert loop_thread != worker_thread


def test_async_call_reraises_the_callers_exception() -> None:
    def work() -> None:
        raise LookupError("boom")

    with pytest.raises(LookupError, match="boom"):
        asyncio.run(call_async(work, name="t"))
