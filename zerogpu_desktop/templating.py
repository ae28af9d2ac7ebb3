r"""``{{name}}`` variables in prompts: find them, fill them, refuse to send them unfilled.

Syntax, kept small so a person can predict every outcome:

- A placeholder is ``{{name}}``. Spaces and tabs may surround the name (``{{ topic }}``).
  A name is one or more letters, digits, ``_``, ``-`` or ``.`` (``{{user.name}}``,
  ``{{tone-2}}``); letters include non-English ones. Names are case-sensitive.
- Anything else that starts with ``{{`` (``{{ two words }}``, ``{{}}``, an unclosed
  ``{{name``) is not a placeholder and stays exactly as written, so JSON, code and most
  template languages can be pasted into a prompt without surprises. Extra opening braces
  are text too: ``{{{x}}}`` is ``{`` + the placeholder ``{{x}}`` + ``}``.
- Escape: a backslash right before ``{{`` makes those two braces literal: ``\{{topic}}``
  renders as ``{{topic}}``. Backslashes pair up only where they touch ``{{``:
  ``\\{{topic}}`` renders as one backslash followed by the value of ``topic``, and
  ``\\\{{topic}}`` as one backslash followed by the literal ``{{topic}}``. A backslash
  anywhere else is ordinary text. The rule applies before every ``{{``, placeholder or not,
  so ``\{{`` always means ``{{``.
- Text without ``{{`` is never changed.

Filling: a variable is filled when its name is a key of the values mapping, even if the value
is the empty string (the user deliberately left it blank). A name that is not a key is
unfilled and blocks rendering with ``MissingVariablesError``, because sending ``{{topic}}``
to a model silently produces a confident answer to the wrong question. Values are inserted
verbatim: a ``{{`` inside a value is never expanded again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

__all__ = [
    "MissingVariablesError",
    "find_variables",
    "missing_variables",
    "render",
    "variable_spans",
]

_TOKEN = re.compile(
    r"(?P<slashes>\\*)\{\{(?:[ \t]*(?P<name>[\w.\-]+)[ \t]*\}\})?",
)
"""A run of backslashes, ``{{``, and optionally the rest of a valid placeholder."""


class MissingVariablesError(ValueError):
    """Some variables have no value; the message names them all, ready to show.

    Attributes:
        names: The unfilled variable names, in order of first appearance.
    """

    def __init__(self, names: list[str] | tuple[str, ...]) -> None:
        self.names: tuple[str, ...] = tuple(names)
        super().__init__(f"Fill in the variables: {', '.join(self.names)}")


@dataclass(frozen=True, slots=True)
class _Piece:
    """One stretch of a parsed text: literal output, or a placeholder to substitute."""

    text: str
    is_variable: bool = False
    #: Where a placeholder stands in the text, braces included (variables only).
    start: int = 0
    end: int = 0


def _pieces(text: str) -> Iterator[_Piece]:
    """Split ``text`` into literal pieces and placeholders, applying the escape rule.

    When ``{{`` does not start a valid placeholder, only its first brace is consumed, so in
    ``{{{x}}}`` the placeholder is the innermost ``{{x}}`` and the outer braces stay.
    """
    position = 0
    while (match := _TOKEN.search(text, position)) is not None:
        if match.start() > position:
            yield _Piece(text[position : match.start()])
        slashes = len(match.group("slashes"))
        if slashes:
            yield _Piece("\\" * (slashes // 2))
        braces_start = match.start() + slashes
        name = match.group("name")
        if slashes % 2 == 1:
            # Escaped: the two braces are literal; whatever follows is scanned normally.
            yield _Piece("{{")
            position = braces_start + 2
        elif name is None:
            yield _Piece("{")
            position = braces_start + 1
        else:
            yield _Piece(name, is_variable=True, start=braces_start, end=match.end())
            position = match.end()
    if position < len(text):
        yield _Piece(text[position:])


def find_variables(*texts: str) -> list[str]:
    """List the variable names used in ``texts``, each once, in order of first appearance.

    Several texts are accepted because one form asks for the system and user prompts'
    variables together, and a name used in both is asked for once.

    Args:
        *texts: The texts to scan, e.g. the system prompt and the user prompt.

    Returns:
        Unique names; escaped placeholders are not variables.
    """
    seen: dict[str, None] = {}
    for text in texts:
        if "{{" not in text:
            continue
        for piece in _pieces(text):
            if piece.is_variable:
                seen.setdefault(piece.text)
    return list(seen)


def variable_spans(text: str) -> list[tuple[int, int, str]]:
    r"""Where each placeholder of ``text`` stands: (start, end, name), braces included.

    The editors mark exactly what would be filled: the same parser as `render`, so an
    escaped ``\{{name}}`` is not marked.
    """
    if "{{" not in text:
        return []
    return [(p.start, p.end, p.text) for p in _pieces(text) if p.is_variable]


def missing_variables(values: Mapping[str, str], *texts: str) -> list[str]:
    """List the variables of ``texts`` that ``values`` has no key for, in order.

    Lets the UI disable Send and name what is missing without catching an exception.
    """
    return [name for name in find_variables(*texts) if name not in values]


def render(text: str, values: Mapping[str, str]) -> str:
    """Fill every placeholder in ``text`` from ``values`` and resolve escapes.

    Args:
        text: A prompt written in the syntax described in this module's docstring.
        values: Variable values by name; extra keys are ignored.

    Returns:
        The text to send. Text without ``{{`` is returned unchanged.

    Raises:
        MissingVariablesError: A placeholder's name is not a key of ``values``. Nothing is
            rendered partially; the error lists every missing name.
    """
    if "{{" not in text:
        return text
    pieces = list(_pieces(text))
    missing: dict[str, None] = {}
    for piece in pieces:
        if piece.is_variable and piece.text not in values:
            missing.setdefault(piece.text)
    if missing:
        raise MissingVariablesError(list(missing))
    return "".join(values[p.text] if p.is_variable else p.text for p in pieces)
