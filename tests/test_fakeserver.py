"""Tests for tests/fakeserver: every scenario, seen from a real HTTP client over loopback.

The other end-to-end tests trust this server to behave like the ZeroGPU API
and to fail in exactly the ways it claims, so each check here is made with
httpx against a running server, the way the app itself will talk to it.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fakeserver import (
    SCENARIO_NAMES,
    FakeServer,
    RecordedRequest,
    Scenario,
    count_tokens,
    huge_markdown,
    scenario_by_name,
)
from tests.fakeserver import names as names_module
from tests.fakeserver.texts import MUST_NOT_SHOW

API_KEY = "test-key"
PROJECT_ID = "proj-123"
AUTH = {"x-api-key": API_KEY, "x-project-id": PROJECT_ID}
REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer(api_key=API_KEY, project_id=PROJECT_ID) as running:
        yield running


@pytest.fixture
def client(server: FakeServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, headers=AUTH, timeout=5.0) as http:
        yield http


def body(content: str = "Hello, world!", model: str = "test-model", **extra: Any) -> dict[str, Any]:
    return {"model": model, "input": [{"role": "user", "content": content}], **extra}


def post(client: httpx.Client, content: str = "Hello, world!", **kwargs: Any) -> httpx.Response:
    return client.post("/v1/responses", json=body(content, **kwargs))


def answer_text(data: dict[str, Any]) -> str:
    """The contract's rule: every output_text part of every message item, in order."""
    return "".join(
        part["text"]
        for item in data["output"]
        if item.get("type") == "message"
        for part in item["content"]
        if part.get("type") == "output_text"
    )


# --- the normal answer ---------------------------------------------------


def test_count_tokens_counts_words_and_punctuation() -> None:
    assert count_tokens("Hello, world!") == 4
    assert count_tokens("") == 0
    assert count_tokens("  a   b\n") == 2


def test_echo_answer_has_exactly_the_documented_shape(client: httpx.Client) -> None:
    before = int(time.time())
    response = client.post(
        "/v1/responses",
        json={
            "model": "my-model",
            "input": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "first"},
                {"role": "user", "content": "Hello, world!"},
            ],
            "text": {"format": {"type": "text"}},
        },
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    data = response.json()
    assert set(data) == {"id", "object", "created", "model", "output", "usage"}
    assert re.fullmatch(r"resp_[0-9a-f]+", data["id"])
    assert data["object"] == "response"
    assert before <= data["created"] <= int(time.time())
    assert data["model"] == "my-model"
    assert data["output"] == [
        {
            "type": "message",
            "role": "assistant",
            "content": [{"type": "output_text", "text": "Echo: Hello, world!"}],
        }
    ]
    # "Be brief." = 3, "first" = 1, "Hello, world!" = 4; "Echo: Hello, world!" = 6
    assert data["usage"] == {"input_tokens": 8, "output_tokens": 6, "total_tokens": 14}


def test_echo_with_text_and_unique_ids(server: FakeServer, client: httpx.Client) -> None:
    server.scenario = Scenario.echo(text="Fixed answer.")
    first, second = post(client).json(), post(client).json()
    assert answer_text(first) == "Fixed answer."
    assert first["usage"]["output_tokens"] == 3
    assert first["id"] != second["id"]


def test_requests_are_recorded_with_headers_body_and_time(
    server: FakeServer, client: httpx.Client
) -> None:
    post(client, "one")
    post(client, "two", model="other")

    recorded = server.requests
    assert [type(r) for r in recorded] == [RecordedRequest, RecordedRequest]
    first, second = recorded
    assert (first.method, first.path) == ("POST", "/v1/responses")
    assert first.headers["x-api-key"] == API_KEY
    assert first.headers["x-project-id"] == PROJECT_ID
    assert first.headers["content-type"] == "application/json"
    assert all(name == name.lower() for name in first.headers)
    assert json.loads(first.body) == first.json == body("one")
    assert second.json == body("two", model="other")
    assert first.time <= second.time <= time.monotonic()
    # a snapshot, not a live view
    recorded.clear()
    assert len(server.requests) == 2


def test_concurrent_requests_are_all_answered_and_recorded(server: FakeServer) -> None:
    results: list[int] = []

    def send(index: int) -> None:
        with httpx.Client(base_url=server.base_url, headers=AUTH) as http:
            results.append(post(http, f"message {index}").status_code)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [200] * 8
    assert server.wait_for_requests(8, timeout=0)
    assert sorted(r.json["input"][0]["content"] for r in server.requests) == sorted(
        f"message {i}" for i in range(8)
    )


