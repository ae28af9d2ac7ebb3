"""What a key store operation did, in a form the UI can show and a log can print safely.

Every result has a hand-written ``__repr__`` that reports whether a key is present but never
the key itself, because results end up in logs, tracebacks and crash reports.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from zerogpu_desktop.credentials.issues import KeyringIssue


class KeySource(enum.Enum):
    """Where a loaded key came from."""

    KEYRING = "keyring"
    SESSION = "session"
    NONE = "none"


@dataclass(frozen=True, repr=False)
class KeyLoadResult:
    """The outcome of ``KeyStore.load``.

    Attributes:
        key: The API key, or None when there is none. Never shown by ``repr``/``str``.
        source: Whether the key came from the keyring or this session's memory.
        backend_name: keyring's name of the backend, e.g. "SecretService Keyring".
        problem: A sentence for the user when the keyring could not be used, else None.
        issue: Machine-readable reason behind ``problem``.
        detail: Technical text for logs (exception type and message, key blanked out).
    """

    key: str | None = field(repr=False)
    source: KeySource
    backend_name: str
    problem: str | None = None
    issue: KeyringIssue | None = None
    detail: str | None = None

    @property
    def stored_in_keyring(self) -> bool:
        """True when the key was read from the keyring (so it survives a restart)."""
        return self.source is KeySource.KEYRING

    def __repr__(self) -> str:
        return _describe(self, f"has_key={self.key is not None}, source={self.source.value!r}")

    __str__ = __repr__


@dataclass(frozen=True, repr=False)
class KeySaveResult:
    """The outcome of ``KeyStore.save``.

    Attributes:
        stored_in_keyring: True only when the key was written and read back unchanged.
            False means it is kept in memory for this session only.
        backend_name: keyring's name of the backend.
        problem: A sentence for the user when the key could not be stored, else None.
        issue: Machine-readable reason behind ``problem``.
        detail: Technical text for logs (key blanked out).
    """

    stored_in_keyring: bool
    backend_name: str
    problem: str | None = None
    issue: KeyringIssue | None = None
    detail: str | None = None

    def __repr__(self) -> str:
        return _describe(self, f"stored_in_keyring={self.stored_in_keyring}")

    __str__ = __repr__


@dataclass(frozen=True, repr=False)
class KeyDeleteResult:
    """The outcome of ``KeyStore.delete`` (the session key is always forgotten).

    Attributes:
        removed_from_keyring: True when the keyring is known to hold no key any more
            (it was deleted, or there was none).
        backend_name: keyring's name of the backend.
        problem: A sentence for the user when the keyring could not be cleared, else None.
        issue: Machine-readable reason behind ``problem``.
        detail: Technical text for logs.
    """

    removed_from_keyring: bool
    backend_name: str
    problem: str | None = None
    issue: KeyringIssue | None = None
    detail: str | None = None

    def __repr__(self) -> str:
        return _describe(self, f"removed_from_keyring={self.removed_from_keyring}")

    __str__ = __repr__


def _describe(result: KeyLoadResult | KeySaveResult | KeyDeleteResult, first: str) -> str:
    """The fields every result shows after its own `first` ones; never the key or `detail`."""
    issue = "None" if result.issue is None else result.issue.name
    return (
        f"{type(result).__name__}({first}, backend_name={result.backend_name!r}, "
        f"issue={issue}, problem={result.problem!r})"
    )
