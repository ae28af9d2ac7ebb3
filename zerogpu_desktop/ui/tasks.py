"""Background coroutines of the window, kept alive until they end and cancelled at quit.

asyncio holds only a weak reference to a task, and qasync's `asyncSlot` none at all: a task
nobody keeps can be collected mid-flight. Every task the window starts goes through here, so
quitting can cancel them all and a failure reaches the crash reporter instead of vanishing.
asyncio is imported on first use: the window paints before it loads.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import asyncio

log = logging.getLogger(__name__)


class TaskKeeper:
    """Strong references to the window's running tasks."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def __repr__(self) -> str:
        return f"TaskKeeper(running={len(self._tasks)})"

    def spawn(self, coroutine: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Runs `coroutine` on the loop; an exception it raises goes to `sys.excepthook`."""
        import asyncio

        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        task.add_done_callback(report_task_failure)
        return task

    async def cancel_all(self, grace_seconds: float) -> None:
        """Cancels every task and waits at most `grace_seconds` for them to unwind."""
        import asyncio

        pending = [task for task in self._tasks if not task.done()]
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending, timeout=grace_seconds)


def report_task_failure(task: asyncio.Task[Any]) -> None:
    """A task that raised is a bug: it is logged and shown like any other crash."""
    if task.cancelled():
        return
    exc = task.exception()
    if exc is not None:
        log.error("background task failed", exc_info=exc)
        sys.excepthook(type(exc), exc, exc.__traceback__)
