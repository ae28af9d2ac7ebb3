"""Argument types for the command line: a bad value stops at the parser, before anything runs.

argparse turns the `ArgumentTypeError` raised here into "argument --timeout: …" and exit
status 2, so a typo such as `--timeout nan` or `history show 99999999999999999999` ends in one
sentence instead of reaching the client (where NaN disables a deadline) or SQLite (where a
20-digit integer overflows). Only the standard library is imported: the parser stays cheap.
"""

from __future__ import annotations

import argparse
import math

from zerogpu_desktop.safe_text import has_space_or_unprintable

#: The same bounds as Settings (`storage.settings`); a test keeps them equal. They are
#: repeated here because importing the storage package would slow every command's start.
MAX_RETRIES = 10
MAX_RESPONSE_MB = 1024
#: A day: longer is a typo, and socket timeouts overflow on absurd values.
MAX_SECONDS = 86_400.0
#: No request can be answered sooner; a smaller "deadline" (1e-320) is a typo.
MIN_SECONDS = 0.01
#: No model takes a billion input tokens; bigger is a typo.
MAX_TOKEN_LIMIT = 1_000_000_000
#: SQLite's INTEGER is signed 64-bit.
MAX_RUN_ID = 2**63 - 1


def _integer(text: str, what: str, low: int, high: int) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise argparse.ArgumentTypeError(
            f"{what} must be a whole number from {low} to {high:,} (got {text!r})."
        )
    return value


def seconds(text: str) -> float:
    """A finite number of seconds from 0.01 to a day: NaN, infinity, zero and negatives are
    refused."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and MIN_SECONDS <= value <= MAX_SECONDS):
        raise argparse.ArgumentTypeError(
            f"give a number of seconds from {MIN_SECONDS:g} to {MAX_SECONDS:,.0f}, "
            f"such as 30 (got {text!r})."
        )
    return value


def retries(text: str) -> int:
    """Zero or more retries, at most as many as Settings allows (a typo must not hang a run)."""
    return _integer(text, "the number of retries", 0, MAX_RETRIES)


def token_limit(text: str) -> int:
    """A positive token count: a zero or negative limit would make every run look truncated."""
    return _integer(text, "the token limit", 1, MAX_TOKEN_LIMIT)


def response_format(text: str) -> str:
    """A `text.format.type` name, checked by the same rule as the window's Format box."""
    from zerogpu_desktop.response_format import RESPONSE_FORMAT_FIX, response_format_problem

    value = text.strip()
    problem = response_format_problem(value)
    if problem is not None:
        raise argparse.ArgumentTypeError(f"the format {problem}. {RESPONSE_FORMAT_FIX}")
    return value


def row_count(text: str) -> int:
    """How many rows to list: at least one."""
    return _integer(text, "the number of runs", 1, MAX_RUN_ID)


def _stored_id(text: str, what: str, listing: str) -> int:
    """An ID as SQLite can hold it; a bad one names the command that lists them."""
    try:
        return _integer(text, what, 1, MAX_RUN_ID)
    except argparse.ArgumentTypeError as exc:
        raise argparse.ArgumentTypeError(
            f"{exc} `zerogpu-desktop {listing}` shows the IDs."
        ) from None


def run_id(text: str) -> int:
    """A history ID as SQLite can hold it."""
    return _stored_id(text, "the run ID", "history list")


def response_megabytes(text: str) -> int:
    """The reply cap in MiB, within the range the Settings dialog offers."""
    return _integer(text, "the largest reply in MiB", 1, MAX_RESPONSE_MB)


def base_url(text: str) -> str:
    """A base URL without spaces or control characters, which would corrupt the request line."""
    if has_space_or_unprintable(text.strip()):
        raise argparse.ArgumentTypeError(
            "the base URL contains a space, a line break or a control character: "
            "give it as https://host[:port]."
        )
    return text


def concurrency(text: str) -> int:
    """Requests in flight at once for an evaluation (the server's rate limit still rules)."""
    return _integer(text, "the concurrency", 1, 64)


def repeat(text: str) -> int:
    """How many times each case runs on each model."""
    return _integer(text, "the repeat count", 1, 100)


def token_budget(text: str) -> int:
    """A token budget for a whole evaluation."""
    return _integer(text, "the token budget", 1, MAX_RUN_ID)


def evaluation_id(text: str) -> int:
    """An evaluation's ID, as `eval list` shows it."""
    return _stored_id(text, "the evaluation ID", "eval list")
