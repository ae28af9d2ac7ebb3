"""Checks on answers: `parse_check` reads one, `judge` says whether an answer meets it.

The syntax — promptfoo's test-CSV words and this app's two — is in `check_syntax`; this module
judges. Judging is done on a worker thread while the window runs, over answers of many
megabytes, so every check is bounded: a regular expression stops at
`CHECK_TIME_LIMIT_SECONDS` (the engine releases the GIL while it matches), the edit distance
and the JSON search read the clock, and a check that could not be judged fails — negated or
not, a check nobody could judge never passes.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from zerogpu_desktop.workbench.evaluate.check_syntax import (
    Check,
    CheckKind,
    CheckSyntaxError,
    parse_check,
    quoted,
)
from zerogpu_desktop.workbench.evaluate.levenshtein import edit_distance_at_most
from zerogpu_desktop.workbench.evaluate.types import CheckOutcome

__all__ = [
    "CHECK_TIME_LIMIT_SECONDS",
    "JSON_STARTS_TRIED",
    "AnswerFacts",
    "Check",
    "CheckSyntaxError",
    "judge",
    "judge_all",
    "parse_check",
]

CHECK_TIME_LIMIT_SECONDS: float = 1.0
#: How many ``{`` or ``[`` a `contains-json` check tries as the start of JSON.
JSON_STARTS_TRIED = 300
#: Up to this many table cells the distance is worked out exactly, for the reason's sake.
_EXACT_DISTANCE_CELLS = 40_000
_LISTED_ITEMS = 3
_TIMED_OUT = f"Check timed out after {CHECK_TIME_LIMIT_SECONDS:g} s."
_JSON_START = re.compile(r"[{\[]")
_IGNORING_CASE = {CheckKind.ICONTAINS, CheckKind.ICONTAINS_ANY, CheckKind.ICONTAINS_ALL}


@dataclass(frozen=True, slots=True)
class AnswerFacts:
    """What a check may look at.

    Attributes:
        text: The answer.
        output_tokens: ``usage.output_tokens``, or None when the server gave none.
        latency_seconds: The successful attempt's time, or None.
    """

    text: str
    output_tokens: int | None
    latency_seconds: float | None


class _UnjudgeableError(Exception):
    """The check cannot be judged on this answer; ``str(exc)`` is the reason it fails."""


def judge(check: Check, facts: AnswerFacts) -> CheckOutcome:
    """Whether the answer meets the check, and if not why; never raises, ends within ~1 s."""
    deadline = time.monotonic() + CHECK_TIME_LIMIT_SECONDS
    try:
        met, unmet_reason, met_reason = _JUDGES[check.kind](check, facts, deadline)
    except TimeoutError:
        return CheckOutcome(check.text, False, _TIMED_OUT)
    except _UnjudgeableError as unjudgeable:
        return CheckOutcome(check.text, False, str(unjudgeable))
    except Exception:  # a check must never take a cell down with it
        return CheckOutcome(check.text, False, "The check could not be judged on this answer.")
    if met != check.negated:
        return CheckOutcome(check.text, True)
    return CheckOutcome(check.text, False, met_reason if check.negated else unmet_reason)


def judge_all(checks: Sequence[Check], facts: AnswerFacts) -> tuple[CheckOutcome, ...]:
    """Every check on one answer, in order."""
    return tuple(judge(check, facts) for check in checks)


#: A judge's verdict: met, the reason when it must be met and is not, the reason when it
#: must not be met and is.
_Verdict = tuple[bool, str, str]


def _contains(check: Check, facts: AnswerFacts, deadline: float) -> _Verdict:
    shown = quoted(check.argument)
    if check.kind is CheckKind.ICONTAINS:
        met = check.argument.casefold() in facts.text.casefold()
        shown += " (ignoring case)"
    else:
        met = check.argument in facts.text
    return (
        met,
        f"The answer does not contain {shown}.",
        f"The answer contains {shown}, which it must not.",
    )


def _contains_listed(check: Check, facts: AnswerFacts, deadline: float) -> _Verdict:
    ignoring_case = check.kind in _IGNORING_CASE
    answer = facts.text.casefold() if ignoring_case else facts.text
    found: list[str] = []
    missing: list[str] = []
    for item in check.items:
        if time.monotonic() > deadline:
            raise TimeoutError
        (found if (item.casefold() if ignoring_case else item) in answer else missing).append(item)
    case = " (ignoring case)" if ignoring_case else ""
    if check.kind in (CheckKind.CONTAINS_ANY, CheckKind.ICONTAINS_ANY):
        return (
            bool(found),
            f"The answer contains none of {_listing(check.items)}{case}.",
            f"The answer contains {_listing(found)}{case}, which it must not.",
        )
    absent = (
        f"does not contain {quoted(missing[0])}"
        if len(missing) == 1
        else f"is missing {_listing(missing)}"
    )
    return (
        not missing,
        f"The answer {absent}{case}.",
        f"The answer contains all of {_listing(check.items)}{case}, which it must not.",
    )


def _starts_with(check: Check, facts: AnswerFacts, deadline: float) -> _Verdict:
    shown = quoted(check.argument)
    return (
        facts.text.lstrip().startswith(check.argument),
        f"The answer does not start with {shown}.",
        f"The answer starts with {shown}, which it must not.",
    )


def _matches(check: Check, facts: AnswerFacts, deadline: float) -> _Verdict:
    found = check.pattern.search(facts.text, timeout=CHECK_TIME_LIMIT_SECONDS, concurrent=True)
    what = f"the regular expression {quoted(check.argument)}"
    return (
        found is not None,
        f"The answer does not match {what}.",
        f"The answer matches {what}, which it must not.",
    )


def _is_json(check: Check, facts: AnswerFacts, deadline: float) -> _Verdict:
    answer = facts.text.strip()
    try:
        _FAST_DECODER.decode(answer)
        met = True
    except RecursionError:
        raise _UnjudgeableError("The answer's JSON is nested too deeply to check.") from None
    except ValueError:
        met = False
    fenced = " (it is inside a ``` code block)" if answer.startswith("```") else ""
    return (
        met,
        f"The answer is not valid JSON{fenced}.",
        "The answer is valid JSON, which it must not be.",
    )


def _contains_json(check: Check, facts: AnswerFacts, deadline: float) -> _Verdict:
    met = False
    for tried, start in enumerate(_JSON_START.finditer(facts.text)):
        if tried == JSON_STARTS_TRIED:
            raise _UnjudgeableError(
                f'The answer has over {JSON_STARTS_TRIED} "{{" or "[" and none of the first '
                f"{JSON_STARTS_TRIED} starts valid JSON."
            )
        try:
            _FAST_DECODER.raw_decode(facts.text, start.start())
            met = True
            break
        except (ValueError, RecursionError):
            pass
        if time.monotonic() > deadline:
            raise TimeoutError
    return (
        met,
        "The answer contains no valid JSON object or array.",
        "The answer contains JSON, which it must not.",
    )


def _near(check: Check, facts: AnswerFacts, deadline: float) -> _Verdict:
    answer, expected, allowed = facts.text.strip(), check.argument, check.number
    shown = quoted(expected)
    exact = len(answer) * len(expected) <= _EXACT_DISTANCE_CELLS
    ceiling = max(len(answer), len(expected), allowed) if exact else allowed
    distance = edit_distance_at_most(answer, expected, ceiling, deadline)
    if distance is not None and distance <= allowed:
        return (
            True,
            "",
            f"The answer is {_edits(distance)} from {shown}; it must be more than {allowed:,}.",
        )
    how_far = _edits(distance) if distance is not None else f"more than {_edits(allowed)}"
    return False, f"The answer is {how_far} from {shown} (at most {allowed:,} allowed).", ""


def _equals(check: Check, facts: AnswerFacts, deadline: float) -> _Verdict:
    shown = quoted(check.argument)
    return (
        facts.text.strip() == check.argument,
        f"The answer is not exactly {shown}.",
        f"The answer is exactly {shown}, which it must not be.",
    )


def _within_tokens(check: Check, facts: AnswerFacts, deadline: float) -> _Verdict:
    if facts.output_tokens is None:
        raise _UnjudgeableError("Usage unknown: the server reported no output tokens.")
    used, limit = facts.output_tokens, check.number
    unit = "output token" if used == 1 else "output tokens"
    return used <= limit, f"Used {used:,} {unit}; the limit is {limit:,}.", ""


def _within_time(check: Check, facts: AnswerFacts, deadline: float) -> _Verdict:
    seconds = facts.latency_seconds
    if seconds is None or not math.isfinite(seconds):
        raise _UnjudgeableError("Latency unknown: no time was measured for this answer.")
    took = round(seconds * 1000, 6)  # 0.7 s is 700 ms, not 700.0000000000001
    return (
        took <= check.number,
        f"Took {math.ceil(took):,} ms; the limit is {check.number:,} ms.",
        "",
    )


_JUDGES: dict[CheckKind, Callable[[Check, AnswerFacts, float], _Verdict]] = {
    CheckKind.CONTAINS: _contains,
    CheckKind.ICONTAINS: _contains,
    CheckKind.CONTAINS_ANY: _contains_listed,
    CheckKind.ICONTAINS_ANY: _contains_listed,
    CheckKind.CONTAINS_ALL: _contains_listed,
    CheckKind.ICONTAINS_ALL: _contains_listed,
    CheckKind.STARTS_WITH: _starts_with,
    CheckKind.REGEX: _matches,
    CheckKind.IS_JSON: _is_json,
    CheckKind.CONTAINS_JSON: _contains_json,
    CheckKind.LEVENSHTEIN: _near,
    CheckKind.EQUALS: _equals,
    CheckKind.MAX_OUTPUT_TOKENS: _within_tokens,
    CheckKind.LATENCY: _within_time,
}


def _no_value(_text: str) -> None:
    """Numbers are only checked for syntax: converting them would cost time."""
    return None


def _no_object(_pairs: list[tuple[str, Any]]) -> None:
    """Objects are only checked for syntax: building them would cost time and memory."""
    return None


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


#: Reads JSON strictly (no NaN or Infinity, as JSON.parse) without building its values.
_FAST_DECODER = json.JSONDecoder(
    object_pairs_hook=_no_object,
    parse_float=_no_value,
    parse_int=_no_value,
    parse_constant=_refuse_constant,
)


def _edits(count: int) -> str:
    return f"{count:,} edit" if count == 1 else f"{count:,} edits"


def _listing(items: Sequence[str]) -> str:
    """Up to three values, quoted, and how many more: ``"a", "b", "c" and 4 more``."""
    shown = [quoted(item) for item in items[:_LISTED_ITEMS]]
    if len(items) > _LISTED_ITEMS:
        return ", ".join(shown) + f" and {len(items) - _LISTED_ITEMS:,} more"
    return " and ".join(filter(None, (", ".join(shown[:-1]), *shown[-1:])))
