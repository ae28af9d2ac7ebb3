"""The numbers an evaluation comes to: verdicts over repeats, and each model's column."""

from __future__ import annotations

import random
import tracemalloc
from collections.abc import Iterator

import pytest

from zerogpu_desktop.api.tokens import TruncationStatus
from zerogpu_desktop.workbench.evaluate.summary import (
    ModelSummary,
    SummaryBuilder,
    case_verdict,
)
from zerogpu_desktop.workbench.evaluate.types import CellKey, CellResult, CellStatus, CheckOutcome

MODELS = ("alpha", "beta", "gamma")


def result(
    case: int,
    model: int = 0,
    repeat: int = 0,
    status: CellStatus = CellStatus.PASSED,
    answer: str = "Paris",
    reason: str = "",
    **extra: object,
) -> CellResult:
    checks = (
        ()
        if status is CellStatus.ERROR
        else (CheckOutcome("icontains:paris", status is CellStatus.PASSED, reason),)
    )
    return CellResult(
        key=CellKey(case, model, repeat),
        model=MODELS[model],
        status=status,
        answer="" if status is CellStatus.ERROR else answer,
        reason=reason,
        checks=checks,
        **extra,  # type: ignore[arg-type]
    )


def failed(
    case: int, model: int = 0, repeat: int = 0, answer: str = "Lyon", reason: str = ""
) -> CellResult:
    return result(
        case, model, repeat, CellStatus.FAILED, answer, reason or f"repeat {repeat + 1} failed"
    )


def errored(case: int, model: int = 0, repeat: int = 0, reason: str = "") -> CellResult:
    return result(
        case, model, repeat, CellStatus.ERROR, reason=reason or f"repeat {repeat + 1} errored"
    )


# --- case_verdict ------------------------------------------------------------------------------


def test_three_repeats_a_a_b_give_two_distinct_answers_and_two_thirds_agreement() -> None:
    verdict = case_verdict(
        [result(0, answer="a"), result(0, repeat=1, answer="a"), result(0, repeat=2, answer="b")]
    )
    assert verdict.status is CellStatus.PASSED
    assert verdict.repeats == 3
    assert verdict.distinct_answers == 2
    assert verdict.agreement == pytest.approx(2 / 3)
    assert verdict.reason == ""


def test_answers_are_compared_stripped() -> None:
    verdict = case_verdict([result(0, answer="Paris"), result(0, repeat=1, answer="  Paris\n")])
    assert verdict.distinct_answers == 1
    assert verdict.agreement == 1.0


def test_a_single_repeat_agrees_with_itself() -> None:
    verdict = case_verdict([result(4, model=2)])
    assert (verdict.case_index, verdict.model_index) == (4, 2)
    assert (verdict.repeats, verdict.distinct_answers, verdict.agreement) == (1, 1, 1.0)


def test_a_case_passes_only_when_every_repeat_passed() -> None:
    verdict = case_verdict([result(0), failed(0, repeat=1), result(0, repeat=2)])
    assert verdict.status is CellStatus.FAILED
    assert verdict.reason == "repeat 2 failed"


def test_one_error_among_the_repeats_makes_the_case_an_error() -> None:
    verdict = case_verdict(
        [result(0), result(0, repeat=1), errored(0, repeat=2, reason="Timed out.")]
    )
    assert verdict.status is CellStatus.ERROR
    assert verdict.reason == "Timed out."
    # An error gives no answer: the two passes are the only (and same) answer, 2 of 3 repeats.
    assert verdict.distinct_answers == 1
    assert verdict.agreement == pytest.approx(2 / 3)


def test_error_wins_over_failure_and_the_reason_is_the_first_failing_repeat() -> None:
    verdict = case_verdict([errored(0, repeat=2), failed(0, repeat=1, reason="first")])
    assert verdict.status is CellStatus.ERROR
    assert verdict.reason == "first"  # repeat 2 of 3 failed before repeat 3 errored


def test_all_errors_give_no_answers_and_no_agreement() -> None:
    verdict = case_verdict([errored(0), errored(0, repeat=1)])
    assert (verdict.distinct_answers, verdict.agreement) == (0, 0.0)


def test_a_verdict_needs_results_of_one_cell() -> None:
    with pytest.raises(ValueError, match="at least one"):
        case_verdict([])
    with pytest.raises(ValueError, match="one case on one model"):
        case_verdict([result(0), result(1)])
    with pytest.raises(ValueError, match="one case on one model"):
        case_verdict([result(0, model=0), result(0, model=1)])


# --- SummaryBuilder ----------------------------------------------------------------------------


