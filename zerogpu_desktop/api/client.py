"""ZeroGPUClient: sends prompts to the Responses API and returns parsed answers.

One `httpx.AsyncClient` is kept per event loop (an AsyncClient's
connections belong to the loop that opened them). Every failure becomes
a `ZeroGPUError` subclass with a readable message; transient ones are
retried. Cancelling the awaiting task aborts the HTTP request at once:
httpx closes the connection when its read is cancelled.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import socket
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit

import httpx

from zerogpu_desktop import __version__
from zerogpu_desktop.api.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    InsecureTransportError,
    InvalidResponseError,
    RequestRefusedError,
    status_error_from_response,
)
from zerogpu_desktop.api.models import Message, Response, parse_response, request_body
from zerogpu_desktop.api.redaction import redact, register_secret
from zerogpu_desktop.api.retry import RetryPolicy, is_retryable_status, parse_retry_after
from zerogpu_desktop.api.tls import shared_ssl_context

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_TIMEOUT", "RetryNotice", "ZeroGPUClient"]

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.zerogpu.ai"
#: A model may think for minutes; httpx's 5 s default would cut it off.
DEFAULT_TIMEOUT = httpx.Timeout(300.0, connect=10.0)
_RESPONSES_PATH = "/v1/responses"


@dataclass(frozen=True, slots=True)
class RetryNotice:
    """Told to `on_retry` before each wait, so a UI can say "retrying in 2 s"."""

    attempt: int
    wait_seconds: float
    reason: str


def _is_header_token(value: str) -> bool:
    """Visible ASCII only (0x21-0x7e): what a key or a UUID can be, and a header can carry."""
    return all("!" <= char <= "~" for char in value)


def _exception_chain(exc: BaseException) -> list[BaseException]:
    """The exception and everything it was raised from, to find the OS-level cause."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 10:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost.localdomain") or host.lower().endswith(
        ".localhost"
    ):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def validate_base_url(base_url: str, *, allow_insecure_http: bool = False) -> str:
    """Returns the base URL without a trailing slash, or raises RequestRefusedError.

    Plain http is allowed only to loopback (the key would otherwise
    travel in clear text) unless the caller explicitly allows it.
    """
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RequestRefusedError(
            f"The base URL must start with https:// and name a host (got {base_url!r})."
        )
    if parts.scheme == "http" and not allow_insecure_http and not _is_loopback(parts.hostname):
        raise InsecureTransportError(
            f"Refusing to send the API key over plain http to {parts.hostname}: "
            "use https://, or allow insecure http explicitly."
        )
    return base_url.strip().rstrip("/")


