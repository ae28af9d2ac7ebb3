"""Splits Markdown into pieces that render correctly one after another.

A multi-megabyte answer rendered in one `setMarkdown` call blocks the
GUI thread for seconds. Cut at blank lines outside fenced code blocks,
each piece is self-contained, so the output view can insert one piece
per event-loop turn and the window stays responsive. The split itself
is lazy for the same reason: each piece is found when it is needed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["iter_markdown_pieces", "split_markdown"]

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def iter_markdown_pieces(text: str, target_chars: int = 32_000) -> Iterator[str]:
    """Yields pieces of about `target_chars`, cut only at safe blank lines.

    Joining the pieces with "\\n" gives back the text. A single paragraph
    or code block far longer than the target is cut anyway (at a line
    end) rather than rendered in one blocking call.
    """
    if len(text) <= target_chars:
        yield text
        return
    current: list[str] = []
    size = 0
    fence: str | None = None
    start = 0
    length = len(text)
    while start <= length:
        end = text.find("\n", start)
        if end == -1:
            end = length
        line = text[start:end]
        start = end + 1
        match = _FENCE.match(line)
        if match:
            marker = match.group(1)
            if fence is None:
                fence = marker[0] * 3
            elif marker.startswith(fence):
                fence = None
        if size >= target_chars and fence is None and not line.strip():
            yield "\n".join(current)
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
        if size >= target_chars * 4:
            yield "\n".join(current)
            current, size = [], 0
    if current:
        yield "\n".join(current)


def split_markdown(text: str, target_chars: int = 32_000) -> list[str]:
    """All pieces at once (see `iter_markdown_pieces`)."""
    return list(iter_markdown_pieces(text, target_chars))
