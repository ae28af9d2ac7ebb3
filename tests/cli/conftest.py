"""Fixtures for the command-line tests: the environment a script would set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import TEST_KEY, TEST_PROJECT
from tests.fakeserver import FakeServer
from zerogpu_desktop.app import main


def command_environment(
    base_url: str, data_dir: Path | None = None, *, key: str = TEST_KEY
) -> dict[str, str]:
    """The variables a script would set: key, project, server, a private data folder, and a
    keyring backend that never waits."""
    variables = {
        "ZEROGPU_API_KEY": key,
        "ZEROGPU_PROJECT_ID": TEST_PROJECT,
        "ZEROGPU_BASE_URL": base_url,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    if data_dir is not None:
        variables["ZEROGPU_DESKTOP_DATA_DIR"] = str(data_dir)
    return variables


def subprocess_environment(base_url: str, data_dir: Path, *, key: str = TEST_KEY) -> dict[str, str]:
    """This process's environment plus `command_environment`, for a real child process."""
    return {**os.environ, **command_environment(base_url, data_dir, key=key)}


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, fake_server: FakeServer, tmp_path: Path) -> FakeServer:
    """The environment a script would set, for commands run in this process."""
    for name, value in command_environment(fake_server.base_url, tmp_path).items():
        monkeypatch.setenv(name, value)
    return fake_server


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err
