"""`send --demo`: the built-in demo answers with no account, and the real key stays home."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.cli.conftest import subprocess_environment
from zerogpu_desktop.storage.history.store import HistoryStore

REAL_KEY = "zg-real-key-that-must-stay-home-0123"


def run(args: list[str], data_dir: Path) -> subprocess.CompletedProcess[str]:
    environment = subprocess_environment("https://api.zerogpu.ai", data_dir, key=REAL_KEY)
    return subprocess.run(
        [sys.executable, "-m", "zerogpu_desktop", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_send_demo_answers_and_is_kept_marked_but_learns_nothing(tmp_path: Path) -> None:
    done = run(["send", "--demo", "--model", "demo-echo", "hello demo"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "You sent:\n\nhello demo\n"
    assert "Not truncated" in done.stderr
    with HistoryStore(tmp_path) as store:
        (row,) = store.page()
        assert row.demo
        assert row.model == "demo-echo"
        assert store.usage_by_day(1) == []
    # Nothing learnt from invented numbers: no calibration, no remembered model.
    assert not (tmp_path / "calibration.json").exists()
    assert not (tmp_path / "settings.json").exists()
    listed = run(["history", "list"], tmp_path)
    assert "demo-echo (demo)" in listed.stdout
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert REAL_KEY.encode() not in path.read_bytes(), path


def test_the_flag_works_before_the_command_and_names_the_models_on_a_typo(
    tmp_path: Path,
) -> None:
    done = run(["--demo", "send", "--model", "demo-nope", "hi"], tmp_path)
    assert done.returncode != 0
    assert "demo-markdown" in done.stderr
    assert "demo-echo" in done.stderr
    assert REAL_KEY not in done.stderr + done.stdout
