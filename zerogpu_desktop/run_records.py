"""Turns the outcome of one run into the row the history keeps, for the window and the CLI alike."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Protocol

from zerogpu_desktop.storage.history.types import RunRecord, RunSource

if TYPE_CHECKING:
    from zerogpu_desktop.api.models import Response
    from zerogpu_desktop.api.tokens import TruncationAssessment
    from zerogpu_desktop.explain import Explanation


class SentPrompt(Protocol):
    """What was sent: the window's `PromptRequest` and the CLI's prepared prompt both fit."""

    @property
    def model(self) -> str: ...
    @property
    def system_prompt(self) -> str: ...
    @property
    def user_prompt(self) -> str: ...
    @property
    def preset_name(self) -> str | None: ...


def succeeded_run(
    prompt: SentPrompt,
    response: Response,
    assessment: TruncationAssessment,
    seconds: float,
    source: RunSource,
) -> RunRecord:
    usage = response.usage
    return RunRecord(
        model=prompt.model,
        system_prompt=prompt.system_prompt,
        user_prompt=prompt.user_prompt,
        answer=response.text,
        created=time.time() - seconds,
        input_tokens=usage.input_tokens if usage else None,
        output_tokens=usage.output_tokens if usage else None,
        total_tokens=usage.total_tokens if usage else None,
        truncation_status=assessment.status,
        truncation_note=assessment.explanation,
        duration_seconds=seconds,
        source=source,
        preset_name=prompt.preset_name,
    )


def failed_run(
    prompt: SentPrompt,
    explanation: Explanation,
    seconds: float,
    source: RunSource,
    assessment: TruncationAssessment | None = None,
) -> RunRecord:
    return RunRecord(
        model=prompt.model,
        system_prompt=prompt.system_prompt,
        user_prompt=prompt.user_prompt,
        created=time.time() - seconds,
        truncation_status=assessment.status if assessment else None,
        truncation_note=assessment.explanation if assessment else None,
        duration_seconds=seconds,
        error_title=explanation.title,
        error_message=" ".join(p for p in (explanation.sentence, explanation.fix) if p),
        source=source,
        preset_name=prompt.preset_name,
    )
