"""The values the history store takes and returns: a full run, a list row, a usage row.

There is no field for the API key or any request header: a run records what was sent to the
model and what came back, nothing about how the request was authenticated.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Literal, NamedTuple, get_args

from zerogpu_desktop.api.models import Usage
from zerogpu_desktop.api.tokens import TruncationStatus

RunSource = Literal["window", "cli", "evaluate", "compare"]
"""Where a run was started: the main window, ``zerogpu-desktop send``, or as one cell of an
evaluation or a comparison (from either)."""
RUN_SOURCES: tuple[str, ...] = get_args(RunSource)
PREVIEW_LENGTH = 120
"""Characters of the user prompt's first line shown in the history list."""


class HistoryError(Exception):
    """The history database cannot be used; ``str(exc)`` is a sentence for the user.

    Raised for problems that moving the file aside would not fix (a locked or unreadable
    file, a full disk, no FTS5 in this SQLite), so the file is left exactly where it is.
    """


@dataclass(frozen=True)
class RunRecord:
    """One run, as sent and as answered.

    Attributes:
        model: The model id.
        system_prompt: The system prompt as sent (variables filled in).
        user_prompt: The user prompt as sent (variables filled in).
        answer: The answer text; "" when the run failed before any text arrived.
        created: When the run started (Unix time).
        input_tokens: ``usage.input_tokens``, or None when not reported.
        output_tokens: ``usage.output_tokens``, or None.
        total_tokens: ``usage.total_tokens``, or None.
        truncation_status: The truncation verdict, or None when not assessed.
        truncation_note: The verdict's sentence, or None.
        duration_seconds: Wall time from send to last byte, or None.
        error_title: The short title of the error if the run failed, else None.
        error_message: The error's sentence, else None.
        source: "window", "cli", "evaluate" or "compare".
        preset_name: The preset the run was started from, or None.
        demo: Whether it ran against the built-in offline demo (kept out of Usage).
        id: The database id; None until recorded.
    """

    model: str
    system_prompt: str
    user_prompt: str
    answer: str = ""
    created: float = field(default_factory=time.time)
    input_tokens: int | None = None
    output_tokens: int | None = None
    total_tokens: int | None = None
    truncation_status: TruncationStatus | None = None
    truncation_note: str | None = None
    duration_seconds: float | None = None
    error_title: str | None = None
    error_message: str | None = None
    source: RunSource = "window"
    preset_name: str | None = None
    demo: bool = False
    id: int | None = None

    def __post_init__(self) -> None:
        if self.source not in RUN_SOURCES:
            raise ValueError(f"source must be one of {RUN_SOURCES}, not {self.source!r}")

    @property
    def usage(self) -> Usage | None:
        """The token counts as a ``Usage``, or None unless all three are known."""
        if self.input_tokens is None or self.output_tokens is None or self.total_tokens is None:
            return None
        return Usage(self.input_tokens, self.output_tokens, self.total_tokens)

    @property
    def failed(self) -> bool:
        """Whether the run ended in an error."""
        return self.error_title is not None


@dataclass(frozen=True)
class RunSummary:
    """What one row of the history list shows; never holds the full texts.

    Attributes:
        id: The run's id, for ``HistoryStore.get``.
        created: When the run started (Unix time).
        model: The model id.
        preview: The first non-blank line of the user prompt, at most PREVIEW_LENGTH
            characters (with "…" when cut).
        truncation_status: The truncation verdict, or None.
        input_tokens: Counted input tokens, or None.
        output_tokens: Counted output tokens, or None.
        total_tokens: Counted total tokens, or None.
        error_title: The error's title if the run failed, else None.
        source: "window", "cli", "evaluate" or "compare".
        preset_name: The preset used, or None.
        demo: Whether it ran against the built-in offline demo.
    """

    id: int
    created: float
    model: str
    preview: str
    truncation_status: TruncationStatus | None
    input_tokens: int | None
    output_tokens: int | None
    total_tokens: int | None
    error_title: str | None
    source: RunSource
    preset_name: str | None
    demo: bool = False

    @property
    def failed(self) -> bool:
        """Whether the run ended in an error."""
        return self.error_title is not None


class DailyUsage(NamedTuple):
    """Runs and tokens of one model on one local calendar day.

    A tuple so it unpacks as ``(day, model, runs, input, output, total)``; token sums count
    only runs that reported usage, and a missing total is taken as input + output.
    """

    day: dt.date
    model: str
    runs: int
    input_tokens: int
    output_tokens: int
    total_tokens: int


def preview_of(user_prompt: str) -> str:
    """The list preview of a user prompt: its first non-blank line, cut to PREVIEW_LENGTH."""
    for line in user_prompt.splitlines():
        line = " ".join(line.split())
        if line:
            if len(line) > PREVIEW_LENGTH:
                return line[: PREVIEW_LENGTH - 1].rstrip() + "…"
            return line
    return ""


def status_from_db(value: object) -> TruncationStatus | None:
    """Read a stored truncation status; a value from a newer version reads as UNKNOWN."""
    if value is None:
        return None
    try:
        return TruncationStatus(value)
    except ValueError:
        return TruncationStatus.UNKNOWN
