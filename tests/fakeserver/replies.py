"""What a scenario hands back to the server, and builders for the contract's bodies.

Scenarios decide *what* to answer; the server decides *how* to put it on the
wire. Keeping the decision as plain data (an :class:`HttpReply`, a
:class:`Delayed` reply, or a :class:`Hangup`) keeps every scenario free of
sockets and threads, so they are trivially thread-safe and easy to read.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

JSON_TYPE = "application/json"

# The ``error.code`` and message a status gets when a scenario does not say,
# chosen to look like what an API gateway and the ZeroGPU API would send.
_ERROR_CODES: dict[int, tuple[str, str]] = {
    400: ("invalid_request", "The request is not valid."),
    401: ("invalid_api_key", "Invalid API key."),
    403: ("project_not_found", "The project does not exist or the key has no access to it."),
    404: ("not_found", "Not found."),
    408: ("request_timeout", "The server timed out waiting for the request."),
    409: ("conflict", "The request conflicts with another request."),
    413: ("request_too_large", "The request is too large."),
    420: ("context_length_exceeded", "The input is longer than this model accepts."),
    422: ("invalid_request", "The request could not be processed."),
    429: ("rate_limit_exceeded", "Rate limit reached. Please slow down."),
    500: ("server_error", "The server had an error."),
    502: ("bad_gateway", "The upstream server sent an invalid response."),
    503: ("overloaded", "The server is overloaded. Please try again later."),
    504: ("gateway_timeout", "The upstream server did not answer in time."),
}


@dataclass(frozen=True)
class HttpReply:
    """A complete HTTP response: status line, headers and body.

    Attributes:
        status: the status code.
        body: the exact bytes to send (``content-length`` is derived from it).
        content_type: the ``content-type`` header, or None to send none.
        headers: extra headers, in order, as (name, value) pairs.
        reason: the reason phrase; None means the standard one for ``status``
            (or an empty phrase when there is none, as for 420).
    """

    status: int
    body: bytes = b""
    content_type: str | None = JSON_TYPE
    headers: tuple[tuple[str, str], ...] = ()
    reason: str | None = None

    def reason_phrase(self) -> str:
        """The phrase to put on the status line (may be empty)."""
        if self.reason is not None:
            return self.reason
        try:
            return HTTPStatus(self.status).phrase
        except ValueError:
            return ""


@dataclass(frozen=True)
class Delayed:
    """Send ``reply`` after ``delay`` seconds, unless the client leaves first."""

    delay: float
    reply: HttpReply


@dataclass(frozen=True)
class Hangup:
    """Send nothing: reset the TCP connection (RST) right after reading the request."""


Reply = HttpReply | Delayed | Hangup


def dump_json(value: Any) -> bytes:
    """Encode ``value`` as UTF-8 JSON, keeping non-ASCII characters as they are.

    Real servers send raw UTF-8 rather than ``\\uXXXX`` escapes; sending raw bytes
    makes the client's decoding (not just ``json.loads``) part of what is tested.
    """
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def json_reply(
    status: int,
    value: Any,
    headers: Sequence[tuple[str, str]] = (),
    reason: str | None = None,
) -> HttpReply:
    """An HTTP reply whose body is ``value`` as JSON."""
    return HttpReply(status, dump_json(value), JSON_TYPE, tuple(headers), reason)


def default_error(status: int) -> tuple[str, str]:
    """The ``(code, message)`` an error reply with ``status`` gets by default."""
    if status in _ERROR_CODES:
        return _ERROR_CODES[status]
    if status >= 500:
        return "server_error", "The server had an error."
    return "client_error", "The request was rejected."


def error_body(code: str, message: str) -> dict[str, Any]:
    """The documented error shape: ``{"error": {"code": ..., "message": ...}}``."""
    return {"error": {"code": code, "message": message}}


def error_reply(
    status: int,
    code: str | None = None,
    message: str | None = None,
    headers: Sequence[tuple[str, str]] = (),
    reason: str | None = None,
) -> HttpReply:
    """A JSON error reply; missing ``code``/``message`` come from :func:`default_error`."""
    default_code, default_message = default_error(status)
    body = error_body(code or default_code, message or default_message)
    return json_reply(status, body, headers, reason)


def response_object(
    model: str,
    output: list[dict[str, Any]],
    usage: tuple[int, int] | None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A 200 body with exactly the documented fields (plus ``extra`` ones).

    Args:
        model: the model the client asked for (echoed back, as the API does).
        output: the ``output`` array.
        usage: ``(input_tokens, output_tokens)``, or None to leave ``usage`` out.
        extra: undocumented top-level fields, to check clients ignore them.
    """
    body: dict[str, Any] = {
        "id": f"resp_{uuid.uuid4().hex}",
        "object": "response",
        "created": int(time.time()),
        "model": model,
        "output": output,
    }
    if usage is not None:
        input_tokens, output_tokens = usage
        body["usage"] = {
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "total_tokens": input_tokens + output_tokens,
        }
    if extra:
        body.update(extra)
    return body


def message_item(*texts: str) -> dict[str, Any]:
    """One assistant ``message`` output item with an ``output_text`` part per text."""
    return {
        "type": "message",
        "role": "assistant",
        "content": [{"type": "output_text", "text": text} for text in texts],
    }
