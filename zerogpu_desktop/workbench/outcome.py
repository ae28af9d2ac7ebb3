"""`RunOutcome`: everything one run produced, the same value for the window, the CLI and batches.

An outcome is a plain value so a view can show it, a test can compare it, and the history
row can be built from it alone (`records.record_for`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zerogpu_desktop.api.models import Response
    from zerogpu_desktop.api.tokens import TruncationAssessment
    from zerogpu_desktop.explain import Explanation
    from zerogpu_desktop.workbench.spec import PromptSpec, RenderedPrompt

__all__ = ["RunOutcome"]


@dataclass(frozen=True, slots=True)
class RunOutcome:
    """What one run produced.

    Attributes:
        spec: The spec that was run.
        sent: The prompts as sent; None when the run was refused before rendering.
        response: The answer, when the run succeeded.
        error: The failure, when it failed (None on success, on a refusal and on cancel).
        explanation: The words for the failure, refusal or cancel; None on success.
        assessment: The truncation verdict, when there is one.
        seconds: From the start of the run to its end (0.0 when refused or never started).
        history_id: The history row's id once recorded, else None.
        cancelled: The run was cancelled before it ended.
        attempt_seconds: With an answer, the time of the attempt that gave it (no retries,
            no back-off waits); else None.
    """

    spec: PromptSpec
    sent: RenderedPrompt | None
    response: Response | None
    error: BaseException | None
    explanation: Explanation | None
    assessment: TruncationAssessment | None
    seconds: float
    history_id: int | None
    cancelled: bool = False
    attempt_seconds: float | None = None

    @property
    def succeeded(self) -> bool:
        return self.response is not None and not self.cancelled

    @property
    def refused(self) -> bool:
        """Refused before anything was sent: nothing to record, the words say what is missing."""
        return (
            self.response is None
            and self.error is None
            and self.explanation is not None
            and not self.cancelled
        )

    @classmethod
    def refusal(
        cls, spec: PromptSpec, sent: RenderedPrompt | None, words: Explanation
    ) -> RunOutcome:
        """A run refused before anything was sent (no model, a missing variable, no key)."""
        return cls(spec, sent, None, None, words, None, 0.0, None)
