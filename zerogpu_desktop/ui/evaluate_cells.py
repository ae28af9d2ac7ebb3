"""What the Evaluate grid knows about its cells without holding the answers.

A grid of 10,000 results must scroll like one of ten, so nothing here keeps an answer: a cell
is shown from a `CellView` (its verdict over the repeats, the first lines of its first
answer, its figures), built from the store a page at a time; and the filters and the summary
row come from a `GridTally`, a few bytes per case updated one result at a time as they
stream in. The words a cell says are here too, so a screen reader hears what is drawn: a mark
and its word ("✓ Passed"), never a colour alone.
"""

from __future__ import annotations

import hashlib
from array import array
from dataclasses import dataclass

from zerogpu_desktop.api.tokens import TruncationStatus
from zerogpu_desktop.safe_text import safe_for_display
from zerogpu_desktop.workbench.evaluate.types import Case, CellResult, CellStatus

__all__ = [
    "DIFFERENT",
    "ERRORS",
    "FAILURES",
    "MARKS",
    "CellView",
    "GridTally",
    "ModelTotals",
    "answer_preview",
    "case_line",
    "cell_text",
    "cell_tooltip",
    "spoken_cell",
    "summary_text",
]

#: Filter bits of a case: a check failed, a request errored, the answers disagree.
FAILURES = 1
ERRORS = 2
DIFFERENT = 4
#: How many lines of an answer a cell shows, and how much of each.
PREVIEW_LINES = 2
PREVIEW_LINE_CHARS = 160
#: Only the start of an answer is read for its preview: a 3 MB answer costs what a short one does.
PREVIEW_SCAN_CHARS = 4096
#: The case column's second line shows this much of the case's variables.
CASE_DETAIL_CHARS = 120
#: Verdicts that mean the model may not have read the whole input.
CUT = frozenset({TruncationStatus.TRUNCATED, TruncationStatus.POSSIBLY_TRUNCATED})
#: Worse outcomes rank higher: a cell's verdict is the worst of its repeats.
_RANK = {CellStatus.PASSED: 1, CellStatus.FAILED: 2, CellStatus.ERROR: 3}
_BY_RANK = {rank: status for status, rank in _RANK.items()}
#: Each outcome's mark and word, and the colour of its line ("ok", "bad").
MARKS = {
    CellStatus.PASSED: ("✓ Passed", "ok"),
    CellStatus.FAILED: ("✗ Failed", "bad"),
    CellStatus.ERROR: ("! Error", "bad"),
}
CUT_WORDS = {
    TruncationStatus.TRUNCATED: "Truncated",
    TruncationStatus.POSSIBLY_TRUNCATED: "Possibly truncated",
}


def answer_preview(answer: str) -> str:
    """The first non-empty lines of an answer, each clipped: what fits in a grid cell."""
    lines: list[str] = []
    for line in answer.lstrip()[:PREVIEW_SCAN_CHARS].splitlines():
        line = line.strip()
        if not line:
            continue
        if len(line) > PREVIEW_LINE_CHARS:
            line = line[: PREVIEW_LINE_CHARS - 1].rstrip() + "…"
        lines.append(line)
        if len(lines) == PREVIEW_LINES:
            break
    return "\n".join(lines)


def _answer_hash(answer: str) -> int:
    """A short fingerprint of the stripped answer: answers are compared without keeping them."""
    digest = hashlib.blake2b(answer.strip().encode("utf-8", "surrogatepass"), digest_size=8)
    return int.from_bytes(digest.digest(), "big")


