"""The built-in demo endpoint keeps the API contract, bounds what it reads, and takes only its
own placeholder key."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from zerogpu_desktop.demo.answers import DEMO_MODELS, TRUNCATING_LIMIT
from zerogpu_desktop.demo.server import DEMO_KEY, DEMO_PROJECT, MAX_REQUEST_BYTES, DemoServer

HEADERS = {"x-api-key": DEMO_KEY, "x-project-id": DEMO_PROJECT}


@pytest.fixture(scope="module")
def demo() -> Iterator[DemoServer]:
    with DemoServer() as server:
        yield server


def ask(demo: DemoServer, model: str, text: str, **headers: str) -> httpx.Response:
    return httpx.post(
        f"{demo.base_url}/v1/responses",
        json={
            "model": model,
            "input": [{"role": "user", "content": text}],
            "text": {"format": {"type": "text"}},
        },
        headers=headers or HEADERS,
        timeout=10,
    )


@pytest.mark.parametrize("model", [m for m in DEMO_MODELS if m != "demo-slow"])
def test_every_model_answers_in_the_contract_shape(demo: DemoServer, model: str) -> None:
    reply = ask(demo, model, "Tell me about tokens, please.")
    assert reply.status_code == 200
    body = reply.json()
    assert body["object"] == "response"
    assert body["model"] == model
    (item,) = body["output"]
    assert item["role"] == "assistant"
    assert item["content"][0]["type"] == "output_text"
    assert item["content"][0]["text"]
    usage = body["usage"]
    assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]
    assert demo.base_url.startswith("http://127.0.0.1:")


def test_the_truncating_model_reports_the_cut_count(demo: DemoServer) -> None:
    usage = ask(demo, "demo-truncating", "word " * 500).json()["usage"]
    assert usage["input_tokens"] == TRUNCATING_LIMIT


def test_the_json_model_answers_json(demo: DemoServer) -> None:
    text = ask(demo, "demo-json", "a b c").json()["output"][0]["content"][0]["text"]
    assert json.loads(text)["prompt_words"] == 3


def test_the_geography_model_knows_a_few_capitals_and_gets_one_wrong(demo: DemoServer) -> None:
    def answer(prompt: str) -> str:
        reply = ask(demo, "demo-geography", prompt).json()
        return str(reply["output"][0]["content"][0]["text"])

    assert answer("What is the capital of France?") == "Paris"
    assert answer("What is the capital of Australia?") == "Sydney"  # on purpose
    assert "only" in answer("What is the capital of Atlantis?")


def test_another_key_is_refused_and_counted(demo: DemoServer) -> None:
    before = demo.foreign_keys_seen
    reply = ask(demo, "demo-echo", "hi", **{"x-api-key": "a-real-key", "x-project-id": "p"})
    assert reply.status_code == 401
    assert "a-real-key" not in reply.text
    assert demo.foreign_keys_seen == before + 1


def test_an_unknown_model_names_the_demo_models(demo: DemoServer) -> None:
    reply = ask(demo, "gpt-nope", "hi")
    assert reply.status_code == 404
    message = reply.json()["error"]["message"]
    assert all(model in message for model in DEMO_MODELS)


def test_a_body_over_the_cap_is_refused_unread(demo: DemoServer) -> None:
    reply = ask(demo, "demo-echo", "x" * (MAX_REQUEST_BYTES + 10))
    assert reply.status_code == 413


@pytest.mark.parametrize(
    "body", [b"not json", b"[]", b'{"model": 1, "input": []}', b"[" * 5000 + b"]" * 5000]
)
def test_bad_bodies_get_a_400(demo: DemoServer, body: bytes) -> None:
    reply = httpx.post(
        f"{demo.base_url}/v1/responses",
        content=body,
        headers={**HEADERS, "content-type": "application/json"},
    )
    assert reply.status_code == 400


def test_the_slow_model_stops_when_the_client_goes_away(demo: DemoServer) -> None:
    answered = demo.answered
    payload = json.dumps({"model": "demo-slow", "input": [{"role": "user", "content": "x"}]})
    host, port = demo.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(
            (
                f"POST /v1/responses HTTP/1.1\r\nhost: x\r\nx-api-key: {DEMO_KEY}\r\n"
                f"x-project-id: p\r\ncontent-type: application/json\r\n"
                f"content-length: {len(payload)}\r\n\r\n{payload}"
            ).encode()
        )
        time.sleep(0.3)
    time.sleep(4.5)
    assert demo.answered == answered  # it noticed and never answered
