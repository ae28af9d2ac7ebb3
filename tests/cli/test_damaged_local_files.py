"""A damaged settings or calibration file is moved aside, and the command says so once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import run_cli
from tests.fakeserver import FakeServer
from zerogpu_desktop.exit_codes import ExitCode

DEEP = b"[" * 5_000 + b"]" * 5_000


@pytest.mark.parametrize(
    ("name", "what"), [("settings.json", "settings"), ("calibration.json", "token calibration")]
)
def test_send_says_once_that_a_damaged_file_was_moved_aside(
    cli_env: FakeServer, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, what: str
) -> None:
    (tmp_path / name).write_bytes(DEEP)
    code, out, err = run_cli(["send", "-m", "m1", "hi"], capsys)
    assert code == ExitCode.OK, err
    assert out == "Echo: hi\n"
    assert f"The {what} file is not usable JSON" in err
    assert list(tmp_path.glob(f"{name}.corrupt-*"))
    code, _, err = run_cli(["send", "-m", "m1", "hi"], capsys)
    assert code == ExitCode.OK
    assert "not usable JSON" not in err


def test_diagnose_warns_about_a_damaged_settings_file(
    cli_env: FakeServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "settings.json").write_bytes(DEEP)
    _, out, _ = run_cli(["diagnose", "--json"], capsys)
    checks = {check["name"]: check for check in json.loads(out)}
    assert checks["settings file"]["level"] == "warn"
    assert "settings file is not usable JSON" in checks["settings file"]["detail"]
