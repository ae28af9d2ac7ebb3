"""The request and response values of the Responses API, parsed with tolerance.

The contract promises a shape but a gateway, a new server version or a
proxy may send more, less or other items. Parsing takes every
`output_text` part of every `message` item, ignores what it does not
know, and refuses only what cannot be an answer at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, get_args

from zerogpu_desktop.api.errors import InvalidResponseError

__all__ = ["Message", "Response", "Role", "Usage", "parse_response", "request_body"]

Role = Literal["user", "system"]
_ROLES: tuple[str, ...] = get_args(Role)


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
        usage: None when the server did not report usage.
    """

    id: str
    model: str
    created: int | None
    text: str
    usage: Usage | None


def request_body(model: str, messages: list[Message]) -> dict[str, Any]:
    """The exact body the contract documents."""
    return {
        "model": model,
        "input": [message.to_json() for message in messages],
        "text": {"format": {"type": "text"}},
    }


def _non_negative_int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if value < 0 or value != int(value):
        return None
    return int(value)


def _parse_usage(raw: Any) -> Usage | None:
    if not isinstance(raw, dict):
        return None
    input_tokens = _non_negative_int(raw.get("input_tokens"))
    output_tokens = _non_negative_int(raw.get("output_tokens"))
    if input_tokens is None or output_tokens is None:
        return None
    total = _non_negative_int(raw.get("total_tokens"))
    return Usage(
        input_tokens, output_tokens, total if total is not None else input_tokens + output_tokens
    )


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
    created = _non_negative_int(data.get("created"))
    return Response(
        id=raw_id if isinstance(raw_id, str) else "",
        model=raw_model if isinstance(raw_model, str) and raw_model else requested_model,
        created=created,
        text=_answer_text(output),
        usage=_parse_usage(data.get("usage")),
    )
