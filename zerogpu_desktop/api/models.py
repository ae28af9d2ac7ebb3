"""The request and response values of the Responses API, parsed with tolerance.

The contract promises a shape but a gateway, a new server version or a
proxy may send more, less or other items. Parsing takes every
`output_text` part of every `message` item, ignores what it does not
know, and refuses only what cannot be an answer at all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal, get_args

from zerogpu_desktop.api.errors import InvalidResponseError
from zerogpu_desktop.safe_text import replace_surrogates

__all__ = ["Message", "Response", "Role", "Usage", "parse_response", "request_body"]

Role = Literal["user", "system"]
_ROLES: tuple[str, ...] = get_args(Role)

#: No single request counts a trillion tokens; a larger count is a broken server.
MAX_TOKEN_COUNT = 10**12
#: The last second of the year 9999, the largest time `datetime` can show.
_LATEST_TIMESTAMP = 253_402_300_799


@dataclass(frozen=True, slots=True)
class Message:
    """One input message; the contract documents only the `user` and `system` roles."""

    role: Role
    content: str

    def __post_init__(self) -> None:
        if self.role not in _ROLES:
            raise ValueError(f"role must be one of {', '.join(_ROLES)}, not {self.role!r}")
        if not isinstance(self.content, str):
            raise TypeError("content must be a string")

    def to_json(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


@dataclass(frozen=True, slots=True)
class Usage:
    """Token counts as the server reports them (after any silent truncation)."""

    input_tokens: int
    output_tokens: int
    total_tokens: int


@dataclass(frozen=True, slots=True)
class Response:
    """A generated answer.

    Attributes:
        text: every `output_text` part of every `message` item, in order.
        usage: None when the server did not report usage, or reported counts that
            cannot be right.
        usage_problem: in the second case, why the counts were not believed, as a
            sentence to show beside "usage unknown".
    """

    id: str
    model: str
    created: int | None
    text: str
    usage: Usage | None
    usage_problem: str | None = None


def request_body(
    model: str, messages: list[Message], response_format: str = "text"
) -> dict[str, Any]:
    """The exact body the contract documents, asking for `response_format` as the
    `text.format.type` ("text" is the one the contract names)."""
    return {
        "model": model,
        "input": [message.to_json() for message in messages],
        "text": {"format": {"type": response_format}},
    }


def _token_count(name: str, value: Any) -> tuple[int | None, str | None]:
    """(count, None), (None, None) when absent, or (None, what is wrong with it)."""
    if value is None:
        return None, None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None, f"{name} is not a number"
    if isinstance(value, float) and math.isnan(value):
        return None, f"{name} is not a number"
    if value < 0:
        return None, f"{name} is negative"
    if value > MAX_TOKEN_COUNT:
        return None, f"{name} is absurdly large"
    if value != int(value):
        return None, f"{name} is not a whole number"
    return int(value), None


def _parse_usage(raw: Any) -> tuple[Usage | None, str | None]:
    """The usage, or None with the reason when the server sent counts that cannot be right."""
    if raw is None:
        return None, None
    if not isinstance(raw, dict):
        return None, _usage_problem("usage is not an object")
    counts: dict[str, int | None] = {}
    for name in ("input_tokens", "output_tokens", "total_tokens"):
        counts[name], problem = _token_count(name, raw.get(name))
        if problem is not None:
            return None, _usage_problem(problem)
    input_tokens, output_tokens = counts["input_tokens"], counts["output_tokens"]
    if input_tokens is None or output_tokens is None:
        return None, None
    total = counts["total_tokens"]
    return Usage(
        input_tokens, output_tokens, total if total is not None else input_tokens + output_tokens
    ), None


def _usage_problem(detail: str) -> str:
    return f"the server reported token counts that cannot be right: {detail}"


def _timestamp(value: Any) -> int | None:
    """Seconds since 1970 that a date can show, or None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not 0 <= value <= _LATEST_TIMESTAMP:  # NaN fails this too
        return None
    return int(value)


def _answer_text(output: list[Any]) -> str:
    parts: list[str] = []
    for item in output:
        if not isinstance(item, dict) or item.get("type", "message") != "message":
            continue
        content = item.get("content")
        if isinstance(content, str):
            parts.append(content)
            continue
        if not isinstance(content, list):
            continue
        for part in content:
            if (
                isinstance(part, dict)
                and part.get("type") == "output_text"
                and isinstance(part.get("text"), str)
            ):
                parts.append(part["text"])
    return "".join(parts)


def parse_response(data: Any, *, requested_model: str = "") -> Response:
    """Turns a decoded 2xx body into a `Response`.

    Any decoded JSON gives a `Response` or this one error: odd numbers make the usage
    unknown, lone surrogates (which cannot be printed or stored) become U+FFFD.

    Raises:
        InvalidResponseError: the body cannot be an answer (not an object,
            or no `output` list).
    """
    if not isinstance(data, dict):
        raise InvalidResponseError(
            f"The server's reply is JSON but not an object (got {type(data).__name__})."
        )
    output = data.get("output")
    if not isinstance(output, list):
        described = "missing" if output is None else f"a {type(output).__name__}"
        raise InvalidResponseError(f"The server's reply has no list of output items ({described}).")
    raw_id = data.get("id")
    raw_model = data.get("model")
    usage, usage_problem = _parse_usage(data.get("usage"))
    return Response(
        id=replace_surrogates(raw_id) if isinstance(raw_id, str) else "",
        model=replace_surrogates(raw_model)
        if isinstance(raw_model, str) and raw_model
        else requested_model,
        created=_timestamp(data.get("created")),
        text=replace_surrogates(_answer_text(output)),
        usage=usage,
        usage_problem=usage_problem,
    )
