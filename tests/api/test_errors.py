"""Every error body, however odd, becomes the right class with a readable message."""

from __future__ import annotations

import json
from urllib.parse import quote, quote_plus

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
from zerogpu_desktop.api.errors import format_mebibytes, status_error_from_response


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
    page = b"<html><head><title>Upstream down</title></head><body><h1>x</h1></body></html>"
    error = status_error_from_response(502, page, content_type="text/html")
    assert error.message == "HTTP 502 Bad Gateway: Upstream down"


@pytest.mark.parametrize("title", ["502 Bad Gateway", "Bad Gateway", "HTTP 502", "502"])
def test_a_title_that_only_repeats_the_status_is_not_repeated(title: str) -> None:
    page = f"<html><head><title>{title}</title></head></html>".encode()
    error = status_error_from_response(502, page, content_type="text/html")
    assert error.message == "HTTP 502 Bad Gateway"


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


KEY = "zg-live+key/abcdefghijklmnop"


@pytest.mark.parametrize("start", range(150, 200, 7))
def test_a_key_across_the_excerpt_cut_leaves_no_piece(start: int) -> None:
    body = ("x" * start + KEY + " tail " * 40).encode()
    error = status_error_from_response(500, body, content_type="text/plain", secrets=(KEY,))
    for length in range(8, len(KEY) + 1):
        assert KEY[:length] not in error.message


@pytest.mark.parametrize(
    "echo",
    [quote(KEY, safe=""), quote_plus(KEY, safe=""), KEY[:12], quote(KEY, safe="")[:10]],
)
def test_encoded_and_cut_echoes_of_the_key_are_scrubbed(echo: str) -> None:
    body = json.dumps({"error": {"message": f"bad key {echo} given"}}).encode()
    error = status_error_from_response(401, body, secrets=(KEY,))
    assert echo not in error.message
    assert error.message == "HTTP 401 Unauthorized: bad key [REDACTED] given"


def test_a_long_json_message_is_redacted_then_cut() -> None:
    body = json.dumps({"error": {"message": "y" * 195 + KEY}}).encode()
    error = status_error_from_response(400, body, secrets=(KEY,))
    assert KEY[:8] not in error.message
    assert len(error.message) < 260


def test_control_characters_and_surrogates_are_escaped_in_messages() -> None:
    body = json.dumps({"error": {"message": "a\x1b[2Jb\u202ec\ud800d"}}).encode()
    error = status_error_from_response(400, body, reason_phrase="Bad\x1b]0;x\x07")
    assert "\x1b" not in error.message
    assert "\ud800" not in error.message
    assert "\u202e" not in error.message
    assert "a\\x1b[2Jb\\u202ec\ufffdd" in error.message


def test_an_error_body_nested_too_deep_is_quoted_not_raised() -> None:
    error = status_error_from_response(500, b"[" * 50_000 + b"]" * 50_000)
    assert error.message.startswith("HTTP 500 Internal Server Error: [[[")


def test_an_unreadable_body_says_so() -> None:
    error = status_error_from_response(502, b"", unreadable=True)
    assert error.message == "HTTP 502 Bad Gateway (the server's reply could not be read)"


@pytest.mark.parametrize(
    ("size", "shown"),
    [(16 * 2**20, "16 MiB"), (1024 * 2**20, "1024 MiB"), (2**19, "0.5 MiB"), (1000, "1,000 bytes")],
)
def test_a_size_limit_reads_in_mebibytes(size: int, shown: str) -> None:
    assert format_mebibytes(size) == shown
