"""Which backends may hold the key, and how they are described for diagnostics."""

# keyring's backend constructors are unannotated.
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null

from tests.credentials.fake_backends import MemoryKeyring, PlaintextLikeKeyring
from zerogpu_desktop.credentials import (
    KeyringIssue,
    backend_description,
    backend_name,
    is_backend_usable,
    unusable_issue,
)


class _SubclassOfPlaintext(PlaintextLikeKeyring):
    __module__ = "someone.elses.module"


class PlaintextKeyring(MemoryKeyring):
    """Named like keyrings.alt's class but defined elsewhere: still refused."""


@pytest.mark.parametrize(
    ("backend", "issue"),
    [
        (fail.Keyring(), KeyringIssue.NO_KEYRING),
        (null.Keyring(), KeyringIssue.DISABLED),
        (PlaintextLikeKeyring(), KeyringIssue.PLAINTEXT),
        (_SubclassOfPlaintext(), KeyringIssue.PLAINTEXT),
        (PlaintextKeyring(), KeyringIssue.PLAINTEXT),
        (MemoryKeyring(), None),
    ],
)
def test_unusable_issue(backend: KeyringBackend, issue: KeyringIssue | None) -> None:
    assert unusable_issue(backend) is issue
    assert is_backend_usable(backend) is (issue is None)


def test_backend_name_uses_keyrings_display_name() -> None:
    assert backend_name(fail.Keyring()) == "fail Keyring"
    assert backend_name(null.Keyring()) == "null Keyring"


def test_backend_description_says_what_and_whether_usable() -> None:
    assert backend_description(fail.Keyring()) == (
        "fail Keyring (keyring.backends.fail.Keyring, priority 0): "
        "refused (no keyring backend is available)"
    )
    assert backend_description(MemoryKeyring()).endswith(": usable")
    # MemoryKeyring has no priority (so keyring never picks it); the description says so.
    assert "not viable: NotImplementedError" in backend_description(MemoryKeyring())


def test_backend_description_of_the_default_backend_is_a_line_of_text() -> None:
    text = backend_description()

    assert "\n" not in text
    assert "usable" in text or "refused" in text
