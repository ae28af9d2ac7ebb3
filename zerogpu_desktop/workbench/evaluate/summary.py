"""What an evaluation came to: per model, and per case over its repeats.

The summary is built while results stream past (from the store, during an export or while the
engine runs), so it keeps counts and hashes, never answers: ten thousand long answers cost
the same few kilobytes as ten short ones.
"""

from __future__ import annotations

import hashlib
import math
import statistics
from array import array
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from zerogpu_desktop.api.tokens import TruncationStatus
from zerogpu_desktop.workbench.evaluate.types import CellResult, CellStatus

__all__ = ["CaseVerdict", "ModelSummary", "SummaryBuilder", "case_verdict"]

#: The verdicts that mean the model may not have read the whole input.
_CUT = frozenset({TruncationStatus.TRUNCATED, TruncationStatus.POSSIBLY_TRUNCATED})


@dataclass(frozen=True, slots=True)
class ModelSummary:
    """One model's column of an evaluation, in numbers.

    Attributes:
        model: The model id.
        cases: Cases with at least one result on this model.
        passed: Cases whose every repeat passed.
        failed: Cases with a failed repeat and no error.
        errors: Cases where some repeat ended in an error.
        truncated: Cells (each repeat counts) whose input was or may have been cut.
        tokens: What the model's cells cost against a token budget.
        latency_median_seconds: The median time of the cells that have one, or None.
    """

    model: str
    cases: int
    passed: int
    failed: int
    errors: int
    truncated: int
    tokens: int
    latency_median_seconds: float | None

    @property
    def pass_rate(self) -> float | None:
        """Passed cases as a share (0..1) of the cases run; None when none ran."""
        return self.passed / self.cases if self.cases else None


@dataclass(frozen=True, slots=True)
class CaseVerdict:
    """One case on one model, judged over its repeats.

    Attributes:
        case_index: The case (0-based).
        model_index: The model column (0-based).
        status: PASSED only when every repeat passed; ERROR when any repeat errored;
            else FAILED. A case that passes only sometimes is not a pass.
        repeats: How many repeats were seen.
        distinct_answers: How many different answers (compared stripped) the repeats gave;
            an error gives no answer, so it is not one of them.
        agreement: The share (0..1) of all repeats, errors included, that gave the most
            common answer: 1.0 means the model is consistent on this case.
        reason: The reason of the first failing repeat (lowest repeat index), "" when passed.
    """

    case_index: int
    model_index: int
    status: CellStatus
    repeats: int
    distinct_answers: int
    agreement: float
    reason: str


def _answer_hash(answer: str) -> bytes:
    """A short fingerprint of the stripped answer: repeats are compared without keeping them."""
    data = answer.strip().encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=8).digest()


@dataclass(slots=True)
class _CellTally:
    """The repeats of one case on one model, as far as a verdict needs them."""

    repeats: int = 0
    any_error: bool = False
    any_failure: bool = False
    first_failure: tuple[int, str] | None = None
    answers: Counter[bytes] = field(default_factory=Counter)

    def add(self, result: CellResult) -> None:
        self.repeats += 1
        if result.status is CellStatus.ERROR:
            self.any_error = True
        else:
            self.answers[_answer_hash(result.answer)] += 1
            if result.status is CellStatus.FAILED:
                self.any_failure = True
        if result.status is not CellStatus.PASSED:
            failure = (result.key.repeat_index, result.reason)
            if self.first_failure is None or failure[0] < self.first_failure[0]:
                self.first_failure = failure

    def verdict(self, case_index: int, model_index: int) -> CaseVerdict:
        if self.any_error:
            status = CellStatus.ERROR
        elif self.any_failure:
            status = CellStatus.FAILED
        else:
            status = CellStatus.PASSED
        most_common = max(self.answers.values(), default=0)
        return CaseVerdict(
            case_index=case_index,
            model_index=model_index,
            status=status,
            repeats=self.repeats,
            distinct_answers=len(self.answers),
            agreement=most_common / self.repeats if self.repeats else 0.0,
            reason=self.first_failure[1] if self.first_failure else "",
        )


def case_verdict(results: Sequence[CellResult]) -> CaseVerdict:
    """Judge all repeats of one case on one model.

    Raises:
        ValueError: ``results`` is empty or mixes cells of different cases or models.
    """
    if not results:
        raise ValueError("A case verdict needs at least one result.")
    first = results[0].key
    tally = _CellTally()
    for result in results:
        if (result.key.case_index, result.key.model_index) != (
            first.case_index,
            first.model_index,
        ):
            raise ValueError("A case verdict takes the repeats of one case on one model only.")
        tally.add(result)
    return tally.verdict(first.case_index, first.model_index)


@dataclass(slots=True)
class _ModelTally:
    truncated: int = 0
    tokens: int = 0
    latencies: array[float] = field(default_factory=lambda: array("d"))


class SummaryBuilder:
    """Adds results one at a time, in any order, and answers for the whole evaluation.

    Memory grows with the number of cells (a small tally each, and one float per latency for
    the median), never with the length of the answers.
    """

    def __init__(self, models: Sequence[str]) -> None:
        self._models = tuple(models)
        self._per_model = [_ModelTally() for _ in self._models]
        self._cells: dict[tuple[int, int], _CellTally] = {}

    def add(self, result: CellResult) -> None:
        """Count ``result``; repeats of one cell may arrive apart and out of order.

        Raises:
            ValueError: The result's model index is not one of the models given.
        """
        model_index = result.key.model_index
        if not 0 <= model_index < len(self._models):
            raise ValueError(
                f"A result names model column {model_index + 1}, but the evaluation has "
                f"{len(self._models)} models."
            )
        model = self._per_model[model_index]
        if result.truncation_status in _CUT:
            model.truncated += 1
        model.tokens += result.tokens_used
        latency = result.latency_seconds
        if latency is not None and math.isfinite(latency) and latency >= 0:
            model.latencies.append(latency)
        cell = (result.key.case_index, model_index)
        tally = self._cells.get(cell)
        if tally is None:
            tally = self._cells[cell] = _CellTally()
        tally.add(result)

    def per_model(self) -> list[ModelSummary]:
        """One summary per model, in model order (a model with no results has zeros)."""
        counts = [Counter[CellStatus]() for _ in self._models]
        for verdict in self.verdicts():
            counts[verdict.model_index][verdict.status] += 1
        summaries = []
        for index, model in enumerate(self._models):
            tally = self._per_model[index]
            status_counts = counts[index]
            summaries.append(
                ModelSummary(
                    model=model,
                    cases=sum(status_counts.values()),
                    passed=status_counts[CellStatus.PASSED],
                    failed=status_counts[CellStatus.FAILED],
                    errors=status_counts[CellStatus.ERROR],
                    truncated=tally.truncated,
                    tokens=tally.tokens,
                    latency_median_seconds=(
                        statistics.median(tally.latencies) if tally.latencies else None
                    ),
                )
            )
        return summaries

    def verdicts(self) -> Iterator[CaseVerdict]:
        """Every case × model seen, ordered by case, then model."""
        for case_index, model_index in sorted(self._cells):
            yield self._cells[(case_index, model_index)].verdict(case_index, model_index)
