"""`zerogpu-desktop diagnose` in a real process: the report's lines and its exit status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def diagnose(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "zerogpu_desktop", "diagnose", *args],
        capture_output=True,
        text=True,
        timeout=90,
        env=env if env is not None else dict(os.environ),
        check=False,
    )


def test_report_lists_versions_and_checks(tmp_path: Path) -> None:
    result = diagnose("--data-dir", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    report = result.stdout
    for word in ("zerogpu-desktop", "python", "httpx", "keyring", "Qt ", "PySide6"):
        assert word in report
    assert "ok    data folder" in report
    assert "ok    tls ca bundle" in report
    assert "Everything essential works." in report
    assert result.stderr == ""


@pytest.mark.keyring_real
def test_secret_service_is_usable(tmp_path: Path) -> None:
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        pytest.skip("no Secret Service on this machine (dbus-daemon, gnome-keyring-daemon)")
    env = dict(os.environ)
    env.pop("PYTHON_KEYRING_BACKEND", None)
    result = diagnose("--data-dir", str(tmp_path), env=env)
    row = next(line for line in result.stdout.splitlines() if "keyring backend" in line)
    assert row.startswith("ok")
    assert "SecretService" in row
    assert "stored and read back" in row


def test_no_keyring_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    result = diagnose("--data-dir", str(tmp_path), env=env)
    row = next(line for line in result.stdout.splitlines() if "keyring backend" in line)
    assert row.startswith("warn")
    assert "session only" in row
    assert result.returncode == 0


def test_broken_data_folder_fails(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = diagnose("--data-dir", str(blocker / "data"))
    assert result.returncode == 1
    assert "FAIL  data folder" in result.stdout
    assert "Something essential is broken: data folder." in result.stdout


@pytest.mark.display
def test_qt_platform_plugin_starts(tmp_path: Path) -> None:
    if not os.environ.get("DISPLAY"):
        pytest.skip("no X display (install xvfb)")
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    result = diagnose("--data-dir", str(tmp_path), env=env)
    row = next(line for line in result.stdout.splitlines() if "qt platform" in line)
    assert row.startswith("ok")
    assert "xcb" in row


def test_missing_display_is_explained(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    result = diagnose("--data-dir", str(tmp_path), env=env)
    assert "warn  qt platform" in result.stdout
    assert "no display" in result.stdout


def test_json_output(tmp_path: Path) -> None:
    result = diagnose("--data-dir", str(tmp_path), "--json")
    checks = json.loads(result.stdout)
    assert {check["name"] for check in checks} >= {"app", "data folder", "keyring backend"}
    assert all(check["level"] in ("ok", "warn", "FAIL", "info") for check in checks)
