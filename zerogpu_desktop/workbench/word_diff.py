"""Which words differ between two texts, and which paragraphs are the same in both.

One place for the word diff the Compare view highlights and the preset versions view shows,
so both mark the same words. Qt-free: callers turn the character ranges into formats.

Texts are cut into words, runs of spaces and single punctuation marks, and matched with
`difflib.SequenceMatcher` (no "junk" heuristic, which would skip frequent words like "the").
Lines are matched first and words only inside runs of changed lines, and a run past
`MAX_WORDS` words (or past the caller's `deadline`) is marked as whole lines: cheap, and
still pointing at what changed. A caller on the GUI thread runs it on a worker
(`background.run`) with a time bound.
"""

from __future__ import annotations

import difflib
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "MAX_WORDS",
    "DiffSpan",
    "TextDiff",
    "different_paragraphs",
    "paragraphs",
    "word_diff",
]

#: Words per side in one run of changed lines beyond which those lines are marked whole
#: (matching words costs up to the product of the two counts: 3,000 against 3,000 words
#: of a nine-word vocabulary take about 0.2 s).
MAX_WORDS = 3_000
#: Lines per side beyond which only the common start and end are matched and the middle is
#: marked whole: matching 5,000 lines takes about 0.1 s, 20,000 several seconds.
MAX_LINES = 5_000

#: A word or a punctuation mark with the spaces after it (spaces are not tokens of their
#: own: a token that is in every other position makes the matcher quadratic).
_TOKEN = re.compile(r"^\s+|\w+\s*|[^\w\s]\s*", re.UNICODE)
_LINE = re.compile(r"[^\n]*\n|[^\n]+")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")

SpanKind = Literal["same", "removed", "added"]


@dataclass(frozen=True, slots=True)
class DiffSpan:
    """A run of text that is the same in both texts, only in the old one, or only in the new."""

    kind: SpanKind
    text: str


@dataclass(frozen=True, slots=True)
class TextDiff:
    """The diff of two texts, as spans and as the character ranges to highlight on each side.

    Attributes:
        spans: The merged sequence (same, removed, added…), for a one-column rendering.
        old_ranges: ``(start, length)`` of every changed run in the old text.
        new_ranges: ``(start, length)`` of every changed run in the new text.
        by_lines: True when the texts were too long (or the deadline passed) and whole lines
            were compared instead of words.
    """

    spans: tuple[DiffSpan, ...]
    old_ranges: tuple[tuple[int, int], ...]
    new_ranges: tuple[tuple[int, int], ...]
    by_lines: bool = False

    @property
    def identical(self) -> bool:
        """Whether nothing differs."""
        return not self.old_ranges and not self.new_ranges


def word_diff(old: str, new: str, *, deadline: float | None = None) -> TextDiff:
    """The words that differ between `old` and `new`.

    Lines are matched first, then the words of each run of changed lines: the cost stays
    near the size of what changed, and a line moved whole is not split into words. Changes
    that are only spaces are not highlighted (a re-wrapped line is not a different answer),
    but they stay in the spans so the text reads as written.

    Args:
        old: The left or earlier text.
        new: The right or later text.
        deadline: A `time.monotonic()` value after which changed lines are marked whole.
    """
    old_lines = _LINE.findall(old)
    new_lines = _LINE.findall(new)
    result = _Builder()
    if max(len(old_lines), len(new_lines)) > MAX_LINES:
        return _ends_only(old_lines, new_lines, result)
    # The matcher's "junk" rule is wanted here: lines found everywhere (blank ones) would
    # make matching quadratic, and they carry no difference worth showing.
    matcher = difflib.SequenceMatcher(None, _keys(old_lines), _keys(new_lines))
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        removed = old_lines[old_start:old_end]
        added = new_lines[new_start:new_end]
        if tag == "equal":
            result.same(added, len("".join(removed)))
            continue
        old_words = _TOKEN.findall("".join(removed))
        new_words = _TOKEN.findall("".join(added))
        small = max(len(old_words), len(new_words)) <= MAX_WORDS
        if tag == "replace" and small and not _passed(deadline):
            result.compare(old_words, new_words)
        else:
            result.by_lines = result.by_lines or tag == "replace"
            result.changed(removed, added)
    return result.diff()


