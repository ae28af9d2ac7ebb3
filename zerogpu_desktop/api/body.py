"""Reading a reply's body with a hard bound on its decoded size.

httpx's own decoders inflate without limit: `Content-Encoding: gzip, gzip` turns a 1.8 KB
reply into 1 GiB in one call, before a single chunk reaches the caller. So the client asks
only for `gzip` and `deflate`, reads the raw bytes and inflates them here, never producing
more than one byte past the limit however small the compressed chunk. Stacked and unknown
encodings are refused rather than guessed at.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator

from zerogpu_desktop.api.errors import InvalidResponseError, ResponseTooLargeError
from zerogpu_desktop.safe_text import safe_for_display

__all__ = [
    "ACCEPT_ENCODING",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "ERROR_BODY_LIMIT",
    "BodyDecoder",
    "read_body",
    "read_error_body",
]

#: The encodings this module can inflate with a bound (never br or zstd).
ACCEPT_ENCODING = "gzip, deflate"
DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024
#: An error page is read only this far: its first line is all a message quotes.
ERROR_BODY_LIMIT = 64 * 1024

_GZIP_MAGIC = b"\x1f\x8b"
_BROKEN = "The server's reply could not be decoded (its content-encoding is broken)."


def _is_zlib_header(first: bytes) -> bool:
    """RFC 1950: deflate method, a window of at most 32 KiB, and a check value."""
    return first[0] & 0x0F == 8 and first[0] >> 4 <= 7 and (first[0] << 8 | first[1]) % 31 == 0


class BodyDecoder:
    """Undoes one content-encoding, handing out at most the room the caller has left.

    Args:
        content_encoding: the reply's header value ("" for none).

    Raises:
        InvalidResponseError: the encoding is stacked or unknown.
    """

    def __init__(self, content_encoding: str) -> None:
        codings = [
            token.strip().lower()
            for token in content_encoding.split(",")
            if token.strip() and token.strip().lower() != "identity"
        ]
        shown = safe_for_display(content_encoding.strip())[:80]
        if len(codings) > 1:
            raise InvalidResponseError(
                f"The server's reply is compressed more than once (content-encoding: {shown}), "
                "which this app does not accept; a proxy in between may be misconfigured."
            )
        self._coding = codings[0] if codings else "identity"
        if self._coding not in ("identity", "gzip", "x-gzip", "deflate"):
            raise InvalidResponseError(
                f"The server's reply uses a compression this app cannot read "
                f"(content-encoding: {shown}); it asked for gzip, deflate or none."
            )
        self._inflater: zlib._Decompress | None = None
        self._pending = b""  # the first byte of a deflate body, until the header is known
        self._done = False

    @property
    def is_identity(self) -> bool:
        return self._coding == "identity"

    def _start(self, data: bytes) -> bytes:
        """Chooses the inflater once two bytes are known; returns the bytes to feed it."""
        data = self._pending + data
        if self._coding != "deflate":
            self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            return data
        if len(data) < 2:
            self._pending = data
            return b""
        self._pending = b""
        # "deflate" is meant to be zlib-wrapped, but some servers send raw deflate.
        wbits = zlib.MAX_WBITS if _is_zlib_header(data) else -zlib.MAX_WBITS
        self._inflater = zlib.decompressobj(wbits)
        return data

    def feed(self, chunk: bytes, room: int) -> bytes:
        """The decoded bytes of `chunk`: all of them, or `room + 1` when there are more."""
        if self.is_identity:
            return chunk
        if self._inflater is None:
            chunk = self._start(chunk)
        parts: list[bytes] = []
        produced = 0
        data = chunk
        try:
            while data and not self._done and self._inflater is not None:
                # max_length 0 would mean "no limit": room + 1 is at least 1.
                piece = self._inflater.decompress(data, room - produced + 1)
                parts.append(piece)
                produced += len(piece)
                if produced > room:
                    break
                data = self._inflater.unconsumed_tail
                if self._inflater.eof:
                    data = self._next_member()
        except zlib.error:
            raise InvalidResponseError(_BROKEN) from None
        return b"".join(parts)

    def _next_member(self) -> bytes:
        """After one gzip member another may follow (RFC 1952); anything else is ignored."""
        assert self._inflater is not None
        rest = self._inflater.unused_data
        if self._coding != "deflate" and rest.startswith(_GZIP_MAGIC):
            self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            return rest
        self._done = True
        return b""

    def finish(self) -> bytes:
        """What the inflater still holds at the end of the body (at most a few hundred bytes)."""
        if self._inflater is None or self._done:
            return b""
        try:
            return self._inflater.flush()
        except zlib.error:
            raise InvalidResponseError(_BROKEN) from None


async def _read(
    raw_chunks: AsyncIterator[bytes], decoder: BodyDecoder, limit: int
) -> tuple[bytes, bool]:
    """(decoded bytes, whether there were more than `limit`); stops reading at the limit."""
    parts: list[bytes] = []
    size = 0
    async for chunk in raw_chunks:
        piece = decoder.feed(chunk, limit - size)
        parts.append(piece)
        size += len(piece)
        if size > limit:
            return b"".join(parts)[:limit], True
    tail = decoder.finish()
    parts.append(tail)
    size += len(tail)
    return b"".join(parts)[:limit], size > limit


async def read_body(
    raw_chunks: AsyncIterator[bytes],
    *,
    content_encoding: str,
    content_length: int | None,
    limit: int,
    status_code: int,
) -> bytes:
    """The whole decoded body of a successful reply.

    Raises:
        ResponseTooLargeError: it is (or says it will be) larger than `limit`.
        InvalidResponseError: its encoding is stacked, unknown or broken.
    """
    decoder = BodyDecoder(content_encoding)
    if decoder.is_identity and content_length is not None and content_length > limit:
        raise ResponseTooLargeError(limit, status_code=status_code)
    body, over = await _read(raw_chunks, decoder, limit)
    if over:
        raise ResponseTooLargeError(limit, status_code=status_code)
    return body


async def read_error_body(
    raw_chunks: AsyncIterator[bytes], *, content_encoding: str
) -> tuple[bytes, bool]:
    """(the first `ERROR_BODY_LIMIT` decoded bytes, readable) of an error reply.

    Never reads further, so a huge or inflating error page costs the same small amount on
    every retry. A body that cannot be decoded gives `(b"", False)`.
    """
    try:
        decoder = BodyDecoder(content_encoding)
        body, _ = await _read(raw_chunks, decoder, ERROR_BODY_LIMIT)
    except InvalidResponseError:
        return b"", False
    return body, True
