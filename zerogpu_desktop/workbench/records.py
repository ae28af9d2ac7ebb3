"""The history row of a run: one function for every outcome, from the window and the CLI alike."""

from __future__ import annotations

import time
from dataclasses import replace

from zerogpu_desktop.exit_codes import ExitCode
from zerogpu_desktop.explain import Explanation
from zerogpu_desktop.storage.history.types import RunRecord, RunSource
from zerogpu_desktop.workbench.outcome import RunOutcome

__all__ = ["CANCELLED", "record_for"]

#: The words a cancelled run is kept with (and shown with).
CANCELLED = Explanation("Cancelled", "You cancelled the request.", "", ExitCode.INTERRUPTED)


def record_for(outcome: RunOutcome, source: RunSource, *, demo: bool = False) -> RunRecord:
    """The row the history keeps for `outcome`: the prompts as sent, the answer or the error.

    A run refused before rendering keeps its prompts as written, since nothing else exists.
    The preset's id and version come from the spec, which has no version when the prompts
    were edited after loading the preset (the run then came from no stored version).
    """
    sent = outcome.sent
    system_prompt = sent.system_prompt if sent else outcome.spec.system_prompt
    user_prompt = sent.user_prompt if sent else outcome.spec.user_prompt
    assessment = outcome.assessment
    common = RunRecord(
        model=outcome.spec.model,
        system_prompt=system_prompt,
        user_prompt=user_prompt,
        created=time.time() - outcome.seconds,
        truncation_status=assessment.status if assessment else None,
        truncation_note=assessment.explanation if assessment else None,
        duration_seconds=outcome.seconds,
        source=source,
        preset_name=outcome.spec.preset_name,
        preset_id=outcome.spec.preset_id,
        preset_version=outcome.spec.preset_version,
        demo=demo,
    )
    response = outcome.response
    if response is not None and not outcome.cancelled:
        usage = response.usage
        return replace(
            common,
            answer=response.text,
            input_tokens=usage.input_tokens if usage else None,
            output_tokens=usage.output_tokens if usage else None,
            total_tokens=usage.total_tokens if usage else None,
        )
    explanation = CANCELLED if outcome.cancelled else outcome.explanation
    assert explanation is not None, "a run without an answer has an explanation"
    return replace(
        common,
        error_title=explanation.title,
        error_message=" ".join(p for p in (explanation.sentence, explanation.fix) if p),
    )
