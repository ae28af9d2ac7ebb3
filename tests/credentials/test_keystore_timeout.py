"""A keyring that hangs must not hang the app: bounded waits, a live event loop, clean exit."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator

import pytest

from tests.credentials.fake_backends import HangingKeyring
from zerogpu_desktop.credentials import KeyringIssue, KeySource, KeyStore

SECRET = "zg-sk-hang-0001"
TIMEOUT = 0.3


@pytest.fixture
def hanging() -> Iterator[HangingKeyring]:
    backend = HangingKeyring()
    yield backend
    backend.release.set()
    _join_keyring_threads()


def _join_keyring_threads() -> None:
    for thread in threading.enumerate():
        if thread.name.startswith("zerogpu-keyring-"):
            thread.join(5)
            assert not thread.is_alive()


def test_async_save_returns_within_timeout_and_loop_stays_responsive(
    hanging: HangingKeyring,
) -> None:
    store = KeyStore(backend=hanging, timeout=TIMEOUT)

    async def scenario() -> tuple[float, int]:
        ticks = 0
        stop = asyncio.Event()

        async def ticker() -> None:
            nonlocal ticks
            while not stop.is_set():
                ticks += 1
                await asyncio.sleep(0.01)

        tick_task = asyncio.create_task(ticker())
        started = time.monotonic()
        result = await store.save(SECRET)
        elapsed = time.monotonic() - started
        stop.set()
        await tick_task
        assert not result.stored_in_keyring
        assert result.issue is KeyringIssue.TIMEOUT
        assert result.problem is not None
        assert "did not answer within 0.3 seconds" in result.problem
        return elapsed, ticks

    elapsed, ticks = asyncio.run(scenario())

    assert hanging.entered.is_set()
    assert elapsed < TIMEOUT + 0.5
    assert ticks >= 10  # the loop ran ~30 ticks while the keyring thread was stuck
    assert store.session_key == SECRET
    assert store.load_blocking().source is KeySource.SESSION


def test_blocking_save_returns_within_timeout(hanging: HangingKeyring) -> None:
    store = KeyStore(backend=hanging, timeout=TIMEOUT)

    started = time.monotonic()
    result = store.save_blocking(SECRET)

    assert time.monotonic() - started < TIMEOUT + 0.5
    assert result.issue is KeyringIssue.TIMEOUT
    assert store.session_key == SECRET


def test_late_answer_after_the_loop_closed_is_dropped_quietly(hanging: HangingKeyring) -> None:
    # filterwarnings=error turns an exception in the late thread into a test failure.
    store = KeyStore(backend=hanging, timeout=TIMEOUT)
    asyncio.run(store.save(SECRET))

    hanging.release.set()
    _join_keyring_threads()

    assert hanging.passwords == {("zerogpu-desktop", "api-key"): SECRET}
    # The late write does not change what this session already decided.
    assert store.session_key == SECRET


def test_a_cancelled_save_leaves_no_pending_work(hanging: HangingKeyring) -> None:
    store = KeyStore(backend=hanging, timeout=10)

    async def scenario() -> None:
        task = asyncio.create_task(store.save(SECRET))
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(scenario())
