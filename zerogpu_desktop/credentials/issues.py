"""What can go wrong with the keyring, and the sentence that tells a person what to do.

Keyring exceptions carry terse, sometimes empty, messages ("Failed to unlock the
collection!"). The UI needs: what happened, what it means for their key, and what to do.
Those sentences are built here so every caller (GUI, CLI, diagnostics) says the same thing.
"""

from __future__ import annotations

import enum
import sys
from typing import Literal

from keyring import errors

Action = Literal["load", "save", "delete"]


class KeyringIssue(enum.Enum):
    """Why the keyring could not be used; lets callers branch without parsing sentences."""

    NO_KEYRING = "no keyring backend is available"
    DISABLED = "the null backend is configured"
    PLAINTEXT = "the backend stores secrets in plain text"
    LOCKED = "the keyring is locked"
    INIT_FAILED = "the keyring could not be opened"
    REFUSED = "the keyring refused to store the key"
    NOT_KEPT = "the keyring did not keep the key"
    TIMEOUT = "the keyring did not answer in time"
    ERROR = "the keyring failed unexpectedly"

    @property
    def short(self) -> str:
        """A lower-case phrase for logs and diagnostics."""
        return self.value

    @property
    def backend_unusable(self) -> bool:
        """True when the backend itself is refused, so no call to it was even attempted."""
        return self in (KeyringIssue.NO_KEYRING, KeyringIssue.DISABLED, KeyringIssue.PLAINTEXT)


def classify(exc: BaseException) -> KeyringIssue:
    """Map an exception raised by a keyring backend to the issue it means for the user."""
    if isinstance(exc, errors.NoKeyringError):
        return KeyringIssue.NO_KEYRING
    if isinstance(exc, errors.KeyringLocked):
        return KeyringIssue.LOCKED
    if isinstance(exc, errors.InitError):
        return KeyringIssue.INIT_FAILED
    if isinstance(exc, errors.PasswordSetError):
        return KeyringIssue.REFUSED
    return KeyringIssue.ERROR


def technical_detail(exc: BaseException, secret: str | None) -> str:
    """Describe ``exc`` for logs with any occurrence of ``secret`` blanked out.

    A backend may put its arguments into its error message; the key must never reach a log
    or a crash report through that door.
    """
    text = str(exc)
    if secret:
        text = text.replace(secret, "***")
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def problem_sentence(
    issue: KeyringIssue,
    action: Action,
    backend_name: str,
    *,
    timeout: float,
    platform: str = sys.platform,
) -> str:
    """Build the sentence shown to the user: what happened, what it means, what to do.

    Args:
        issue: What went wrong.
        action: What the user was doing, which changes what the failure means for them.
        backend_name: keyring's name of the backend, e.g. "SecretService Keyring".
        timeout: The time bound that was used, quoted for TIMEOUT.
        platform: A ``sys.platform`` value, to suggest the right keyring to install.
    """
    return " ".join(
        (
            _cause(issue, backend_name, timeout, platform),
            _consequence(issue, action),
            _remedy(issue, platform),
        )
    )


def _cause(issue: KeyringIssue, name: str, timeout: float, platform: str) -> str:
    if issue is KeyringIssue.NO_KEYRING:
        return f"Your system has no usable keyring ({_missing_keyring(platform)})."
    if issue is KeyringIssue.DISABLED:
        return (
            "The keyring is switched off for this program (keyring's 'null' backend is "
            "configured, for example by PYTHON_KEYRING_BACKEND or keyringrc.cfg)."
        )
    if issue is KeyringIssue.PLAINTEXT:
        return (
            f"The configured keyring ({name}) would keep the key in a plain file, "
            "which ZeroGPU Desktop refuses to do."
        )
    causes = {
        KeyringIssue.LOCKED: f"Your keyring ({name}) is locked and could not be unlocked.",
        KeyringIssue.INIT_FAILED: f"Your keyring ({name}) could not be opened.",
        KeyringIssue.REFUSED: f"Your keyring ({name}) refused to store the key.",
        KeyringIssue.NOT_KEPT: (
            f"Your keyring ({name}) accepted the key but did not keep it "
            "(reading it back did not return it)."
        ),
        KeyringIssue.TIMEOUT: (
            f"Your keyring ({name}) did not answer within {timeout:g} seconds; "
            "it may be waiting for an unlock prompt."
        ),
    }
    return causes.get(issue, f"Your keyring ({name}) failed unexpectedly.")


def _consequence(issue: KeyringIssue, action: Action) -> str:
    if action == "save":
        return "The key will be kept for this session only."
    if action == "load":
        return "No saved key could be read; a key you enter now is kept for this session only."
    if issue.backend_unusable:
        return "Nothing is stored there, so the key was only forgotten for this session."
    return "The key was forgotten for this session, but it may still be in the keyring."


def _remedy(issue: KeyringIssue, platform: str) -> str:
    if issue is KeyringIssue.NO_KEYRING:
        return _install_hint(platform)
    if issue is KeyringIssue.DISABLED:
        return "Remove that setting to store the key in your system keyring."
    if issue is KeyringIssue.PLAINTEXT:
        return (
            "Configure a secure keyring instead (for example unset PYTHON_KEYRING_BACKEND), "
            "or uninstall keyrings.alt."
        )
    if issue is KeyringIssue.LOCKED:
        return "Unlock your keyring (for example by logging in again) and try again."
    if issue is KeyringIssue.TIMEOUT:
        return (
            "Answer or dismiss any keyring prompt, check that the keyring service is running, "
            "then try again."
        )
    return "Check that your keyring service is running and unlocked, then try again."


def _missing_keyring(platform: str) -> str:
    if platform == "darwin":
        return "the macOS Keychain could not be used"
    if platform in ("win32", "cygwin"):
        return "Windows Credential Manager could not be used"
    return "no Secret Service found"


def _install_hint(platform: str) -> str:
    if platform == "darwin":
        return "Make sure your login Keychain is available to store it."
    if platform in ("win32", "cygwin"):
        return "Make sure Windows Credential Manager is available to store it."
    return "Install and unlock GNOME Keyring or KWallet to store it."
