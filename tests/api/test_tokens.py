"""Token estimates and the truncation verdicts shown in the status bar."""

from __future__ import annotations

import pytest

from zerogpu_desktop.api.tokens import (
    MIN_CALIBRATION_SAMPLES,
    TokenCalibration,
    TruncationStatus,
    assess_truncation,
    estimate_tokens,
    rejected_assessment,
)


def test_estimate_basics() -> None:
    assert estimate_tokens("") == 0
    assert estimate_tokens("a") == 1
    assert estimate_tokens("x" * 400) == 100
    assert estimate_tokens("漢字" * 50) == 100
    assert estimate_tokens("é" * 10) == 5


def test_estimate_is_fast_on_a_large_prompt() -> None:
    import time

    text = ("The quick brown fox jumps over the lazy dog. " * 2500) + "ü"
    start = time.perf_counter()
    estimate_tokens(text)
    assert time.perf_counter() - start < 0.1


def test_unknown_without_usage() -> None:
    verdict = assess_truncation("hello", None)
    assert verdict.status is TruncationStatus.UNKNOWN
    assert "did not report" in verdict.explanation


def test_known_limit_reached_with_long_input_is_truncated() -> None:
    verdict = assess_truncation("word " * 2000, 100, limit=100)
    assert verdict.status is TruncationStatus.TRUNCATED
    assert verdict.explanation == "Truncated: input cut to 100 tokens (limit 100)."


def test_known_limit_not_reached() -> None:
    verdict = assess_truncation("word " * 20, 20, limit=100)
    assert verdict.status is TruncationStatus.NOT_TRUNCATED


def test_at_the_limit_with_a_short_estimate_is_only_possible() -> None:
    verdict = assess_truncation("a b c", 100, limit=100)
    assert verdict.status is TruncationStatus.POSSIBLY_TRUNCATED


def test_unknown_limit_large_gap_is_possibly_truncated() -> None:
    verdict = assess_truncation("lorem ipsum " * 1000, 100)
    assert verdict.status is TruncationStatus.POSSIBLY_TRUNCATED
    assert verdict.explanation.startswith(
        "Possibly truncated: ~3,000 tokens estimated, 100 counted"
    )


@pytest.mark.parametrize(
    ("text", "counted"),
    [("Hi", 1), ("Hello there, how are you today?", 3), ("x" * 100, 2), ("ok " * 30, 1)],
)
def test_short_inputs_never_raise_false_alarms(text: str, counted: int) -> None:
    assert assess_truncation(text, counted).status is TruncationStatus.NOT_TRUNCATED


def test_calibration_learns_and_tightens() -> None:
    calibration = TokenCalibration()
    text = "alpha beta, gamma. " * 40  # 760 chars: heuristic 190
    for _ in range(MIN_CALIBRATION_SAMPLES - 1):
        assert calibration.record("m", text, 200)
    assert calibration.factor_for("m") is None
    calibration.record("m", text, 200)
    assert calibration.factor_for("m") == pytest.approx(200 / 190)
    assert calibration.estimate(text, "m") == 200
    assert calibration.estimate(text, "other") == 190
    # With calibration, a 30% shortfall is suspicious; without, it is not.
    counted = 140
    assert assess_truncation(text, counted).status is TruncationStatus.NOT_TRUNCATED
    verdict = assess_truncation(text, counted, model="m", calibration=calibration)
    assert verdict.status is TruncationStatus.POSSIBLY_TRUNCATED


def test_calibration_ignores_tiny_runs_and_survives_json() -> None:
    calibration = TokenCalibration()
    assert not calibration.record("m", "hi", 2)
    for _ in range(30):
        calibration.record("m", "word " * 100, 100)
    assert len(calibration.samples["m"]) == 25
    restored = TokenCalibration.from_json(calibration.to_json())
    assert restored.samples == calibration.samples
    assert TokenCalibration.from_json({"m": ["x", -1, True, 1.5], 3: [1]}).samples == {"m": [1.5]}
    assert TokenCalibration.from_json("garbage").samples == {}


def test_rejected_verdict_words() -> None:
    verdict = rejected_assessment("x" * 10)
    assert verdict.status is TruncationStatus.REJECTED
    assert verdict.explanation == "Rejected: input longer than the model's context length."


def test_an_unknown_verdict_gives_the_real_reason_when_the_counts_were_absurd() -> None:
    from zerogpu_desktop.api.tokens import TruncationStatus, assess_truncation

    problem = "the server reported token counts that cannot be right: input_tokens is negative"
    verdict = assess_truncation("hello", None, usage_problem=problem)
    assert verdict.status is TruncationStatus.UNKNOWN
    assert verdict.explanation == f"Unknown: {problem}, so truncation cannot be checked."
    assert "did not report" not in verdict.explanation
