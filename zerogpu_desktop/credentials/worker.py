"""Run one blocking keyring call on its own daemon thread, with a time bound.

A locked or wedged Secret Service can block forever. A fresh daemon thread per call, rather
than asyncio's default executor, means a hung call can be abandoned: the interpreter does
not wait for daemon threads at exit, while ``loop.shutdown_default_executor()`` would.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


class CallTimeoutError(Exception):
    """The call did not finish within its time bound; its thread was left to finish alone."""


@dataclass(frozen=True)
class _Outcome(Generic[T]):
    """What the worker thread produced: a value or an exception, carried as data.

    Delivering the exception as data (not via ``Future.set_exception``) means an outcome
    nobody waits for any more is simply dropped, without "exception never retrieved" noise.
    """

    value: T | None = None
    error: BaseException | None = None

    def unwrap(self) -> T:
        if self.error is not None:
            raise self.error
        return self.value  # type: ignore[return-value]


def _run(fn: Callable[[], T]) -> _Outcome[T]:
    try:
        return _Outcome(value=fn())
    except BaseException as exc:  # carried back to the caller, never lost in the thread
        return _Outcome(error=exc)


def call_blocking(fn: Callable[[], T], *, timeout: float, name: str) -> T:
    """Run ``fn`` on a new daemon thread and wait at most ``timeout`` seconds for it.

    Args:
        fn: The blocking call.
        timeout: Seconds to wait.
        name: Thread name, shown in debuggers and thread dumps.

    Returns:
        What ``fn`` returned.

    Raises:
        CallTimeoutError: ``fn`` did not finish in time.
        BaseException: Whatever ``fn`` raised.
    """
    box: list[_Outcome[T]] = []
    thread = threading.Thread(target=lambda: box.append(_run(fn)), name=name, daemon=True)
    thread.start()
    thread.join(timeout)
    if not box:
        raise CallTimeoutError(name)
    return box[0].unwrap()


async def call_async(fn: Callable[[], T], *, name: str) -> T:
    """Run ``fn`` on a new daemon thread and await its result without blocking the loop.

    Bound it with ``asyncio.timeout()`` around the await: on timeout or cancellation the
    thread is abandoned and its late result is dropped.

    Args:
        fn: The blocking call.
        name: Thread name, shown in debuggers and thread dumps.

    Returns:
        What ``fn`` returned.

    Raises:
        BaseException: Whatever ``fn`` raised.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[_Outcome[T]] = loop.create_future()

    def deliver(outcome: _Outcome[T]) -> None:
        if not future.done():
            future.set_result(outcome)

    def target() -> None:
        outcome = _run(fn)
        # The loop may be closed by now (app quit while the keyring hung): nobody is waiting.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(deliver, outcome)

    threading.Thread(target=target, name=name, daemon=True).start()
    outcome = await future
    return outcome.unwrap()