@dataclass(frozen=True, slots=True)
class CellView:
    """One case on one model as the grid shows it, merged over the repeats seen so far.

    Attributes:
        status: The worst outcome of the repeats (one failing repeat fails the cell).
        repeats: The repeats seen, as a bit mask (bit n is repeat n), so merging the same
            result twice counts it once.
        passed: How many of them passed.
        first_repeat: The lowest repeat seen: the preview and figures are its own.
        preview: The first lines of that repeat's answer ("" on an error).
        reason: That repeat's reason, else the first reason of any failing repeat.
        tokens: Tokens of all repeats (what they cost against a budget).
        latency_seconds: The first repeat's time, or None.
        truncation: The first repeat's truncation verdict, or None.
        cut: Whether any repeat's input was or may have been cut.
        answers: Fingerprints of the different answers the repeats gave.
    """

    status: CellStatus
    repeats: int
    passed: int
    first_repeat: int
    preview: str
    reason: str
    tokens: int
    latency_seconds: float | None
    truncation: TruncationStatus | None
    cut: bool
    answers: frozenset[int]

    @classmethod
    def of(cls, result: CellResult) -> CellView:
        repeat = result.key.repeat_index
        return cls(
            status=result.status,
            repeats=1 << repeat,
            passed=int(result.passed),
            first_repeat=repeat,
            preview=answer_preview(result.answer),
            reason=result.reason,
            tokens=result.tokens_used,
            latency_seconds=result.latency_seconds,
            truncation=result.truncation_status,
            cut=result.truncation_status in CUT,
            answers=(
                frozenset()
                if result.status is CellStatus.ERROR
                else frozenset({_answer_hash(result.answer)})
            ),
        )

    @property
    def repeat_count(self) -> int:
        return self.repeats.bit_count()

    def merge(self, other: CellView) -> CellView:
        """Both views' repeats as one; repeats already in this view are not counted again."""
        if other.repeats & ~self.repeats == 0:
            return self
        if other.repeats & self.repeats:
            return self  # a partial overlap never happens: views of single results are merged
        first, second = (self, other) if self.first_repeat <= other.first_repeat else (other, self)
        status = _BY_RANK[max(_RANK[self.status], _RANK[other.status])]
        return CellView(
            status=status,
            repeats=self.repeats | other.repeats,
            passed=self.passed + other.passed,
            first_repeat=first.first_repeat,
            preview=first.preview,
            reason=first.reason or second.reason,
            tokens=self.tokens + other.tokens,
            latency_seconds=first.latency_seconds,
            truncation=first.truncation,
            cut=self.cut or other.cut,
            answers=self.answers | other.answers,
        )


@dataclass(frozen=True, slots=True)
class ModelTotals:
    """One model's column of the summary row."""

    cases: int
    passed: int
    failed: int
    errors: int
    truncated: int
    tokens: int

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.cases if self.cases else None


class GridTally:
    """Per-case filter bits, per-cell verdicts and per-model totals, one result at a time.

    Memory is a few bytes per cell and never grows with the answers: 10,000 cases on six
    models cost about 100 kB.
    """

    def __init__(self, cases: int, models: int) -> None:
        self.cases = cases
        self.models = models
        self._flags = bytearray(cases)
        self._verdicts = bytearray(cases * models)  # 0: nothing yet, else a _RANK
        self._first_answer: dict[int, int] = {}
        self._passed = array("q", [0] * models)
        self._failed = array("q", [0] * models)
        self._errors = array("q", [0] * models)
        self._counted = array("q", [0] * models)
        self._truncated = array("q", [0] * models)
        self._tokens = array("q", [0] * models)

    def add(self, result: CellResult) -> bool:
        """Counts a result (each result once); False when it names no case or model here."""
        case, model = result.key.case_index, result.key.model_index
        if not (0 <= case < self.cases and 0 <= model < self.models):
            return False
        self._tokens[model] += result.tokens_used
        if result.truncation_status in CUT:
            self._truncated[model] += 1
        cell = case * self.models + model
        before = self._verdicts[cell]
        after = max(before, _RANK[result.status])
        if after != before:
            self._verdicts[cell] = after
            self._count(model, before, -1)
            self._count(model, after, +1)
        if result.status is CellStatus.FAILED:
            self._flags[case] |= FAILURES
        elif result.status is CellStatus.ERROR:
            self._flags[case] |= ERRORS
        if result.status is not CellStatus.ERROR:
            fingerprint = _answer_hash(result.answer)
            first = self._first_answer.setdefault(case, fingerprint)
            if first != fingerprint:
                self._flags[case] |= DIFFERENT
        return True

    def _count(self, model: int, rank: int, step: int) -> None:
        if rank == 0:
            return
        self._counted[model] += step
        bucket = {1: self._passed, 2: self._failed, 3: self._errors}[rank]
        bucket[model] += step

    def matching(self, mask: int) -> list[int]:
        """The cases with any of the `mask` bits, in order (all cases for 0)."""
        if mask == 0:
            return list(range(self.cases))
        flags = self._flags
        return [case for case in range(self.cases) if flags[case] & mask]

    def flags(self, case: int) -> int:
        return self._flags[case] if 0 <= case < self.cases else 0

    def totals(self, model: int) -> ModelTotals:
        return ModelTotals(
            cases=self._counted[model],
            passed=self._passed[model],
            failed=self._failed[model],
            errors=self._errors[model],
            truncated=self._truncated[model],
            tokens=self._tokens[model],
        )


