"""Splits Markdown into pieces that render correctly one after another.

A multi-megabyte answer rendered in one `setMarkdown` call blocks the
GUI thread for seconds. Cut at blank lines outside fenced code blocks,
each piece is self-contained, so the output view can insert one piece
per event-loop turn and the window stays responsive.
"""

from __future__ import annotations

import re

__all__ = ["split_markdown"]

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def split_markdown(text: str, target_chars: int = 32_000) -> list[str]:
    """Returns pieces of about `target_chars`, cut only at safe blank lines.

    Joining the pieces with "\\n" gives back the text.
    """
    if len(text) <= target_chars:
        return [text]
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    fence: str | None = None
    for line in text.split("\n"):
        match = _FENCE.match(line)
        if match:
            marker = match.group(1)
            if fence is None:
                fence = marker[0] * 3
            elif marker.startswith(fence):
                fence = None
        if size >= target_chars and fence is None and not line.strip():
            pieces.append("\n".join(current))
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
        if size >= target_chars * 4:
            # A single giant paragraph or code block: cut anyway rather than freeze.
            pieces.append("\n".join(current))
            current, size = [], 0
    if current:
        pieces.append("\n".join(current))
    return pieces
