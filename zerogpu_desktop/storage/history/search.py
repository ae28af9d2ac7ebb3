"""Turning what a person types in the history search box into a safe FTS5 query.

FTS5 has its own query language (``AND``, ``OR``, ``NOT``, ``NEAR``, ``*``, ``^``, column
filters, parentheses), and a stray ``"`` or ``(`` is a syntax error. Users type none of that
on purpose, so nothing they type is passed through as syntax:

- the text is split on whitespace into terms; a ``"quoted phrase"`` is kept as one term (an
  unclosed quote runs to the end of the text);
- every term is written as an FTS5 string (``"..."``, inner quotes doubled), so operators and
  punctuation are just text. FTS5 tokenizes inside the string, so ``x-ray`` or ``user.name``
  become phrases and match what they look like;
- terms are joined by spaces, which FTS5 reads as AND: every term must match somewhere in
  the system prompt, the user prompt or the answer;
- the last term, unless it is a closed quoted phrase or a single character, gets ``*``
  (prefix match) so results appear while the user is still typing a word. One character is
  searched as a whole word: "every word starting with t" finds nearly every run and, having
  no prefix index (see ``schema``), is the one slow query;
- terms without a letter or digit (``"``, ``*``, ``--``, emoji) are dropped: the tokenizer
  would turn them into nothing. A text with no terms left means "no search".

Every produced query is valid FTS5, so a search can never raise a syntax error.
"""

from __future__ import annotations

import re

MAX_TERMS = 32
"""A pasted paragraph becomes at most this many terms; more only slow the query down."""

MIN_PREFIX_LENGTH = 2
"""Shorter last terms are matched as whole words, not as prefixes."""

_PART = re.compile(r'"(?P<phrase>[^"]*)(?P<closed>"?)|(?P<word>[^\s"]+)')


def fts_query(text: str) -> str | None:
    """Build the FTS5 MATCH expression for a search box text.

    Args:
        text: Anything the user typed.

    Returns:
        A valid FTS5 query, or None when ``text`` holds nothing searchable (show all runs).
    """
    terms: list[tuple[str, bool]] = []  # (text, may take a prefix star)
    for match in _PART.finditer(text):
        word = match.group("word")
        if word is not None:
            terms.append((word, True))
        else:
            phrase = " ".join(match.group("phrase").split())
            terms.append((phrase, not match.group("closed")))
    searchable = [(t, star) for t, star in terms if any(ch.isalnum() for ch in t)]
    searchable = searchable[:MAX_TERMS]
    if not searchable:
        return None
    parts = [_quote(term) for term, _ in searchable]
    last, may_star = searchable[-1]
    if may_star and len(last) >= MIN_PREFIX_LENGTH:
        parts[-1] += "*"
    return " ".join(parts)


def _quote(term: str) -> str:
    """An FTS5 string literal: double quotes around, inner double quotes doubled."""
    return '"' + term.replace('"', '""') + '"'
