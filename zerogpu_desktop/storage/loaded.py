"""What a store read: the value to use, and a sentence to tell the user once, if any.

Reading never fails for a missing, broken or unreadable file (the app starts with defaults
and says what happened), so a read has two results, not a result or an exception. Returning
both together, rather than leaving the sentence on the store for someone to look up later,
means the caller that reads is the one that decides where the sentence is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T_co = TypeVar("T_co", covariant=True)


@dataclass(frozen=True, slots=True)
class Loaded(Generic[T_co]):
    """A store's value and what to tell the user about reading it.

    Attributes:
        value: What was read, or the defaults when the file was missing, broken or unreadable.
        problem: One sentence for the user (the file was moved aside, left unread, partly
            unreadable), or None when all is well. A missing file is not a problem.
    """

    value: T_co
    problem: str | None = None
