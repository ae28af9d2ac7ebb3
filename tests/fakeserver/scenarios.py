"""Scenarios: how the fake server answers a request that passed the contract checks.

A scenario is an immutable value that maps a valid request to a reply (see
:mod:`tests.fakeserver.replies`). It never touches sockets, so one scenario can
serve many threads at once. Build them with the ``Scenario.<name>(...)``
constructors; the concrete classes are private.

A request can also pick its scenario by model name: see :mod:`tests.fakeserver.names`.
"""

from __future__ import annotations

import abc
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from tests.fakeserver import texts
from tests.fakeserver.contract import ResponsesRequest
from tests.fakeserver.replies import (
    JSON_TYPE,
    Delayed,
    Hangup,
    HttpReply,
    Reply,
    default_error,
    dump_json,
    error_body,
    error_reply,
    json_reply,
    message_item,
    response_object,
)
from tests.fakeserver.tokens import count_tokens

_NGINX_PAGE = """\
<html>
<head><title>{status} {phrase}</title></head>
<body>
<center><h1>{status} {phrase}</h1></center>
<hr><center>nginx</center>
</body>
</html>
"""


class Scenario(abc.ABC):
    """How the server answers a valid ``POST /v1/responses``; build with the classmethods.

    Attributes:
        MULTI_PART_TEXT: the answer a client must extract from :meth:`multi_part`.
        UNICODE_TEXT: the answer text of :meth:`unicode`.
        MARKDOWN_TEXT: the answer text of :meth:`markdown`.
    """

    MULTI_PART_TEXT: ClassVar[str] = texts.MULTI_PART_TEXT
    UNICODE_TEXT: ClassVar[str] = texts.UNICODE_TEXT
    MARKDOWN_TEXT: ClassVar[str] = texts.MARKDOWN_TEXT

    @property
    @abc.abstractmethod
    def name(self) -> str:
        """A short name for logs (the model-name spelling where there is one)."""

    @abc.abstractmethod
    def respond(self, request: ResponsesRequest) -> Reply:
        """Decide the reply to ``request``; must not block or touch shared state."""

    @classmethod
    def echo(cls, text: str | None = None) -> Scenario:
        """200 with ``"Echo: " + <last user message>``, or ``text`` if given."""
        return _Answer("echo", text)

    @classmethod
    def slow(cls, delay: float = 2.0, text: str | None = None) -> Scenario:
        """Like :meth:`echo`, but only after ``delay`` seconds.

        While waiting the server watches the client's socket: if the client
        goes away, it stops and counts a disconnect (``FakeServer.disconnects``).
        """
        return _Slow(delay, text)

    @classmethod
    def context_limit(cls, limit: int = 100, reason: str = "") -> Scenario:
        """420 ``context_length_exceeded`` when input tokens exceed ``limit``; else echo.

        Args:
            limit: the largest accepted input, in :func:`count_tokens` tokens.
            reason: the status line's reason phrase; empty by default, because
                420 has no standard one and clients must not depend on it.
        """
        return _ContextLimit(limit, reason)

    @classmethod
    def truncate(cls, limit: int = 100) -> Scenario:
        """Echo, reporting ``usage.input_tokens = min(actual, limit)`` and no flag."""
        return _Truncate(limit)

    @classmethod
    def rate_limited(
        cls, retry_after: str | float | None = "1", retry_after_ms: str | float | None = None
    ) -> Scenario:
        """429 ``rate_limit_exceeded`` with ``retry-after`` (and ``retry-after-ms``) headers.

        A None value leaves that header out. Numbers are sent as written
        (``1.5`` becomes ``"1.5"``); pass a string for an HTTP date.
        """
        headers = []
        if retry_after is not None:
            headers.append(("retry-after", str(retry_after)))
        if retry_after_ms is not None:
            headers.append(("retry-after-ms", str(retry_after_ms)))
        wait = f" Retry after {retry_after} seconds." if retry_after is not None else ""
        message = f"Rate limit reached for requests.{wait}"
        reply = error_reply(429, "rate_limit_exceeded", message, headers)
        return _Fixed("rate-limited", reply)

    @classmethod
    def status(
        cls,
        code: int,
        body: object = None,
        headers: Mapping[str, str] | None = None,
        content_type: str | None = JSON_TYPE,
    ) -> Scenario:
        """Any status with any body.

        Args:
            code: the status, 200-599.
            body: bytes or str are sent as they are; None sends the fitting
                JSON error (500 ``server_error``, 503 ``overloaded``, ...);
                anything else is sent as JSON.
            headers: extra response headers.
            content_type: the ``content-type`` header (None sends none).
        """
        if not 200 <= code <= 599:
            raise ValueError(f"status must be 200-599, got {code}")
        if body is None:
            raw = dump_json(error_body(*default_error(code)))
        elif isinstance(body, bytes):
            raw = body
        elif isinstance(body, str):
            raw = body.encode("utf-8")
        else:
            raw = dump_json(body)
        extra = tuple((headers or {}).items())
        return _Fixed(f"status-{code}", HttpReply(code, raw, content_type, extra))

    @classmethod
    def html_error(cls, status: int = 502) -> Scenario:
        """An nginx-style HTML error page (``text/html``), as a gateway sends."""
        phrase = HttpReply(status).reason_phrase()
        page = _NGINX_PAGE.format(status=status, phrase=phrase).encode("utf-8")
        return _Fixed("html-error", HttpReply(status, page, "text/html"))

    @classmethod
    def empty_error(cls, status: int = 500) -> Scenario:
        """An error with an empty body (still labelled ``application/json``)."""
        return _Fixed("empty-error", HttpReply(status, b""))

    @classmethod
    def malformed_json(cls) -> Scenario:
        """200 ``application/json`` whose body is cut off mid-way."""
        return _Fixed("malformed-json", HttpReply(200, b'{"id": "resp_1", "output": ['))

    @classmethod
    def wrong_shape(cls, body: Any = None) -> Scenario:
        """200 with valid JSON that is not the documented shape.

        Args:
            body: the JSON value to send; by default an object whose ``output``
                is a string instead of a list.
        """
        value = body if body is not None else {"id": "resp_1", "output": "not a list"}
        return _Fixed("wrong-shape", json_reply(200, value))

    @classmethod
    def connection_reset(cls) -> Scenario:
        """Read the request, then reset the connection (TCP RST) without replying."""
        return _ConnectionReset()

    @classmethod
    def unicode(cls) -> Scenario:
        """200 with :attr:`UNICODE_TEXT`: emoji, CJK, RTL scripts, combining marks."""
        return _Answer("unicode", texts.UNICODE_TEXT)

    @classmethod
    def multi_part(cls) -> Scenario:
        """200 whose text is spread over several items and parts; see :attr:`MULTI_PART_TEXT`.

        ``output`` holds a ``reasoning`` item (with text that must not be
        shown), then a message with two ``output_text`` parts around an unknown
        ``refusal_hint`` part, then a second message; the body also has
        undocumented top-level fields.
        """
        return _MultiPart()

    @classmethod
    def no_usage(cls) -> Scenario:
        """A normal echo answer without the ``usage`` key."""
        return _Answer("no-usage", None, usage=False)

    @classmethod
    def huge(cls, size_bytes: int = 3_000_000) -> Scenario:
        """200 with a deterministic Markdown answer of about ``size_bytes`` bytes.

        The exact text is ``tests.fakeserver.texts.huge_markdown(size_bytes)``.
        """
        return _Huge(size_bytes)

    @classmethod
    def markdown(cls) -> Scenario:
        """200 with :attr:`MARKDOWN_TEXT`: heading, list, table, inline and fenced code."""
        return _Answer("markdown", texts.MARKDOWN_TEXT)


