"""What text from a server or a file may carry to a terminal, and what it may not."""

from __future__ import annotations

import pytest

from zerogpu_desktop.safe_text import (
    escape_controls,
    has_lone_surrogates,
    has_space_or_unprintable,
    has_unsafe_characters,
    replace_surrogates,
    safe_for_display,
)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),
        ("\x1b[2J cleared", "\\x1b[2J cleared"),
        ("over\rwrite", "over\\x0dwrite"),
        ("del\x7f c1\x9b", "del\\x7f c1\\x9b"),
        ("abc\u202edcba", "abc\\u202edcba"),
        ("isolate\u2066x\u2069", "isolate\\u2066x\\u2069"),
        ("nul\x00", "nul\\x00"),
    ],
)
def test_controls_and_bidi_overrides_are_shown_escaped(raw: str, shown: str) -> None:
    assert escape_controls(raw) == shown
    assert has_unsafe_characters(raw)


def test_lines_tabs_and_ordinary_unicode_are_kept() -> None:
    text = "Line one\n\tindented · café — 日本語 🙂 \u00a0nbsp"
    assert escape_controls(text) == text
    assert safe_for_display(text) == text
    assert not has_unsafe_characters(text)


def test_lone_surrogates_become_replacement_characters() -> None:
    text = "a\ud800b\udfffc"
    assert replace_surrogates(text) == "a\ufffdb\ufffdc"
    assert safe_for_display(text).encode("utf-8") == "a\ufffdb\ufffdc".encode()
    assert has_unsafe_characters(text)


def test_display_form_can_always_be_encoded_and_holds_no_escape() -> None:
    hostile = "".join(chr(code) for code in range(0x00, 0xA0)) + "\ud83d\u202e"
    shown = safe_for_display(hostile)
    shown.encode("utf-8")
    assert "\x1b" not in shown
    assert "\u202e" not in shown
    assert not has_unsafe_characters(shown.replace("\n", "").replace("\t", ""))


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ("https://api.zerogpu.ai", False),
        ("https://a b", True),
        ("https://a\nHost: evil", True),
        ("https://a\x1b[2J", True),
        ("https://a\u200b.example", True),  # invisible: would hide where the request goes
        ("https://a\u202e.example", True),
        ("https://café.example", False),
    ],
)
def test_what_cannot_stand_on_one_request_line(text: str, refused: bool) -> None:
    assert has_space_or_unprintable(text) is refused


def test_lone_surrogates_are_found_and_nothing_else() -> None:
    assert has_lone_surrogates("a\udc80b")
    assert not has_lone_surrogates("a\x1b 🙂 b")
