"""ZeroGPUClient: sends prompts to the Responses API and returns parsed answers.

One `httpx.AsyncClient` is kept per event loop (an AsyncClient's
connections belong to the loop that opened them). Every failure becomes
a `ZeroGPUError` subclass with a readable message; transient ones are
retried. Cancelling the awaiting task aborts the HTTP request at once:
the reply's stream is closed, and with it the connection.

Every attempt is bounded twice: in time by a deadline from connect to the
last byte, and in size by a cap on the decoded body (see `api.body`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

import httpx

from zerogpu_desktop import __version__
from zerogpu_desktop.api.body import (
    ACCEPT_ENCODING,
    DEFAULT_MAX_RESPONSE_BYTES,
    read_body,
    read_error_body,
)
from zerogpu_desktop.api.defaults import DEFAULT_BASE_URL
from zerogpu_desktop.api.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    InvalidResponseError,
    RequestRefusedError,
    status_error_from_data,
    status_error_from_response,
)
from zerogpu_desktop.api.failures import (
    describe_deadline,
    describe_request_error,
    describe_timeout,
    describe_transport_error,
)
from zerogpu_desktop.api.json_limits import JSONLimitError, load_json
from zerogpu_desktop.api.models import Message, Response, parse_response, request_body
from zerogpu_desktop.api.redaction import register_secret
from zerogpu_desktop.api.retry import RetryPolicy, is_retryable_status, parse_retry_after
from zerogpu_desktop.api.tls import shared_ssl_context
from zerogpu_desktop.api.transport import new_http_client, validate_base_url
from zerogpu_desktop.response_format import (
    RESPONSE_FORMAT_FIX,
    is_valid_response_format,
    response_format_problem,
)
from zerogpu_desktop.safe_text import safe_for_display

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_TIMEOUT",
    "RetryNotice",
    "ZeroGPUClient",
    "validate_base_url",
]

log = logging.getLogger(__name__)

#: A model may think for minutes; httpx's 5 s default would cut it off.
DEFAULT_TIMEOUT = httpx.Timeout(300.0, connect=10.0)
_RESPONSES_PATH = "/v1/responses"


@dataclass(frozen=True, slots=True)
class RetryNotice:
    """Told to `on_retry` before each wait, so a UI can say "retrying in 2 s".

    Attributes:
        attempt: The number of the retry about to happen (1 for the first).
        wait_seconds: The wait before it.
        reason: The failure, in words.
        status_code: The HTTP status that failed, or None for a connection error or timeout.
        retry_after: The wait the server asked for, or None when it did not say; a caller
            running many requests holds them all back for it (a 429 is about the account).
    """

    attempt: int
    wait_seconds: float
    reason: str
    status_code: int | None = None
    retry_after: float | None = None


@dataclass(frozen=True, slots=True)
class _Reply:
    """One attempt's reply, its body already read within the bounds."""

    status_code: int
    reason_phrase: str
    headers: httpx.Headers
    body: bytes
    body_readable: bool = True


def _is_header_token(value: str) -> bool:
    """Visible ASCII only (0x21-0x7e): what a key or a UUID can be, and a header can carry."""
    return all("!" <= char <= "~" for char in value)


def _content_length(headers: httpx.Headers) -> int | None:
    raw = headers.get("content-length", "")
    return int(raw) if raw.isdigit() and len(raw) < 20 else None


