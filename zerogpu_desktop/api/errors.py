"""The exception tree every caller of the API client catches.

The shape mirrors httpx's and openai-python's trees so that a caller can
catch broadly (`ZeroGPUError`), by kind (`APIConnectionError`,
`APIStatusError`) or precisely (`RateLimitError`). Every error carries a
non-empty, human-readable message: httpx's own timeouts have empty
messages, which is useless in a status bar.
"""

from __future__ import annotations

import html
import re
from typing import Any

from zerogpu_desktop.api.json_limits import load_json
from zerogpu_desktop.api.redaction import redact, redact_excerpt
from zerogpu_desktop.safe_text import safe_for_display

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
    "ResponseTooLargeError",
    "ServerError",
    "UnprocessableEntityError",
    "ZeroGPUError",
    "format_mebibytes",
    "status_error_from_data",
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


class ResponseTooLargeError(InvalidResponseError):
    """The reply grew past the size limit; `limit_bytes` is that limit.

    A caller can offer to raise the limit (Settings "Largest reply", `--max-response-mb`).
    """

    def __init__(self, limit_bytes: int, *, status_code: int | None = None) -> None:
        super().__init__(
            f"The server's reply is larger than the {format_mebibytes(limit_bytes)} reply "
            "limit. Raise “Largest reply” in Settings or pass --max-response-mb.",
            status_code=status_code,
        )
        self.limit_bytes = limit_bytes


def format_mebibytes(size: int) -> str:
    """16777216 -> "16 MiB", 1 GiB -> "1024 MiB", 2**19 -> "0.5 MiB", 1000 -> "1,000 bytes"."""
    mebibytes = size / (1024 * 1024)
    if mebibytes < 0.01:
        return f"{size:,} bytes"
    if mebibytes == int(mebibytes):
        return f"{int(mebibytes)} MiB"
    return f"{mebibytes:.2f}".rstrip("0").rstrip(".") + " MiB"


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


def _excerpt(text: str, secrets: tuple[str, ...]) -> str:
    """One line, secrets removed before the cut, controls shown escaped."""
    collapsed = " ".join(safe_for_display(text).split())
    return redact_excerpt(collapsed, _EXCERPT_CHARS, secrets)


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


def _fields_from_data(data: Any) -> tuple[str | None, str | None] | None:
    """(code, message) from a decoded error body, or None when it has neither shape."""
    if not isinstance(data, dict):
        return None
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
    return None


def _parse_error_body(text: str, content_type: str) -> tuple[str | None, str | None]:
    """Returns (code, message) from any error body; either may be None."""
    text = text.strip()
    if not text:
        return None, None
    try:
        data: Any = load_json(text.encode("utf-8", "surrogatepass"))
    except ValueError:
        data = None
    fields = _fields_from_data(data)
    if fields is not None:
        return fields
    if data is None and ("html" in content_type.lower() or text.startswith("<")):
        found = _message_from_html(text)
        if found:
            return None, found
    return None, text


def _repeats_status_line(detail: str, status_code: int, phrases: set[str]) -> bool:
    """True for a detail like "502 Bad Gateway" that only says what the status line says."""
    words = " ".join(re.sub(r"[^a-z0-9]+", " ", detail.lower()).split())
    words = words.removeprefix("http ").removeprefix("error ")
    said = {str(status_code)}
    for phrase in phrases:
        phrase = " ".join(re.sub(r"[^a-z0-9]+", " ", phrase.lower()).split())
        said |= {phrase, f"{status_code} {phrase}", f"{phrase} {status_code}"}
    return words in said


def _build(
    status_code: int,
    code: str | None,
    detail: str | None,
    *,
    reason_phrase: str,
    retry_after: float | None,
    secrets: tuple[str, ...],
    unreadable: bool,
) -> APIStatusError:
    standard = _STATUS_PHRASES.get(status_code, "")
    phrase = " ".join(safe_for_display(reason_phrase).split()) or standard
    head = redact(f"HTTP {status_code}" + (f" {phrase}" if phrase else ""), secrets)
    excerpt = _excerpt(detail, secrets) if detail else ""
    if excerpt and _repeats_status_line(excerpt, status_code, {phrase, standard} - {""}):
        message = head
    elif excerpt:
        message = f"{head}: {excerpt}"
    elif unreadable:
        message = f"{head} (the server's reply could not be read)"
    else:
        message = f"{head} (empty reply from the server)"
    cls = _class_for(status_code, code)
    return cls(message, status_code=status_code, code=code, retry_after=retry_after)


def status_error_from_response(
    status_code: int,
    body: bytes,
    *,
    content_type: str = "",
    reason_phrase: str = "",
    retry_after: float | None = None,
    secrets: tuple[str, ...] = (),
    unreadable: bool = False,
) -> APIStatusError:
    """Builds the right `APIStatusError` subclass from whatever the server sent.

    The message is never empty and never contains any of `secrets` (a gateway may echo
    request headers back in its error page): the body is redacted before it is parsed,
    the parsed message again before it is cut. Control characters in it are shown escaped.
    `unreadable` says the body could not be decoded at all.
    """
    text = redact(body.decode("utf-8", errors="replace"), secrets)
    code, detail = _parse_error_body(text, content_type)
    if detail is None and text.strip() and not unreadable:
        unreadable = True
    return _build(
        status_code,
        safe_for_display(code) if code else None,
        detail,
        reason_phrase=reason_phrase,
        retry_after=retry_after,
        secrets=secrets,
        unreadable=unreadable,
    )


def status_error_from_data(
    status_code: int, data: dict[str, Any], *, secrets: tuple[str, ...] = ()
) -> APIStatusError:
    """The error a decoded body describes, e.g. a gateway's `{"error": {…}}` inside a 200."""
    code, detail = _fields_from_data(data) or (None, None)
    return _build(
        status_code,
        safe_for_display(code) if code else None,
        detail,
        reason_phrase="",
        retry_after=None,
        secrets=secrets,
        unreadable=False,
    )
