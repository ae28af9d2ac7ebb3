"""`PromptSpec`: what one run sends; one value for the editors, presets, drafts, history, CLI.

A spec holds the prompts as written, `{{variables}}` and all, plus the values to fill them
with; `rendered()` gives the text that goes on the wire. Keeping both lets the history show
what was sent while a preset keeps what was written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import TYPE_CHECKING

from zerogpu_desktop.response_format import DEFAULT_RESPONSE_FORMAT
from zerogpu_desktop.templating import find_variables, missing_variables, render

if TYPE_CHECKING:
    from zerogpu_desktop.api.models import Message

__all__ = ["PromptSpec", "RenderedPrompt", "ResponseFormat"]

#: The `text.format.type` a run asks for. Free text, so a spec can hold what was typed and the
#: refusals before a run can say what is wrong with it (`response_format.py` has the rule).
ResponseFormat = str


@dataclass(frozen=True, slots=True)
class PromptSpec:
    """One prompt to run.

    Attributes:
        model: The model id, as typed (surrounding spaces are removed).
        system_prompt: The system prompt as written, possibly with `{{variables}}`.
        user_prompt: The user prompt as written, possibly with `{{variables}}`.
        variables: Values for the variables (read-only); names the prompts do not use are
            kept, since a dataset row or a preset may carry more than one prompt needs.
        input_limit: The model's input token limit, or None when unknown.
        response_format: The `text.format.type` asked for (surrounding spaces are removed);
            "text" unless the user chose another.
        preset_name: The preset this spec came from, or None.
        preset_version: That preset's version, or None (None too when the prompts were
            edited after loading it: the run then came from no stored version).
        preset_id: The preset's stable id (renaming keeps it), or None.
    """

    model: str
    system_prompt: str = ""
    user_prompt: str = ""
    variables: Mapping[str, str] = field(default_factory=dict, hash=False)
    input_limit: int | None = None
    response_format: ResponseFormat = DEFAULT_RESPONSE_FORMAT
    preset_name: str | None = None
    preset_version: int | None = None
    preset_id: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "model", self.model.strip())
        object.__setattr__(self, "response_format", self.response_format.strip())
        object.__setattr__(self, "variables", MappingProxyType(dict(self.variables)))
        if self.input_limit is not None and self.input_limit < 1:
            object.__setattr__(self, "input_limit", None)

    def variable_names(self) -> list[str]:
        """The variables the prompts use, each once, in order of first appearance."""
        return find_variables(self.system_prompt, self.user_prompt)

    def missing_variables(self) -> list[str]:
        """The variables that have no value yet; sending is refused until this is empty."""
        return missing_variables(self.variables, self.system_prompt, self.user_prompt)

    def with_variables(self, values: Mapping[str, str]) -> PromptSpec:
        """This spec with `values` added over the ones it has."""
        return replace(self, variables={**self.variables, **values})

    def rendered(self) -> RenderedPrompt:
        """The prompts as sent: variables filled, `\\{{` made literal.

        A separate type, so text that was rendered once can never be rendered again (which
        would turn a literal `{{name}}` into a variable).

        Raises:
            MissingVariablesError: a variable has no value (the message names them all).
        """
        return RenderedPrompt(
            self,
            render(self.system_prompt, self.variables),
            render(self.user_prompt, self.variables),
        )


@dataclass(frozen=True, slots=True)
class RenderedPrompt:
    """A spec's prompts with their variables filled: exactly what goes on the wire.

    Attributes:
        spec: The spec it was rendered from (model, limit, preset).
        system_prompt: The system prompt as sent.
        user_prompt: The user prompt as sent.
    """

    spec: PromptSpec
    system_prompt: str
    user_prompt: str

    @property
    def model(self) -> str:
        return self.spec.model

    @property
    def preset_name(self) -> str | None:
        return self.spec.preset_name

    @property
    def response_format(self) -> str:
        return self.spec.response_format

    def messages(self) -> list[Message]:
        """The input items of the request (no system item when the system prompt is empty)."""
        from zerogpu_desktop.api.models import Message

        messages = [Message("system", self.system_prompt)] if self.system_prompt else []
        messages.append(Message("user", self.user_prompt))
        return messages

    def text_sent(self) -> str:
        """The prompts joined the way the token estimate and the calibration count them."""
        return "\n".join(part for part in (self.system_prompt, self.user_prompt) if part)
