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


@pytest.mark.parametrize(
    ("usage", "words"),
    [
        ({"input_tokens": float("nan"), "output_tokens": 3}, "input_tokens is not a number"),
        ({"input_tokens": float("inf"), "output_tokens": 3}, "input_tokens is absurdly large"),
        ({"input_tokens": 10**30, "output_tokens": 3}, "input_tokens is absurdly large"),
        ({"input_tokens": 10**5000, "output_tokens": 3}, "input_tokens is absurdly large"),
        ({"input_tokens": 3, "output_tokens": -1}, "output_tokens is negative"),
        ({"input_tokens": 3, "output_tokens": 2.5}, "output_tokens is not a whole number"),
        ({"input_tokens": True, "output_tokens": 3}, "input_tokens is not a number"),
        ({"input_tokens": 3, "output_tokens": 3, "total_tokens": 10**13}, "total_tokens is"),
        ([1, 2], "usage is not an object"),
    ],
)
def test_counts_that_cannot_be_right_are_unknown_with_a_reason(usage: object, words: str) -> None:
    response = parse_response({"output": [], "usage": usage})
    assert response.usage is None
    assert response.usage_problem is not None
    assert response.usage_problem.startswith(
        f"the server reported token counts that cannot be right: {words}"
    )


def test_usage_simply_absent_has_no_problem() -> None:
    assert parse_response({"output": []}).usage_problem is None
    assert parse_response({"output": [], "usage": {"input_tokens": 1}}).usage_problem is None


@pytest.mark.parametrize(
    "created", [-1, float("nan"), float("inf"), 10**30, 1e300, 253_402_300_800, "1710000000", True]
)
def test_a_created_time_no_date_can_show_is_none(created: object) -> None:
    assert parse_response({"output": [], "created": created}).created is None


def test_lone_surrogates_become_replacement_characters() -> None:
    response = parse_response(
        {
            "id": "r\ud800",
            "model": "m\udfff",
            "output": [
                {"type": "message", "content": [{"type": "output_text", "text": "a\ud83d"}]}
            ],
        }
    )
    assert (response.id, response.model, response.text) == ("r\ufffd", "m\ufffd", "a\ufffd")
