"""Tolerant readers for the hint fields of preset and version entries.

A wrong limit, format, time or remembered value costs that field only, never the entry:
these are hints, unlike a name or a prompt, which are refused rather than guessed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from zerogpu_desktop.response_format import DEFAULT_RESPONSE_FORMAT, is_valid_response_format
from zerogpu_desktop.safe_text import replace_surrogates


def format_or_default(value: object) -> str:
    """A file from before the field (or with an unusable value) asks for "text", as then."""
    if isinstance(value, str) and is_valid_response_format(value):
        return value
    return DEFAULT_RESPONSE_FORMAT


def string_pairs(value: object) -> dict[str, str]:
    """The text-to-text pairs of ``value``; anything else in it is dropped."""
    if not isinstance(value, Mapping):
        return {}
    return {
        replace_surrogates(k): replace_surrogates(v)
        for k, v in value.items()
        if isinstance(k, str) and isinstance(v, str)
    }


def time_or_zero(value: object) -> float:
    """A finite, non-negative Unix time, else 0.0 ("unknown")."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0.0
    number = float(value)
    return number if math.isfinite(number) and number >= 0 else 0.0


def whole_number_or_zero(value: object, highest: int) -> int:
    """A whole number from 1 to ``highest``, else 0 ("unknown")."""
    if isinstance(value, bool) or not isinstance(value, int):
        return 0
    return value if 1 <= value <= highest else 0
