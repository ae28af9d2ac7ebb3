"""The real thing: the API key goes into a running Secret Service and into no file.

Runs under ``dbus-run-session`` with an unlocked gnome-keyring-daemon (see .ci/run). Skipped
elsewhere, but in CI (``CI=true``) a missing Secret Service is a failure, not a skip, so the
one test that proves the key reaches a real keyring cannot silently stop running.
"""

# keyring's backend constructors are unannotated.
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

import asyncio
import os
import secrets
import uuid
from pathlib import Path

import pytest
from keyring.backends import SecretService

from zerogpu_desktop.credentials import KeySource, KeyStore
from zerogpu_desktop.storage import (
    Draft,
    DraftStore,
    Settings,
    SettingsStore,
    UiStateStore,
    ensure_data_dir,
)


def _secret_service_or_skip() -> SecretService.Keyring:
    missing: str | None = None
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        missing = "DBUS_SESSION_BUS_ADDRESS is unset (no D-Bus session bus)"
    else:
        try:
            SecretService.Keyring.priority  # noqa: B018 - raises when the service is unusable
        except Exception as exc:
            missing = f"the Secret Service is not reachable: {exc}"
    if missing is not None:
        how = (
            "run under `dbus-run-session` with `printf pw | gnome-keyring-daemon --unlock "
            "--components=secrets` (Debian: gnome-keyring dbus-daemon)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(f"A real Secret Service is required in CI, but {missing}; {how}.")
        pytest.skip(f"No real Secret Service: {missing}; {how}.")
    return SecretService.Keyring()


@pytest.mark.keyring_real
def test_key_round_trips_through_secret_service_and_never_touches_disk(tmp_path: Path) -> None:
    backend = _secret_service_or_skip()
    service = f"zerogpu-desktop-test-{uuid.uuid4().hex}"
    key = f"zg-test-{secrets.token_hex(16)}"
    data_dir = ensure_data_dir(tmp_path / "data")
    store = KeyStore(service=service, backend=backend, timeout=15)
    try:
        saved = asyncio.run(store.save(key))
        assert saved.stored_in_keyring, saved.problem
        assert saved.backend_name == "SecretService Keyring"
        assert store.session_key is None

        # A fresh store (as after a restart) finds it in the keyring, not in memory.
        fresh = KeyStore(service=service, backend=SecretService.Keyring(), timeout=15)
        loaded = asyncio.run(fresh.load())
        assert loaded.key == key
        assert loaded.source is KeySource.KEYRING
        assert fresh.load_blocking().key == key

        # Everything the app writes to disk goes to the data dir; the key must be in none.
        settings = Settings(project_id="proj-1").with_model_used("model-a")
        SettingsStore(data_dir).save(settings)
        DraftStore(data_dir).save(Draft(model="model-a", system_prompt="s", user_prompt="u"))
        ui_state = UiStateStore(data_dir)
        ui_state.set("window_geometry", b"\x01\x02")
        ui_state.save()
        written = [p for p in tmp_path.rglob("*") if p.is_file()]
        assert len(written) == 3
        for path in written:
            assert key.encode() not in path.read_bytes(), path

        deleted = asyncio.run(store.delete())
        assert deleted.removed_from_keyring, deleted.problem
        gone = fresh.load_blocking()
        assert gone.key is None
        assert gone.problem is None
    finally:
        KeyStore(service=service, backend=backend, timeout=15).delete_blocking()
