"""The sentences users read when the keyring fails, on every platform."""

from __future__ import annotations

import pytest
from keyring.errors import (
    InitError,
    KeyringError,
    KeyringLocked,
    NoKeyringError,
    PasswordDeleteError,
    PasswordSetError,
)

from zerogpu_desktop.credentials import KeyringIssue
from zerogpu_desktop.credentials.issues import classify, problem_sentence, technical_detail


@pytest.mark.parametrize(
    ("exc", "issue"),
    [
        (NoKeyringError("x"), KeyringIssue.NO_KEYRING),
        (KeyringLocked("x"), KeyringIssue.LOCKED),
        (InitError("x"), KeyringIssue.INIT_FAILED),
        (PasswordSetError("x"), KeyringIssue.REFUSED),
        (PasswordDeleteError("x"), KeyringIssue.ERROR),
        (KeyringError("x"), KeyringIssue.ERROR),
        (RuntimeError("x"), KeyringIssue.ERROR),
    ],
)
def test_classify(exc: Exception, issue: KeyringIssue) -> None:
    assert classify(exc) is issue


@pytest.mark.parametrize(
    ("platform", "hint"),
    [
        ("linux", "GNOME Keyring or KWallet"),
        ("darwin", "Keychain"),
        ("win32", "Windows Credential Manager"),
    ],
)
def test_no_keyring_hint_fits_the_platform(platform: str, hint: str) -> None:
    text = problem_sentence(
        KeyringIssue.NO_KEYRING, "save", "fail Keyring", timeout=5, platform=platform
    )

    assert hint in text


@pytest.mark.parametrize("issue", list(KeyringIssue))
@pytest.mark.parametrize("action", ["load", "save", "delete"])
def test_every_sentence_is_complete(issue: KeyringIssue, action: str) -> None:
    text = problem_sentence(issue, action, "X Keyring", timeout=5)  # type: ignore[arg-type]

    assert text.endswith(".")
    assert text.count(".") >= 3  # what happened, what it means, what to do


def test_technical_detail_blanks_out_the_secret() -> None:
    detail = technical_detail(PasswordSetError("could not store 'sk-abc' now"), "sk-abc")

    assert detail == "PasswordSetError: could not store '***' now"


def test_technical_detail_of_an_empty_message_is_the_type_name() -> None:
    assert technical_detail(TimeoutError(), None) == "TimeoutError"
