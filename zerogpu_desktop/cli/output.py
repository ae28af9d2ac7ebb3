"""What the commands print, and how: messages made safe for a terminal, data passed through.

A server's error message or a preset name from an imported file can hold escape sequences
that retitle or clear the terminal, so every message goes through `safe_for_display`. An
answer is data: piped into a file or another program it must arrive byte for byte, so it is
escaped only when a person reads it on a terminal. Either way a lone surrogate (which UTF-8
cannot encode) becomes U+FFFD instead of an exception halfway through the output.
"""

from __future__ import annotations

import contextlib
import errno
import io
import logging
import os
import sys
from typing import TextIO

from zerogpu_desktop.safe_text import replace_surrogates, safe_for_display

PROGRAM = "zerogpu-desktop"


class TerminalSafeFormatter(logging.Formatter):
    """Log records on stderr are escaped too: a logged server message is no safer."""

    def format(self, record: logging.LogRecord) -> str:
        return safe_for_display(super().format(record))


def report(message: str, stream: TextIO | None = None) -> None:
    """One line for a person on stderr (or `stream`), escaped whatever its origin."""
    print(f"{PROGRAM}: {safe_for_display(message)}", file=stream or sys.stderr)


def is_terminal(stream: TextIO) -> bool:
    """Whether a person reads `stream` directly; a closed or odd stream counts as data."""
    try:
        return stream.isatty()
    except (OSError, ValueError):
        return False


def as_data(text: str, stream: TextIO) -> str:
    """`text` as it should reach `stream`: unchanged for a pipe or a file, escaped on a terminal."""
    return safe_for_display(text) if is_terminal(stream) else replace_surrogates(text)


def write_data(text: str, stream: TextIO) -> None:
    """Writes an answer, ending it with a newline, and flushes so a closed pipe shows now."""
    text = as_data(text, stream)
    stream.write(text if text.endswith("\n") else text + "\n")
    stream.flush()


class ClosedOutput(io.TextIOBase):
    """Stands in for a standard stream the command was started without (`>&-`).

    Writing to it fails like writing to a closed pipe, so the command ends the same quiet
    way (exit 141) instead of with an error about None.
    """

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        raise BrokenPipeError(errno.EPIPE, "standard output is closed")


def stand_in_for_closed_streams() -> None:
    """Gives a closed stdout or stderr (None in `sys`) a `ClosedOutput` stand-in."""
    if sys.stdout is None:
        sys.stdout = ClosedOutput()
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the process


def flush_stdout() -> None:
    """Flushes stdout now, so a closed pipe raises here and not at interpreter exit."""
    if sys.stdout is not None:
        sys.stdout.flush()


def silence_stdout() -> None:
    """Points stdout at the null device after the reader went away.

    Python flushes stdout once more at exit; into a closed pipe that prints "Exception
    ignored … BrokenPipeError". Python's documentation on SIGPIPE recommends this instead.
    """
    stream = sys.stdout
    if stream is None or isinstance(stream, ClosedOutput):
        return
    with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