def test_wait_for_requests_times_out(server: FakeServer) -> None:
    started = time.monotonic()
    assert not server.wait_for_requests(1, timeout=0.1)
    assert time.monotonic() - started < 1


# --- the contract checks ---------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({"x-api-key": "wrong", "x-project-id": PROJECT_ID}, 401, "invalid_api_key"),
        ({"x-project-id": PROJECT_ID}, 401, "invalid_api_key"),
        ({"x-api-key": API_KEY, "x-project-id": "other"}, 403, "project_not_found"),
        ({"x-api-key": API_KEY}, 403, "project_not_found"),
    ],
)
def test_auth_errors(server: FakeServer, headers: dict[str, str], status: int, code: str) -> None:
    server.queue(Scenario.status(500))
    with httpx.Client(base_url=server.base_url, headers=headers) as http:
        response = post(http)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    if status == 401:
        assert response.json()["error"]["message"] == "Invalid API key."
    assert len(server.requests) == 1  # rejected requests are recorded too
    # ... and do not use up a queued scenario
    with httpx.Client(base_url=server.base_url, headers=AUTH) as http:
        assert post(http).status_code == 500


def test_none_accepts_any_key_and_project_but_they_must_be_sent() -> None:
    with FakeServer(api_key=None, project_id=None) as server, httpx.Client() as http:
        url = server.base_url + "/v1/responses"
        headers = {"x-api-key": "anything", "x-project-id": "any-project"}
        assert http.post(url, json=body(), headers=headers).status_code == 200
        assert http.post(url, json=body(), headers={"x-project-id": "p"}).status_code == 401
        assert http.post(url, json=body(), headers={"x-api-key": "k"}).status_code == 403


@pytest.mark.parametrize(("method", "path"), [("GET", "/v1/responses"), ("POST", "/v1/other")])
def test_unknown_routes_are_json_404(client: httpx.Client, method: str, path: str) -> None:
    response = client.request(method, path, json=body())
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("content", "content_type", "problem"),
    [
        (b"not json", "application/json", "not valid JSON"),
        (b"[1, 2]", "application/json", "JSON object"),
        (b'{"input": [{"role": "user", "content": "x"}]}', "application/json", "'model'"),
        (
            b'{"model": "", "input": [{"role": "user", "content": "x"}]}',
            "application/json",
            "model",
        ),
        (b'{"model": "m", "input": []}', "application/json", "'input'"),
        (b'{"model": "m", "input": ["hi"]}', "application/json", "input[0]"),
        (b'{"model": "m", "input": [{"role": "assistant", "content": "x"}]}', None, "role"),
        (b'{"model": "m", "input": [{"role": "user", "content": 5}]}', None, "content"),
        (b'{"model": "m", "input": [{"role": "user", "content": "x"}], "text": 1}', None, "text"),
        (
            b'{"model": "m", "input": [{"role": "user", "content": "x"}]}',
            "text/plain",
            "content-type",
        ),
    ],
)
def test_invalid_bodies_are_400(
    client: httpx.Client, content: bytes, content_type: str | None, problem: str
) -> None:
    headers = {"content-type": content_type or "application/json"}
    response = client.post("/v1/responses", content=content, headers=headers)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert problem in error["message"]