def _answer(
    request: ResponsesRequest,
    text: str | None,
    *,
    input_tokens: int | None = None,
    output_tokens: int | None = None,
    usage: bool = True,
) -> HttpReply:
    """A documented 200 answer with ``text`` (default: the echo of the last user message)."""
    if text is None:
        text = "Echo: " + request.last_user_content
    counted_in = request.input_tokens if input_tokens is None else input_tokens
    counted_out = count_tokens(text) if output_tokens is None else output_tokens
    tokens = (counted_in, counted_out) if usage else None
    return json_reply(200, response_object(request.model, [message_item(text)], tokens))


@dataclass(frozen=True)
class _Answer(Scenario):
    label: str
    text: str | None = field(default=None, repr=False)
    usage: bool = True

    @property
    def name(self) -> str:
        return self.label

    def respond(self, request: ResponsesRequest) -> Reply:
        return _answer(request, self.text, usage=self.usage)


@dataclass(frozen=True)
class _Fixed(Scenario):
    """The same reply to every request."""

    label: str
    reply: HttpReply

    @property
    def name(self) -> str:
        return self.label

    def respond(self, request: ResponsesRequest) -> Reply:
        return self.reply


@dataclass(frozen=True)
class _Slow(Scenario):
    delay: float
    text: str | None = None

    @property
    def name(self) -> str:
        return "slow"

    def respond(self, request: ResponsesRequest) -> Reply:
        return Delayed(self.delay, _answer(request, self.text))


