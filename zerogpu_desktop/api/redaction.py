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

__all__ = [
    "REDACTED",
    "RedactingFilter",
    "forget_secret",
    "install_log_redaction",
    "redact",
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


def redact(text: str, extra: Iterable[str] = ()) -> str:
    """Returns `text` with every registered secret and `extra` value replaced."""
    with _lock:
        values = set(_secrets)
    values.update(s for s in extra if len(s) >= _MIN_SECRET_LENGTH)
    for value in sorted(values, key=len, reverse=True):
        if value in text:
            text = text.replace(value, REDACTED)
    return _HEADER_PATTERN.sub(lambda m: m.group(1) + REDACTED, text)


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
