"""Turning any ``RunRecord`` into values SQLite will store, so no run is lost to its content.

A run's texts and numbers come from a server, a file or a caller of the Python API, and any
of them can be something SQLite (or the ``sqlite3`` module) refuses: a lone surrogate cannot
be encoded as UTF-8, an integer beyond 2**63 - 1 overflows, NaN or infinity in a ``NOT NULL``
column fails the insert. Each is made storable here, before the row reaches SQLite:

- texts: lone surrogates become U+FFFD (what every display would show anyway); a value
  that is not text at all is stored as its ``str()`` (``""`` for None in a required text);
- token counts: a count that is not a whole number from 0 to 2**63 - 1 is stored as NULL
  ("not reported"), never clamped: a clamped count would be a false number in the usage
  sums;
- ``created``: a time that is not finite or lies outside years 1970-9999 is replaced by
  the time of recording, so the run still sorts and shows with a real date;
- ``duration_seconds``: not finite or negative is stored as NULL (unknown);
- ``preset_version``: not a whole number from 1 up is stored as NULL (no known version);
- ``rating_note``: cleaned like a note given to ``HistoryStore.rate`` and, since a record
  is never refused for its content, cut to MAX_RATING_NOTE characters; a note without a
  rating is not kept.

The full-text index is filled from the stored row by triggers, so it sees the same clean
values.
"""

from __future__ import annotations

import math
import time
from typing import Any

from zerogpu_desktop.api.tokens import TruncationStatus
from zerogpu_desktop.safe_text import replace_surrogates
from zerogpu_desktop.storage.history.types import (
    MAX_RATING_NOTE,
    RUN_RATINGS,
    RunRecord,
    preview_of,
    tidy_note,
)

RECORD_COLUMNS: tuple[str, ...] = (
    *("id", "created", "model", "system_prompt", "user_prompt", "answer", "input_tokens"),
    *("output_tokens", "total_tokens", "truncation_status", "truncation_note"),
    *("duration_seconds", "error_title", "error_message", "source", "preset_name", "demo"),
    *("preset_id", "preset_version", "rating", "rating_note"),
)
"""The columns of a full ``RunRecord``, in its fields' names."""
INSERT_SQL = (
    "INSERT INTO runs (created, model, source, preset_name, preview, input_tokens, "
    "output_tokens, total_tokens, truncation_status, truncation_note, duration_seconds, "
    "error_title, error_message, demo, preset_id, preset_version, rating, rating_note, "
    "system_prompt, user_prompt, answer) VALUES (:created, :model, :source, :preset_name, "
    ":preview, :input_tokens, :output_tokens, :total_tokens, :truncation_status, "
    ":truncation_note, :duration_seconds, :error_title, :error_message, :demo, :preset_id, "
    ":preset_version, :rating, :rating_note, :system_prompt, :user_prompt, :answer)"
)
"""The INSERT that ``row_params`` fills."""

SQLITE_MAX_INT = 2**63 - 1
LATEST_STORABLE_TIME = 253_402_300_799.0
"""9999-12-31 23:59:59 UTC: the last second every platform's date functions can show."""


def row_params(run: RunRecord, *, now: float | None = None) -> dict[str, Any]:
    """The named parameters of the history's INSERT for ``run``, every value storable.

    Args:
        run: The run; its ``id`` is ignored.
        now: The time used for an unusable ``created``; defaults to the current time.
    """
    user_prompt = _required_text(run.user_prompt)
    rating = run.rating if run.rating in RUN_RATINGS else None
    return {
        "created": _created(run.created, now),
        "model": _required_text(run.model),
        "source": run.source,  # validated by RunRecord; not content from outside
        "preset_name": _optional_text(run.preset_name),
        "preview": preview_of(user_prompt),
        "input_tokens": token_count(run.input_tokens),
        "output_tokens": token_count(run.output_tokens),
        "total_tokens": token_count(run.total_tokens),
        "truncation_status": _status(run.truncation_status),
        "truncation_note": _optional_text(run.truncation_note),
        "duration_seconds": _duration(run.duration_seconds),
        "error_title": _optional_text(run.error_title),
        "error_message": _optional_text(run.error_message),
        "demo": 1 if run.demo is True else 0,
        "preset_id": _optional_text(run.preset_id),
        "preset_version": version_number(run.preset_version),
        "rating": rating,
        "rating_note": _note(run.rating_note) if rating is not None else None,
        "system_prompt": _required_text(run.system_prompt),
        "user_prompt": user_prompt,
        "answer": _required_text(run.answer),
    }


def token_count(value: object) -> int | None:
    """``value`` as a storable token count, or None when it cannot be a real one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            return None
        value = int(value)
    if not isinstance(value, int):
        return None
    return value if 0 <= value <= SQLITE_MAX_INT else None


def version_number(value: object) -> int | None:
    """``value`` as a storable preset version (1 and up), or None."""
    number = token_count(value)
    return number if number is not None and number >= 1 else None


def _note(value: object) -> str | None:
    if value is None:
        return None
    return tidy_note(_required_text(value))[:MAX_RATING_NOTE].rstrip() or None


def _required_text(value: object) -> str:
    if value is None:
        return ""
    return replace_surrogates(value if isinstance(value, str) else str(value))


def _optional_text(value: object) -> str | None:
    return None if value is None else _required_text(value)


def _status(value: object) -> str | None:
    if isinstance(value, TruncationStatus):
        return value.value
    return _optional_text(value)  # read back as UNKNOWN if it is no known verdict


def _created(value: object, now: float | None) -> float:
    seconds = _finite_float(value)
    if seconds is not None and 0.0 <= seconds <= LATEST_STORABLE_TIME:
        return seconds
    return time.time() if now is None else now


def _duration(value: object) -> float | None:
    seconds = _finite_float(value)
    return seconds if seconds is not None and seconds >= 0.0 else None


def _finite_float(value: object) -> float | None:
    """``value`` as a finite float, or None (bools are not numbers here, nor huge ints)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:  # an int too large for a float
        return None
    return number if math.isfinite(number) else None
