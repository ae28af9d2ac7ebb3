"""`diagnose` says what a first run needs: key, project and base URL, set or not and from where."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from tests.cli.conftest import run_cli
from tests.conftest import TEST_KEY, TEST_PROJECT
from tests.credentials.fake_backends import MemoryKeyring
from zerogpu_desktop.cli.diagnose import Check, Level
from zerogpu_desktop.cli.diagnose_config import configuration_checks
from zerogpu_desktop.credentials import KeyStore
from zerogpu_desktop.storage import Settings, SettingsStore

KEY = "zg-diagnose-secret-5f3e1d9c8b7a"


def _args(data_dir: Path, base_url: str | None = None) -> argparse.Namespace:
    return argparse.Namespace(data_dir=str(data_dir), base_url=base_url)


def _by_name(checks: list[Check]) -> dict[str, Check]:
    return {check.name: check for check in checks}


def _no_key_anywhere(checks: list[Check]) -> None:
    for check in checks:
        for prefix_length in (8, len(KEY)):
            assert KEY[:prefix_length] not in check.detail


def test_nothing_configured(tmp_path: Path) -> None:
    checks = _by_name(configuration_checks(_args(tmp_path), {}, KeyStore(backend=MemoryKeyring())))
    assert (checks["api key"].level, checks["api key"].source) == (Level.WARN, "none")
    assert "not set" in checks["api key"].detail
    assert (checks["project id"].level, checks["project id"].source) == (Level.WARN, "none")
    url = checks["base url"]
    assert (url.level, url.source) == (Level.OK, "default")
    assert url.detail == "https://api.zerogpu.ai (the default)"


def test_key_from_the_keyring_and_project_from_settings(tmp_path: Path) -> None:
    store = KeyStore(backend=MemoryKeyring())
    assert store.save_blocking(KEY).stored_in_keyring
    SettingsStore(tmp_path).save(Settings(project_id="p-1", base_url="https://eu.example.com"))
    checks = configuration_checks(_args(tmp_path), {}, store)
    by_name = _by_name(checks)
    assert (by_name["api key"].detail, by_name["api key"].source) == (
        "set (in the system keyring)",
        "keyring",
    )
    assert by_name["project id"].source == "settings"
    assert "p-1" not in by_name["project id"].detail
    assert by_name["base url"].detail == "https://eu.example.com (from Settings)"
    _no_key_anywhere(checks)


def test_environment_and_flag_win_and_are_named(tmp_path: Path) -> None:
    environ = {
        "ZEROGPU_API_KEY": KEY,
        "ZEROGPU_PROJECT_ID": "p-2",
        "ZEROGPU_BASE_URL": "http://example.com",
    }
    checks = _by_name(configuration_checks(_args(tmp_path), environ))
    assert checks["api key"].source == "environment"
    assert "ZEROGPU_API_KEY" in checks["api key"].detail
    assert checks["project id"].source == "environment"
    url = checks["base url"]
    assert (url.level, url.source) == (Level.WARN, "environment")
    assert "from ZEROGPU_BASE_URL" in url.detail
    assert "http://127.0.0.1:PORT" in url.detail
    flagged = _by_name(configuration_checks(_args(tmp_path, "http://127.0.0.1:9"), environ))[
        "base url"
    ]
    assert (flagged.level, flagged.source) == (Level.OK, "flag")
    assert flagged.detail == "http://127.0.0.1:9 (from --base-url)"
    _no_key_anywhere(list(checks.values()))


@pytest.mark.parametrize("as_json", [False, True])
def test_the_report_shows_the_configuration_and_never_the_key(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    as_json: bool,
) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)  # no Qt probe: this test is about the rest
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("ZEROGPU_API_KEY", TEST_KEY)
    monkeypatch.setenv("ZEROGPU_PROJECT_ID", TEST_PROJECT)
    monkeypatch.delenv("ZEROGPU_BASE_URL", raising=False)
    code, out, err = run_cli(
        ["diagnose", "--data-dir", str(tmp_path), *(["--json"] if as_json else [])], capsys
    )
    assert code == 0, out + err
    assert TEST_KEY[:8] not in out + err
    if as_json:
        rows = {row["name"]: row for row in json.loads(out)}
        assert rows["api key"]["source"] == "environment"
        assert rows["project id"]["level"] == "ok"
        assert rows["base url"]["source"] == "default"
    else:
        assert "api key" in out
        assert "set (from the ZEROGPU_API_KEY environment variable)" in out
        assert "project id" in out
        assert "https://api.zerogpu.ai (the default)" in out
