"""What each Compare column shows: its answer whole, or only the paragraphs that differ, with
the changed words of two chosen columns marked.

Qt-free and pure, so the rules are tested without a window and run on a worker thread (a
word diff of two long answers can take a few hundred milliseconds).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

from zerogpu_desktop.workbench.word_diff import different_paragraphs, paragraphs, word_diff

__all__ = ["DIFF_SECONDS", "MAX_SHOWN_CHARS", "ColumnDisplay", "column_displays", "utf16_ranges"]

#: After this long, the rest of a diff is marked by whole lines (see `word_diff`).
DIFF_SECONDS = 0.5
#: A column shows at most this much of its answer: laying out a 16 MB answer would hold the
#: window for seconds, and side by side nobody reads past this; History has the whole text.
MAX_SHOWN_CHARS = 200_000


@dataclass(frozen=True, slots=True)
class ColumnDisplay:
    """One column's text as shown.

    Attributes:
        text: The answer, or its paragraphs that not every answer shares, blank-line apart.
        highlights: ``(start, length)`` ranges (in characters of `text`) of changed words;
            only the two columns being compared have any.
        folded: How many paragraphs were left out because every answer has them.
        compared: Whether this column is one of the two being compared (shown as plain
            text, so the marks fall on the words as written).
        by_lines: The diff was too long to do word by word and marks whole lines.
        cut: The answer was longer than MAX_SHOWN_CHARS and only its start is shown.
    """

    text: str
    highlights: tuple[tuple[int, int], ...] = ()
    folded: int = 0
    compared: bool = False
    by_lines: bool = False
    cut: bool = False


def column_displays(
    answers: Sequence[str | None],
    *,
    pair: tuple[int, int] | None = None,
    different_only: bool = False,
) -> list[ColumnDisplay]:
    """The display of every column; a column without an answer (None) shows "".

    Args:
        answers: Each column's answer text, None while it has none (running or failed).
        pair: The two columns whose changed words are marked; ignored unless both have
            an answer.
        different_only: Leave out the paragraphs that every answered column has.
    """
    texts = [(answer or "")[:MAX_SHOWN_CHARS] for answer in answers]
    cut = [len(answer or "") > MAX_SHOWN_CHARS for answer in answers]
    folded = [0] * len(texts)
    answered = [index for index, answer in enumerate(answers) if answer is not None]
    if different_only and len(answered) >= 2:
        kept_flags = different_paragraphs([texts[index] for index in answered])
        for index, flags in zip(answered, kept_flags, strict=True):
            spans = paragraphs(texts[index])
            kept = [texts[index][a:b] for (a, b), keep in zip(spans, flags, strict=True) if keep]
            folded[index] = len(spans) - len(kept)
            texts[index] = "\n\n".join(kept)
    displays = [
        ColumnDisplay(text, folded=count, cut=was_cut)
        for text, count, was_cut in zip(texts, folded, cut, strict=True)
    ]
    if pair is None or pair[0] == pair[1] or not all(answers[i] is not None for i in pair):
        return displays
    left, right = pair
    diff = word_diff(texts[left], texts[right], deadline=time.monotonic() + DIFF_SECONDS)
    for index, ranges in ((left, diff.old_ranges), (right, diff.new_ranges)):
        displays[index] = replace(
            displays[index], highlights=ranges, compared=True, by_lines=diff.by_lines
        )
    return displays


def utf16_ranges(text: str, ranges: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """`ranges` in UTF-16 code units, the positions a `QTextCursor` counts in.

    A character outside the Basic Multilingual Plane (most emoji) is two units there and
    one in Python, so every range after one would land a character early.
    """
    if text.isascii():
        return list(ranges)
    converted: list[tuple[int, int]] = []
    position = units = 0
    for start, length in ranges:
        units += _units(text[position:start])
        width = _units(text[start : start + length])
        converted.append((units, width))
        units += width
        position = start + length
    return converted


def _units(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2
