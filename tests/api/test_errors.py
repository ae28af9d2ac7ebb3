"""Every error body, however odd, becomes the right class with a readable message."""

from __future__ import annotations

import pytest

from zerogpu_desktop.api import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ContextLengthExceededError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    UnprocessableEntityError,
    ZeroGPUError,
)
from zerogpu_desktop.api.errors import status_error_from_response


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (420, ContextLengthExceededError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, ServerError),
        (502, ServerError),
        (503, ServerError),
        (418, APIStatusError),
    ],
)
def test_status_maps_to_class(status: int, cls: type[APIStatusError]) -> None:
    error = status_error_from_response(status, b'{"error": {"code": "x", "message": "boom"}}')
    assert type(error) is cls
    assert isinstance(error, ZeroGPUError)
    assert error.status_code == status
    assert error.code == "x"
    assert "boom" in error.message


def test_context_length_code_wins_over_status() -> None:
    error = status_error_from_response(
        400, b'{"error": {"code": "context_length_exceeded", "message": "too long"}}'
    )
    assert isinstance(error, ContextLengthExceededError)


def test_html_gateway_page_gives_its_title() -> None:
    page = b"<html><head><title>502 Bad Gateway</title></head><body><h1>x</h1></body></html>"
    error = status_error_from_response(502, page, content_type="text/html")
    assert error.message == "HTTP 502 Bad Gateway: 502 Bad Gateway"


@pytest.mark.parametrize("body", [b"", b"   ", b"\n"])
def test_empty_body_still_has_a_message(body: bytes) -> None:
    error = status_error_from_response(500, body)
    assert error.message == "HTTP 500 Internal Server Error (empty reply from the server)"
    assert str(error)


def test_420_without_reason_phrase_is_named() -> None:
    error = status_error_from_response(420, b"")
    assert "HTTP 420 Context Length Exceeded" in error.message


def test_plain_text_body_is_quoted_and_shortened() -> None:
    error = status_error_from_response(503, b"upstream overloaded " * 50)
    assert error.message.startswith("HTTP 503 Service Unavailable: upstream overloaded")
    assert len(error.message) < 260


def test_error_as_plain_string_field() -> None:
    error = status_error_from_response(400, b'{"error": "model is required"}')
    assert error.message == "HTTP 400 Bad Request: model is required"


def test_secret_echoed_by_a_gateway_is_scrubbed() -> None:
    body = b'{"error": {"message": "bad header x-api-key: sk-live-123456"}}'
    error = status_error_from_response(401, body, secrets=("sk-live-123456",))
    assert "sk-live-123456" not in error.message
    assert "sk-live-123456" not in repr(error)


def test_retry_after_is_kept() -> None:
    error = status_error_from_response(429, b"{}", retry_after=3.0)
    assert isinstance(error, RateLimitError)
    assert error.retry_after == 3.0
