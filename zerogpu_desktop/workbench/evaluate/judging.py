"""One cell's run → its `CellResult`: the checks judged off the loop, the truncation verdict.

A case whose input was cut (or possibly cut) did not test what it claims, so it fails with the
verdict as its reason unless the row allows truncation; an unknown verdict does not fail it. A
failed request is an error whose sentence is the reason.
"""

from __future__ import annotations

from zerogpu_desktop import background
from zerogpu_desktop.api.tokens import TruncationStatus
from zerogpu_desktop.workbench.evaluate.checks import (
    CHECK_TIME_LIMIT_SECONDS,
    AnswerFacts,
    Check,
    judge_all,
)
from zerogpu_desktop.workbench.evaluate.types import (
    Case,
    CellKey,
    CellResult,
    CellStatus,
    CheckOutcome,
)
from zerogpu_desktop.workbench.outcome import RunOutcome

__all__ = ["CUT_INPUT", "judge_cell"]

#: Verdicts that mean the case did not test what it claims.
CUT_INPUT = (TruncationStatus.TRUNCATED, TruncationStatus.POSSIBLY_TRUNCATED)


async def judge_cell(
    cell: CellKey,
    case: Case,
    checks: list[Check],
    outcome: RunOutcome,
    worker: background.Worker,
) -> CellResult:
    """The result of a finished (not cancelled) run of `case` on the cell's model.

    The checks run on `worker`, one thread for the whole evaluation (a thread per cell would
    cost more than most checks); a job past its bound is abandoned and the worker replaced.
    """
    model = outcome.spec.model
    if not outcome.succeeded:
        words = outcome.explanation
        reason = words.as_line() if words else "The request failed."
        return _result(cell, model, outcome, CellStatus.ERROR, reason)
    response = outcome.response
    assert response is not None
    usage = response.usage
    facts = AnswerFacts(
        response.text, usage.output_tokens if usage else None, outcome.attempt_seconds
    )
    judged = await _judge(checks, facts, worker)
    assessment = outcome.assessment
    status, reason = CellStatus.PASSED, ""
    if assessment and assessment.status in CUT_INPUT and not case.allow_truncation:
        status, reason = CellStatus.FAILED, assessment.explanation
    elif any(not check.passed for check in judged):
        status = CellStatus.FAILED
        reason = next(check.reason for check in judged if not check.passed)
    return _result(cell, model, outcome, status, reason, judged)


async def _judge(
    checks: list[Check], facts: AnswerFacts, worker: background.Worker
) -> tuple[CheckOutcome, ...]:
    """Every check of a cell, off the loop: each is bounded by itself, the whole by this."""
    if not checks:
        return ()
    bound = CHECK_TIME_LIMIT_SECONDS * (len(checks) + 1) + 5
    try:
        return await worker.run(judge_all, checks, facts, timeout=bound)
    except TimeoutError:
        late = f"Check timed out after {CHECK_TIME_LIMIT_SECONDS:g} s."
        return tuple(CheckOutcome(check.text, False, late) for check in checks)


def _result(
    cell: CellKey,
    model: str,
    outcome: RunOutcome,
    status: CellStatus,
    reason: str,
    judged: tuple[CheckOutcome, ...] = (),
) -> CellResult:
    response = outcome.response
    usage = response.usage if response else None
    assessment = outcome.assessment
    return CellResult(
        key=cell,
        model=model,
        status=status,
        answer=response.text if response else "",
        reason=reason,
        checks=judged,
        input_tokens=usage.input_tokens if usage else None,
        output_tokens=usage.output_tokens if usage else None,
        total_tokens=usage.total_tokens if usage else None,
        latency_seconds=outcome.attempt_seconds,
        truncation_status=assessment.status if assessment else None,
        truncation_note=assessment.explanation if assessment else None,
        run_id=outcome.history_id,
    )
