"""Parsing follows the contract and tolerates what it does not promise."""

from __future__ import annotations

import pytest

from zerogpu_desktop.api import InvalidResponseError, Message, Usage
from zerogpu_desktop.api.models import parse_response, request_body


def test_request_body_is_exactly_the_contracts() -> None:
    body = request_body("m-1", [Message("system", "be brief"), Message("user", "hi")])
    assert body == {
        "model": "m-1",
        "input": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"}],
        "text": {"format": {"type": "text"}},
    }


def test_message_rejects_undocumented_roles() -> None:
    with pytest.raises(ValueError, match="role must be one of user, system"):
        Message("assistant", "hi")  # type: ignore[arg-type]


def test_documented_example_parses() -> None:
    response = parse_response(
        {
            "id": "resp_abc123",
            "object": "response",
            "created": 1710000000,
            "model": "your-selected-model",
            "output": [
                {
                    "type": "message",
                    "role": "assistant",
                    "content": [{"type": "output_text", "text": "The generated response"}],
                }
            ],
            "usage": {"input_tokens": 24, "output_tokens": 32, "total_tokens": 56},
        }
    )
    assert response.id == "resp_abc123"
    assert response.model == "your-selected-model"
    assert response.created == 1710000000
    assert response.text == "The generated response"
    assert response.usage == Usage(24, 32, 56)


def test_every_output_text_of_every_message_in_order_and_nothing_else() -> None:
    response = parse_response(
        {
            "output": [
                {"type": "reasoning", "summary": [{"type": "output_text", "text": "HIDDEN"}]},
                {
                    "type": "message",
                    "content": [
                        {"type": "output_text", "text": "one "},
                        {"type": "refusal", "text": "HIDDEN"},
                        {"type": "output_text", "text": "two "},
                    ],
                },
                "garbage",
                {"type": "message", "content": [{"type": "output_text", "text": "three"}]},
            ],
            "unknown": {"anything": True},
        },
        requested_model="fallback-model",
    )
    assert response.text == "one two three"
    assert response.model == "fallback-model"
    assert response.usage is None
    assert response.id == ""


@pytest.mark.parametrize(
    "usage",
    [
        None,
        "56",
        {"input_tokens": "24", "output_tokens": 3},
        {"input_tokens": -1, "output_tokens": 3},
    ],
)
def test_missing_or_malformed_usage_is_none(usage: object) -> None:
    data: dict[str, object] = {"output": []}
    if usage is not None:
        data["usage"] = usage
    assert parse_response(data).usage is None


def test_total_tokens_is_derived_when_absent() -> None:
    response = parse_response({"output": [], "usage": {"input_tokens": 2, "output_tokens": 3}})
    assert response.usage == Usage(2, 3, 5)


@pytest.mark.parametrize(
    ("data", "words"),
    [([1, 2], "not an object"), ({"output": "text"}, "no list"), ({"id": "x"}, "missing")],
)
def test_bodies_that_cannot_be_answers_are_invalid(data: object, words: str) -> None:
    with pytest.raises(InvalidResponseError, match=words):
        parse_response(data)
