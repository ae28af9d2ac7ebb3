"""Canned answer texts for the scenarios that test how a client shows text.

They live apart from the scenarios so a test can import the exact text it
expects to see on screen, and so the scenarios module stays about behaviour.
"""

from __future__ import annotations

import functools

# Each line exercises a different way text rendering goes wrong: ZWJ emoji
# sequences and skin tones (one glyph, many code points), flags (regional
# indicator pairs), astral characters (UTF-16 surrogate pairs in Qt), CJK
# (wide glyphs), right-to-left scripts mixed with left-to-right text, and
# combining marks (several code points stacked on one base character).
UNICODE_TEXT = (
    "Emoji: 👩‍👩‍👧‍👦 family, 🧑🏽‍💻 coder, 👍🏿 thumbs, 🏳️‍🌈 flag, 🇯🇵🇺🇦 flags, 🤖\n"
    "CJK: 你好，世界。こんにちは、世界。안녕하세요 세계.\n"
    "Arabic (RTL): مرحبا بالعالم — with English inside: ZeroGPU 123.\n"
    "Hebrew (RTL): שלום עולם, גרסה 2.0.\n"
    "Combining marks: e\u0301 (e + U+0301), n\u0303 (n + U+0303), "
    "Z\u0324\u0354\u0367\u0311\u0313a\u0308\u0356\u032d\u0308\u0307lo\u0319\u0314.\n"
    "Astral math: 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚𝟛, and a lone ZWJ between a\u200db."
)

MARKDOWN_TEXT = """\
# Quick sort in Python

Quick sort picks a **pivot**, splits the list around it and sorts each side.

- Average time: `O(n log n)`
- Worst case: `O(n²)` when the pivot is always the smallest item
- Works *in place* in the classic version

| Algorithm  | Average      | Worst        | Stable |
|------------|--------------|--------------|--------|
| Quick sort | `O(n log n)` | `O(n²)`      | no     |
| Merge sort | `O(n log n)` | `O(n log n)` | yes    |

```python
def quick_sort(items: list[int]) -> list[int]:
    if len(items) <= 1:
        return items
    pivot, *rest = items
    smaller = [x for x in rest if x < pivot]
    larger = [x for x in rest if x >= pivot]
    return quick_sort(smaller) + [pivot] + quick_sort(larger)
```

Call it as `quick_sort([3, 1, 2])`.
"""

# multi_part: the answer is every output_text part of every message item, in
# order, with no separator. Text that must never reach the user says so.
MULTI_PART_PIECES = ("First part. ", "Second part.", "\nThird part, from a second message.")
MULTI_PART_TEXT = "".join(MULTI_PART_PIECES)
MUST_NOT_SHOW = "MUST NOT BE SHOWN"

_HUGE_BLOCK = """\
## Section {n}

Paragraph {n}. This answer is deliberately long, to find out whether a client \
stays responsive while it receives, parses and renders megabytes of Markdown. \
Each section is numbered so a reader can tell where they are.

- item {n}.1 with `inline code`
- item {n}.2 with **bold** and *italic* text
- item {n}.3 with a [link](https://example.com/{n})

```python
def section_{n}(x: int) -> int:
    return x * {n} + 1
```

"""


@functools.lru_cache(maxsize=4)
def huge_markdown(size_bytes: int) -> str:
    """A deterministic Markdown text of about ``size_bytes`` UTF-8 bytes.

    It is made of numbered sections (heading, paragraph, list, code block) and
    is cut at a section boundary, so it is never more than one section (about
    500 bytes) longer than asked. Cached, because the huge scenario sends the
    same text to every request.
    """
    parts = ["# A very long answer\n\n"]
    size = len(parts[0])
    n = 0
    while size < size_bytes:
        n += 1
        block = _HUGE_BLOCK.format(n=n)
        parts.append(block)
        size += len(block.encode("utf-8"))
    return "".join(parts)
