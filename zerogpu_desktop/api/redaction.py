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
#: A piece of a secret this long is scrubbed too: a server that cut its echo of the key, or
#: an excerpt cut through it, must not leave the first characters readable.
_MIN_PREFIX_LENGTH = 8

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


def _scrub_prefixes(text: str, secret: str) -> str:
    """Replaces every run of 8+ characters that starts the secret (a cut echo of it)."""
    if len(secret) < _MIN_PREFIX_LENGTH:
        return text
    head = secret[:_MIN_PREFIX_LENGTH]
    start = text.find(head)
    if start < 0:
        return text
    pieces: list[str] = []
    done = 0
    while start >= 0:
        end = start + _MIN_PREFIX_LENGTH
        while end < len(text) and end - start < len(secret) and text[end] == secret[end - start]:
            end += 1
        pieces += (text[done:start], REDACTED)
        done = end
        start = text.find(head, done)
    pieces.append(text[done:])
    return "".join(pieces)


def redact(text: str, extra: Iterable[str] = ()) -> str:
    """Returns `text` with every registered secret and `extra` value replaced.

    The URL-encoded forms of each secret and any 8+ character piece that starts one are
    replaced as well.
    """
    with _lock:
        values = set(_secrets)
    values.update(s for s in extra if len(s) >= _MIN_SECRET_LENGTH)
    forms = {form for value in values for form in _forms(value)}
    for form in sorted(forms, key=len, reverse=True):
        if form in text:
            text = text.replace(form, REDACTED)
    for form in forms:
        text = _scrub_prefixes(text, form)
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
