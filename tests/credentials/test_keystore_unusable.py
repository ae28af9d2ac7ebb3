"""KeyStore with keyrings that cannot keep a secret: say so, keep the key for the session."""

# keyring's backend constructors are unannotated.
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

import asyncio
import logging

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.errors import InitError, KeyringError, NoKeyringError, PasswordSetError

from tests.credentials.fake_backends import (
    DroppingKeyring,
    LeakyRefusingKeyring,
    LockedKeyring,
    MemoryKeyring,
    PlaintextLikeKeyring,
    RaisingKeyring,
)
from zerogpu_desktop.credentials import KeyringIssue, KeySource, KeyStore

SECRET = "zg-sk-fedcba9876543210"


@pytest.mark.parametrize(
    ("backend", "issue", "words"),
    [
        (fail.Keyring(), KeyringIssue.NO_KEYRING, "no usable keyring"),
        (null.Keyring(), KeyringIssue.DISABLED, "'null' backend"),
        (LockedKeyring(), KeyringIssue.LOCKED, "is locked"),
        (RaisingKeyring(NoKeyringError("none")), KeyringIssue.NO_KEYRING, "no usable keyring"),
        (
            RaisingKeyring(InitError("no collection")),
            KeyringIssue.INIT_FAILED,
            "could not be opened",
        ),
        (RaisingKeyring(PasswordSetError("nope")), KeyringIssue.REFUSED, "refused"),
        (RaisingKeyring(KeyringError("odd")), KeyringIssue.ERROR, "failed unexpectedly"),
        (RaisingKeyring(OSError("dbus gone")), KeyringIssue.ERROR, "failed unexpectedly"),
        (DroppingKeyring(), KeyringIssue.NOT_KEPT, "did not keep it"),
    ],
)
def test_unusable_keyring_keeps_key_for_this_session(
    backend: KeyringBackend, issue: KeyringIssue, words: str
) -> None:
    store = KeyStore(backend=backend)

    async def scenario() -> None:
        saved = await store.save(SECRET)
        assert not saved.stored_in_keyring
        assert saved.issue is issue
        assert saved.problem is not None
        assert words in saved.problem
        assert "kept for this session only" in saved.problem
        assert store.session_key == SECRET

        loaded = await store.load()
        assert loaded.key == SECRET
        assert loaded.source is KeySource.SESSION
        assert not loaded.stored_in_keyring
        assert loaded.problem == saved.problem

    asyncio.run(scenario())


def test_fail_backend_message_tells_what_to_do_next() -> None:
    saved = KeyStore(backend=fail.Keyring()).save_blocking(SECRET)

    assert saved.backend_name == "fail Keyring"
    assert saved.problem == (
        "Your system has no usable keyring (no Secret Service found). The key will be kept "
        "for this session only. Install and unlock GNOME Keyring or KWallet to store it."
    )


def test_load_from_locked_keyring_reports_the_problem_without_a_key() -> None:
    loaded = KeyStore(backend=LockedKeyring()).load_blocking()

    assert loaded.key is None
    assert loaded.issue is KeyringIssue.LOCKED
    assert loaded.problem is not None
    assert "Unlock your keyring" in loaded.problem


def test_plaintext_backend_is_refused_without_being_called() -> None:
    backend = PlaintextLikeKeyring()
    store = KeyStore(backend=backend)

    saved = store.save_blocking(SECRET)
    loaded = store.load_blocking()

    assert backend.calls == 0
    assert backend.passwords == {}
    assert saved.issue is KeyringIssue.PLAINTEXT
    assert saved.problem is not None
    assert "plain file" in saved.problem
    assert loaded.key == SECRET
    assert loaded.source is KeySource.SESSION


def test_null_backend_loses_nothing_silently() -> None:
    store = KeyStore(backend=null.Keyring())

    saved = store.save_blocking(SECRET)

    assert not saved.stored_in_keyring
    assert store.load_blocking().key == SECRET


def test_session_key_wins_over_an_older_keyring_key() -> None:
    backend = DroppingKeyring()
    backend.passwords[("zerogpu-desktop", "api-key")] = "old-key-that-was-replaced"
    store = KeyStore(backend=backend)

    saved = store.save_blocking(SECRET)

    assert saved.issue is KeyringIssue.NOT_KEPT
    assert store.load_blocking().key == SECRET


def test_successful_save_clears_the_session_key() -> None:
    backend = MemoryKeyring()
    store = KeyStore(backend=backend)
    store._session_key = "left-over"  # as after an earlier failed save

    assert store.save_blocking(SECRET).stored_in_keyring
    assert store.session_key is None


def test_delete_forgets_the_session_key_even_without_a_keyring() -> None:
    store = KeyStore(backend=fail.Keyring())
    store.save_blocking(SECRET)

    deleted = store.delete_blocking()

    assert store.session_key is None
    assert not deleted.removed_from_keyring
    assert deleted.problem is not None
    assert "only forgotten for this session" in deleted.problem
    assert store.load_blocking().key is None


def test_error_text_from_a_backend_never_carries_the_key(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    store = KeyStore(backend=LeakyRefusingKeyring())

    saved = store.save_blocking(SECRET)
    loaded = store.load_blocking()

    assert saved.issue is KeyringIssue.REFUSED
    assert saved.detail is not None
    assert "PasswordSetError" in saved.detail
    for text in (saved.detail, saved.problem or "", repr(saved), repr(loaded), caplog.text):
        assert SECRET not in text


class _ChainWithPlaintext(chainer.ChainerBackend):
    """A chain as keyring builds it when keyrings.alt is installed next to a real keyring."""

    viable = False  # keep keyring's automatic choice away from this test class
    backends = (PlaintextLikeKeyring(), MemoryKeyring())


def test_chain_with_a_plaintext_member_is_narrowed_to_its_safe_member() -> None:
    from zerogpu_desktop.credentials.backends import usable_member

    chain = _ChainWithPlaintext()
    member = usable_member(chain)

    assert isinstance(member, MemoryKeyring)
    assert not isinstance(member, PlaintextLikeKeyring)
