"""Fixtures for the command-line tests: the environment a script would set."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import TEST_KEY, TEST_PROJECT
from tests.fakeserver import FakeServer
from zerogpu_desktop.app import main


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, fake_server: FakeServer, tmp_path: Path) -> FakeServer:
    """The environment a script would set: key, project, server and a private data folder."""
    monkeypatch.setenv("ZEROGPU_API_KEY", TEST_KEY)
    monkeypatch.setenv("ZEROGPU_PROJECT_ID", TEST_PROJECT)
    monkeypatch.setenv("ZEROGPU_BASE_URL", fake_server.base_url)
    monkeypatch.setenv("ZEROGPU_DESKTOP_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    return fake_server


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err
