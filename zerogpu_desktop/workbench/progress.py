"""Progress events of the `Runner`: a view follows many runs without polling them."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zerogpu_desktop.workbench.outcome import RunOutcome

__all__ = ["RunProgress", "RunState"]


class RunState(enum.Enum):
    """Where a run is."""

    QUEUED = "queued"
    #: Held back because the server asked every run to slow down (429/503 + retry-after).
    WAITING = "waiting"
    RUNNING = "running"
    RETRYING = "retrying"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class RunProgress:
    """One step of one run.

    Attributes:
        run_id: The Runner's own id for the run (not the history id).
        state: The new state.
        detail: Words for the step, e.g. "Retrying in 2.0 s (attempt 2): HTTP 503 …".
        outcome: With DONE, the outcome before it is recorded (its history_id is None), so
            a view can show the answer at once; awaiting the run gives the recorded one.
    """

    run_id: int
    state: RunState
    detail: str = ""
    outcome: RunOutcome | None = None
