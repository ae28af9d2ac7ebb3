"""ZeroGPUClient over real HTTP against the loopback fake server, scenario by scenario."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from tests.conftest import TEST_KEY, TEST_PROJECT
from tests.fakeserver import FakeServer, Scenario
from zerogpu_desktop.api import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    ContextLengthExceededError,
    InvalidResponseError,
    Message,
    PermissionDeniedError,
    RateLimitError,
    Response,
    RetryPolicy,
    ServerError,
    Usage,
    ZeroGPUClient,
    ZeroGPUError,
)
from zerogpu_desktop.api.tokens import TruncationStatus, assess_truncation

FAST = RetryPolicy(max_retries=2, initial_delay=0.01, max_delay=0.02)


def client_for(server: FakeServer, **kwargs: object) -> ZeroGPUClient:
    options: dict[str, object] = {"retry_policy": FAST, "timeout": 5.0}
    options.update(kwargs)
    key = str(options.pop("api_key", TEST_KEY))
    project = str(options.pop("project_id", TEST_PROJECT))
    return ZeroGPUClient(key, project, base_url=server.base_url, **options)  # type: ignore[arg-type]


def ask(server: FakeServer, text: str = "Hello there", **kwargs: object) -> Response:
    async def go() -> Response:
        async with client_for(server, **kwargs) as client:
            return await client.create_response(
                "test-model", [Message("system", "Be brief."), Message("user", text)]
            )

    return asyncio.run(go())


def test_echo_round_trip_and_recorded_request(fake_server: FakeServer) -> None:
    response = ask(fake_server, "Hello there")
    assert response.text == "Echo: Hello there"
    assert response.model == "test-model"
    assert response.id.startswith("resp_")
    assert response.usage is not None
    assert response.usage.total_tokens == response.usage.input_tokens + response.usage.output_tokens
    [request] = fake_server.requests
    assert request.path == "/v1/responses"
    assert request.headers["x-api-key"] == TEST_KEY
    assert request.headers["x-project-id"] == TEST_PROJECT
    assert request.headers["content-type"] == "application/json"
    assert request.json == {
        "model": "test-model",
        "input": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Hello there"},
        ],
        "text": {"format": {"type": "text"}},
    }


def test_wrong_key_is_authentication_error(fake_server: FakeServer) -> None:
    with pytest.raises(AuthenticationError) as caught:
        ask(fake_server, api_key="wrong-key-123")
    assert caught.value.status_code == 401
    assert "wrong-key-123" not in str(caught.value)
    assert len(fake_server.requests) == 1


def test_wrong_project_is_permission_denied(fake_server: FakeServer) -> None:
    with pytest.raises(PermissionDeniedError):
        ask(fake_server, project_id="other-project")


def test_420_over_the_limit(fake_server: FakeServer) -> None:
    fake_server.scenario = Scenario.context_limit(limit=10)
    assert ask(fake_server, "short").text == "Echo: short"
    with pytest.raises(ContextLengthExceededError) as caught:
        ask(fake_server, "word " * 50)
    assert caught.value.status_code == 420
    assert caught.value.code == "context_length_exceeded"
    assert len(fake_server.requests) == 2  # never retried


def test_silent_truncation_is_detected(fake_server: FakeServer) -> None:
    fake_server.scenario = Scenario.truncate(limit=40)
    text = "lorem ipsum dolor " * 200
    response = ask(fake_server, text)
    assert response.usage is not None
    assert response.usage.input_tokens == 40
    with_limit = assess_truncation(text, response.usage.input_tokens, limit=40)
    assert with_limit.status is TruncationStatus.TRUNCATED
    without_limit = assess_truncation(text, response.usage.input_tokens)
    assert without_limit.status is TruncationStatus.POSSIBLY_TRUNCATED


def test_429_retry_after_is_honoured_then_succeeds(fake_server: FakeServer) -> None:
    fake_server.queue(Scenario.rate_limited(retry_after="0.3"), Scenario.echo())
    started = time.monotonic()
    response = ask(fake_server)
    assert response.text.startswith("Echo:")
    assert time.monotonic() - started >= 0.29
    assert len(fake_server.requests) == 2


def test_429_with_a_long_wait_raises_at_once(fake_server: FakeServer) -> None:
    fake_server.scenario = Scenario.rate_limited(retry_after="120")
    started = time.monotonic()
    with pytest.raises(RateLimitError) as caught:
        ask(fake_server)
    assert caught.value.retry_after == 120
    assert time.monotonic() - started < 2
    assert len(fake_server.requests) == 1


def test_503_then_success(fake_server: FakeServer) -> None:
    fake_server.queue(Scenario.status(503), Scenario.echo())
    assert ask(fake_server).text.startswith("Echo:")
    assert len(fake_server.requests) == 2


def test_500_json_error_after_all_retries(fake_server: FakeServer) -> None:
    fake_server.scenario = Scenario.status(500)
    with pytest.raises(ServerError, match="HTTP 500"):
        ask(fake_server)
    assert len(fake_server.requests) == 3


def test_502_html_page_gives_a_readable_message(fake_server: FakeServer) -> None:
    fake_server.scenario = Scenario.html_error(502)
    with pytest.raises(ServerError) as caught:
        ask(fake_server, retry_policy=RetryPolicy(max_retries=0))
    assert "502" in caught.value.message
    assert "<" not in caught.value.message


def test_empty_error_body_has_a_message(fake_server: FakeServer) -> None:
    fake_server.scenario = Scenario.empty_error(500)
    with pytest.raises(ServerError, match="empty reply"):
        ask(fake_server, retry_policy=RetryPolicy(max_retries=0))


@pytest.mark.parametrize("scenario", [Scenario.malformed_json(), Scenario.wrong_shape()])
def test_malformed_success_bodies(fake_server: FakeServer, scenario: Scenario) -> None:
    fake_server.scenario = scenario
    with pytest.raises(InvalidResponseError):
        ask(fake_server)
    assert len(fake_server.requests) == 1


def test_connection_reset_is_retried_then_reported(fake_server: FakeServer) -> None:
    fake_server.scenario = Scenario.connection_reset()
    with pytest.raises(APIConnectionError) as caught:
        ask(fake_server)
    assert caught.value.message
    assert len(fake_server.requests) == 3


def test_connection_refused() -> None:
    with FakeServer() as server:
        url = server.base_url
    client = ZeroGPUClient(TEST_KEY, TEST_PROJECT, base_url=url, retry_policy=FAST)

    async def go() -> None:
        async with client:
            await client.create_response("m", [Message("user", "x")])

    with pytest.raises(APIConnectionError, match="refused the connection"):
        asyncio.run(go())


def test_read_timeout(fake_server: FakeServer) -> None:
    fake_server.scenario = Scenario.slow(delay=3)
    with pytest.raises(APITimeoutError, match=r"sent no answer within 0\.3 s"):
        ask(
            fake_server,
            timeout=httpx.Timeout(0.3, connect=2),
            retry_policy=RetryPolicy(max_retries=0),
        )


def test_unicode_round_trip(fake_server: FakeServer) -> None:
    fake_server.scenario = Scenario.unicode()
    response = ask(fake_server, "héllo 👩‍💻 漢字 مرحبا")
    assert any(ord(char) > 0xFFFF for char in response.text)
    assert fake_server.requests[0].json["input"][1]["content"] == "héllo 👩‍💻 漢字 مرحبا"  # type: ignore[index]


def test_several_items_and_parts(fake_server: FakeServer) -> None:
    fake_server.scenario = Scenario.multi_part()
    assert ask(fake_server).text == Scenario.MULTI_PART_TEXT


def test_missing_usage(fake_server: FakeServer) -> None:
    fake_server.scenario = Scenario.no_usage()
    response = ask(fake_server)
    assert response.usage is None
    assert response.text.startswith("Echo:")


def test_multi_megabyte_answer(fake_server: FakeServer) -> None:
    fake_server.scenario = Scenario.huge(size_bytes=3_000_000)
    response = ask(fake_server)
    assert len(response.text.encode()) >= 2_900_000


def test_cancel_aborts_the_http_request_at_once(fake_server: FakeServer) -> None:
    fake_server.scenario = Scenario.slow(delay=10)

    async def go() -> float:
        async with client_for(fake_server, timeout=30.0) as client:
            task = asyncio.create_task(client.create_response("m", [Message("user", "x")]))
            await asyncio.sleep(0.3)
            started = time.monotonic()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            return time.monotonic() - started

    elapsed = asyncio.run(go())
    assert elapsed < 0.2
    assert fake_server.wait_for_disconnect(timeout=3.0)


def test_usage_matches_the_servers_count(fake_server: FakeServer) -> None:
    from tests.fakeserver import count_tokens

    response = ask(fake_server, "one two three")
    assert response.usage == Usage(
        count_tokens("Be brief.") + count_tokens("one two three"),
        response.usage.output_tokens if response.usage else 0,
        response.usage.total_tokens if response.usage else 0,
    )


def test_every_error_is_a_zerogpu_error_with_text(fake_server: FakeServer) -> None:
    for scenario in (
        Scenario.status(400),
        Scenario.status(404),
        Scenario.html_error(502),
        Scenario.empty_error(503),
        Scenario.malformed_json(),
    ):
        fake_server.scenario = scenario
        with pytest.raises(ZeroGPUError) as caught:
            ask(fake_server, retry_policy=RetryPolicy(max_retries=0))
        assert str(caught.value).strip()
