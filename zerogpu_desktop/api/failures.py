"""Words for what went wrong on the way: timeouts, refused connections, broken ones.

httpx's own messages are often empty (its timeouts) or quote whatever the server or the OS
said; these sentences name the host and the phase, and any quoted detail is redacted and
cut to one short, printable excerpt.
"""

from __future__ import annotations

import socket
import ssl
from urllib.parse import urlsplit

import httpx

from zerogpu_desktop.api.redaction import redact_excerpt
from zerogpu_desktop.safe_text import safe_for_display

__all__ = [
    "describe_deadline",
    "describe_request_error",
    "describe_timeout",
    "describe_transport_error",
]

#: How much of an exception's own text a message quotes.
_DETAIL_CHARS = 200


def _detail(exc: BaseException, secrets: tuple[str, ...]) -> str:
    return redact_excerpt(" ".join(safe_for_display(str(exc)).split()), _DETAIL_CHARS, secrets)


def _exception_chain(exc: BaseException) -> list[BaseException]:
    """The exception and everything it was raised from, to find the OS-level cause."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 10:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def describe_deadline(base_url: str, timeout: httpx.Timeout, *, headers_arrived: bool) -> str:
    """An attempt ran past its deadline, before or after the reply began."""
    what = "no complete answer" if headers_arrived else "no answer"
    return f"{urlsplit(base_url).netloc} sent {what} within {timeout.read:g} s."


def describe_timeout(
    exc: httpx.TimeoutException, base_url: str, timeout: httpx.Timeout, *, headers_arrived: bool
) -> str:
    host = urlsplit(base_url).netloc
    if isinstance(exc, httpx.ConnectTimeout):
        return f"Could not connect to {host} within {timeout.connect:g} s."
    if isinstance(exc, httpx.ReadTimeout):
        return describe_deadline(base_url, timeout, headers_arrived=headers_arrived)
    if isinstance(exc, httpx.WriteTimeout):
        return f"Sending the request to {host} took longer than {timeout.write:g} s."
    return f"Timed out waiting for {host}."


def describe_transport_error(
    exc: httpx.TransportError, base_url: str, secrets: tuple[str, ...]
) -> str:
    parts = urlsplit(base_url)
    host = parts.netloc
    detail = _detail(exc, secrets)
    causes = _exception_chain(exc)
    if isinstance(exc, httpx.ConnectError):
        lowered = detail.lower()
        if any(isinstance(c, ssl.SSLError) for c in causes) or "certificate" in lowered:
            what = f"A secure (TLS) connection to {host} could not be set up"
        elif any(isinstance(c, socket.gaierror) for c in causes) or "name" in lowered:
            what = f"The host name {parts.hostname} could not be resolved"
        elif any(isinstance(c, ConnectionRefusedError) for c in causes) or "refused" in lowered:
            what = f"{host} refused the connection"
        else:
            what = f"Could not connect to {host}"
    elif isinstance(exc, httpx.RemoteProtocolError):
        what = f"{host} closed the connection without a complete answer"
    elif isinstance(exc, httpx.ReadError | httpx.WriteError):
        what = f"The connection to {host} broke"
    else:
        what = f"A network error occurred talking to {host}"
    return f"{what} ({detail})." if detail else f"{what}."


def describe_request_error(exc: httpx.RequestError, secrets: tuple[str, ...]) -> str:
    """Anything else on the way (too many redirects, an invalid URL)."""
    return f"The request failed ({_detail(exc, secrets) or type(exc).__name__})."
