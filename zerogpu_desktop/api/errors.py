"""The exception tree every caller of the API client catches.

The shape mirrors httpx's and openai-python's trees so that a caller can
catch broadly (`ZeroGPUError`), by kind (`APIConnectionError`,
`APIStatusError`) or precisely (`RateLimitError`). Every error carries a
non-empty, human-readable message: httpx's own timeouts have empty
messages, which is useless in a status bar.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from zerogpu_desktop.api.redaction import redact

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ContextLengthExceededError",
    "InsecureTransportError",
    "InvalidResponseError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestRefusedError",
    "ServerError",
    "UnprocessableEntityError",
    "ZeroGPUError",
    "status_error_from_response",
]

#: How much of an unparseable body is quoted in an error message.
_EXCERPT_CHARS = 200

_STATUS_PHRASES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    408: "Request Timeout",
    409: "Conflict",
    420: "Context Length Exceeded",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class ZeroGPUError(Exception):
    """Base of every error the client raises, so one `except` can catch them all."""

    def __init__(self, message: str) -> None:
        message = message.strip() or type(self).__name__
        super().__init__(message)
        self.message = message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class RequestRefusedError(ZeroGPUError, ValueError):
    """The client refused to send: the request or configuration is invalid.

    Raised before any byte goes on the wire, so no key is ever sent to a
    wrong or insecure place.
    """


class InsecureTransportError(RequestRefusedError):
    """Plain http to a non-loopback host would send the key in clear text."""


class APIConnectionError(ZeroGPUError):
    """The server could not be reached or the connection broke (refused, reset, DNS, TLS)."""


class APITimeoutError(APIConnectionError):
    """No answer within the configured timeout."""


class InvalidResponseError(ZeroGPUError):
    """A successful status whose body is not JSON or not the documented shape."""

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


class APIStatusError(ZeroGPUError):
    """The server answered with an error status.

    Attributes:
        status_code: the HTTP status.
        code: `error.code` from the body, when the body had one.
        retry_after: seconds the server asked us to wait (429/503), if any.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        code: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.retry_after = retry_after

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status_code={self.status_code}, "
            f"code={self.code!r}, message={self.message!r})"
        )


class BadRequestError(APIStatusError):
    """400: the server rejected the request as malformed."""


class AuthenticationError(APIStatusError):
    """401: the API key was not accepted."""


class PermissionDeniedError(APIStatusError):
    """403: the key is valid but may not use this project or model."""


class NotFoundError(APIStatusError):
    """404: wrong base URL, or an unknown model."""


class ContextLengthExceededError(APIStatusError):
    """420 (or `error.code == "context_length_exceeded"`): the input is over the model's limit."""


class UnprocessableEntityError(APIStatusError):
    """422: the request was well-formed but not acceptable."""


class RateLimitError(APIStatusError):
    """429: too many requests; `retry_after` says how long to wait when the server told us."""


class ServerError(APIStatusError):
    """A 5xx status: the service or a gateway in front of it failed."""


_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    420: ContextLengthExceededError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def _class_for(status_code: int, code: str | None) -> type[APIStatusError]:
    if code == "context_length_exceeded":
        return ContextLengthExceededError
    if status_code >= 500:
        return ServerError
    return _STATUS_CLASSES.get(status_code, APIStatusError)


def _first_line_excerpt(text: str) -> str:
    collapsed = " ".join(text.split())
    if len(collapsed) > _EXCERPT_CHARS:
        collapsed = collapsed[: _EXCERPT_CHARS - 1] + "…"
    return collapsed


def _message_from_html(text: str) -> str | None:
    """Gateways answer with HTML pages; their <title> or <h1> is the useful part."""
    for tag in ("title", "h1"):
        match = re.search(rf"<{tag}[^>]*>(.*?)</{tag}>", text, re.IGNORECASE | re.DOTALL)
        if match:
            inner = re.sub(r"<[^>]+>", "", match.group(1))
            inner = " ".join(html.unescape(inner).split())
            if inner:
                return inner
    return None


def _parse_error_body(body: bytes, content_type: str) -> tuple[str | None, str | None]:
    """Returns (code, message) from any error body; either may be None."""
    text = body.decode("utf-8", errors="replace").strip()
    if not text:
        return None, None
    try:
        data: Any = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        error = data.get("error", data)
        if isinstance(error, dict):
            code = error.get("code") if isinstance(error.get("code"), str) else None
            raw_message = error.get("message")
            message = raw_message if isinstance(raw_message, str) and raw_message.strip() else None
            if message is None and isinstance(error.get("type"), str):
                message = error["type"]
            return code, message
        if isinstance(error, str) and error.strip():
            return None, error
    if data is not None:
        return None, _first_line_excerpt(text)
    if "html" in content_type.lower() or text.lstrip().startswith("<"):
        found = _message_from_html(text)
        if found:
            return None, found
    return None, _first_line_excerpt(text)


def status_error_from_response(
    status_code: int,
    body: bytes,
    *,
    content_type: str = "",
    reason_phrase: str = "",
    retry_after: float | None = None,
    secrets: tuple[str, ...] = (),
) -> APIStatusError:
    """Builds the right `APIStatusError` subclass from whatever the server sent.

    The message is never empty and never contains any of `secrets` (a
    gateway may echo request headers back in its error page).
    """
    code, detail = _parse_error_body(body, content_type)
    phrase = reason_phrase.strip() or _STATUS_PHRASES.get(status_code, "")
    head = f"HTTP {status_code}" + (f" {phrase}" if phrase else "")
    if detail:
        message = f"{head}: {detail}"
    elif body.strip():
        message = f"{head} (the server's reply could not be read)"
    else:
        message = f"{head} (empty reply from the server)"
    message = redact(message, secrets)
    cls = _class_for(status_code, code)
    return cls(message, status_code=status_code, code=code, retry_after=retry_after)
