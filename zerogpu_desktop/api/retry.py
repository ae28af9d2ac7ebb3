"""When to try a request again, and how long to wait first.

The policy follows openai-python's `_base_client.py`: retry what is
transient (connection errors, timeouts, 408, 409, 429, 5xx), never what
the user must fix (400, 401, 403, 404, 420, 422), back off exponentially
with jitter, and honour the server's `retry-after-ms` / `retry-after`.
"""

from __future__ import annotations

import email.utils
import math
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

__all__ = ["RetryPolicy", "is_retryable_status", "parse_retry_after"]

_RETRYABLE_STATUSES = frozenset({408, 409, 429})
#: A requested wait longer than a day is reported as a day: nobody waits longer for a
#: reply, and "Wait about 1e+300 s" helps no one.
LONGEST_RETRY_AFTER = 86_400.0


def is_retryable_status(status_code: int) -> bool:
    """True for statuses that may succeed if sent again unchanged."""
    return status_code in _RETRYABLE_STATUSES or status_code >= 500


def _sensible_wait(seconds: float) -> float | None:
    if math.isnan(seconds) or seconds < 0:
        return None
    return min(seconds, LONGEST_RETRY_AFTER)


def parse_retry_after(
    headers: Mapping[str, str], *, now: Callable[[], float] = time.time
) -> float | None:
    """Seconds the server asked us to wait, or None if it did not say (or said nonsense).

    `retry-after-ms` wins over `retry-after`; the latter may be seconds or an HTTP date.
    The result is always finite: a wait over a day (or an infinite one) counts as a day.
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    raw_ms = lowered.get("retry-after-ms")
    if raw_ms is not None:
        try:
            millis = _sensible_wait(float(raw_ms) / 1000.0)
        except ValueError:
            millis = None
        if millis is not None:
            return millis
    raw = lowered.get("retry-after")
    if raw is None:
        return None
    raw = raw.strip()
    try:
        seconds = float(raw)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        return _sensible_wait(max(when.timestamp() - now(), 0.0))
    return _sensible_wait(seconds)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How many times to retry and how long to wait.

    Attributes:
        max_retries: retries after the first attempt (0 disables retrying).
        initial_delay: the first backoff, doubled each retry.
        max_delay: the cap on a computed backoff.
        max_retry_after: a server-requested wait above this is not waited
            out: the error is raised at once so the user can decide.
        jitter: the fraction (0..1) by which a backoff is randomly shortened,
            so that many clients do not retry in lockstep.
    """

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    jitter: float = 0.25

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError("max_retries cannot be negative")

    def backoff(self, retries_done: int, rng: Callable[[], float] = random.random) -> float:
        """The computed wait before retry number `retries_done + 1`."""
        delay: float = min(self.initial_delay * 2.0**retries_done, self.max_delay)
        return delay * (1 - self.jitter * rng())

    def wait_before_retry(self, retries_done: int, retry_after: float | None) -> float | None:
        """Seconds to wait before the next try, or None when no retry should happen."""
        if retries_done >= self.max_retries:
            return None
        if retry_after is not None:
            if retry_after > self.max_retry_after:
                return None
            return retry_after
        return self.backoff(retries_done)
