"""What makes a `regex:` pattern from a dataset unsafe to compile.

Matching is bounded by a timeout, but compiling is not: the ``regex`` engine writes a fixed
repeat out in full, so ``(?:(?:a{1000}){1000}){1000}`` — 28 characters — asks for a billion
items and exhausts memory before any match starts. Before a pattern is compiled, this reads
its structure the way the engine's own parser does (escapes, character sets, comments,
groups, ``{m,n}`` counts) and adds up what the repeats multiply out to.

The few features whose parsing differs enough to hide a repeat from that reading — the
verbose and version flags, POSIX classes inside sets — are refused; JavaScript patterns, the
kind promptfoo datasets hold, have none of them.
"""

from __future__ import annotations

import re

__all__ = ["MAX_EXPANDED_ITEMS", "MAX_GROUP_DEPTH", "MAX_PATTERN_CHARS", "pattern_problem"]

MAX_PATTERN_CHARS = 10_000
#: What the repeats may multiply out to; the engine needs about 400 bytes for each.
MAX_EXPANDED_ITEMS = 100_000
MAX_GROUP_DEPTH = 100

_COUNTED_REPEAT = re.compile(r"\{([0-9]*)(?:,([0-9]*))?\}")
_FLAG_GROUP = re.compile(r"\(\?([a-zA-Z0-9^-]*)[:)]")
#: Escapes whose ``{…}`` is part of the escape (``\x{263A}``, ``\p{Greek}``), not a repeat.
_BRACED_ESCAPES = frozenset("xNpP")
#: How far the closing brace of a braced escape may be (the longest Unicode names fit).
_BRACED_ESCAPE_CHARS = 100


class _RefusedError(Exception):
    """A pattern this reading cannot vouch for; ``str(exc)`` is the reason."""


def pattern_problem(pattern: str) -> str | None:
    """Why the pattern may not be compiled, as a clause ("it …"), or None when it may."""
    if len(pattern) > MAX_PATTERN_CHARS:
        return f"it is {len(pattern):,} characters long; the limit is {MAX_PATTERN_CHARS:,}"
    try:
        items = _expanded_items(pattern)
    except _RefusedError as refused:
        return str(refused)
    if items > MAX_EXPANDED_ITEMS:
        return (
            f"its repeat counts multiply out to more than {MAX_EXPANDED_ITEMS:,} items; "
            "use smaller {n} counts"
        )
    return None


def _expanded_items(pattern: str) -> int:
    """What the pattern's repeats write out to (an upper bound; stops once over the limit)."""
    groups = [0]  # items so far in each open group, outermost first
    last = 0  # items in the atom a following {m,n} would repeat
    index, end = 0, len(pattern)
    while index < end:
        char = pattern[index]
        if char == "\\":
            index = _escape_end(pattern, index)
            atom = 1
        elif char == "[":
            index = _set_end(pattern, index)
            atom = 1
        elif char == "(":
            if pattern.startswith("(?#", index):
                index = _comment_end(pattern, index)
                continue
            if (flags := _FLAG_GROUP.match(pattern, index)) and (
                "x" in flags.group(1) or "V" in flags.group(1)
            ):
                raise _RefusedError(
                    "the verbose flag (?x) and the version flags (?V0) and (?V1) are not "
                    "supported; write the pattern without them"
                )
            groups.append(0)
            if len(groups) > MAX_GROUP_DEPTH:
                raise _RefusedError(f"it nests groups more than {MAX_GROUP_DEPTH} deep")
            last = 0
            index += 1
            continue
        elif char == ")":
            atom = max(groups.pop(), 1) if len(groups) > 1 else 1
            index += 1
        elif char == "|":
            last = 0
            index += 1
            continue
        elif char == "{" and (repeat := _COUNTED_REPEAT.match(pattern, index)):
            index = repeat.end()
            least = repeat.group(1)
            count = int(least) if 0 < len(least) <= 7 else (0 if not least else 10**8)
            factor = max(count, 1)
            groups[-1] += last * (factor - 1)
            last *= factor
            if groups[-1] > MAX_EXPANDED_ITEMS:
                return groups[-1]
            continue
        else:
            atom = 1
            index += 1
        groups[-1] += atom
        last = atom
        if groups[-1] > MAX_EXPANDED_ITEMS:
            return groups[-1]
    return sum(groups)


def _escape_end(pattern: str, index: int) -> int:
    """Where the escape at ``index`` ends: after its letter, or after its ``{…}``."""
    after = index + 2
    if pattern[index + 1 : after] in _BRACED_ESCAPES and pattern.startswith("{", after):
        close = pattern.find("}", after, after + _BRACED_ESCAPE_CHARS)
        if close != -1:
            return close + 1
    return after


def _set_end(pattern: str, index: int) -> int:
    """Where the set opened at ``index`` ends, as the engine reads it (a leading ``]`` is a
    member, a backslash escapes the next character)."""
    position = index + 1
    if pattern.startswith("^", position):
        position += 1
    if pattern.startswith("]", position):
        position += 1
    while position < len(pattern):
        char = pattern[position]
        if char == "\\":
            position += 2
        elif char == "]":
            return position + 1
        elif char == "[" and pattern.startswith(":", position + 1):
            raise _RefusedError(
                "POSIX classes such as [[:alpha:]] are not supported; use \\p{Alpha} instead"
            )
        else:
            position += 1
    return len(pattern)


def _comment_end(pattern: str, index: int) -> int:
    """Where the ``(?#…)`` comment at ``index`` ends (a backslash escapes the next character)."""
    position = index + 3
    while position < len(pattern):
        char = pattern[position]
        if char == ")":
            return position + 1
        position += 2 if char == "\\" else 1
    return len(pattern)
