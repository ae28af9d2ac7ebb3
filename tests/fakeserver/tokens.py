"""The fake server's tokenizer: a deterministic stand-in for a real model's.

Real token counts depend on the model's vocabulary, which a test cannot know.
What the tests need is a count that is cheap, exact and predictable, so a test
can build an input that is just over or just under a context limit and know the
``usage`` numbers the server will report. One token per word (a run of word
characters) and one per punctuation character is good enough for that.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"\w+|[^\w\s]")


def count_tokens(text: str) -> int:
    """Count the tokens in ``text``, the way every fake-server scenario does.

    Args:
        text: any text (a message's content or an answer).

    Returns:
        The number of words plus the number of non-space punctuation characters,
        e.g. ``count_tokens("Hello, world!") == 4``.
    """
    return len(_TOKEN.findall(text))
