"""The values an evaluation is made of: cases, check outcomes, cell results, and their words.

A *case* is one dataset row; a *cell* is one case run on one model (once per repeat). These
are plain frozen values so the engine, the store, the exports, the grid and the tests share
them without knowing each other.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from zerogpu_desktop.api.tokens import TruncationStatus

__all__ = [
    "Case",
    "CellKey",
    "CellResult",
    "CellStatus",
    "CheckOutcome",
    "Dataset",
    "DatasetError",
    "EvaluationInfo",
    "EvaluationState",
    "case_key",
]


class DatasetError(ValueError):
    """A dataset that cannot be used; ``str(exc)`` is one sentence naming file, row and column."""


def case_key(variables: Mapping[str, str]) -> str:
    """The identity of a case across evaluations: its variables, whatever their order.

    Two evaluations of the same dataset match their cases by this key, so a row moved within
    the file is still the same case.
    """
    canonical = json.dumps(dict(sorted(variables.items())), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Case:
    """One dataset row.

    Attributes:
        index: The case's position in the dataset, from 0.
        variables: The values of the row's variable columns (read-only).
        checks: The row's checks as written (``__expected``, ``__expected1``…), in order;
            each is valid for `checks.parse_check`.
        description: ``__description``, or "".
        prefix: ``__prefix``: put before the user prompt ("" when absent).
        suffix: ``__suffix``: put after the user prompt ("" when absent).
        allow_truncation: ``__allow_truncation`` was true: a truncated input does not fail it.
        line: Where the row starts in the file (1-based line; a JSON array counts elements),
            for messages.
    """

    index: int
    variables: Mapping[str, str] = field(default_factory=dict, hash=False)
    checks: tuple[str, ...] = ()
    description: str = ""
    prefix: str = ""
    suffix: str = ""
    allow_truncation: bool = False
    line: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "variables", MappingProxyType(dict(self.variables)))

    @property
    def key(self) -> str:
        return case_key(self.variables)

    def title(self) -> str:
        """A short name for the case, on one line: its description, else its first value."""
        if self.description.strip():
            return self.description.strip().splitlines()[0][:80]
        for value in self.variables.values():
            first = value.strip().splitlines()[0] if value.strip() else ""
            if first:
                return first[:80]
        return f"Case {self.index + 1}"


@dataclass(frozen=True, slots=True)
class Dataset:
    """A loaded, validated dataset.

    Attributes:
        name: The file's name (no folder), as shown and stored.
        fingerprint: SHA-256 (hex) of the file's bytes: evaluations of the same file match.
        columns: The variable columns in file order (no ``__`` columns).
        cases: The rows, in file order.
    """

    name: str
    fingerprint: str
    columns: tuple[str, ...]
    cases: tuple[Case, ...]


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    """One check judged on one answer.

    Attributes:
        check: The check as written, e.g. ``icontains:paris``.
        passed: Whether the answer met it.
        reason: Why it failed ("" when it passed), one short sentence, e.g.
            'The answer does not contain "paris".' or "Check timed out after 1 s."
    """

    check: str
    passed: bool
    reason: str = ""


class CellStatus(enum.Enum):
    """How a cell ended."""

    PASSED = "passed"
    #: An answer came back and a check failed, or the input was truncated.
    FAILED = "failed"
    #: No answer: the request failed (the error is the reason).
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class CellKey:
    """Which cell: a case on a model, once per repeat (all 0-based)."""

    case_index: int
    model_index: int
    repeat_index: int = 0


@dataclass(frozen=True, slots=True)
class CellResult:
    """What one cell produced, as stored, shown and exported.

    Attributes:
        key: Which cell.
        model: The model id.
        status: Passed, failed or error.
        answer: The answer text ("" on an error).
        reason: Why it failed or errored ("" when it passed): the first failed check's reason,
            the truncation verdict, or the error's sentence.
        checks: Every check's outcome, in the case's order (empty on an error).
        input_tokens: Counted input tokens, or None when the server gave none.
        output_tokens: Counted output tokens, or None.
        total_tokens: Counted total tokens, or None.
        latency_seconds: The successful attempt's time (no retries, no back-off waits);
            None on an error.
        truncation_status: The truncation verdict, or None when there is none.
        truncation_note: The verdict's sentence, or None.
        run_id: The history run it was recorded as, or None.
    """

    key: CellKey
    model: str
    status: CellStatus
    answer: str = ""
    reason: str = ""
    checks: tuple[CheckOutcome, ...] = ()
    input_tokens: int | None = None
    output_tokens: int | None = None
    total_tokens: int | None = None
    latency_seconds: float | None = None
    truncation_status: TruncationStatus | None = None
    truncation_note: str | None = None
    run_id: int | None = None

    @property
    def passed(self) -> bool:
        return self.status is CellStatus.PASSED

    @property
    def tokens_used(self) -> int:
        """What the cell cost against a token budget (0 when the server counted nothing)."""
        if self.total_tokens is not None:
            return self.total_tokens
        return (self.input_tokens or 0) + (self.output_tokens or 0)


class EvaluationState(enum.Enum):
    """Where an evaluation stands."""

    RUNNING = "running"
    #: Every cell ran.
    FINISHED = "finished"
    #: Stopped by the user (Cancel, Ctrl+C); `resume` runs the cells not done.
    CANCELLED = "cancelled"
    #: The token budget was reached; what ran is kept.
    BUDGET = "budget"


@dataclass(frozen=True, slots=True)
class EvaluationInfo:
    """What an evaluation ran: the prompt, the dataset, the models; as stored and exported.

    Attributes:
        id: The stored evaluation's id, or None before it is stored.
        created: When it started (Unix time).
        title: The preset's name, or "Current prompt".
        system_prompt: The system prompt as written (``{{variables}}`` unfilled).
        user_prompt: The user prompt as written.
        response_format: The ``text.format.type`` sent.
        prompt_fingerprint: SHA-256 of the prompt's content (both prompts and the format).
        prompt_version: The preset's version, once presets have versions; else None.
        dataset_name: The dataset file's name.
        dataset_fingerprint: SHA-256 of the dataset file's bytes.
        models: The models, in column order.
        repeat: How many times each case runs on each model.
        state: Where it stands.
        variables: Values for prompt variables the dataset has no column for (``--var``),
            the same for every case (read-only).
    """

    id: int | None
    created: float
    title: str
    system_prompt: str
    user_prompt: str
    response_format: str
    prompt_fingerprint: str
    prompt_version: int | None
    dataset_name: str
    dataset_fingerprint: str
    models: tuple[str, ...]
    repeat: int
    state: EvaluationState
    variables: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "variables", MappingProxyType(dict(self.variables)))


def titled(info: EvaluationInfo) -> str:
    """The evaluation's title with the preset version it ran: "Summarise v3"."""
    return f"{info.title} v{info.prompt_version}" if info.prompt_version else info.title
