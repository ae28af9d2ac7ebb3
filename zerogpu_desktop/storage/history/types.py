"""The values the history store takes and returns: a full run, a list row, a usage row.

There is no field for the API key or any request header: a run records what was sent to the
model and what came back, nothing about how the request was authenticated.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass, field
from typing import Literal, NamedTuple, get_args

from zerogpu_desktop.api.models import Usage
from zerogpu_desktop.api.tokens import TruncationStatus
from zerogpu_desktop.safe_text import replace_surrogates

RunSource = Literal["window", "cli", "evaluate", "compare"]
"""Where a run was started: the main window, ``zerogpu-desktop send``, or as one cell of an
evaluation or a comparison (from either)."""
RUN_SOURCES: tuple[str, ...] = get_args(RunSource)
PREVIEW_LENGTH = 120
"""Characters of the user prompt's first line shown in the history list."""
RunRating = Literal["good", "bad"]
"""A person's verdict on one answer (from Compare, the History panel or ``history rate``)."""
RUN_RATINGS: tuple[str, ...] = get_args(RunRating)
RatingFilter = Literal["good", "bad", "rated"]
"""Which runs a list keeps by rating: rated good, rated bad, or rated either way."""
RATING_FILTERS: tuple[str, ...] = get_args(RatingFilter)
MAX_RATING_NOTE = 2000
"""Characters of a rating's note: a sentence or a short paragraph, not a second answer."""
#: What a note may not hold: control characters but newline and tab (a carriage return is
#: turned into a newline first), DEL, C1 controls and the bidi overrides (see ``safe_text``).
_NOT_IN_A_NOTE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


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
        preset_id: That preset's stable id (a rename keeps it), or None.
        preset_version: That preset's version, or None (no preset, edited prompts, or a
            run recorded before presets had versions).
        rating: "good" or "bad" once someone judged the answer, else None.
        rating_note: The note given with the rating, or None.
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
    preset_id: str | None = None
    preset_version: int | None = None
    rating: RunRating | None = None
    rating_note: str | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        if self.source not in RUN_SOURCES:
            raise ValueError(f"source must be one of {RUN_SOURCES}, not {self.source!r}")
        if self.rating is not None and self.rating not in RUN_RATINGS:
            raise ValueError(f"rating must be one of {RUN_RATINGS} or None, not {self.rating!r}")

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
        preset_version: The preset's version, or None.
        rating: "good", "bad" or None (not rated).
        rating_note: The rating's note (at most MAX_RATING_NOTE characters), or None.
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
    preset_version: int | None = None
    rating: RunRating | None = None
    rating_note: str | None = None

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


def preset_label(name: str | None, version: int | None) -> str:
    """A run's preset as lists show it: "Summarise v3", "Summarise" (no version), or ""."""
    if not name:
        return ""
    return f"{name} v{version}" if version is not None else name


def tidy_note(note: str) -> str:
    """The note without control characters (newline and tab kept) or surrounding blanks.

    A note is typed by a person but shown again in a terminal and in the window, so what
    could move a cursor or reverse the text is dropped rather than kept escaped.
    """
    text = replace_surrogates(note).replace("\r\n", "\n").replace("\r", "\n")
    return _NOT_IN_A_NOTE.sub("", text).strip()


def clean_note(note: str) -> str | None:
    """The note as ``HistoryStore.rate`` stores it (see ``tidy_note``), or None if empty.

    Raises:
        ValueError: The note is longer than MAX_RATING_NOTE characters (after tidying).
    """
    text = tidy_note(note)
    if len(text) > MAX_RATING_NOTE:
        raise ValueError(
            f"The note is {len(text):,} characters long; shorten it to at most "
            f"{MAX_RATING_NOTE:,} characters."
        )
    return text or None


def rating_from_db(value: object) -> RunRating | None:
    """Read a stored rating; anything but "good" or "bad" reads as not rated."""
    if value == "good":
        return "good"
    if value == "bad":
        return "bad"
    return None


def status_from_db(value: object) -> TruncationStatus | None:
    """Read a stored truncation status; a value from a newer version reads as UNKNOWN."""
    if value is None:
        return None
    try:
        return TruncationStatus(value)
    except ValueError:
        return TruncationStatus.UNKNOWN
