"""The window's API key for this session: loaded, saved and forgotten through the key store.

One object knows where the key came from (the environment, the keyring, this session's memory)
and what went wrong with the keyring, so the banner, the Settings dialog and the run engine
all read the same answer. The key store does the keyring calls off the GUI thread with a
time bound; a hung keyring therefore never freezes the window.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from zerogpu_desktop.credentials import KeyStore


class KeySession(QObject):
    """The key the window sends with, and what the user should know about where it is kept.

    Args:
        key_store: Made on first use: importing keyring costs start-up time.
        environment_key: `ZEROGPU_API_KEY`, which wins over the keyring and is never saved.

    Signals:
        changed(): the key, or where it is kept, or the keyring's problem changed.
    """

    changed = Signal()

    def __init__(
        self,
        key_store: Callable[[], KeyStore],
        environment_key: str | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._key_store = key_store
        self._environment_key = environment_key or None
        self._key: str | None = self._environment_key
        #: True once the keyring was read (or the environment gave the key).
        self.loaded = self._environment_key is not None
        self.in_keyring = False
        #: A sentence about the keyring when it could not be used, else None.
        self.problem: str | None = None
        #: keyring's name of the backend, once a call has told it.
        self.backend_name: str | None = None

    def __repr__(self) -> str:
        return (
            f"KeySession(has_key={self.has_key}, loaded={self.loaded}, "
            f"in_keyring={self.in_keyring}, from_environment={self.from_environment})"
        )

    @property
    def api_key(self) -> str | None:
        """The key for the next run; kept out of `repr` and every message."""
        return self._key

    @property
    def has_key(self) -> bool:
        return bool(self._key)

    @property
    def from_environment(self) -> bool:
        return self._environment_key is not None

    async def load(self) -> None:
        """Reads the keyring once, unless the environment already gave the key."""
        if self._environment_key is not None:
            self.loaded = True
            self.changed.emit()
            return
        result = await self._key_store().load()
        self._key = result.key.strip() if result.key else None
        self.in_keyring = result.stored_in_keyring
        self.problem = result.problem
        self.backend_name = result.backend_name or self.backend_name
        self.loaded = True
        self.changed.emit()

    async def save(self, key: str) -> None:
        """Stores the key in the keyring; when that fails it is kept for this session only."""
        key = key.strip()
        if not key:
            return
        result = await self._key_store().save(key)
        self._key = key
        self.in_keyring = result.stored_in_keyring
        self.problem = result.problem
        self.backend_name = result.backend_name or self.backend_name
        self.changed.emit()

    async def forget(self) -> None:
        """Removes the saved key; the environment's key, if any, stays in use."""
        result = await self._key_store().delete()
        self._key = self._environment_key
        self.in_keyring = False
        self.problem = result.problem
        self.backend_name = result.backend_name or self.backend_name
        self.changed.emit()

    def keyring_place(self) -> str:
        """Where the key is kept, in the words a user knows ("GNOME Keyring", "macOS Keychain")."""
        return friendly_keyring_name(self.backend_name)

    def saved_text(self) -> str:
        """What the status bar says once a save finished (the banner explains a failure)."""
        if self.in_keyring:
            return f"Key saved in {self.keyring_place()}."
        return "Key kept for this session only: the keyring could not take it."

    def forgotten_text(self) -> str:
        """What the status bar says once forgetting finished."""
        if self.problem:
            return "The saved key could not be removed; see the message above."
        return f"Key removed from {self.keyring_place()}."

    def status_text(self) -> str:
        """One sentence for the Settings dialog about where the key is kept."""
        if self.from_environment:
            return "Using the key from ZEROGPU_API_KEY for this run (not saved)."
        if self.in_keyring:
            return "A key is stored in your system keyring."
        if self.has_key:
            return f"Kept for this session only. {self.problem or ''}".strip()
        return self.problem or "No key saved yet. It will go to your system keyring."


#: keyring's backend names, as a user of each system calls the place.
_FRIENDLY_NAMES = {
    "secretservice": "GNOME Keyring (Secret Service)",
    "kwallet": "KWallet",
    "macos": "macOS Keychain",
    "keychain": "macOS Keychain",
    "windows": "Windows Credential Locker",
    "wincred": "Windows Credential Locker",
}


def friendly_keyring_name(backend_name: str | None) -> str:
    """ "SecretService Keyring" becomes "GNOME Keyring (Secret Service)"; unknown names stay."""
    if not backend_name:
        return "your system keyring"
    squashed = backend_name.lower().replace(" ", "")
    for marker, friendly in _FRIENDLY_NAMES.items():
        if marker in squashed:
            return friendly
    return backend_name
