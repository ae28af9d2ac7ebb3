"""The response format a request asks for: the `text.format.type` of the body.

The contract documents `text`; a server may accept others (`json_object`, …), so any type
name is let through as long as it looks like one. The window, the presets, the drafts and
the command line check it with the same rule, so a value one of them accepts is never
refused by another. Only the standard library is used: the command line's parser imports it.
"""

from __future__ import annotations

import re

__all__ = [
    "DEFAULT_RESPONSE_FORMAT",
    "MAX_RESPONSE_FORMAT_LENGTH",
    "RESPONSE_FORMAT_FIX",
    "is_valid_response_format",
    "response_format_problem",
]

#: What a request asks for when nothing else is said; the only type the contract documents.
DEFAULT_RESPONSE_FORMAT = "text"
#: Longer than any type name a server uses; a longer value is a paste gone wrong.
MAX_RESPONSE_FORMAT_LENGTH = 64
_TYPE_NAME = re.compile(rf"[A-Za-z0-9_.\-]{{1,{MAX_RESPONSE_FORMAT_LENGTH}}}")
#: What to do about a refused format, as a sentence.
RESPONSE_FORMAT_FIX = (
    f"Give 1 to {MAX_RESPONSE_FORMAT_LENGTH} letters, digits, “_”, “.” or “-”, "
    "such as text or json_object."
)


def is_valid_response_format(value: object) -> bool:
    """Whether `value` can be sent as `text.format.type` (a short type name, no spaces)."""
    return isinstance(value, str) and _TYPE_NAME.fullmatch(value) is not None


def response_format_problem(value: str) -> str | None:
    """What is wrong with `value`, to follow "The response format …"; None when it is usable."""
    if is_valid_response_format(value):
        return None
    if not value:
        return "is empty"
    if len(value) > MAX_RESPONSE_FORMAT_LENGTH:
        return f"is longer than {MAX_RESPONSE_FORMAT_LENGTH} characters"
    return "may hold only letters, digits, “_”, “.” and “-”"
