"""The retry policy: what is retried, and how long each wait is."""

from __future__ import annotations

import email.utils

import pytest

from zerogpu_desktop.api.retry import (
    LONGEST_RETRY_AFTER,
    RetryPolicy,
    is_retryable_status,
    parse_retry_after,
)


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504, 599])
def test_transient_statuses_are_retried(status: int) -> None:
    assert is_retryable_status(status)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 420, 422])
def test_statuses_the_user_must_fix_are_not(status: int) -> None:
    assert not is_retryable_status(status)


def test_retry_after_ms_wins() -> None:
    assert parse_retry_after({"retry-after-ms": "250", "retry-after": "9"}) == 0.25


def test_retry_after_seconds_and_http_date() -> None:
    assert parse_retry_after({"Retry-After": "2"}) == 2.0
    date = email.utils.formatdate(1_000_030, usegmt=True)
    assert parse_retry_after({"retry-after": date}, now=lambda: 1_000_000.0) == 30.0


@pytest.mark.parametrize("value", ["soon", "-3", "", "nan", "NaN", "-inf"])
def test_nonsense_retry_after_is_ignored(value: str) -> None:
    assert parse_retry_after({"retry-after": value}) is None
    assert parse_retry_after({"retry-after-ms": value}) is None


@pytest.mark.parametrize(
    "headers",
    [
        {"retry-after": "inf"},
        {"retry-after": "1e300"},
        {"retry-after": "1e999"},
        {"retry-after-ms": "Infinity"},
        {"retry-after-ms": "1e999"},
        {"retry-after": "Fri, 31 Dec 9999 23:59:59 GMT"},
    ],
)
def test_an_absurd_wait_is_capped_at_a_day_never_infinite(headers: dict[str, str]) -> None:
    assert parse_retry_after(headers) == LONGEST_RETRY_AFTER == 86_400.0


def test_backoff_doubles_caps_and_jitters_down() -> None:
    policy = RetryPolicy(initial_delay=0.5, max_delay=8.0, jitter=0.25)
    assert [policy.backoff(n, rng=lambda: 0.0) for n in range(6)] == [0.5, 1, 2, 4, 8, 8]
    assert policy.backoff(0, rng=lambda: 1.0) == pytest.approx(0.375)


def test_no_retry_after_the_budget_is_spent() -> None:
    policy = RetryPolicy(max_retries=2)
    assert policy.wait_before_retry(0, None) is not None
    assert policy.wait_before_retry(1, None) is not None
    assert policy.wait_before_retry(2, None) is None


def test_server_asked_wait_is_honoured_unless_over_a_minute() -> None:
    policy = RetryPolicy(max_retries=2)
    assert policy.wait_before_retry(0, 7.0) == 7.0
    assert policy.wait_before_retry(0, 61.0) is None


def test_negative_retries_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        RetryPolicy(max_retries=-1)