def test_chunked_request_body_is_read(server: FakeServer, client: httpx.Client) -> None:
    payload = json.dumps(body("chunked")).encode()
    response = client.post(
        "/v1/responses",
        content=iter([payload[:10], payload[10:]]),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 200
    assert answer_text(response.json()) == "Echo: chunked"


# --- choosing scenarios ------------------------------------------------------


def test_queue_is_used_in_order_then_falls_back(server: FakeServer, client: httpx.Client) -> None:
    server.scenario = Scenario.echo(text="default")
    server.queue(Scenario.status(503), Scenario.echo(text="queued"))
    server.queue(Scenario.rate_limited())
    statuses = [post(client).status_code for _ in range(4)]
    assert statuses == [503, 200, 429, 200]
    assert answer_text(post(client).json()) == "default"


def test_model_name_selects_a_scenario(server: FakeServer, client: httpx.Client) -> None:
    server.scenario = Scenario.status(500)
    assert post(client, model="scenario:status-429").status_code == 429
    response = post(client, model="scenario:echo")
    assert response.status_code == 200
    assert response.json()["model"] == "scenario:echo"
    server.queue(Scenario.echo(text="queued wins"))
    assert answer_text(post(client, model="scenario:status-429").json()) == "queued wins"


def test_unknown_scenario_model_is_400_listing_the_names(client: httpx.Client) -> None:
    response = post(client, model="scenario:nope")
    assert response.status_code == 400
    assert "rate-limited" in response.json()["error"]["message"]


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_every_scenario_name_is_documented_and_resolves(name: str) -> None:
    assert name in (names_module.__doc__ or "")
    real_name = name.replace("NNN", "503")
    assert scenario_by_name(real_name).name == real_name


def test_reset_forgets_everything(server: FakeServer, client: httpx.Client) -> None:
    server.scenario = Scenario.status(500)
    server.queue(Scenario.status(502))
    post(client)
    server.reset()
    assert server.requests == []
    assert server.disconnects == 0
    assert post(client).status_code == 200


# --- the scenarios -------------------------------------------------------------


def test_context_limit_rejects_long_input_with_420(
    server: FakeServer, client: httpx.Client
) -> None:
    server.scenario = Scenario.context_limit(limit=5)
    assert post(client, "one two three four five").status_code == 200

    response = post(client, "one two three four five six")
    assert response.status_code == 420
    assert response.reason_phrase == ""
    assert response.json() == {
        "error": {
            "code": "context_length_exceeded",
            "message": "Input is 6 tokens; this model accepts at most 5.",
        }
    }


def test_context_limit_with_a_reason_phrase(server: FakeServer, client: httpx.Client) -> None:
    server.scenario = Scenario.context_limit(limit=1, reason="Context Length Exceeded")
    response = post(client, "a b")
    assert (response.status_code, response.reason_phrase) == (420, "Context Length Exceeded")


def test_truncate_reports_truncated_usage_without_a_flag(
    server: FakeServer, client: httpx.Client
) -> None:
    server.scenario = Scenario.truncate(limit=3)
    data = post(client, "one two three four five").json()
    assert data["usage"]["input_tokens"] == 3
    assert data["usage"]["total_tokens"] == 3 + data["usage"]["output_tokens"]
    assert answer_text(data) == "Echo: one two three four five"
    assert "truncated" not in json.dumps(data)
    assert post(client, "one two").json()["usage"]["input_tokens"] == 2


def test_rate_limited_sends_retry_after(server: FakeServer, client: httpx.Client) -> None:
    server.scenario = Scenario.rate_limited(retry_after=2, retry_after_ms=1500)
    response = post(client)
    assert response.status_code == 429
    assert response.headers["retry-after"] == "2"
    assert response.headers["retry-after-ms"] == "1500"
    assert response.json()["error"]["code"] == "rate_limit_exceeded"

    server.scenario = Scenario.rate_limited()
    response = post(client)
    assert response.headers["retry-after"] == "1"
    assert "retry-after-ms" not in response.headers


@pytest.mark.parametrize(
    ("status", "code"), [(500, "server_error"), (503, "overloaded"), (504, "gateway_timeout")]
)
def test_status_default_bodies(
    server: FakeServer, client: httpx.Client, status: int, code: str
) -> None:
    server.scenario = Scenario.status(status)
    response = post(client)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]


def test_status_with_custom_body_headers_and_type(server: FakeServer, client: httpx.Client) -> None:
    server.queue(
        Scenario.status(
            418, body="I am a teapot", headers={"x-extra": "1"}, content_type="text/plain"
        ),
        Scenario.status(400, body={"error": {"code": "custom", "message": "Custom."}}),
        Scenario.status(500, body=b"\xff\xfe", content_type=None),
    )
    teapot = post(client)
    assert (teapot.status_code, teapot.text, teapot.headers["x-extra"]) == (
        418,
        "I am a teapot",
        "1",
    )
    assert teapot.headers["content-type"] == "text/plain"
    assert post(client).json()["error"]["code"] == "custom"
    raw = post(client)
    assert raw.content == b"\xff\xfe"
    assert "content-type" not in raw.headers
    with pytest.raises(ValueError, match="200-599"):
        Scenario.status(99)


