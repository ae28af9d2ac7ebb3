"""JSON from a server, decoded only when decoding it cannot exhaust memory or the stack.

`json.loads` builds every value before the caller can look at any: 16 MiB of `[{},{},…]`
costs ~376 MB, a document nested 100,000 deep raises `RecursionError`, and a 5,000-digit
integer raises `ValueError` (Python's limit on integer digits). A quick scan of the raw bytes
counts the values and the nesting first; numbers go through hooks so that an absurd one
becomes infinity instead of a huge integer (see `parse_response`, which calls such a token
count unknown).

The scan removes escaped backslashes and quotes, then everything between quotes, and counts
the brackets and commas that are left: a 16 MiB answer that is one long string takes ~40 ms.
For a body that is not valid JSON the counts may be off, but such a body fails to decode
anyway; up to the point where the decoder would fail, the scan and the decoder agree on what
is inside a string.
"""

from __future__ import annotations

import itertools
import json
import math
from typing import Any

__all__ = [
    "MAX_JSON_CONTAINERS",
    "MAX_JSON_DEPTH",
    "MAX_JSON_VALUES",
    "JSONLimitError",
    "check_json_limits",
    "load_json",
]

MAX_JSON_VALUES = 1_000_000
MAX_JSON_DEPTH = 1_000
#: Each object or array costs Python far more than its bytes (a one-key dict ~230 bytes):
#: 500,000 small objects, under the value limit, cost ~230 MB. An answer has a handful.
MAX_JSON_CONTAINERS = 100_000
#: An integer with more digits than this is no count anyone means: it becomes infinity.
_MAX_INTEGER_DIGITS = 40

_STRUCTURE = b'[]{},"'
_NOT_STRUCTURE = bytes(byte for byte in range(256) if byte not in _STRUCTURE)
#: Opening brackets become +1 and closing ones -1 (0xff as a signed byte).
_NESTING_STEPS = bytes.maketrans(b"[]{}", b"\x01\xff\x01\xff")


class JSONLimitError(ValueError):
    """The body is too large a tree to decode; `reason` completes "The reply …"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _outside_strings(body: bytes) -> bytes:
    """The brackets and commas of `body` that are not inside a JSON string."""
    unescaped = body.replace(b"\\\\", b"").replace(b'\\"', b"")
    structure = unescaped.translate(None, _NOT_STRUCTURE)
    return b"".join(structure.split(b'"')[::2])


def _deepest_nesting(structure: bytes) -> int:
    steps = memoryview(structure.translate(_NESTING_STEPS, b",")).cast("b")
    return max(itertools.accumulate(steps), default=0)


def check_json_limits(
    body: bytes,
    *,
    max_values: int = MAX_JSON_VALUES,
    max_depth: int = MAX_JSON_DEPTH,
    max_containers: int = MAX_JSON_CONTAINERS,
) -> None:
    """Raises `JSONLimitError` when `body` holds more values, objects and arrays, or deeper
    nesting than allowed.

    Each value but the first follows a comma or an opening bracket, so commas + opening
    brackets + 1 bounds the number of values from above.
    """
    if b"\x00" in body:
        # UTF-16 or UTF-32 would hide quotes and backslashes from the scan; the contract
        # promises UTF-8, where a raw NUL cannot occur.
        raise JSONLimitError("is not UTF-8 JSON (it contains NUL bytes)")
    opening = body.count(b"[") + body.count(b"{")
    if opening + body.count(b",") + 1 <= max_values and opening <= min(max_depth, max_containers):
        return  # even counting what is inside strings, nothing is over a limit
    structure = _outside_strings(body)
    opening = structure.count(b"[") + structure.count(b"{")
    if opening + structure.count(b",") + 1 > max_values:
        raise JSONLimitError(f"holds more than {max_values:,} JSON values")
    if opening > max_depth and _deepest_nesting(structure) > max_depth:
        raise JSONLimitError(f"is nested more than {max_depth:,} levels deep")
    if opening > max_containers:
        raise JSONLimitError(f"holds more than {max_containers:,} JSON objects and arrays")


def _bounded_int(digits: str) -> int | float:
    if len(digits.lstrip("-")) > _MAX_INTEGER_DIGITS:
        return -math.inf if digits.startswith("-") else math.inf
    return int(digits)


def load_json(body: bytes) -> Any:
    """Decodes `body` after `check_json_limits`.

    Raises:
        JSONLimitError: the body is over a limit (or too deep for the decoder's stack).
        ValueError: the body is not JSON (`json.JSONDecodeError`, `UnicodeDecodeError`).
    """
    check_json_limits(body)
    try:
        return json.loads(body, parse_int=_bounded_int, parse_float=float, parse_constant=float)
    except RecursionError:
        raise JSONLimitError("is nested too deeply to decode") from None