def paragraphs(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each paragraph (text between blank lines), in order."""
    found: list[tuple[int, int]] = []
    start = 0
    for gap in _PARAGRAPH_BREAK.finditer(text):
        if gap.start() > start:
            found.append((start, gap.start()))
        start = gap.end()
    if start < len(text):
        found.append((start, len(text)))
    return found


def different_paragraphs(texts: Sequence[str]) -> list[list[bool]]:
    """For each text, whether each of its paragraphs is missing from some other text.

    "Different only" folds the paragraphs that every column shares (compared with spaces
    normalised), so what is left is what tells the answers apart.
    """
    normalised = [
        [_normalise(text[start:end]) for start, end in paragraphs(text)] for text in texts
    ]
    shared = set.intersection(*(set(each) for each in normalised)) if normalised else set()
    return [[paragraph not in shared for paragraph in each] for each in normalised]


def _normalise(paragraph: str) -> str:
    return " ".join(paragraph.split())


def _passed(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() > deadline


def _ends_only(old: list[str], new: list[str], result: _Builder) -> TextDiff:
    """What differs between two very long texts, in linear time: the lines they start and end
    with are the same, everything between is marked as changed."""
    keys_old, keys_new = _keys(old), _keys(new)
    start = 0
    while start < min(len(old), len(new)) and keys_old[start] == keys_new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and keys_old[-1 - end] == keys_new[-1 - end]:
        end += 1
    result.by_lines = True
    result.same(new[:start], len("".join(old[:start])))
    result.changed(old[start : len(old) - end], new[start : len(new) - end])
    result.same(new[len(new) - end :], len("".join(old[len(old) - end :])))
    return result.diff()


class _Builder:
    """Collects spans and ranges block by block, keeping each side's character offset."""

    def __init__(self) -> None:
        self.spans: list[DiffSpan] = []
        self.old_ranges: list[tuple[int, int]] = []
        self.new_ranges: list[tuple[int, int]] = []
        self.old_at = 0
        self.new_at = 0
        self.by_lines = False

    def same(self, new_tokens: list[str], old_length: int) -> None:
        text = "".join(new_tokens)
        _append(self.spans, "same", text)
        self.old_at += old_length
        self.new_at += len(text)

    def changed(self, old_tokens: list[str], new_tokens: list[str]) -> None:
        removed, added = "".join(old_tokens), "".join(new_tokens)
        if not (removed.strip() or added.strip()):  # only spaces: shown, not highlighted
            self.same(new_tokens, len(removed))
            return
        _mark(self.old_ranges, old_tokens, self.old_at)
        _mark(self.new_ranges, new_tokens, self.new_at)
        _append(self.spans, "removed", removed)
        _append(self.spans, "added", added)
        self.old_at += len(removed)
        self.new_at += len(added)

    def compare(self, old_tokens: list[str], new_tokens: list[str]) -> None:
        """Word by word; matched on keys where spaces do not count, so a re-wrapped line
        still lines up word for word."""
        matcher = difflib.SequenceMatcher(
            None, _keys(old_tokens), _keys(new_tokens), autojunk=False
        )
        for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
            removed = old_tokens[old_start:old_end]
            added = new_tokens[new_start:new_end]
            if tag == "equal":
                self.same(added, len("".join(removed)))
            else:
                self.changed(removed, added)

    def diff(self) -> TextDiff:
        return TextDiff(
            tuple(self.spans), tuple(self.old_ranges), tuple(self.new_ranges), self.by_lines
        )


def _keys(tokens: list[str]) -> list[str]:
    return [token.strip() or " " for token in tokens]


def _mark(ranges: list[tuple[int, int]], tokens: list[str], at: int) -> None:
    """Adds the changed tokens' range from offset `at`, without the spaces at its ends."""
    text = "".join(tokens)
    stripped = text.strip()
    if stripped:
        ranges.append((at + len(text) - len(text.lstrip()), len(stripped)))


def _append(spans: list[DiffSpan], kind: SpanKind, text: str) -> None:
    if not text:
        return
    if spans and spans[-1].kind == kind:
        spans[-1] = DiffSpan(kind, spans[-1].text + text)
    else:
        spans.append(DiffSpan(kind, text))