class ZeroGPUClient:
    """An async client for the ZeroGPU Responses API.

    Each attempt must be over within `timeout.read` seconds from connect to the last
    byte of the reply (httpx alone bounds each read, so a server trickling a byte at a
    time would never be cut); the connect phase keeps its own `timeout.connect`. A
    timed-out attempt is retried like any timeout, so the worst case is
    `(max_retries + 1) × timeout.read` plus the back-off between attempts.

    Args:
        api_key: the user's key; sent only in the `x-api-key` header.
        project_id: the user's project UUID.
        base_url: scheme and host, e.g. "https://api.zerogpu.ai".
        timeout: seconds, or an `httpx.Timeout` for per-phase limits; `read` is the
            deadline of each attempt.
        max_retries: retries of transient failures (see `RetryPolicy`).
        retry_policy: overrides `max_retries` with a full policy.
        max_response_bytes: the largest decoded reply accepted; a larger one fails
            the run as `ResponseTooLargeError` instead of filling memory.
        allow_insecure_http: permit plain http to a non-loopback host (tests only).
        transport: an httpx transport (tests pass a MockTransport).
        on_retry: called before each retry wait.
        before_attempt: awaited before every attempt, the first included, so a caller can
            hold requests back (e.g. every request of a batch while the server asked one of
            them to wait).
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
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        allow_insecure_http: bool = False,
        transport: httpx.AsyncBaseTransport | None = None,
        on_retry: Callable[[RetryNotice], None] | None = None,
        before_attempt: Callable[[], Awaitable[None]] | None = None,
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
        if max_response_bytes < 1:
            raise RequestRefusedError("The largest reply accepted must be at least one byte.")
        self._api_key = api_key
        self.project_id = project_id
        self.base_url = validate_base_url(base_url, allow_insecure_http=allow_insecure_http)
        self.timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self.retry_policy = retry_policy or RetryPolicy(max_retries=max_retries)
        self.max_response_bytes = max_response_bytes
        self.on_retry = on_retry
        self.before_attempt = before_attempt
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
            self._http = new_http_client(
                self.base_url,
                timeout=self.timeout,
                verify=shared_ssl_context(),
                headers={"user-agent": f"zerogpu-desktop/{__version__} httpx/{httpx.__version__}"},
                transport=self._transport,
            )
            self._http_loop = loop
        return self._http

    def _headers(self) -> dict[str, str]:
        return {
            "x-api-key": self._api_key,
            "x-project-id": self.project_id,
            "content-type": "application/json",
            "accept": "application/json",
            "accept-encoding": ACCEPT_ENCODING,
        }

    async def create_response(
        self,
        model: str,
        messages: Sequence[Message],
        *,
        request_timeout: float | httpx.Timeout | None = None,
        response_format: str = "text",
    ) -> Response:
        """Sends `messages` to `model`, asking for `response_format`, and returns the answer.

        Raises:
            RequestRefusedError: empty model or input, a response format outside the rule
                of `zerogpu_desktop.response_format`, or an unusable proxy setting
                (nothing was sent).
            APIStatusError: the server answered with an error status.
            APIConnectionError: the server could not be reached; `APITimeoutError`
                when an attempt ran past its deadline.
            InvalidResponseError: a 2xx reply that is not an answer, or is larger
                than `max_response_bytes` (`ResponseTooLargeError`).
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
        if not is_valid_response_format(response_format):
            raise RequestRefusedError(
                f"The response format {response_format_problem(str(response_format))}. "
                + RESPONSE_FORMAT_FIX
            )
        body = json.dumps(
            request_body(model, message_list, response_format), ensure_ascii=False
        ).encode("utf-8")
        http = self._client_for_running_loop()
        url = self.base_url + _RESPONSES_PATH
        timeout = self.timeout if request_timeout is None else httpx.Timeout(request_timeout)
        retries_done = 0
        while True:
            if self.before_attempt is not None:
                await self.before_attempt()
            started = time.monotonic()
            try:
                reply = await self._attempt(http, url, body, timeout)
            except APIConnectionError as exc:
                wait = self.retry_policy.wait_before_retry(retries_done, None)
                if wait is None:
                    raise
                reason = exc.message
                status_code: int | None = None
                retry_after: float | None = None
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
                status_code, retry_after = reply.status_code, error.retry_after
            retries_done += 1
            log.info("retry %d in %.2f s: %s", retries_done, wait, reason)
            if self.on_retry is not None:
                self.on_retry(RetryNotice(retries_done, wait, reason, status_code, retry_after))
            await asyncio.sleep(wait)

    async def _attempt(
        self, http: httpx.AsyncClient, url: str, body: bytes, limits: httpx.Timeout
    ) -> _Reply:
        """One POST, its reply read within `limits.read` (the deadline) and the size bounds."""
        request = http.build_request(
            "POST", url, content=body, headers=self._headers(), timeout=limits
        )
        headers_arrived = False
        try:
            async with asyncio.timeout(limits.read):
                reply = await http.send(request, stream=True)
                headers_arrived = True
                try:
                    return await self._read_reply(reply)
                finally:
                    await reply.aclose()
        except TimeoutError:
            raise APITimeoutError(
                describe_deadline(self.base_url, limits, headers_arrived=headers_arrived)
            ) from None
        except httpx.TimeoutException as exc:
            raise APITimeoutError(
                describe_timeout(exc, self.base_url, limits, headers_arrived=headers_arrived)
            ) from None
        except httpx.TransportError as exc:
            raise APIConnectionError(
                describe_transport_error(exc, self.base_url, (self._api_key,))
            ) from None
        except httpx.RequestError as exc:  # e.g. too many redirects: anything else on the way
            raise APIConnectionError(describe_request_error(exc, (self._api_key,))) from None

    async def _read_reply(self, reply: httpx.Response) -> _Reply:
        encoding = reply.headers.get("content-encoding", "")
        if 200 <= reply.status_code < 300:
            body = await read_body(
                reply.aiter_raw(),
                content_encoding=encoding,
                content_length=_content_length(reply.headers),
                limit=self.max_response_bytes,
                status_code=reply.status_code,
            )
            return _Reply(reply.status_code, reply.reason_phrase, reply.headers, body)
        error_body, readable = await read_error_body(reply.aiter_raw(), content_encoding=encoding)
        return _Reply(reply.status_code, reply.reason_phrase, reply.headers, error_body, readable)

    def _status_error(self, reply: _Reply) -> APIStatusError:
        return status_error_from_response(
            reply.status_code,
            reply.body,
            content_type=reply.headers.get("content-type", ""),
            reason_phrase=reply.reason_phrase,
            retry_after=parse_retry_after(reply.headers),
            secrets=(self._api_key,),
            unreadable=not reply.body_readable,
        )

    def _parse_success(self, reply: _Reply, model: str) -> Response:
        try:
            data: Any = load_json(reply.body)
        except JSONLimitError as exc:
            raise InvalidResponseError(
                f"The server answered {reply.status_code} but its reply {exc.reason}, far "
                "beyond any real answer, so it was not decoded.",
                status_code=reply.status_code,
            ) from None
        except ValueError:
            content_type = safe_for_display(reply.headers.get("content-type", "unknown"))[:80]
            raise InvalidResponseError(
                f"The server answered {reply.status_code} but its reply is not valid JSON "
                f"({len(reply.body)} bytes, content-type {content_type}).",
                status_code=reply.status_code,
            ) from None
        if isinstance(data, dict) and isinstance(data.get("error"), dict):
            # Some gateways wrap errors in a 200.
            raise status_error_from_data(reply.status_code, data, secrets=(self._api_key,))
        return parse_response(data, requested_model=model)
