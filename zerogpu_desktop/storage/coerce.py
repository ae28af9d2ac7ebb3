"""Tolerant readers for single JSON values: a wrong value yields the default, not an error.

Files are hand-edited, written by older or newer versions, or half-restored from backups. A
single bad field must cost the user that field only, never the whole file, so every store
reads its fields through these helpers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from zerogpu_desktop.safe_text import replace_surrogates


def read_str(data: Mapping[str, Any], name: str, default: str) -> str:
    """Return ``data[name]`` if it is a string, else ``default``.

    Lone surrogates (JSON allows ``"\\ud800"``) become U+FFFD: kept as they are, the value
    could never be written back, printed or sent.
    """
    value = data.get(name)
    return replace_surrogates(value) if isinstance(value, str) else default


def read_bool(data: Mapping[str, Any], name: str, default: bool) -> bool:
    """Return ``data[name]`` if it is a real JSON boolean (not 0/1 or "true"), else ``default``."""
    value = data.get(name)
    return value if isinstance(value, bool) else default


def read_positive_float(data: Mapping[str, Any], name: str, default: float) -> float:
    """Return ``data[name]`` as a float if it is a finite number above zero, else ``default``.

    Integers are accepted because a person typing ``"read_timeout": 300`` means 300.0.
    """
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    number = float(value)
    return number if math.isfinite(number) and number > 0 else default


def read_int_in_range(
    data: Mapping[str, Any], name: str, default: int, *, low: int, high: int
) -> int:
    """Return ``data[name]`` if it is an integer within ``[low, high]``, else ``default``."""
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        return default
    return value if low <= value <= high else default


def positive_int_or_none(value: object) -> int | None:
    """Return ``value`` if it is an integer above zero, else None ("unknown")."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if value > 0 else None


#: No model takes a billion input tokens: a bigger limit in a file is a typo or hostile, and
#: would make every verdict meaningless ("below the limit of 99,999,…").
MAX_INPUT_TOKEN_LIMIT = 1_000_000_000


def token_limit_or_none(value: object) -> int | None:
    """Return ``value`` if it is an integer from 1 to ``MAX_INPUT_TOKEN_LIMIT``, else None."""
    limit = positive_int_or_none(value)
    return limit if limit is not None and limit <= MAX_INPUT_TOKEN_LIMIT else None
