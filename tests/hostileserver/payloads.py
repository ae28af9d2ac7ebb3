"""The bodies hostile scenarios send, built once per process and kept in memory.

A gzip bomb is made without compressing a gibibyte: after a full flush a deflate stream
starts afresh, so the compressed form of one more mebibyte of zeros is the same bytes every
time, and the bomb is one such unit repeated (~1 MB for 1 GiB, ~0.25 s, most of it the CRC).
"""

from __future__ import annotations

import functools
import gzip
import json
import struct
import zlib
from typing import Any

MIB = 1024 * 1024
BOMB_SIZE = 1024 * MIB
NESTING_DEPTH = 100_000
HUGE_ARRAY_BYTES = 16 * MIB


def answer(text: str, *, usage: str = "", created: str = "1710000000", ident: str = "") -> bytes:
    """A documented answer body; `usage` and `created` are raw JSON text, so they can be
    what `json.dumps` would never write (NaN, 1e999, a 5,000-digit integer)."""
    usage = usage or '{"input_tokens": 3, "output_tokens": 5, "total_tokens": 8}'
    ident = ident or json.dumps("resp_hostile")
    message: dict[str, Any] = {
        "type": "message",
        "role": "assistant",
        "content": [{"type": "output_text", "text": "TEXT"}],
    }
    item = json.dumps(message).replace('"TEXT"', text)
    return (
        f'{{"id": {ident}, "object": "response", "created": {created}, '
        f'"model": {ident}, "output": [{item}], "usage": {usage}}}'
    ).encode()


@functools.cache
def gzip_bomb() -> bytes:
    """A valid gzip member that inflates to `BOMB_SIZE` zero bytes."""
    zeros = bytes(MIB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    head = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    unit = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(BOMB_SIZE // MIB):
        crc = zlib.crc32(zeros, crc)
    final_block = b"\x03\x00"  # an empty final block with fixed codes
    trailer = struct.pack("<II", crc, BOMB_SIZE & 0xFFFFFFFF)
    return head + unit * (BOMB_SIZE // MIB - 1) + final_block + trailer


@functools.cache
def stacked_gzip_bomb() -> bytes:
    """The bomb compressed again (`Content-Encoding: gzip, gzip`): a few KB on the wire."""
    return gzip.compress(gzip_bomb(), 9)


@functools.cache
def deeply_nested() -> bytes:
    """An answer whose output list holds arrays nested `NESTING_DEPTH` deep."""
    return b'{"output": [' + b"[" * NESTING_DEPTH + b"]" * NESTING_DEPTH + b"]}"


@functools.cache
def huge_array() -> bytes:
    """~16 MiB of `{"output": [{},{},…]}`: millions of values in a body of a normal size."""
    head, tail = b'{"output": [', b"{}]}"
    count = (HUGE_ARRAY_BYTES - len(head) - len(tail)) // 3
    return head + b"{}," * count + tail


@functools.cache
def many_objects() -> bytes:
    """~15 MiB of small one-key objects with unique keys: 1,000,000 values, under the value
    limit, that would still cost json.loads ~230 MB."""
    head, tail = b'{"id": "r", "output": [], "x": [', b"]}"
    count = 499_990
    items = b",".join(b'{"k%07d":"v%015d"}' % (i, i) for i in range(count))
    return head + items + tail
