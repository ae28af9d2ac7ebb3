"""Tiny real keyring backends for tests, passed to KeyStore through its constructor.

None of them defines ``priority``, so keyring never considers them viable and they cannot
leak into keyring's automatic backend choice for other tests.
"""

# keyring's backend constructors are unannotated.
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

import threading

from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked, PasswordDeleteError, PasswordSetError


class MemoryKeyring(KeyringBackend):
    """A working keyring that keeps passwords in a dict."""

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.passwords.pop((service, username), None) is None:
            raise PasswordDeleteError("No such password!")


class LockedKeyring(KeyringBackend):
    """A keyring whose every call fails the way a dismissed unlock prompt does."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("Failed to unlock the collection!")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("Failed to unlock the collection!")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringLocked("Failed to unlock the collection!")


class RaisingKeyring(KeyringBackend):
    """A keyring that raises a given exception from every call."""

    def __init__(self, exc: Exception) -> None:
        super().__init__()
        self.exc = exc

    def get_password(self, service: str, username: str) -> str | None:
        raise self.exc

    def set_password(self, service: str, username: str, password: str) -> None:
        raise self.exc

    def delete_password(self, service: str, username: str) -> None:
        raise self.exc


class LeakyRefusingKeyring(MemoryKeyring):
    """Refuses to store and, carelessly, quotes the password in its error message."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise PasswordSetError(f"cannot store {password!r} for {service}")


class DroppingKeyring(MemoryKeyring):
    """Accepts every write and keeps nothing, like keyring's null backend."""

    def set_password(self, service: str, username: str, password: str) -> None:
        return None


class HangingKeyring(MemoryKeyring):
    """``set_password`` blocks until ``release`` is set, like a Secret Service stuck on a prompt."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.entered = threading.Event()

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entered.set()
        self.release.wait(30)
        super().set_password(service, username, password)


class PlaintextLikeKeyring(MemoryKeyring):
    """Pretends to be a keyrings.alt backend, which must be refused without being called."""

    __module__ = "keyrings.alt.file"

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def get_password(self, service: str, username: str) -> str | None:
        self.calls += 1
        return super().get_password(service, username)

    def set_password(self, service: str, username: str, password: str) -> None:
        self.calls += 1
        super().set_password(service, username, password)
