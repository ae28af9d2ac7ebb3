"""What reaches a terminal: messages escaped, answers unchanged into a pipe, a closed pipe quiet."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import run_cli, subprocess_environment
from tests.fakeserver import FakeServer, Scenario
from zerogpu_desktop.cli.output import write_data
from zerogpu_desktop.exit_codes import ExitCode
from zerogpu_desktop.storage import ensure_data_dir
from zerogpu_desktop.storage.history.store import HistoryStore
from zerogpu_desktop.storage.history.types import RunRecord

#: Retitles the terminal, then clears it.
HOSTILE = "\x1b]0;pwned\x07\x1b[2J"
ESCAPED = "\\x1b]0;pwned\\x07\\x1b[2J"


class _Terminal(io.StringIO):
    """A stdout a person reads."""

    def isatty(self) -> bool:
        return True


def test_a_server_error_message_reaches_stderr_escaped(
    cli_env: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    cli_env.scenario = Scenario.status(
        400, {"error": {"code": "bad_request", "message": f"{HOSTILE}bad \u202eevil"}}
    )
    code, out, err = run_cli(["send", "-m", "m1", "--max-retries", "0", "hi"], capsys)
    assert code == ExitCode.REQUEST_REJECTED
    assert out == ""
    assert "\x1b" not in err
    assert "\x07" not in err
    assert "\u202e" not in err
    assert ESCAPED in err
    assert "\\u202e" in err


def test_an_answer_goes_into_a_pipe_unchanged(
    cli_env: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    cli_env.scenario = Scenario.echo(f"coloured {HOSTILE}\ttab")
    code, out, _ = run_cli(["send", "-m", "m1", "hi"], capsys)
    assert code == ExitCode.OK
    assert out == f"coloured {HOSTILE}\ttab\n"


def test_an_answer_on_a_terminal_is_escaped(
    cli_env: FakeServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    terminal = _Terminal()
    monkeypatch.setattr("sys.stdout", terminal)
    cli_env.scenario = Scenario.echo(f"coloured {HOSTILE}\ttab")
    code, _, _ = run_cli(["send", "-m", "m1", "hi"], capsys)
    assert code == ExitCode.OK
    assert terminal.getvalue() == f"coloured {ESCAPED}\ttab\n"


def test_a_lone_surrogate_never_breaks_printing() -> None:
    pipe = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    write_data("before \ud800 after", pipe)
    assert pipe.buffer.getvalue() == "before \ufffd after\n".encode()  # type: ignore[attr-defined]


def _hostile_run(data_dir: Path) -> int:
    ensure_data_dir(data_dir)
    with HistoryStore(data_dir) as store:
        return store.record(
            RunRecord(
                model=f"m{HOSTILE}",
                system_prompt="",
                user_prompt=f"prompt {HOSTILE}",
                answer=f"answer {HOSTILE}",
                created=1_700_000_000.0,
                error_title=f"Title{HOSTILE}",
                error_message="msg",
                source="cli",
            )
        )


def test_history_rows_are_escaped_and_the_answer_is_data(
    cli_env: FakeServer, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run_id = _hostile_run(tmp_path)
    code, out, _ = run_cli(["history", "list"], capsys)
    assert code == ExitCode.OK
    assert "\x1b" not in out
    assert f"m{ESCAPED}" in out
    code, out, _ = run_cli(["history", "show", str(run_id)], capsys)
    assert code == ExitCode.OK
    header, _, rest = out.partition("\n\n")
    assert "\x1b" not in header
    assert f"m{ESCAPED}" in header
    assert f"Title{ESCAPED}" in header
    assert f"--- answer ---\nanswer {HOSTILE}" in rest  # into a pipe: unchanged


def test_history_show_on_a_terminal_escapes_the_answer(
    cli_env: FakeServer,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run_id = _hostile_run(tmp_path)
    terminal = _Terminal()
    monkeypatch.setattr("sys.stdout", terminal)
    assert run_cli(["history", "show", str(run_id)], capsys)[0] == ExitCode.OK
    assert "\x1b" not in terminal.getvalue()
    assert f"--- answer ---\nanswer {ESCAPED}" in terminal.getvalue()


def test_preset_list_is_escaped(
    cli_env: FakeServer, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # A presets file written by something else: the store refuses such names on save.
    document = {
        "format": "zerogpu-desktop-presets",
        "version": 1,
        "presets": [{"name": "Plain", "model": f"m{HOSTILE}", "user_prompt": "x"}],
    }
    (tmp_path / "presets.json").write_text(json.dumps(document), encoding="utf-8")
    code, out, err = run_cli(["presets", "list"], capsys)
    assert code == ExitCode.OK
    assert "\x1b" not in out + err


# -- a closed stdout ---------------------------------------------------------------------------


def _into_a_closed_pipe(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    """Runs the command with stdout a pipe whose reader has already gone (`| head -c0`)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(
            [sys.executable, "-m", "zerogpu_desktop", *argv],
            stdout=write_end,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            env=env,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)


def test_send_into_a_closed_pipe_ends_quietly_and_keeps_the_run(
    fake_server: FakeServer, tmp_path: Path
) -> None:
    result = _into_a_closed_pipe(
        ["send", "-m", "m1", "kept despite the pipe"],
        subprocess_environment(fake_server.base_url, tmp_path),
    )
    assert result.returncode == 141  # 128 + SIGPIPE
    assert result.stderr == b""
    with HistoryStore(tmp_path) as store:
        runs = store.page(0, 10, "")
    assert [run.preview for run in runs]
    assert "kept despite the pipe" in runs[0].preview


def test_listings_into_a_closed_pipe_end_quietly(fake_server: FakeServer, tmp_path: Path) -> None:
    _hostile_run(tmp_path)
    env = subprocess_environment(fake_server.base_url, tmp_path)
    (tmp_path / "presets.json").write_text(
        json.dumps(
            {
                "format": "zerogpu-desktop-presets",
                "version": 1,
                "presets": [{"name": "One", "model": "m1", "user_prompt": "x"}],
            }
        ),
        encoding="utf-8",
    )
    for argv in (["history", "list"], ["history", "show", "1"], ["presets", "list"]):
        result = _into_a_closed_pipe(argv, env)
        assert (result.returncode, result.stderr) == (141, b""), argv


def test_a_command_started_without_stdout_ends_like_a_closed_pipe(
    fake_server: FakeServer, tmp_path: Path
) -> None:
    """`send … >&-`: no "'NoneType' object has no attribute" error, and the run is kept."""
    env = subprocess_environment(fake_server.base_url, tmp_path)
    for argv in (["send", "-m", "m1", "no stdout at all"], ["history", "show", "1"]):
        result = subprocess.run(
            [sys.executable, "-m", "zerogpu_desktop", *argv],
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            env=env,
            timeout=60,
            check=False,
            preexec_fn=lambda: os.close(1),  # as the shell does for `>&-`
        )
        assert (result.returncode, result.stderr) == (141, b""), (argv, result.stderr)
    with HistoryStore(tmp_path) as store:
        assert "no stdout at all" in store.page(0, 10, "")[0].preview
