"""The syntax of checks: promptfoo's test-CSV words, read into a `Check`.

A dataset's ``__expected`` cells hold checks such as ``icontains:paris``, ``regex:^\\d+$``,
``not-contains:sorry`` or ``levenshtein(2):Paris``; any other text must equal the answer.
promptfoo's own syntax is kept so its datasets load unchanged, and its checks that need a
model, a script or a service to judge are refused by name — never mistaken for text to
equal, which would fail every answer without saying why. ``max-output-tokens:N`` and
``latency:MS`` are this app's own: usage and time are judged too. A regular expression is
compiled here, once per check, after `pattern_limits` has vouched that compiling it is safe.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from typing import Any

import regex

from zerogpu_desktop.safe_text import safe_for_display
from zerogpu_desktop.workbench.evaluate.pattern_limits import pattern_problem

__all__ = [
    "DEFAULT_EDITS",
    "MAX_CHECK_CHARS",
    "MAX_EDITS",
    "MAX_LIMIT",
    "MAX_LIST_ITEMS",
    "Check",
    "CheckKind",
    "CheckSyntaxError",
    "parse_check",
    "quoted",
    "shortened",
]

#: As long as a dataset cell may be.
MAX_CHECK_CHARS = 1024 * 1024
MAX_LIST_ITEMS = 1_000
MAX_EDITS = 1_000
MAX_LIMIT = 10**9
#: promptfoo's distance when ``levenshtein:`` gives none.
DEFAULT_EDITS = 5
_QUOTED_CHARS = 60
_HEAD = re.compile(r"[a-z][a-z0-9-]*")
_DIGITS = re.compile(r"[0-9]{1,10}")

#: promptfoo's checks that need a model, a script, a service or the request to judge.
_REFUSED_TYPES = frozenset(
    {
        "agent-rubric",
        "answer-relevance",
        "assert-set",
        "bleu",
        "classifier",
        "contains-html",
        "contains-sql",
        "contains-xml",
        "context-faithfulness",
        "context-recall",
        "context-relevance",
        "conversation-relevance",
        "cost",
        "f-score",
        "factuality",
        "finish-reason",
        "g-eval",
        "gleu",
        "guardrails",
        "human",
        "is-html",
        "is-refusal",
        "is-sql",
        "is-valid-function-call",
        "is-valid-openai-function-call",
        "is-valid-openai-tools-call",
        "is-xml",
        "javascript",
        "llm-rubric",
        "max-score",
        "meteor",
        "model-graded-closedqa",
        "model-graded-factuality",
        "moderation",
        "perplexity",
        "perplexity-score",
        "pi",
        "promptfoo",
        "python",
        "rouge-l",
        "rouge-n",
        "rouge-s",
        "ruby",
        "search-rubric",
        "select-best",
        "similar",
        "skill-used",
        "tool-call-f1",
        "trace-error-spans",
        "trace-span-count",
        "trace-span-duration",
        "trajectory",
        "webhook",
        "word-count",
    }
)
#: promptfoo's older spellings of code and model-graded checks, refused as written.
_REFUSED_PREFIXES = ("fn:", "eval:", "grade:", "file://")
_SUPPORTED = "contains, regex, is-json, levenshtein, …"


class CheckSyntaxError(ValueError):
    """A check that cannot be used; ``str(exc)`` is one sentence about the check alone."""


class CheckKind(enum.Enum):
    """What a check looks at; the value is its name in a dataset."""

    CONTAINS = "contains"
    ICONTAINS = "icontains"
    CONTAINS_ANY = "contains-any"
    ICONTAINS_ANY = "icontains-any"
    CONTAINS_ALL = "contains-all"
    ICONTAINS_ALL = "icontains-all"
    STARTS_WITH = "starts-with"
    REGEX = "regex"
    IS_JSON = "is-json"
    CONTAINS_JSON = "contains-json"
    LEVENSHTEIN = "levenshtein"
    EQUALS = "equals"
    MAX_OUTPUT_TOKENS = "max-output-tokens"
    LATENCY = "latency"


_KINDS = {kind.value: kind for kind in CheckKind}
_LISTS = {
    CheckKind.CONTAINS_ANY,
    CheckKind.ICONTAINS_ANY,
    CheckKind.CONTAINS_ALL,
    CheckKind.ICONTAINS_ALL,
}
_JSON = {CheckKind.IS_JSON, CheckKind.CONTAINS_JSON}
_LIMITS = {CheckKind.MAX_OUTPUT_TOKENS: "tokens", CheckKind.LATENCY: "milliseconds"}


@dataclass(frozen=True, slots=True)
class Check:
    """A parsed check; only ``text`` (as written) is for callers, the rest is for judging.

    Attributes:
        text: The check as written.
        kind: What it looks at.
        argument: The text after the ``:`` (stripped for `EQUALS`; "" for the JSON checks).
        items: The comma-separated values of the ``-any``/``-all`` checks.
        number: The edits `LEVENSHTEIN` allows, or the limit of a limit check.
        negated: Written with ``not-``: it passes when the check without it fails.
        pattern: The compiled `REGEX` pattern (a ``regex.Pattern``), else None.
    """

    text: str
    kind: CheckKind
    argument: str = ""
    items: tuple[str, ...] = ()
    number: int = 0
    negated: bool = False
    pattern: Any = field(default=None, compare=False, repr=False)


def parse_check(text: str) -> Check:
    """The check a cell holds; raises `CheckSyntaxError` with one sentence when it is unusable."""
    written = text.strip()
    if not written:
        raise CheckSyntaxError("The check is empty.")
    if len(written) > MAX_CHECK_CHARS:
        raise CheckSyntaxError(
            f"The check is {len(written):,} characters long; the limit is {MAX_CHECK_CHARS:,}."
        )
    negated = written.startswith("not-")
    body = written[4:] if negated else written
    if refused := _refused_type(body):
        bare = "" if body != refused else f'; to expect this exact text, write "equals:{written}"'
        raise CheckSyntaxError(
            f'The "{refused}" check is not supported: ZeroGPU Desktop runs only checks it can '
            f"judge on its own ({_SUPPORTED}){bare}."
        )
    head = match.group() if (match := _HEAD.match(body)) else ""
    rest = body[len(head) :]
    kind = _KINDS.get(head) if rest[:1] in ("", ":", "(") else None
    if kind is None:
        if negated:
            raise CheckSyntaxError(
                f"The check {quoted(written)} is not a known check: write not- before a check "
                f'such as contains, icontains, regex or is-json, or write "equals:'
                f'{shortened(written)}" to expect that exact text.'
            )
        return Check(text, CheckKind.EQUALS, written)
    if negated and kind in _LIMITS:
        raise CheckSyntaxError(
            f"The check {quoted(written)} cannot be negated: {head} is a limit; write {head}:N."
        )
    number, argument = _number_and_argument(written, rest)
    return _built(text, written, kind, number, argument, negated)


def _refused_type(body: str) -> str:
    """The promptfoo check ``body`` is written as, when it is one this app refuses, else ""."""
    for prefix in _REFUSED_PREFIXES:
        if body.startswith(prefix):
            return prefix.rstrip(":")
    head = match.group() if (match := _HEAD.match(body)) else ""
    if head in _REFUSED_TYPES and body[len(head) : len(head) + 1] in ("", ":", "("):
        return head
    return ""


def _number_and_argument(written: str, rest: str) -> tuple[str | None, str | None]:
    """What ``(N)`` holds and what follows ``:``, each None when absent."""
    number: str | None = None
    if rest.startswith("("):
        close = rest.find(")")
        if close == -1:
            raise CheckSyntaxError(f"The check {quoted(written)} has a ( with no ).")
        number, rest = rest[1:close], rest[close + 1 :]
    if not rest:
        return number, None
    if not rest.startswith(":"):
        raise CheckSyntaxError(
            f'The check {quoted(written)} needs a ":" right after the ")", e.g. '
            "levenshtein(3):Paris."
        )
    return number, rest[1:]


def _built(
    text: str,
    written: str,
    kind: CheckKind,
    number: str | None,
    argument: str | None,
    negated: bool,
) -> Check:
    name = kind.value
    if kind in _LIMITS:
        unit = _LIMITS[kind]
        value = number if argument is None else argument
        if (number is None) == (argument is None) or not _DIGITS.fullmatch(value or ""):
            raise CheckSyntaxError(
                f"The check {quoted(written)} needs a whole number of {unit} from 0 to "
                f"{MAX_LIMIT:,}, e.g. {name}:{1500 if unit == 'milliseconds' else 500}."
            )
        if int(value or "0") > MAX_LIMIT:
            raise CheckSyntaxError(
                f"The check {quoted(written)} allows more than {MAX_LIMIT:,} {unit}; "
                "write a smaller number."
            )
        return Check(text, kind, number=int(value or "0"))
    edits = DEFAULT_EDITS
    if number is not None:
        if kind is not CheckKind.LEVENSHTEIN:
            raise CheckSyntaxError(
                f"The check {quoted(written)} takes no number in parentheses; write it as "
                f"{name}:Paris."
            )
        if not _DIGITS.fullmatch(number) or int(number) > MAX_EDITS:
            raise CheckSyntaxError(
                f"The check {quoted(written)} needs a whole number of edits from 0 to "
                f"{MAX_EDITS:,} in the parentheses, e.g. levenshtein(3):Paris."
            )
        edits = int(number)
    if kind in _JSON:
        if argument:
            raise CheckSyntaxError(
                f"The check {quoted(written)} gives a JSON schema, which is not supported; "
                f"write {name} alone."
            )
        return Check(text, kind, negated=negated)
    if not argument:
        raise CheckSyntaxError(
            f"The check {quoted(written)} has nothing to look for; write it after the colon, "
            f"e.g. {name}:Paris."
        )
    if kind in _LISTS:
        return Check(text, kind, argument, _listed(written, argument), negated=negated)
    if kind is CheckKind.REGEX:
        return Check(text, kind, argument, negated=negated, pattern=_compiled(argument))
    if kind is CheckKind.EQUALS:
        argument = argument.strip()
    return Check(text, kind, argument, number=edits, negated=negated)


def _listed(written: str, argument: str) -> tuple[str, ...]:
    items = tuple(item.strip() for item in argument.split(",") if item.strip())
    if not items:
        raise CheckSyntaxError(
            f"The check {quoted(written)} lists no values; separate them with commas, "
            "e.g. contains-any:Paris,London."
        )
    if len(items) > MAX_LIST_ITEMS:
        raise CheckSyntaxError(
            f"The check {quoted(written)} lists {len(items):,} values; the limit is "
            f"{MAX_LIST_ITEMS:,}."
        )
    return items


def _compiled(pattern: str) -> Any:
    where = f"The regular expression {quoted(pattern)}"
    if problem := pattern_problem(pattern):
        raise CheckSyntaxError(f"{where} cannot be used: {problem}.")
    try:
        return regex.compile(pattern)
    except regex.error as exc:
        raise CheckSyntaxError(f"{where} is not valid: {exc}.") from None
    except (RecursionError, MemoryError, ValueError, OverflowError, IndexError):
        raise CheckSyntaxError(f"{where} is too complex to use; simplify it.") from None


def shortened(text: str) -> str:
    """Text safe to show on one line, cut to 60 characters with an ellipsis."""
    shown = safe_for_display(text).replace("\n", "\\n").replace("\t", "\\t")
    return shown if len(shown) <= _QUOTED_CHARS else shown[: _QUOTED_CHARS - 1] + "…"


def quoted(text: str) -> str:
    """`shortened` in double quotes, as reasons and errors quote what a check expects."""
    return f'"{shortened(text)}"'
