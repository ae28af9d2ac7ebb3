"""`RunHandle`: what `Runner.submit` gives back, so a caller can cancel or await one run."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zerogpu_desktop.workbench.outcome import RunOutcome

__all__ = ["RunHandle"]


class RunHandle:
    """A submitted run: cancel it, or await it for its outcome (which is never an exception).

    Attributes:
        answered: The outcome as soon as the run ends, before the history has it (its
            `history_id` is None): a batch can count a finished run and send the next one
            while the history commits; awaiting the handle gives the recorded outcome.
    """

    def __init__(
        self,
        run_id: int,
        task: asyncio.Task[RunOutcome],
        cancel: Callable[[int], bool],
        answered: asyncio.Future[RunOutcome],
    ) -> None:
        self.run_id = run_id
        self._task = task
        self._cancel = cancel
        self.answered = answered

    def cancel(self) -> bool:
        """Cancels the run (queued or in flight); False when it had already ended."""
        return self._cancel(self.run_id)

    def done(self) -> bool:
        return self._task.done()

    def __await__(self) -> Generator[Any, None, RunOutcome]:
        return self._task.__await__()

    @property
    def task(self) -> asyncio.Task[RunOutcome]:
        """The run's task, for `asyncio.wait` (awaiting it gives the recorded outcome)."""
        return self._task

    def __repr__(self) -> str:
        return f"RunHandle(run_id={self.run_id}, done={self.done()})"
