"""ZeroGPUClient against httpx.MockTransport: request shape, retries, refusals, redaction."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable

import httpx
import pytest

from zerogpu_desktop.api import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    ContextLengthExceededError,
    InsecureTransportError,
    InvalidResponseError,
    Message,
    RateLimitError,
    RequestRefusedError,
    RetryNotice,
    RetryPolicy,
    ServerError,
    ZeroGPUClient,
)

KEY = "zg-secret-key-0123456789"
OK_BODY = {
    "id": "resp_1",
    "object": "response",
    "created": 1,
    "model": "m",
    "output": [{"type": "message", "content": [{"type": "output_text", "text": "hello"}]}],
    "usage": {"input_tokens": 1, "output_tokens": 1, "total_tokens": 2},
}
FAST = RetryPolicy(max_retries=2, initial_delay=0.001, max_delay=0.002)

Handler = Callable[[httpx.Request], httpx.Response]


def make_client(handler: Handler, **kwargs: object) -> ZeroGPUClient:
    kwargs.setdefault("retry_policy", FAST)
    return ZeroGPUClient(
        KEY,
        "proj-1",
        base_url="https://api.example.test",
        transport=httpx.MockTransport(handler),
        **kwargs,  # type: ignore[arg-type]
    )


def send(client: ZeroGPUClient, text: str = "hi") -> object:
    async def go() -> object:
        async with client:
            return await client.create_response("m", [Message("user", text)])

    return asyncio.run(go())


def streamed(response: httpx.Response) -> httpx.Response:
    """A fresh copy whose body is still to be read, as from a real connection.

    `httpx.Response(content=...)` reads its body at once, and the client reads only the
    raw stream (to bound its size), so each request gets its own unread copy.
    """
    return httpx.Response(
        response.status_code,
        headers=response.headers,
        stream=httpx.ByteStream(response.content),
    )


def sequence(*responses: httpx.Response | Exception) -> tuple[Handler, list[httpx.Request]]:
    seen: list[httpx.Request] = []
    items = list(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        item = items.pop(0) if len(items) > 1 else items[0]
        if isinstance(item, Exception):
            raise item
        return streamed(item) if item.is_stream_consumed else item

    return handler, seen


def test_request_matches_the_contract() -> None:
    handler, seen = sequence(httpx.Response(200, json=OK_BODY))
    client = make_client(handler)
    asyncio.run(_send_two_messages(client))
    request = seen[0]
    assert request.method == "POST"
    assert str(request.url) == "https://api.example.test/v1/responses"
    assert request.headers["x-api-key"] == KEY
    assert request.headers["x-project-id"] == "proj-1"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"].startswith("zerogpu-desktop/")
    assert json.loads(request.content) == {
        "model": "m",
        "input": [{"role": "system", "content": "sys"}, {"role": "user", "content": "ü 🎉"}],
        "text": {"format": {"type": "text"}},
    }


async def _send_two_messages(client: ZeroGPUClient) -> None:
    async with client:
        await client.create_response("m", [Message("system", "sys"), Message("user", "ü 🎉")])


@pytest.mark.parametrize(
    ("first", "retried"),
    [
        (httpx.Response(408), True),
        (httpx.Response(409), True),
        (httpx.Response(429), True),
        (httpx.Response(500), True),
        (httpx.Response(503), True),
        (httpx.ConnectError("refused"), True),
        (httpx.ReadTimeout("slow"), True),
        (httpx.Response(400), False),
        (httpx.Response(401), False),
        (httpx.Response(403), False),
        (httpx.Response(404), False),
        (httpx.Response(420), False),
        (httpx.Response(422), False),
    ],
)
def test_what_is_retried(first: httpx.Response | Exception, retried: bool) -> None:
    handler, seen = sequence(first, httpx.Response(200, json=OK_BODY))
    client = make_client(handler)
    if retried:
        send(client)
        assert len(seen) == 2
    else:
        with pytest.raises(Exception):  # noqa: B017, PT011 - the class is tested elsewhere
            send(client)
        assert len(seen) == 1


def test_gives_up_after_max_retries_with_the_last_error() -> None:
    handler, seen = sequence(httpx.Response(503, json={"error": {"message": "busy"}}))
    with pytest.raises(ServerError, match="busy"):
        send(make_client(handler))
    assert len(seen) == 3


def test_zero_retries_sends_once() -> None:
    handler, seen = sequence(httpx.Response(500))
    with pytest.raises(ServerError):
        send(make_client(handler, retry_policy=RetryPolicy(max_retries=0)))
    assert len(seen) == 1


def test_retry_after_is_waited_and_announced() -> None:
    handler, seen = sequence(
        httpx.Response(429, headers={"retry-after-ms": "120"}), httpx.Response(200, json=OK_BODY)
    )
    notices: list[RetryNotice] = []
    client = make_client(handler, on_retry=notices.append)
    loop_time: list[float] = []

    async def go() -> None:
        loop = asyncio.get_running_loop()
        start = loop.time()
        async with client:
            await client.create_response("m", [Message("user", "x")])
        loop_time.append(loop.time() - start)

    asyncio.run(go())
    assert len(seen) == 2
    assert notices == [RetryNotice(1, 0.12, notices[0].reason, status_code=429, retry_after=0.12)]
    assert "429" in notices[0].reason
    assert loop_time[0] >= 0.11


def test_before_attempt_is_awaited_before_every_attempt_the_first_included() -> None:
    handler, seen = sequence(
        httpx.Response(503, headers={"retry-after": "0"}),
        httpx.ConnectError("refused"),
        httpx.Response(200, json=OK_BODY),
    )
    events: list[str] = []

    async def before_attempt() -> None:
        events.append(f"before attempt {len(seen) + 1}")
        await asyncio.sleep(0)

    def on_retry(notice: RetryNotice) -> None:
        events.append(f"retry {notice.attempt}: {notice.status_code} {notice.retry_after}")

    policy = RetryPolicy(max_retries=2, initial_delay=0.001, max_delay=0.002)
    send(
        make_client(handler, retry_policy=policy, before_attempt=before_attempt, on_retry=on_retry)
    )
    assert len(seen) == 3
    assert events == [
        "before attempt 1",
        "retry 1: 503 0.0",
        "before attempt 2",
        "retry 2: None None",  # a connection error has no status and no requested wait
        "before attempt 3",
    ]


def test_a_slow_before_attempt_holds_the_request_back() -> None:
    handler, seen = sequence(httpx.Response(200, json=OK_BODY))
    sent_after: list[float] = []

    async def before_attempt() -> None:
        await asyncio.sleep(0.1)

    async def go() -> None:
        loop = asyncio.get_running_loop()
        start = loop.time()
        async with make_client(handler, before_attempt=before_attempt) as client:
            await client.create_response("m", [Message("user", "x")])
        sent_after.append(loop.time() - start)

    asyncio.run(go())
    assert len(seen) == 1
    assert sent_after[0] >= 0.09


def test_retry_after_over_a_minute_raises_at_once() -> None:
    handler, seen = sequence(httpx.Response(429, headers={"retry-after": "3600"}))
    with pytest.raises(RateLimitError) as caught:
        send(make_client(handler))
    assert len(seen) == 1
    assert caught.value.retry_after == 3600


def test_backoff_waits_grow() -> None:
    handler, _ = sequence(httpx.Response(500))
    notices: list[RetryNotice] = []
    policy = RetryPolicy(max_retries=2, initial_delay=0.01, jitter=0.0)
    with pytest.raises(ServerError):
        send(make_client(handler, retry_policy=policy, on_retry=notices.append))
    assert [n.wait_seconds for n in notices] == [0.01, 0.02]


def test_timeout_has_a_real_message() -> None:
    handler, _ = sequence(httpx.ReadTimeout(""))
    with pytest.raises(APITimeoutError, match=r"sent no answer within 300 s"):
        send(make_client(handler))


def test_connection_error_names_the_host() -> None:
    handler, _ = sequence(httpx.ConnectError("[Errno 111] Connection refused"))
    with pytest.raises(APIConnectionError, match=r"api.example.test refused the connection"):
        send(make_client(handler))


def test_420_is_context_length_and_never_retried() -> None:
    handler, seen = sequence(
        httpx.Response(420, json={"error": {"code": "context_length_exceeded", "message": "x"}})
    )
    with pytest.raises(ContextLengthExceededError):
        send(make_client(handler))
    assert len(seen) == 1


@pytest.mark.parametrize(
    "content", [b"{not json", b"<html>ok</html>", b'"a string"', b'{"output": 3}']
)
def test_malformed_success_is_invalid_response(content: bytes) -> None:
    handler, _ = sequence(httpx.Response(200, content=content))
    with pytest.raises(InvalidResponseError):
        send(make_client(handler))


def test_error_object_inside_a_200_is_raised() -> None:
    handler, _ = sequence(httpx.Response(200, json={"error": {"code": "x", "message": "nope"}}))
    with pytest.raises(Exception, match="nope"):
        send(make_client(handler))


@pytest.mark.parametrize(
    ("model", "messages", "words"),
    [("", [Message("user", "x")], "Choose a model"), ("m", [], "nothing to send")],
)
def test_refused_before_sending(model: str, messages: list[Message], words: str) -> None:
    handler, seen = sequence(httpx.Response(200, json=OK_BODY))
    client = make_client(handler)

    async def go() -> None:
        async with client:
            await client.create_response(model, messages)

    with pytest.raises(RequestRefusedError, match=words):
        asyncio.run(go())
    assert seen == []


@pytest.mark.parametrize("url", ["ftp://host", "api.zerogpu.ai", "https://", "file:///etc"])
def test_bad_base_urls_refused(url: str) -> None:
    with pytest.raises(RequestRefusedError, match="base URL"):
        ZeroGPUClient(KEY, "p", base_url=url)


def test_plain_http_only_to_loopback_unless_allowed() -> None:
    with pytest.raises(InsecureTransportError, match="plain http"):
        ZeroGPUClient(KEY, "p", base_url="http://api.zerogpu.ai")
    for url in ("http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:9"):
        ZeroGPUClient(KEY, "p", base_url=url)
    ZeroGPUClient(KEY, "p", base_url="http://10.0.0.5", allow_insecure_http=True)


def test_empty_key_or_project_refused() -> None:
    with pytest.raises(RequestRefusedError, match="API key"):
        ZeroGPUClient(" ", "p")
    with pytest.raises(RequestRefusedError, match="project"):
        ZeroGPUClient(KEY, "")


def test_key_never_in_repr_str_errors_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    from zerogpu_desktop.api.redaction import install_log_redaction

    install_log_redaction()
    caplog.set_level(logging.DEBUG)
    echo = {"error": {"message": f"header x-api-key={KEY} is wrong"}}
    handler, _ = sequence(
        httpx.Response(500, json=echo),
        httpx.ConnectError(f"failed with {KEY}"),
        httpx.Response(401, json=echo),
    )
    client = make_client(handler)
    assert KEY not in repr(client)
    assert KEY not in str(client)
    with pytest.raises(AuthenticationError) as caught:
        send(client)
    assert KEY not in str(caught.value)
    assert KEY not in repr(caught.value)
    logging.getLogger("httpx").debug("headers: %s", {"x-api-key": KEY})
    logging.getLogger("zerogpu_desktop.test").warning("leak %s", KEY)
    assert caplog.records
    for record in caplog.records:
        assert KEY not in record.getMessage()
    assert KEY not in caplog.text


def test_one_http_client_per_event_loop() -> None:
    handler, seen = sequence(httpx.Response(200, json=OK_BODY))
    client = make_client(handler)

    async def go() -> None:
        await client.create_response("m", [Message("user", "x")])

    asyncio.run(go())
    first = client._http
    asyncio.run(go())
    assert client._http is not first
    asyncio.run(client.aclose())
    assert len(seen) == 2


def test_surrounding_whitespace_is_stripped_from_key_and_project() -> None:
    handler, seen = sequence(httpx.Response(200, json=OK_BODY))
    client = ZeroGPUClient(
        KEY + "\n",
        " proj-1 ",
        base_url="https://api.example.test",
        transport=httpx.MockTransport(handler),
    )
    send(client)
    assert seen[0].headers["x-api-key"] == KEY
    assert seen[0].headers["x-project-id"] == "proj-1"


@pytest.mark.parametrize("bad", ["zg-secret\nvalue", "zg secret value", "zg-sécret-value"])
def test_a_key_that_cannot_be_a_header_is_refused_without_quoting_it(bad: str) -> None:
    with pytest.raises(RequestRefusedError, match="Copy it again") as caught:
        ZeroGPUClient(bad, "p")
    assert bad not in str(caught.value)
    assert "secret" not in str(caught.value)


def test_a_broken_content_encoding_is_an_invalid_response() -> None:
    handler, _ = sequence(
        httpx.Response(
            200,
            headers={"content-encoding": "gzip"},
            stream=httpx.ByteStream(b"not gzip at all"),
        )
    )
    with pytest.raises(InvalidResponseError, match="could not be decoded"):
        send(make_client(handler))
