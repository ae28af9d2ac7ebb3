"""The prompt read from stdin: bounded, and UTF-8 or refused.

Python's text stdin would decode with the locale's codec and `surrogateescape`, so a binary
file piped in by mistake becomes lone surrogates that fail much later, deep in the request;
`/dev/zero` would be read until memory ran out. Reading bytes up to a cap and decoding them
strictly turns both into one sentence before anything is sent.
"""

from __future__ import annotations

from typing import BinaryIO, TextIO

#: Far above any model's context; a bigger stdin is a mistake (a device, the wrong file).
MAX_STDIN_BYTES = 64 * 1024 * 1024


class StdinError(ValueError):
    """What came on stdin cannot be a prompt; the message says why and what to do."""


def read_stdin_text(stdin: TextIO, limit: int | None = None) -> str:
    """All of stdin as text, at most `limit` bytes (default 64 MiB), decoded as strict UTF-8."""
    limit = MAX_STDIN_BYTES if limit is None else limit
    buffer: BinaryIO | None = getattr(stdin, "buffer", None)
    if buffer is None:  # a text stream handed in by a caller: no bytes to check
        text = stdin.read(limit + 1)
        if len(text) > limit:
            raise StdinError(_too_big(limit))
        return text
    data = buffer.read(limit + 1)
    if len(data) > limit:
        raise StdinError(_too_big(limit))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StdinError(
            f"The prompt on stdin is not UTF-8 text (byte 0x{data[exc.start]:02x} at "
            f"position {exc.start:,}): pipe a text file, or give the prompt as an argument."
        ) from None


def _too_big(limit: int) -> str:
    size = f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit:,} bytes"
    return (
        f"The prompt on stdin is larger than {size}: "
        "pipe a smaller file (a device such as /dev/zero never ends)."
    )
