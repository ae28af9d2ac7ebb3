"""KeyStore with a working keyring: save, read back, load, delete, and never show the key."""

from __future__ import annotations

import asyncio
import logging

import pytest

from tests.credentials.fake_backends import MemoryKeyring
from zerogpu_desktop.credentials import KeySource, KeyStore

SECRET = "zg-sk-0123456789abcdef"


def test_async_save_load_delete_round_trip() -> None:
    backend = MemoryKeyring()
    store = KeyStore(service="svc", username="user", backend=backend)

    async def scenario() -> None:
        saved = await store.save(SECRET)
        assert saved.stored_in_keyring
        assert saved.problem is None
        assert saved.backend_name == "fake backends MemoryKeyring"
        assert backend.passwords == {("svc", "user"): SECRET}
        assert store.session_key is None

        loaded = await KeyStore(service="svc", username="user", backend=backend).load()
        assert loaded.key == SECRET
        assert loaded.source is KeySource.KEYRING
        assert loaded.stored_in_keyring
        assert loaded.problem is None

        deleted = await store.delete()
        assert deleted.removed_from_keyring
        assert deleted.problem is None
        assert backend.passwords == {}
        empty = await store.load()
        assert empty.key is None
        assert empty.source is KeySource.NONE
        assert empty.problem is None

    asyncio.run(scenario())


def test_blocking_api_matches_async_api() -> None:
    backend = MemoryKeyring()
    store = KeyStore(backend=backend)

    assert store.save_blocking(SECRET).stored_in_keyring
    assert store.load_blocking().key == SECRET
    assert backend.passwords == {("zerogpu-desktop", "api-key"): SECRET}
    assert store.delete_blocking().removed_from_keyring
    assert store.load_blocking().key is None


def test_deleting_when_nothing_is_stored_is_success() -> None:
    result = KeyStore(backend=MemoryKeyring()).delete_blocking()

    assert result.removed_from_keyring
    assert result.problem is None


def test_pasted_whitespace_is_stripped() -> None:
    backend = MemoryKeyring()

    KeyStore(backend=backend).save_blocking(f"  {SECRET}\n")

    assert backend.passwords[("zerogpu-desktop", "api-key")] == SECRET


@pytest.mark.parametrize("blank", ["", "   ", "\n"])
def test_empty_key_is_rejected_before_touching_the_keyring(blank: str) -> None:
    backend = MemoryKeyring()
    with pytest.raises(ValueError, match="empty"):
        KeyStore(backend=backend).save_blocking(blank)
    assert backend.passwords == {}


def test_non_positive_timeout_is_rejected() -> None:
    with pytest.raises(ValueError, match="timeout"):
        KeyStore(backend=MemoryKeyring(), timeout=0)


def test_repr_and_str_never_show_the_key(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    store = KeyStore(backend=MemoryKeyring())
    saved = store.save_blocking(SECRET)
    loaded = store.load_blocking()
    deleted = store.delete_blocking()

    shown = [repr(x) + str(x) for x in (store, saved, loaded, deleted)]

    assert loaded.key == SECRET
    assert all(SECRET not in text for text in shown)
    assert "has_key=True" in repr(loaded)
    assert SECRET not in caplog.text


def test_default_backend_is_resolved_lazily_and_named_neutrally() -> None:
    store = KeyStore()  # keyring's default is only looked up by the first operation

    assert store.backend_name == "the system keyring"
    assert "the system keyring" in repr(store)