def mark_line(view: CellView) -> str:
    """The mark and its word ("✓ Passed"): a colour is never the only sign."""
    mark = MARKS[view.status][0]
    count = view.repeat_count
    if count == 1:
        return mark
    if view.status is CellStatus.PASSED:
        return f"{mark} · all {count} repeats"
    return f"{mark} · {view.passed} of {count} repeats passed"


def figures_line(view: CellView) -> str:
    """ "123 tok · 456 ms", then the truncation verdict when the input was or may be cut."""
    parts = [f"{view.tokens:,} tok"]
    if view.latency_seconds is not None:
        parts.append(f"{round(view.latency_seconds * 1000):,} ms")
    cut = CUT_WORDS.get(view.truncation) if view.truncation else None
    if cut is None and view.cut:
        cut = "Truncated in a repeat"
    if cut:
        parts.append(cut)
    if len(view.answers) > 1:
        parts.append(f"{len(view.answers)} different answers")
    return " · ".join(parts)


def cell_text(view: CellView | None) -> str:
    """What a cell shows: the mark, the first lines of the answer (or the error), figures."""
    if view is None:
        return "Not run yet"
    body = view.preview if view.status is not CellStatus.ERROR else view.reason
    lines = [mark_line(view), safe_for_display(body) or "(empty answer)", figures_line(view)]
    return "\n".join(lines)


def cell_tooltip(view: CellView | None) -> str:
    if view is None:
        return "This cell has not run yet."
    if view.status is CellStatus.PASSED:
        return "Every check passed." + (f" {view.reason}" if view.reason else "")
    return safe_for_display(view.reason or "It did not pass.")


def spoken_cell(view: CellView | None, model: str) -> str:
    """The cell as one sentence for a screen reader."""
    model = safe_for_display(model)
    if view is None:
        return f"{model}: not run yet"
    words = mark_line(view).split(" ", 1)[1]
    reason = f" {safe_for_display(view.reason)}" if view.reason else ""
    answer = safe_for_display(view.preview).replace("\n", " ")
    said = f" Answer: {answer}." if answer and view.status is not CellStatus.ERROR else ""
    figures = figures_line(view).replace(" tok", " tokens").replace(" · ", ", ")
    return f"{model}: {words}.{reason}{said} {figures}."


def summary_text(totals: ModelTotals) -> str:
    rate = totals.pass_rate
    if rate is None:
        return "No results yet"
    lines = [
        f"{rate:.0%} passed ({totals.passed:,} of {totals.cases:,})",
        f"{totals.failed:,} failed · {totals.errors:,} errors",
        f"{totals.tokens:,} tok · {totals.truncated:,} truncated",
    ]
    return "\n".join(lines)


def case_line(case: Case) -> tuple[str, str]:
    """The case column: "3. France" and a line of its variables, safe to show."""
    detail = ", ".join(
        f"{name}: {' '.join(value[:CASE_DETAIL_CHARS].split())}"
        for name, value in case.variables.items()
    )
    if len(detail) > CASE_DETAIL_CHARS:
        detail = detail[: CASE_DETAIL_CHARS - 1].rstrip() + "…"
    return safe_for_display(f"{case.index + 1}. {case.title()}"), safe_for_display(detail)
