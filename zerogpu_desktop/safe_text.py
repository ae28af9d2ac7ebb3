"""Text from outside the app, made safe to show, print and store.

A server's error message, a preset name from an imported file or a history row can carry
terminal escape sequences (``ESC ]0;…BEL`` retitles the terminal, ``ESC [2J`` clears it),
bidi overrides that make text read differently from what it is, and lone surrogates that
cannot be encoded as UTF-8 (printing, SQLite and JSON writes fail on them). Every path that
shows such text goes through here, so the rules are stated once.
"""

from __future__ import annotations

import re

__all__ = [
    "escape_controls",
    "has_lone_surrogates",
    "has_space_or_unprintable",
    "has_unsafe_characters",
    "replace_surrogates",
    "safe_for_display",
]

#: C0 controls except tab and newline, DEL, C1 controls, and the bidi embeddings, overrides
#: and isolates (U+202A-202E, U+2066-2069). Carriage return is included: on a terminal it
#: moves the cursor back and lets text overwrite what came before it.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def escape_controls(text: str) -> str:
    """Shows each unsafe character as an escape (``\\x1b``, ``\\u202e``); the rest is kept.

    Newlines and tabs stay as they are: messages and answers have lines.
    """
    return _UNSAFE.sub(_escaped, text)


def replace_surrogates(text: str) -> str:
    """Replaces each lone surrogate with U+FFFD, so the text can be encoded as UTF-8."""
    return _SURROGATE.sub("\ufffd", text)


def safe_for_display(text: str) -> str:
    """Both of the above: for text that reaches a terminal or a message box."""
    return escape_controls(replace_surrogates(text))


def has_unsafe_characters(text: str) -> bool:
    """True when ``text`` holds a character ``escape_controls`` would escape (or a surrogate).

    Names the user gives things (preset names) refuse these outright.
    """
    return bool(_UNSAFE.search(text) or _SURROGATE.search(text))


def has_lone_surrogates(text: str) -> bool:
    """True when ``text`` cannot be encoded as UTF-8 (an argument that was not UTF-8)."""
    return bool(_SURROGATE.search(text))


def has_space_or_unprintable(text: str) -> bool:
    """True when ``text`` holds whitespace or anything ``str.isprintable`` refuses.

    What must stand on one line of a request (a base URL, a header value) refuses these: a
    line break would start a new header, and an invisible character would hide where the
    request really goes. Every unsafe character above is unprintable too.
    """
    return any(char.isspace() or not char.isprintable() for char in text)