@dataclass(frozen=True)
class _ContextLimit(Scenario):
    limit: int
    reason: str = ""

    @property
    def name(self) -> str:
        return "context-limit"

    def respond(self, request: ResponsesRequest) -> Reply:
        if request.input_tokens <= self.limit:
            return _answer(request, None)
        message = (
            f"Input is {request.input_tokens} tokens; this model accepts at most {self.limit}."
        )
        return error_reply(420, "context_length_exceeded", message, reason=self.reason)


@dataclass(frozen=True)
class _Truncate(Scenario):
    limit: int

    @property
    def name(self) -> str:
        return "truncate"

    def respond(self, request: ResponsesRequest) -> Reply:
        return _answer(request, None, input_tokens=min(request.input_tokens, self.limit))


@dataclass(frozen=True)
class _ConnectionReset(Scenario):
    @property
    def name(self) -> str:
        return "connection-reset"

    def respond(self, request: ResponsesRequest) -> Reply:
        return Hangup()


@dataclass(frozen=True)
class _MultiPart(Scenario):
    @property
    def name(self) -> str:
        return "multi-part"

    def respond(self, request: ResponsesRequest) -> Reply:
        first, second, third = texts.MULTI_PART_PIECES
        hidden = texts.MUST_NOT_SHOW
        reasoning = {
            "type": "reasoning",
            "id": "rs_1",
            "summary": [{"type": "summary_text", "text": f"Reasoning summary {hidden}"}],
            "content": [{"type": "output_text", "text": f"Reasoning {hidden}"}],
        }
        message = message_item(first, second)
        message["content"].insert(1, {"type": "refusal_hint", "text": f"Hint {hidden}"})
        message.update({"id": "msg_1", "status": "completed"})
        output = [reasoning, message, message_item(third)]
        tokens = (request.input_tokens, count_tokens(texts.MULTI_PART_TEXT))
        extra = {"status": "completed", "service_tier": "default", "metadata": {"x": 1}}
        return json_reply(200, response_object(request.model, output, tokens, extra))


@dataclass(frozen=True)
class _Huge(Scenario):
    size_bytes: int

    @property
    def name(self) -> str:
        return "huge"

    def respond(self, request: ResponsesRequest) -> Reply:
        text = texts.huge_markdown(self.size_bytes)
        return _answer(request, text, output_tokens=_huge_tokens(self.size_bytes))


@functools.lru_cache(maxsize=4)
def _huge_tokens(size_bytes: int) -> int:
    """Counting 3 MB of tokens takes a quarter second: do it once per size."""
    return count_tokens(texts.huge_markdown(size_bytes))
