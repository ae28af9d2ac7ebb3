"""The rules of the ZeroGPU contract that every request must pass, whatever the scenario.

This is the part of the fake server that catches *client* bugs: a wrong path, a
missing or wrong ``x-api-key``/``x-project-id``, a body that is not the
documented shape. It answers the way the real API is documented to (401, 403,
400 with ``{"error": {...}}``), so a client that passes against the fake server
sends what the real one expects. See ``/work/shared/zerogpu-api.md``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

from tests.fakeserver.replies import HttpReply, error_reply
from tests.fakeserver.tokens import count_tokens

RESPONSES_PATH = "/v1/responses"
ROLES = ("user", "system")


@dataclass(frozen=True)
class Message:
    """One input message as the client sent it."""

    role: str
    content: str


@dataclass(frozen=True)
class ResponsesRequest:
    """A request body that passed validation: what scenarios answer to.

    Attributes:
        model: the requested model (may be ``scenario:<name>``).
        messages: the input messages, in order.
        input_tokens: :func:`count_tokens` summed over every message's content.
    """

    model: str
    messages: tuple[Message, ...]
    input_tokens: int

    @property
    def last_user_content(self) -> str:
        """The content of the last ``user`` message ("" if there is none)."""
        for message in reversed(self.messages):
            if message.role == "user":
                return message.content
        return ""


class ContractError(Exception):
    """A request the real API would reject; ``reply`` is the rejection to send."""

    def __init__(self, reply: HttpReply) -> None:
        super().__init__(reply.status)
        self.reply = reply


def check_route(method: str, path: str) -> None:
    """Reject everything except ``POST /v1/responses`` (a query string is ignored).

    Raises:
        ContractError: with a 404 JSON error.
    """
    if method != "POST" or path.split("?", 1)[0] != RESPONSES_PATH:
        message = f"No route for {method} {path}; only POST {RESPONSES_PATH} exists."
        raise ContractError(error_reply(404, "not_found", message))


def check_auth(headers: Mapping[str, str], api_key: str | None, project_id: str | None) -> None:
    """Check ``x-api-key`` then ``x-project-id``.

    A None expectation accepts any value, but the header must still be present
    and non-empty: the contract says both are always required.

    Raises:
        ContractError: 401 ``invalid_api_key`` or 403 ``project_not_found``.
    """
    key = headers.get("x-api-key", "")
    if not key or (api_key is not None and key != api_key):
        raise ContractError(error_reply(401, "invalid_api_key", "Invalid API key."))
    project = headers.get("x-project-id", "")
    if not project or (project_id is not None and project != project_id):
        shown = project or "(missing x-project-id header)"
        message = f"Project {shown} does not exist or this API key has no access to it."
        raise ContractError(error_reply(403, "project_not_found", message))


def parse_body(content_type: str, body: bytes) -> ResponsesRequest:
    """Validate a request body against the documented request shape.

    Raises:
        ContractError: 400 ``invalid_request`` naming the first problem.
    """
    if content_type.split(";", 1)[0].strip().lower() != "application/json":
        _invalid(f"content-type must be application/json, got {content_type or 'nothing'!r}.")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        _invalid(f"Request body is not valid JSON: {exc}.")
    if not isinstance(data, dict):
        _invalid("Request body must be a JSON object.")
    model = data.get("model")
    if not isinstance(model, str) or not model.strip():
        _invalid("'model' must be a non-empty string.")
    raw_input = data.get("input")
    if not isinstance(raw_input, list) or not raw_input:
        _invalid("'input' must be a non-empty array of messages.")
    messages = tuple(_parse_message(index, item) for index, item in enumerate(raw_input))
    if "text" in data and not isinstance(data["text"], dict):
        _invalid('\'text\' must be an object, e.g. {"format": {"type": "text"}}.')
    tokens = sum(count_tokens(message.content) for message in messages)
    return ResponsesRequest(model, messages, tokens)


def _parse_message(index: int, item: Any) -> Message:
    if not isinstance(item, dict):
        _invalid(f"'input[{index}]' must be an object with 'role' and 'content'.")
    role = item.get("role")
    if role not in ROLES:
        _invalid(f"'input[{index}].role' must be 'user' or 'system', got {role!r}.")
    content = item.get("content")
    if not isinstance(content, str):
        _invalid(f"'input[{index}].content' must be a string.")
    return Message(role, content)


def _invalid(message: str) -> NoReturn:
    raise ContractError(error_reply(400, "invalid_request", message))