def test_html_error_page(server: FakeServer, client: httpx.Client) -> None:
    server.scenario = Scenario.html_error()
    response = post(client)
    assert response.status_code == 502
    assert response.headers["content-type"] == "text/html"
    assert "<title>502 Bad Gateway</title>" in response.text
    assert "nginx" in response.text


def test_empty_error_body(server: FakeServer, client: httpx.Client) -> None:
    server.scenario = Scenario.empty_error(status=503)
    response = post(client)
    assert (response.status_code, response.content) == (503, b"")
    assert response.headers["content-length"] == "0"


def test_malformed_json(server: FakeServer, client: httpx.Client) -> None:
    server.scenario = Scenario.malformed_json()
    response = post(client)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_wrong_shape(server: FakeServer, client: httpx.Client) -> None:
    server.queue(Scenario.wrong_shape(), Scenario.wrong_shape(body=["a", "list"]))
    first = post(client)
    assert first.status_code == 200
    assert first.json()["output"] == "not a list"
    assert post(client).json() == ["a", "list"]


def test_connection_reset_sends_rst_and_no_response(
    server: FakeServer, client: httpx.Client
) -> None:
    server.queue(Scenario.connection_reset())
    with pytest.raises(httpx.ReadError):
        post(client)
    assert len(server.requests) == 1  # the request was read first
    assert server.disconnects == 0  # the server hung up, not the client
    assert post(client).status_code == 200  # and the server keeps working


def test_unicode_is_sent_as_raw_utf8(server: FakeServer, client: httpx.Client) -> None:
    server.scenario = Scenario.unicode()
    response = post(client)
    assert answer_text(response.json()) == Scenario.UNICODE_TEXT
    assert "👩‍👩‍👧‍👦".encode() in response.content
    assert b"\\u" not in response.content
    for sample in ("你好", "مرحبا", "שלום", "\u0301"):
        assert sample in Scenario.UNICODE_TEXT


def test_multi_part_text_follows_the_contract_rule(
    server: FakeServer, client: httpx.Client
) -> None:
    server.scenario = Scenario.multi_part()
    data = post(client).json()
    assert answer_text(data) == Scenario.MULTI_PART_TEXT
    assert MUST_NOT_SHOW not in Scenario.MULTI_PART_TEXT
    types = [item["type"] for item in data["output"]]
    assert types == ["reasoning", "message", "message"]
    part_types = [part["type"] for part in data["output"][1]["content"]]
    assert part_types == ["output_text", "refusal_hint", "output_text"]
    assert {"status", "service_tier"} <= set(data)
    assert data["usage"]["output_tokens"] == count_tokens(Scenario.MULTI_PART_TEXT)


def test_no_usage(server: FakeServer, client: httpx.Client) -> None:
    server.scenario = Scenario.no_usage()
    data = post(client).json()
    assert "usage" not in data
    assert answer_text(data) == "Echo: Hello, world!"


def test_huge_answer_is_deterministic_markdown(server: FakeServer, client: httpx.Client) -> None:
    server.scenario = Scenario.huge()
    data = post(client).json()
    text = answer_text(data)
    assert data["usage"]["output_tokens"] == count_tokens(text)
    assert 3_000_000 <= len(text.encode()) < 3_001_000
    assert text == huge_markdown(3_000_000)
    assert text.startswith("# ")
    assert "\n## Section 100\n" in text
    assert "\n```python\n" in text
    assert "\n- item 7.2 " in text

    server.scenario = Scenario.huge(size_bytes=10_000)
    small = answer_text(post(client).json())
    assert 10_000 <= len(small.encode()) < 11_000


def test_markdown_answer(server: FakeServer, client: httpx.Client) -> None:
    server.scenario = Scenario.markdown()
    text = answer_text(post(client).json())
    assert text == Scenario.MARKDOWN_TEXT
    for marker in ("\n# ", "\n- ", "\n| ", "`O(n log n)`", "```python\n"):
        assert marker in "\n" + text


# --- slow answers, cancellation and stopping -------------------------------------


def test_slow_answers_after_the_delay(server: FakeServer, client: httpx.Client) -> None:
    server.scenario = Scenario.slow(delay=0.3, text="finally")
    started = time.monotonic()
    response = post(client)
    assert time.monotonic() - started >= 0.3
    assert answer_text(response.json()) == "finally"
    assert server.disconnects == 0


