"""The real client against the hostile server: every reply is bounded, explained, kept safe."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.hostileserver import NUMBERS, HostileServer, payloads
from zerogpu_desktop.api import (
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    InvalidResponseError,
    Message,
    Response,
    ResponseTooLargeError,
    RetryPolicy,
    ServerError,
    ZeroGPUClient,
)

KEY = "zg-hostile+key/0123456789=abc"
ONE_MIB = 1024 * 1024
NO_RETRIES = RetryPolicy(max_retries=0)


@pytest.fixture(scope="module")
def server() -> Iterator[HostileServer]:
    with HostileServer() as running:
        yield running


def ask(
    server: HostileServer,
    scenario: str,
    *,
    max_response_bytes: int = ONE_MIB,
    timeout: float | httpx.Timeout = 5.0,
    retry_policy: RetryPolicy = NO_RETRIES,
    key: str = KEY,
) -> Response:
    client = ZeroGPUClient(
        key,
        "proj-hostile",
        base_url=server.base_url,
        timeout=timeout,
        retry_policy=retry_policy,
        max_response_bytes=max_response_bytes,
    )

    async def go() -> Response:
        async with client:
            return await client.create_response(f"hostile:{scenario}", [Message("user", "hi")])

    return asyncio.run(go())


@pytest.mark.parametrize("scenario", ["endless", "gzip-bomb", "stacked-bomb"])
def test_a_reply_past_the_cap_is_cut_with_a_sentence_naming_it(
    server: HostileServer, scenario: str
) -> None:
    started = time.monotonic()
    with pytest.raises(InvalidResponseError) as caught:
        ask(server, scenario)
    if scenario == "stacked-bomb":
        assert "compressed more than once" in caught.value.message
    else:
        assert isinstance(caught.value, ResponseTooLargeError)
        assert caught.value.message == (
            "The server's reply is larger than the 1 MiB reply limit. "
            "Raise “Largest reply” in Settings or pass --max-response-mb."
        )
    assert time.monotonic() - started < 10.0


def test_the_stacked_bomb_is_refused_before_it_is_inflated(server: HostileServer) -> None:
    with pytest.raises(InvalidResponseError, match=r"content-encoding: gzip, gzip"):
        ask(server, "stacked-bomb", max_response_bytes=2 * 1024 * ONE_MIB)


def test_the_bomb_inflates_only_to_the_cap_even_with_a_large_one(server: HostileServer) -> None:
    with pytest.raises(ResponseTooLargeError, match="the 64 MiB reply limit"):
        ask(server, "gzip-bomb", max_response_bytes=64 * ONE_MIB)


def test_an_unknown_encoding_is_refused(server: HostileServer) -> None:
    with pytest.raises(InvalidResponseError, match=r"cannot read \(content-encoding: br\)"):
        ask(server, "unknown-encoding")


def test_the_client_asks_only_for_encodings_it_can_bound(server: HostileServer) -> None:
    ask(server, "ok")
    assert server.requests[-1].headers["accept-encoding"] == "gzip, deflate"


def test_a_trickling_server_is_cut_at_the_deadline(server: HostileServer) -> None:
    started = time.monotonic()
    with pytest.raises(APITimeoutError, match=r"sent no complete answer within 1 s\."):
        ask(server, "trickle", timeout=httpx.Timeout(1.0, connect=1.0))
    assert 0.9 < time.monotonic() - started < 2.0


def test_the_deadline_is_retried_like_a_timeout(server: HostileServer) -> None:
    before = len(server.requests)
    policy = RetryPolicy(max_retries=1, initial_delay=0.01, max_delay=0.01)
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        ask(server, "trickle", timeout=0.5, retry_policy=policy)
    assert len(server.requests) - before == 2
    assert time.monotonic() - started < 2 * 0.5 + 0.8


def test_cancelling_mid_reply_aborts_at_once(server: HostileServer) -> None:
    client = ZeroGPUClient(KEY, "proj-hostile", base_url=server.base_url, timeout=30.0)

    async def go() -> float:
        async with client:
            task = asyncio.create_task(
                client.create_response("hostile:trickle", [Message("user", "hi")])
            )
            await asyncio.sleep(0.5)  # the headers are in, the body trickles
            started = time.monotonic()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            return time.monotonic() - started

    assert asyncio.run(go()) < 0.2
    assert server.wait_until_no_connections()  # the trickle's next write found it closed


@pytest.mark.parametrize("scenario", ["huge-error", "error-bomb"])
def test_a_huge_error_body_is_read_only_in_part_on_every_retry(
    server: HostileServer, scenario: str
) -> None:
    policy = RetryPolicy(max_retries=2, initial_delay=0.01, max_delay=0.01)
    payloads.gzip_bomb()  # built once per process: its cost is not the client's
    started = time.monotonic()
    with pytest.raises(ServerError) as caught:
        ask(server, scenario, retry_policy=policy)
    # Three capped reads take about a second; the bound leaves room for a loaded machine, and
    # the message length below shows the cap held.
    assert time.monotonic() - started < 10.0
    assert len(caught.value.message) < 300
    assert caught.value.message.startswith(("HTTP 502 Bad Gateway: upstream", "HTTP 503"))


@pytest.mark.parametrize(
    ("scenario", "words"),
    [("nested", "nested more than 1,000 levels deep"), ("huge-array", "1,000,000 JSON values")],
)
def test_pathological_json_is_refused_before_it_is_decoded(
    server: HostileServer, scenario: str, words: str
) -> None:
    started = time.monotonic()
    with pytest.raises(InvalidResponseError, match=words):
        ask(server, scenario, max_response_bytes=32 * ONE_MIB)
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize("name", sorted(NUMBERS))
def test_absurd_numbers_make_the_usage_unknown_with_a_reason(
    server: HostileServer, name: str
) -> None:
    response = ask(server, f"numbers-{name}")
    assert response.text == "Counted."
    assert response.usage is None
    assert response.usage_problem is not None
    assert response.usage_problem.startswith(
        "the server reported token counts that cannot be right: input_tokens is"
    )
    assert response.created is None


def test_a_lone_surrogate_becomes_a_replacement_character(server: HostileServer) -> None:
    response = ask(server, "surrogate")
    assert response.text == "caf\ufffd lone"
    assert response.id == "resp_\ufffd"
    assert response.model == "resp_\ufffd"
    response.text.encode("utf-8")  # printable and storable


def test_control_characters_in_an_error_message_are_shown_escaped(server: HostileServer) -> None:
    with pytest.raises(BadRequestError) as caught:
        ask(server, "control-error")
    message = caught.value.message
    for raw in ("\x1b", "\x07", "\r", "\u202e"):
        assert raw not in message
    assert r"\x1b]0;pwned\x07title \x1b[2J" in message
    assert r"\u202eevil" in message


@pytest.mark.parametrize("scenario", ["echo-key", "echo-key-straddle", "echo-key-cut"])
def test_the_key_echoed_back_never_reaches_the_message(
    server: HostileServer, scenario: str
) -> None:
    from urllib.parse import quote

    with pytest.raises(AuthenticationError) as caught:
        ask(server, scenario)
    message = caught.value.message
    assert "[REDACTED]" in message or scenario == "echo-key-straddle"
    for form in (KEY, quote(KEY, safe="")):
        for length in range(8, len(form) + 1):
            assert form[:length] not in message, (form[:length], message)
    assert KEY not in repr(caught.value)


def test_the_server_runs_on_its_own_and_lists_its_scenarios() -> None:
    import signal
    import subprocess
    import sys

    from tests.hostileserver import SCENARIOS

    command = [sys.executable, "-m", "tests.hostileserver"]
    shown = subprocess.run([*command, "--help"], capture_output=True, text=True, check=True)
    for name in SCENARIOS:
        assert f"  {name} " in shown.stdout
    with subprocess.Popen([*command, "--port", "0"], stdout=subprocess.PIPE, text=True) as process:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("ZeroGPU hostile server listening on http://127.0.0.1:")
        base_url = line.split()[-1]
        assert ask_at(base_url) == "A normal answer."
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=5) == 0


def ask_at(base_url: str) -> str:
    client = ZeroGPUClient(KEY, "proj-hostile", base_url=base_url, retry_policy=NO_RETRIES)

    async def go() -> str:
        async with client:
            return (await client.create_response("any", [Message("user", "hi")])).text

    return asyncio.run(go())
