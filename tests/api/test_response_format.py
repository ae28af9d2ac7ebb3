"""The response format on the wire: "text" keeps the body byte for byte as the contract shows
it, another type is sent as given, and a value outside the rule is refused before sending."""

from __future__ import annotations

import asyncio
import json

import pytest

from tests.conftest import TEST_KEY, TEST_PROJECT
from tests.fakeserver import FakeServer
from zerogpu_desktop.api import Message, RequestRefusedError, ZeroGPUClient
from zerogpu_desktop.api.models import request_body


def send(server: FakeServer, **options: str) -> None:
    async def go() -> None:
        async with ZeroGPUClient(TEST_KEY, TEST_PROJECT, base_url=server.base_url) as client:
            await client.create_response("m", [Message("user", "hi")], **options)  # type: ignore[arg-type]

    asyncio.run(go())


def test_the_default_body_is_the_documented_one() -> None:
    body = request_body("m", [Message("user", "hi")])
    assert json.dumps(body) == (
        '{"model": "m", "input": [{"role": "user", "content": "hi"}], '
        '"text": {"format": {"type": "text"}}}'
    )
    assert request_body("m", [Message("user", "hi")], "text") == body


def test_another_format_is_sent_as_given(fake_server: FakeServer) -> None:
    send(fake_server, response_format="json_object")
    assert fake_server.requests[-1].json["text"] == {"format": {"type": "json_object"}}


@pytest.mark.parametrize("value", ["", "json object", "x" * 65, "a\nb"])
def test_an_unusable_format_is_refused_before_sending(fake_server: FakeServer, value: str) -> None:
    with pytest.raises(RequestRefusedError, match="The response format "):
        send(fake_server, response_format=value)
    assert fake_server.requests == []