def test_client_leaving_a_slow_request_counts_a_disconnect(
    server: FakeServer, client: httpx.Client
) -> None:
    server.scenario = Scenario.slow(delay=3.0)
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        client.post("/v1/responses", json=body(), timeout=0.2)
    assert server.wait_for_disconnect(timeout=2.0)
    assert time.monotonic() - started < 1.5  # noticed long before the 3 s delay
    assert server.disconnects == 1


def test_stop_with_a_slow_request_in_flight_returns_quickly() -> None:
    errors: list[BaseException] = []
    server = FakeServer(api_key=API_KEY, project_id=PROJECT_ID, scenario=Scenario.slow(30.0))
    server.start()
    http = httpx.Client(base_url=server.base_url, headers=AUTH, timeout=10.0)

    def send() -> None:
        try:
            post(http)
        except httpx.HTTPError as exc:
            errors.append(exc)

    thread = threading.Thread(target=send)
    thread.start()
    try:
        assert server.wait_for_requests(1)
        started = time.monotonic()
        server.stop()
        assert time.monotonic() - started < 1.0
        thread.join(timeout=5)
        assert not thread.is_alive()
        assert len(errors) == 1
        assert isinstance(errors[0], httpx.RemoteProtocolError)
        assert server.disconnects == 0
    finally:
        server.stop()
        http.close()


def test_stop_with_an_idle_keep_alive_connection_returns_quickly() -> None:
    server = FakeServer(api_key=API_KEY, project_id=PROJECT_ID).start()
    with httpx.Client(base_url=server.base_url, headers=AUTH) as http:
        assert post(http).status_code == 200  # the pooled connection stays open
        started = time.monotonic()
        server.stop()
        assert time.monotonic() - started < 1.0
        server.stop()  # twice is fine
    with pytest.raises(RuntimeError):
        _ = server.base_url


def test_only_loopback_hosts_are_accepted() -> None:
    for host in ("0.0.0.0", "192.168.1.10", "example.com", "::"):
        with pytest.raises(ValueError, match="loopback"):
            FakeServer(host=host)
    with FakeServer(host="localhost") as server:
        assert server.base_url.startswith("http://127.0.0.1:")
    with FakeServer(host="127.0.0.2") as server:
        assert server.base_url == f"http://127.0.0.2:{server.port}"


# --- the command line ------------------------------------------------------------


def test_cli_serves_on_a_free_port_and_stops_on_sigterm() -> None:
    command = [sys.executable, "-m", "tests.fakeserver", "--port", "0"]
    command += ["--api-key", "k", "--project-id", "p", "--scenario", "markdown"]
    with subprocess.Popen(
        command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            match = re.fullmatch(
                r"ZeroGPU fake server listening on (http://127\.0\.0\.1:(\d+)) "
                r"\(key 'k', project 'p'\)\n",
                line,
            )
            assert match, line
            assert int(match.group(2)) > 0
            headers = {"x-api-key": "k", "x-project-id": "p"}
            with httpx.Client(base_url=match.group(1), headers=headers) as http:
                assert answer_text(post(http).json()) == Scenario.MARKDOWN_TEXT
                assert post(http, model="scenario:status-503").status_code == 503
            process.send_signal(signal.SIGTERM)
            _, stderr = process.communicate(timeout=5)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
    assert process.returncode == 0
    log_lines = [line for line in stderr.splitlines() if "POST /v1/responses" in line]
    assert len(log_lines) == 2
    assert "-> 200" in log_lines[0]
    assert "scenario=status-503 -> 503" in log_lines[1]


def test_cli_help_lists_scenarios_and_refuses_public_hosts() -> None:
    run = [sys.executable, "-m", "tests.fakeserver"]
    shown = subprocess.run(
        [*run, "--help"], cwd=REPO_ROOT, capture_output=True, text=True, check=True, timeout=10
    )
    for name in SCENARIO_NAMES:
        assert name in shown.stdout
    refused = subprocess.run(
        [*run, "--host", "0.0.0.0", "--port", "0"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert refused.returncode == 2
    assert "loopback" in refused.stderr


def test_cli_stops_cleanly_when_signalled_right_after_it_says_it_listens() -> None:
    command = [sys.executable, "-m", "tests.fakeserver", "--port", "0"]
    with subprocess.Popen(
        command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        assert process.stdout is not None
        assert "(any key, any project)" in process.stdout.readline()
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=5)
    assert process.returncode == 0
    assert stderr == "ZeroGPU fake server stopped\n"