def evaluation() -> list[CellResult]:
    """Three cases × three models × two repeats, with every kind of ending."""
    return [
        # alpha: case 0 passes twice, case 1 fails once, case 2 errors once.
        result(0, 0, 0, total_tokens=10, latency_seconds=1.0),
        result(0, 0, 1, total_tokens=10, latency_seconds=3.0),
        result(1, 0, 0, input_tokens=4, output_tokens=3, latency_seconds=2.0),
        failed(1, 0, 1),
        errored(2, 0, 0),
        result(2, 0, 1, truncation_status=TruncationStatus.TRUNCATED),
        # beta: everything passes; truncation verdicts of every kind.
        result(0, 1, 0, truncation_status=TruncationStatus.POSSIBLY_TRUNCATED),
        result(0, 1, 1, truncation_status=TruncationStatus.REJECTED),
        result(1, 1, 0, truncation_status=TruncationStatus.UNKNOWN),
        result(1, 1, 1, truncation_status=TruncationStatus.NOT_TRUNCATED),
        result(2, 1, 0, truncation_status=TruncationStatus.TRUNCATED),
        result(2, 1, 1),
        # gamma: nothing ran.
    ]


def test_per_model_counts_cases_over_their_repeats() -> None:
    builder = SummaryBuilder(MODELS)
    shuffled = evaluation()
    random.Random(7).shuffle(shuffled)  # repeats of one cell arrive apart and out of order
    for item in shuffled:
        builder.add(item)
    alpha, beta, gamma = builder.per_model()
    assert alpha == ModelSummary(
        model="alpha",
        cases=3,
        passed=1,
        failed=1,
        errors=1,
        truncated=1,
        tokens=10 + 10 + 4 + 3,
        latency_median_seconds=2.0,
    )
    assert alpha.pass_rate == pytest.approx(1 / 3)
    assert (beta.cases, beta.passed, beta.failed, beta.errors) == (3, 3, 0, 0)
    assert beta.truncated == 2  # TRUNCATED and POSSIBLY_TRUNCATED; not REJECTED or UNKNOWN
    assert beta.pass_rate == 1.0
    assert beta.latency_median_seconds is None
    assert gamma == ModelSummary("gamma", 0, 0, 0, 0, 0, 0, None)


def test_pass_rate_is_none_without_cases() -> None:
    assert SummaryBuilder(MODELS).per_model()[0].pass_rate is None
    assert ModelSummary("m", 0, 0, 0, 0, 0, 0, None).pass_rate is None
    assert ModelSummary("m", 4, 1, 3, 0, 0, 0, None).pass_rate == 0.25


def test_verdicts_come_by_case_then_model() -> None:
    builder = SummaryBuilder(MODELS)
    for item in reversed(evaluation()):
        builder.add(item)
    verdicts = list(builder.verdicts())
    assert [(v.case_index, v.model_index) for v in verdicts] == [
        (0, 0),
        (0, 1),
        (1, 0),
        (1, 1),
        (2, 0),
        (2, 1),
    ]
    assert [v.status for v in verdicts if v.model_index == 0] == [
        CellStatus.PASSED,
        CellStatus.FAILED,
        CellStatus.ERROR,
    ]
    assert all(v.repeats == 2 for v in verdicts)


def test_median_latency_ignores_missing_and_impossible_times() -> None:
    builder = SummaryBuilder(MODELS)
    for repeat, latency in enumerate([0.5, None, float("nan"), -1.0, 1.5, 4.0]):
        builder.add(result(0, repeat=repeat, latency_seconds=latency))
    assert builder.per_model()[0].latency_median_seconds == 1.5


def test_a_result_for_an_unknown_model_column_is_refused() -> None:
    builder = SummaryBuilder(MODELS[:1])
    with pytest.raises(ValueError, match="model column 2, but the evaluation has 1 models"):
        builder.add(result(0, model=1))
    with pytest.raises(ValueError, match="model column"):
        builder.add(CellResult(CellKey(0, -1), "alpha", CellStatus.PASSED))


def test_the_builder_keeps_no_answers() -> None:
    def long_answers() -> Iterator[CellResult]:
        for case in range(500):
            for repeat in range(2):
                yield result(case, repeat=repeat, answer=f"{case}-{repeat} " + "x" * 20_000)

    builder = SummaryBuilder(MODELS)
    tracemalloc.start()
    try:
        for item in long_answers():  # 20 MB of answers pass through
            builder.add(item)
        kept, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert kept < 2_000_000
    verdicts = list(builder.verdicts())
    assert len(verdicts) == 500
    assert all(v.distinct_answers == 2 and v.agreement == 0.5 for v in verdicts)
