"""What one run produced, as the controller reports it to the window."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zerogpu_desktop.api.models import Response
    from zerogpu_desktop.api.tokens import TruncationAssessment
    from zerogpu_desktop.explain import Explanation


@dataclass(frozen=True, slots=True)
class PromptRequest:
    """The editors' content at the moment Send was pressed."""

    model: str
    system_prompt: str
    user_prompt: str
    preset_name: str | None = None

    def text_sent(self) -> str:
        return "\n".join(part for part in (self.system_prompt, self.user_prompt) if part)


@dataclass(frozen=True, slots=True)
class RunSucceeded:
    request: PromptRequest
    response: Response
    assessment: TruncationAssessment
    seconds: float


@dataclass(frozen=True, slots=True)
class RunFailed:
    """A failed run. `needs_settings` is true when only Settings can fix it."""

    request: PromptRequest
    explanation: Explanation
    seconds: float
    assessment: TruncationAssessment | None = None
    needs_settings: bool = False