class ZeroGPUClient:
    """An async client for the ZeroGPU Responses API.

    Args:
        api_key: the user's key; sent only in the `x-api-key` header.
        project_id: the user's project UUID.
        base_url: scheme and host, e.g. "https://api.zerogpu.ai".
        timeout: seconds, or an `httpx.Timeout` for per-phase limits.
        max_retries: retries of transient failures (see `RetryPolicy`).
        retry_policy: overrides `max_retries` with a full policy.
        allow_insecure_http: permit plain http to a non-loopback host.
        transport: an httpx transport (tests pass a MockTransport).
        on_retry: called before each retry wait.
    """

    def __init__(
        self,
        api_key: str,
        project_id: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        retry_policy: RetryPolicy | None = None,
        allow_insecure_http: bool = False,
        transport: httpx.AsyncBaseTransport | None = None,
        on_retry: Callable[[RetryNotice], None] | None = None,
    ) -> None:
        api_key, project_id = api_key.strip(), project_id.strip()
        if not api_key:
            raise RequestRefusedError("No API key was given.")
        if not project_id:
            raise RequestRefusedError("No project ID was given.")
        register_secret(api_key)
        # A header cannot carry spaces, line breaks or non-ASCII; httpx would raise with the
        # value in its message. Refuse first, and never quote the value.
        if not _is_header_token(api_key):
            raise RequestRefusedError(
                "The API key contains spaces, line breaks or characters that are not plain "
                "ASCII. Copy it again from your ZeroGPU dashboard."
            )
        if not _is_header_token(project_id):
            raise RequestRefusedError(
                "The project ID contains spaces, line breaks or characters that are not plain "
                "ASCII. Copy it again from your ZeroGPU dashboard."
            )
        self._api_key = api_key
        self.project_id = project_id
        self.base_url = validate_base_url(base_url, allow_insecure_http=allow_insecure_http)
        self.timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self.retry_policy = retry_policy or RetryPolicy(max_retries=max_retries)
        self.on_retry = on_retry
        self._transport = transport
        self._http: httpx.AsyncClient | None = None
        self._http_loop: asyncio.AbstractEventLoop | None = None

    def __repr__(self) -> str:
        return (
            f"ZeroGPUClient(base_url={self.base_url!r}, project_id={self.project_id!r}, "
            f"max_retries={self.retry_policy.max_retries})"
        )

    __str__ = __repr__

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Closes the connection pool; safe to call twice."""
        http, self._http, self._http_loop = self._http, None, None
        if http is not None:
            await http.aclose()

    def _client_for_running_loop(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        if self._http is None or self._http_loop is not loop or self._http.is_closed:
            # The old client's connections belong to a loop that may be gone;
            # dropping it is all that can safely be done from here.
            self._http = httpx.AsyncClient(
                timeout=self.timeout,
                transport=self._transport,
                verify=shared_ssl_context(),
                headers={"user-agent": f"zerogpu-desktop/{__version__} httpx/{httpx.__version__}"},
                follow_redirects=False,
            )
            self._http_loop = loop
        return self._http

    def _headers(self) -> dict[str, str]:
        return {
            "x-api-key": self._api_key,
            "x-project-id": self.project_id,
            "content-type": "application/json",
            "accept": "application/json",
        }

    async def create_response(
        self,
        model: str,
        messages: Sequence[Message],
        *,
        request_timeout: float | httpx.Timeout | None = None,
    ) -> Response:
        """Sends `messages` to `model` and returns the answer.

        Raises:
            RequestRefusedError: empty model or input (nothing was sent).
            APIStatusError: the server answered with an error status.
            APIConnectionError: the server could not be reached.
            InvalidResponseError: a 2xx reply that is not an answer.
        """
        model = model.strip()
        if not model:
            raise RequestRefusedError("Choose a model before sending.")
        message_list = list(messages)
        if not message_list:
            raise RequestRefusedError("There is nothing to send: the input is empty.")
        for message in message_list:
            if not isinstance(message, Message):
                raise RequestRefusedError("Every input item must be a Message.")
        body = json.dumps(request_body(model, message_list), ensure_ascii=False).encode("utf-8")
        http = self._client_for_running_loop()
        url = self.base_url + _RESPONSES_PATH
        retries_done = 0
        while True:
            started = time.monotonic()
            try:
                reply = await self._post_once(http, url, body, request_timeout)
            except APIConnectionError as exc:
                wait = self.retry_policy.wait_before_retry(retries_done, None)
                if wait is None:
                    raise
                reason = exc.message
            else:
                log.debug(
                    "POST %s -> %s in %.0f ms",
                    url,
                    reply.status_code,
                    (time.monotonic() - started) * 1000,
                )
                if 200 <= reply.status_code < 300:
                    return self._parse_success(reply, model)
                error = self._status_error(reply)
                if not is_retryable_status(reply.status_code):
                    raise error
                wait = self.retry_policy.wait_before_retry(retries_done, error.retry_after)
                if wait is None:
                    raise error
                reason = error.message
            retries_done += 1
            log.info("retry %d in %.2f s: %s", retries_done, wait, reason)
            if self.on_retry is not None:
                self.on_retry(RetryNotice(retries_done, wait, reason))
            await asyncio.sleep(wait)

    async def _post_once(
        self,
        http: httpx.AsyncClient,
        url: str,
        body: bytes,
        request_timeout: float | httpx.Timeout | None,
    ) -> httpx.Response:
        extra: dict[str, Any] = {} if request_timeout is None else {"timeout": request_timeout}
        try:
            return await http.post(url, content=body, headers=self._headers(), **extra)
        except httpx.TimeoutException as exc:
            raise APITimeoutError(self._describe_timeout(exc)) from None
        except httpx.DecodingError:
            raise InvalidResponseError(
                "The server's reply could not be decoded (its content-encoding is broken)."
            ) from None
        except httpx.TransportError as exc:
            raise APIConnectionError(self._describe_transport_error(exc)) from None
        except httpx.RequestError as exc:  # e.g. too many redirects: anything else on the way
            detail = redact(str(exc).strip(), (self._api_key,))
            raise APIConnectionError(
                f"The request failed ({detail or type(exc).__name__})."
            ) from None

    def _describe_timeout(self, exc: httpx.TimeoutException) -> str:
        host = urlsplit(self.base_url).netloc
        if isinstance(exc, httpx.ConnectTimeout):
            return f"Could not connect to {host} within {self.timeout.connect:g} s."
        if isinstance(exc, httpx.ReadTimeout):
            return f"{host} sent no answer within {self.timeout.read:g} s."
        if isinstance(exc, httpx.WriteTimeout):
            return f"Sending the request to {host} took longer than {self.timeout.write:g} s."
        return f"Timed out waiting for {host}."

    def _describe_transport_error(self, exc: httpx.TransportError) -> str:
        host = urlsplit(self.base_url).netloc
        detail = redact(str(exc).strip(), (self._api_key,))
        causes = _exception_chain(exc)
        if isinstance(exc, httpx.ConnectError):
            lowered = detail.lower()
            if any(isinstance(c, ssl.SSLError) for c in causes) or "certificate" in lowered:
                what = f"A secure (TLS) connection to {host} could not be set up"
            elif any(isinstance(c, socket.gaierror) for c in causes) or "name" in lowered:
                what = f"The host name {urlsplit(self.base_url).hostname} could not be resolved"
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

    def _status_error(self, reply: httpx.Response) -> APIStatusError:
        return status_error_from_response(
            reply.status_code,
            reply.content,
            content_type=reply.headers.get("content-type", ""),
            reason_phrase=reply.reason_phrase,
            retry_after=parse_retry_after(reply.headers),
            secrets=(self._api_key,),
        )

    def _parse_success(self, reply: httpx.Response, model: str) -> Response:
        try:
            data = json.loads(reply.content)
        except ValueError:
            size = len(reply.content)
            raise InvalidResponseError(
                f"The server answered {reply.status_code} but its reply is not valid JSON "
                f"({size} bytes, content-type {reply.headers.get('content-type', 'unknown')}).",
                status_code=reply.status_code,
            ) from None
        if isinstance(data, dict) and isinstance(data.get("error"), dict):
            # Some gateways wrap errors in a 200.
            raise status_error_from_response(
                reply.status_code, reply.content, secrets=(self._api_key,)
            )
        return parse_response(data, requested_model=model)
