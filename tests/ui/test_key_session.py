"""The key session: where the window's key comes from, and what it says when the keyring fails."""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot

from tests.credentials.fake_backends import LockedKeyring, MemoryKeyring
from tests.ui.conftest import API_KEY, run_async
from zerogpu_desktop.credentials import KeyStore
from zerogpu_desktop.credentials.keystore import DEFAULT_SERVICE, DEFAULT_USERNAME
from zerogpu_desktop.ui.key_session import KeySession


def session_over(backend: Any, environment_key: str | None = None) -> KeySession:
    store = KeyStore(backend=backend, timeout=2.0)
    return KeySession(lambda: store, environment_key)


def test_the_saved_key_is_loaded_once_read(
    qtbot: QtBot, qloop: Any, keyring_backend: MemoryKeyring
) -> None:
    keys = session_over(keyring_backend)
    assert (keys.loaded, keys.has_key) == (False, False)

    with qtbot.waitSignal(keys.changed, timeout=2000):
        run_async(qtbot, keys.load())
    assert (keys.loaded, keys.has_key, keys.in_keyring) == (True, True, True)
    assert keys.api_key == API_KEY
    assert keys.status_text() == "A key is stored in your system keyring."
    assert API_KEY not in repr(keys)


def test_save_and_forget_go_through_the_keyring(qtbot: QtBot, qloop: Any) -> None:
    backend = MemoryKeyring()
    keys = session_over(backend)
    run_async(qtbot, keys.load())
    assert not keys.has_key

    run_async(qtbot, keys.save("  zg-new-key  \n"))
    assert backend.get_password(DEFAULT_SERVICE, DEFAULT_USERNAME) == "zg-new-key"
    assert (keys.api_key, keys.in_keyring) == ("zg-new-key", True)

    run_async(qtbot, keys.forget())
    assert backend.get_password(DEFAULT_SERVICE, DEFAULT_USERNAME) is None
    assert (keys.has_key, keys.in_keyring) == (False, False)
    assert keys.status_text() == "No key saved yet. It will go to your system keyring."


def test_a_locked_keyring_keeps_the_key_for_this_session_and_says_why(
    qtbot: QtBot, qloop: Any
) -> None:
    keys = session_over(LockedKeyring())
    run_async(qtbot, keys.load())
    assert keys.problem, "the reason is told"
    assert not keys.has_key

    run_async(qtbot, keys.save("zg-typed-key"))
    assert (keys.has_key, keys.in_keyring) == (True, False)
    assert keys.status_text().startswith("Kept for this session only.")
    assert "zg-typed-key" not in keys.status_text()


def test_the_environment_key_wins_and_survives_forgetting(
    qtbot: QtBot, qloop: Any, keyring_backend: MemoryKeyring
) -> None:
    keys = session_over(keyring_backend, environment_key="zg-from-env")
    assert (keys.loaded, keys.api_key) == (True, "zg-from-env")

    run_async(qtbot, keys.load())
    assert keys.api_key == "zg-from-env", "the keyring's key does not replace it"
    run_async(qtbot, keys.forget())
    assert keys.api_key == "zg-from-env"
    assert "ZEROGPU_API_KEY" in keys.status_text()


def test_keyring_backends_get_the_names_their_users_know() -> None:
    from zerogpu_desktop.ui.key_session import friendly_keyring_name

    assert friendly_keyring_name("SecretService Keyring") == "GNOME Keyring (Secret Service)"
    assert friendly_keyring_name("macOS Keyring") == "macOS Keychain"
    assert friendly_keyring_name("Windows WinVaultKeyring") == "Windows Credential Locker"
    assert friendly_keyring_name("Some Plugin") == "Some Plugin"
    assert friendly_keyring_name(None) == "your system keyring"
