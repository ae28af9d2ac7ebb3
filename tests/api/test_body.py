"""Bounded decoding: no chunk, however small, inflates past the room left."""

from __future__ import annotations

import asyncio
import gzip
import zlib
from collections.abc import AsyncIterator

import pytest

from zerogpu_desktop.api import InvalidResponseError, ResponseTooLargeError
from zerogpu_desktop.api.body import BodyDecoder, read_body, read_error_body

TEXT = b'{"output": []} ' * 1000


def raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


async def chunks_of(data: bytes, size: int) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def read(data: bytes, encoding: str, limit: int = 1 << 20, size: int = 7) -> bytes:
    return asyncio.run(
        read_body(
            chunks_of(data, size),
            content_encoding=encoding,
            content_length=None,
            limit=limit,
            status_code=200,
        )
    )


@pytest.mark.parametrize(
    ("encoding", "encoded"),
    [
        ("", TEXT),
        ("identity", TEXT),
        ("gzip", gzip.compress(TEXT)),
        ("x-gzip", gzip.compress(TEXT)),
        ("GZIP", gzip.compress(TEXT)),
        ("deflate", zlib.compress(TEXT)),
        ("deflate", raw_deflate(TEXT)),
        ("gzip, identity", gzip.compress(TEXT)),
        ("gzip", gzip.compress(TEXT[:5000]) + gzip.compress(TEXT[5000:])),
    ],
)
def test_each_supported_encoding_decodes_in_tiny_chunks(encoding: str, encoded: bytes) -> None:
    assert read(encoded, encoding) == TEXT


def test_one_small_chunk_never_inflates_past_the_room() -> None:
    bomb = gzip.compress(bytes(50 * 1024 * 1024))
    decoder = BodyDecoder("gzip")
    first = bomb[:1800]
    assert len(decoder.feed(first, 1000)) == 1001  # the limit plus the one byte that tells


@pytest.mark.parametrize("limit", [1, 4096, 1 << 20])
def test_a_bomb_stops_at_the_limit(limit: int) -> None:
    bomb = gzip.compress(bytes(20 * 1024 * 1024))
    with pytest.raises(ResponseTooLargeError) as caught:
        read(bomb, "gzip", limit=limit, size=65536)
    assert caught.value.limit_bytes == limit


def test_exactly_the_limit_is_accepted() -> None:
    assert read(gzip.compress(TEXT), "gzip", limit=len(TEXT)) == TEXT
    with pytest.raises(ResponseTooLargeError):
        read(gzip.compress(TEXT), "gzip", limit=len(TEXT) - 1)


def test_a_declared_length_over_the_limit_is_refused_before_reading() -> None:
    async def never() -> AsyncIterator[bytes]:
        raise AssertionError("the body was read")
        yield b""  # pragma: no cover

    with pytest.raises(ResponseTooLargeError):
        asyncio.run(
            read_body(
                never(), content_encoding="", content_length=10**9, limit=1000, status_code=200
            )
        )


@pytest.mark.parametrize(
    ("encoding", "words"),
    [
        ("gzip, gzip", "compressed more than once"),
        ("deflate, gzip", "compressed more than once"),
        ("br", "cannot read (content-encoding: br)"),
        ("zstd", "cannot read"),
        ("compress", "cannot read"),
        ("x-\x1b[2J", r"x-\x1b[2J"),
    ],
)
def test_stacked_and_unknown_encodings_are_refused(encoding: str, words: str) -> None:
    with pytest.raises(InvalidResponseError) as caught:
        read(gzip.compress(TEXT), encoding)
    assert words in caught.value.message
    assert "\x1b" not in caught.value.message


def test_broken_compressed_data_is_an_invalid_response() -> None:
    with pytest.raises(InvalidResponseError, match="could not be decoded"):
        read(b"\x1f\x8b not gzip at all", "gzip")


def test_an_error_body_is_cut_at_64_kib_and_never_fails() -> None:
    bomb = gzip.compress(bytes(10 * 1024 * 1024))
    body, readable = asyncio.run(read_error_body(chunks_of(bomb, 65536), content_encoding="gzip"))
    assert (len(body), readable) == (64 * 1024, True)
    body, readable = asyncio.run(read_error_body(chunks_of(b"x", 1), content_encoding="br"))
    assert (body, readable) == (b"", False)
