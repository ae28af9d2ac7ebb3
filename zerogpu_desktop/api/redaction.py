"""Keeps the API key out of logs, messages and reprs.

The key must never reach a log file or a crash report. Everything the
client knows to be secret is registered here, and a logging filter
scrubs it (and anything that looks like an `x-api-key` header) from
every record of the loggers the app and its HTTP stack write to.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

__all__ = [
    "REDACTED",
    "RedactingFilter",
    "forget_secret",
    "install_log_redaction",
    "redact",
    "redact_excerpt",
    "register_secret",
]

REDACTED = "[REDACTED]"

#: Loggers whose records may carry request details. A filter on a logger
#: sees only the records created on that very logger, so children are
#: listed one by one.
_LOGGERS = (
    "zerogpu_desktop",
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "hpack",
    "asyncio",
    "qasync",
    "keyring",
)

_HEADER_PATTERN = re.compile(r"(x-api-key['\"]?\s*[:=,]\s*['\"]?(?:b['\"])?)([^'\"\s,)}\]]+)", re.I)
#: Secrets shorter than this are not scrubbed by value: replacing "a"
#: everywhere would shred every log line while protecting nothing.
_MIN_SECRET_LENGTH = 4
#: A piece of a secret this long is scrubbed too, wherever it stands in the secret: a
#: server that echoed the key cut or changed, or an excerpt cut through it, leaves no
#: readable part of it.
_MIN_PIECE_LENGTH = 8

_lock = threading.Lock()
_secrets: set[str] = set()


def register_secret(secret: str) -> None:
    """Remember a value that must never be written anywhere."""
    if len(secret) >= _MIN_SECRET_LENGTH:
        with _lock:
            _secrets.add(secret)


def forget_secret(secret: str) -> None:
    """Stop scrubbing a value (after the user replaced the key)."""
    with _lock:
        _secrets.discard(secret)


def _forms(secret: str) -> set[str]:
    """The secret as sent and as a URL or a form would echo it back."""
    return {secret, quote(secret, safe=""), quote_plus(secret, safe="")}


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _secret_spans(text: str, folded: str, secret: str) -> list[tuple[int, int]]:
    """Where `secret` stands in `text`: each whole match, and each run of 8+ characters
    found anywhere in the secret, in any case.

    A server may echo the key cut short, upper-cased, or broken by a line break; whatever
    piece of it survives must not be readable. Only ASCII letters are folded, so positions
    in `folded` are positions in `text`.
    """
    spans: list[tuple[int, int]] = []
    start = text.find(secret)
    while start >= 0:
        spans.append((start, start + len(secret)))
        start = text.find(secret, start + 1)
    if len(secret) < _MIN_PIECE_LENGTH:
        return spans
    folded_secret = secret.translate(_ASCII_LOWER)
    pieces = {
        folded_secret[i : i + _MIN_PIECE_LENGTH]
        for i in range(len(folded_secret) - _MIN_PIECE_LENGTH + 1)
    }
    position = 0
    while position <= len(folded) - _MIN_PIECE_LENGTH:
        if folded[position : position + _MIN_PIECE_LENGTH] not in pieces:
            position += 1
            continue
        end = position + _MIN_PIECE_LENGTH
        while end < len(folded) and folded[position : end + 1] in folded_secret:
            end += 1
        spans.append((position, end))
        position = end
    return spans


def _replace_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with each run covered by overlapping or touching spans replaced by one marker."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    kept: list[str] = []
    done = 0
    for start, end in merged:
        kept += (text[done:start], REDACTED)
        done = end
    kept.append(text[done:])
    return "".join(kept)


def redact(text: str, extra: Iterable[str] = ()) -> str:
    """Returns `text` with every registered secret and `extra` value replaced.

    The URL-encoded forms of each secret and any 8+ character piece of one, in any case,
    are replaced as well. Every place is found in the original text before anything is
    replaced, so one secret's marker can never cut another secret into short, readable
    pieces.
    """
    with _lock:
        values = set(_secrets)
    values.update(s for s in extra if len(s) >= _MIN_SECRET_LENGTH)
    folded = text.translate(_ASCII_LOWER)
    spans = [
        span
        for value in values
        for form in _forms(value)
        for span in _secret_spans(text, folded, form)
    ]
    if spans:
        text = _replace_spans(text, spans)
    return _HEADER_PATTERN.sub(lambda m: m.group(1) + REDACTED, text)


def redact_excerpt(text: str, max_chars: int, extra: Iterable[str] = ()) -> str:
    """At most `max_chars` characters of `text`, redacted *before* it is cut.

    Cutting first would let a secret that straddles the cut survive as its first
    characters; a marker the cut would split is dropped whole.
    """
    cleaned = redact(text, extra)
    if len(cleaned) <= max_chars:
        return cleaned
    cut = cleaned[: max(max_chars - 1, 0)]
    marker_start = cut.rfind("[", max(len(cut) - len(REDACTED), 0))
    partial = cut[marker_start:] if marker_start >= 0 else ""
    if partial and partial != REDACTED and REDACTED.startswith(partial):
        cut = cut[:marker_start]
    return cut + "…"


class RedactingFilter(logging.Filter):
    """Rewrites each record's message with secrets removed; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not hide the record
            message = str(record.msg)
        cleaned = redact(message)
        if cleaned != message or record.args:
            record.msg = cleaned
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


_installed = RedactingFilter()


def install_log_redaction(extra_loggers: Iterable[str] = ()) -> RedactingFilter:
    """Attaches the shared filter to every logger that might see a key. Idempotent."""
    for name in (*_LOGGERS, *extra_loggers):
        logger = logging.getLogger(name)
        if _installed not in logger.filters:
            logger.addFilter(_installed)
    root = logging.getLogger()
    for handler in root.handlers:
        if _installed not in handler.filters:
            handler.addFilter(_installed)
    return _installed
