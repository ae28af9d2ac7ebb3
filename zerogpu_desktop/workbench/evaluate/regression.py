"""The regression view: what changed between two evaluations of the same dataset.

Cases are matched by their variables (`Case.key`), not their row, so a reordered or extended
dataset still compares; models by name. Pass→fail comes first because that is what a change
of prompt must not do; fail→pass next; then what changed in the prompt itself.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from zerogpu_desktop.workbench.evaluate.store import EvaluationStore
from zerogpu_desktop.workbench.evaluate.summary import CaseVerdict, SummaryBuilder
from zerogpu_desktop.workbench.evaluate.types import Case, CellStatus, EvaluationInfo

__all__ = ["CaseChange", "Regression", "compare_evaluations"]

#: Prompt diffs longer than this many lines are cut (a prompt is text from outside).
MAX_DIFF_LINES = 400


@dataclass(frozen=True, slots=True)
class CaseChange:
    """One case on one model whose verdict changed."""

    title: str
    model: str
    old: CellStatus
    new: CellStatus
    reason: str
    case_index: int


@dataclass(slots=True)
class Regression:
    """The difference between an evaluation (`new`) and an earlier one (`old`).

    Attributes:
        broke: Cases that passed before and do not now.
        fixed: Cases that did not pass before and do now.
        other: Other changes (failed ↔ error).
        matched: Case × model pairs found in both.
        same_dataset: Both ran the same dataset file (same fingerprint).
        prompt_diff: A unified diff of the prompts and format; empty when unchanged.
    """

    new: EvaluationInfo
    old: EvaluationInfo
    broke: list[CaseChange] = field(default_factory=list)
    fixed: list[CaseChange] = field(default_factory=list)
    other: list[CaseChange] = field(default_factory=list)
    matched: int = 0
    same_dataset: bool = True
    prompt_diff: list[str] = field(default_factory=list)


_Found = dict[tuple[str, str], tuple[Case, CaseVerdict]]


def _verdicts(store: EvaluationStore, info: EvaluationInfo) -> _Found:
    assert info.id is not None
    cases = {case.index: case for case in store.cases(info.id)}
    builder = SummaryBuilder(info.models)
    for result in store.results(info.id):
        builder.add(result)
    found: _Found = {}
    for verdict in builder.verdicts():
        case = cases.get(verdict.case_index)
        if case is not None:
            found[(case.key, info.models[verdict.model_index])] = (case, verdict)
    return found


def prompt_diff(old: EvaluationInfo, new: EvaluationInfo) -> list[str]:
    """What changed in the prompt, as unified diff lines (empty when nothing did)."""

    def text(info: EvaluationInfo) -> list[str]:
        return [
            "# system prompt",
            *info.system_prompt.splitlines(),
            "# user prompt",
            *info.user_prompt.splitlines(),
            f"# response format: {info.response_format}",
        ]

    lines = list(
        difflib.unified_diff(
            text(old),
            text(new),
            f"evaluation {old.id}",
            f"evaluation {new.id}",
            lineterm="",
        )
    )
    if len(lines) > MAX_DIFF_LINES:
        lines = [*lines[:MAX_DIFF_LINES], f"… {len(lines) - MAX_DIFF_LINES:,} more lines"]
    return lines


def compare_evaluations(store: EvaluationStore, new_id: int, old_id: int) -> Regression | None:
    """The regression view of `new_id` against `old_id`; None when either does not exist."""
    new, old = store.info(new_id), store.info(old_id)
    if new is None or old is None:
        return None
    before = _verdicts(store, old)
    after = _verdicts(store, new)
    regression = Regression(
        new,
        old,
        same_dataset=new.dataset_fingerprint == old.dataset_fingerprint,
        prompt_diff=prompt_diff(old, new),
    )
    for key, (case, verdict) in after.items():
        earlier = before.get(key)
        if earlier is None:
            continue
        regression.matched += 1
        old_verdict = earlier[1]
        if old_verdict.status is verdict.status:
            continue
        change = CaseChange(
            case.title(), key[1], old_verdict.status, verdict.status, verdict.reason, case.index
        )
        if old_verdict.status is CellStatus.PASSED:
            regression.broke.append(change)
        elif verdict.status is CellStatus.PASSED:
            regression.fixed.append(change)
        else:
            regression.other.append(change)
    return regression
