"""What an evaluation will run, before it runs: the plan, its cells, its cost, one cell's spec.

A plan is checked whole before anything is sent (the dataset against the prompt, the models,
the numbers), so a bad evaluation is refused with one sentence and costs nothing.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from zerogpu_desktop.api.tokens import estimate_tokens
from zerogpu_desktop.workbench.evaluate.dataset import check_against_prompt
from zerogpu_desktop.workbench.evaluate.types import (
    Case,
    CellKey,
    Dataset,
    EvaluationInfo,
    EvaluationState,
)
from zerogpu_desktop.workbench.spec import PromptSpec

__all__ = [
    "MAX_MODELS",
    "MAX_REPEAT",
    "CostEstimate",
    "EvaluationPlan",
    "PlanError",
    "prompt_fingerprint",
]

MAX_MODELS = 6
MAX_REPEAT = 100
MAX_CONCURRENCY = 64
#: The variables that carry a case's ``__prefix`` and ``__suffix`` into the user prompt: values
#: are inserted verbatim, so the text is never read as ``{{variables}}``, and a dataset cannot
#: have columns with these names (every ``__`` column is reserved).
PREFIX_VARIABLE = "__prefix"
SUFFIX_VARIABLE = "__suffix"


class PlanError(ValueError):
    """An evaluation that cannot start; ``str(exc)`` is one sentence saying what to change."""


def prompt_fingerprint(system_prompt: str, user_prompt: str, response_format: str) -> str:
    """The identity of a prompt's content: the same text and format give the same value."""
    content = json.dumps([system_prompt, user_prompt, response_format], ensure_ascii=False)
    return hashlib.sha256(content.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, slots=True)
class CostEstimate:
    """What an evaluation will cost, shown before it starts.

    Attributes:
        calls: Requests it will send (cases × models × repeat).
        input_tokens: The estimated input tokens of all of them (the answers are unknown).
    """

    calls: int
    input_tokens: int


@dataclass(frozen=True, slots=True)
class EvaluationPlan:
    """A prompt × a dataset × models, and how to run them.

    Attributes:
        prompt: The prompt; each column sends it to its own model (the prompt's input limit
            applies to the column of the prompt's own model); its variables are the
            constants no dataset column gives (``--var``).
        title: The preset's name, or "Current prompt".
        dataset: The cases.
        models: The models, 1 to MAX_MODELS, each once.
        repeat: How many times each case runs on each model.
        concurrency: How many requests are in flight at most.
        max_total_tokens: Stop scheduling new cells once this many tokens were used.
    """

    prompt: PromptSpec
    title: str
    dataset: Dataset
    models: tuple[str, ...]
    repeat: int = 1
    concurrency: int = 4
    max_total_tokens: int | None = None

    def __post_init__(self) -> None:
        models = tuple(model.strip() for model in self.models if model.strip())
        object.__setattr__(self, "models", tuple(dict.fromkeys(models)))

    def check(self) -> None:
        """Refuses a plan that cannot run, before anything is sent.

        Raises:
            PlanError: no model or too many, a bad number, an empty prompt.
            DatasetError: the dataset lacks a variable the prompt uses.
        """
        if not self.models:
            raise PlanError("Choose at least one model to evaluate the prompt on.")
        if len(self.models) > MAX_MODELS:
            raise PlanError(
                f"An evaluation compares at most {MAX_MODELS} models; "
                f"{len(self.models)} were chosen."
            )
        if not 1 <= self.repeat <= MAX_REPEAT:
            raise PlanError(f"Repeat must be from 1 to {MAX_REPEAT}.")
        if not 1 <= self.concurrency <= MAX_CONCURRENCY:
            raise PlanError(f"Concurrency must be from 1 to {MAX_CONCURRENCY}.")
        if self.max_total_tokens is not None and self.max_total_tokens < 1:
            raise PlanError("The token budget must be a positive number of tokens.")
        if not self.prompt.user_prompt.strip():
            raise PlanError("The user prompt is empty: write the prompt to evaluate first.")
        constants = self.prompt.variables  # `--var` values stand in for a missing column
        needed = [name for name in self.prompt.variable_names() if name not in constants]
        check_against_prompt(self.dataset, needed)

    @property
    def cells_total(self) -> int:
        return len(self.dataset.cases) * len(self.models) * self.repeat

    def cells(self) -> Iterator[CellKey]:
        """Every cell, case by case (so the first rows of the grid fill first)."""
        for case in self.dataset.cases:
            for model_index in range(len(self.models)):
                for repeat_index in range(self.repeat):
                    yield CellKey(case.index, model_index, repeat_index)

    def spec_for(self, case: Case, model: str) -> PromptSpec:
        """The spec one cell sends: the case's values over the constants, its prefix/suffix."""
        user_prompt = self.prompt.user_prompt
        values = {**self.prompt.variables, **case.variables}
        if case.prefix:
            user_prompt = f"{{{{{PREFIX_VARIABLE}}}}}{user_prompt}"
            values[PREFIX_VARIABLE] = case.prefix
        if case.suffix:
            user_prompt = f"{user_prompt}{{{{{SUFFIX_VARIABLE}}}}}"
            values[SUFFIX_VARIABLE] = case.suffix
        return replace(
            self.prompt,
            model=model,
            user_prompt=user_prompt,
            variables=values,
            # A preset's input limit is its own model's; another column's comes from Settings.
            input_limit=self.prompt.input_limit if model == self.prompt.model else None,
        )

    def estimate(self) -> CostEstimate:
        """The calls and estimated input tokens (the rendered prompts, by the plain estimate)."""
        tokens = 0
        for case in self.dataset.cases:
            sent = self.spec_for(case, self.models[0] if self.models else "").rendered()
            tokens += estimate_tokens(sent.text_sent())
        per_case = len(self.models) * self.repeat
        return CostEstimate(self.cells_total, tokens * per_case)

    def info(self, *, state: EvaluationState = EvaluationState.RUNNING) -> EvaluationInfo:
        """The plan as the store keeps it."""
        spec = self.prompt
        return EvaluationInfo(
            id=None,
            created=time.time(),
            title=self.title,
            system_prompt=spec.system_prompt,
            user_prompt=spec.user_prompt,
            response_format=spec.response_format,
            prompt_fingerprint=prompt_fingerprint(
                spec.system_prompt, spec.user_prompt, spec.response_format
            ),
            prompt_version=spec.preset_version,
            dataset_name=self.dataset.name,
            dataset_fingerprint=self.dataset.fingerprint,
            models=self.models,
            repeat=self.repeat,
            state=state,
            variables=dict(spec.variables),
        )

    @classmethod
    def from_stored(
        cls,
        info: EvaluationInfo,
        columns: Sequence[str],
        cases: Sequence[Case],
        *,
        concurrency: int = 4,
        max_total_tokens: int | None = None,
    ) -> EvaluationPlan:
        """The plan of a stored evaluation, to resume it without its dataset file."""
        prompt = PromptSpec(
            model="",
            system_prompt=info.system_prompt,
            user_prompt=info.user_prompt,
            variables=info.variables,
            response_format=info.response_format,
            preset_name=None if info.title == CURRENT_PROMPT else info.title,
            preset_version=info.prompt_version,
        )
        dataset = Dataset(info.dataset_name, info.dataset_fingerprint, tuple(columns), tuple(cases))
        return cls(
            prompt, info.title, dataset, info.models, info.repeat, concurrency, max_total_tokens
        )


#: The title of an evaluation of the editors' prompt rather than a preset.
CURRENT_PROMPT = "Current prompt"
