"""Checks on what a caller of the history's Python API passes in, each failing with a sentence.

The CLI and the window pass checked values, but a script calling ``HistoryStore`` may pass
anything; without these, a number beyond SQLite's 64 bits fails deep in ``sqlite3`` with
OverflowError, a wrong type with a TypeError from inside a regex, and a string id would be
compared as text by SQLite and silently match nothing.
"""

from __future__ import annotations

from zerogpu_desktop.storage.history.types import RUN_RATINGS, RunRating
from zerogpu_desktop.storage.history.values import SQLITE_MAX_INT

__all__ = ["checked_number", "checked_preset_id", "checked_rating", "checked_text"]


def checked_number(value: object, what: str) -> int:
    """``value`` if it is a whole number from 1 to 2**63 - 1 (a run id, a version number).

    Raises:
        ValueError: It is not an int (a bool is not), or it is out of that range.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} must be a whole number, not {type(value).__name__}.")
    if not 1 <= value <= SQLITE_MAX_INT:
        raise ValueError(f"{what} must be from 1 to {SQLITE_MAX_INT}, not {value}.")
    return value


def checked_rating(value: object) -> RunRating | None:
    """``value`` if it is "good", "bad" or None.

    Raises:
        ValueError: It is anything else.
    """
    if value is None:
        return None
    if isinstance(value, str) and value == "good":
        return "good"
    if isinstance(value, str) and value == "bad":
        return "bad"
    raise ValueError(f"rating must be one of {RUN_RATINGS} or None, not {value!r}.")


def checked_text(value: object, what: str) -> str:
    """``value`` if it is a str (a note, a preset name).

    Raises:
        ValueError: It is not.
    """
    if not isinstance(value, str):
        raise ValueError(f"{what} must be text, not {type(value).__name__}.")
    return value


def checked_preset_id(value: object) -> str | None:
    """``value`` if it is None or a str (a preset's stable id; blank means none).

    Raises:
        ValueError: It is anything else.
    """
    if value is None:
        return None
    return checked_text(value, "preset_id") or None
