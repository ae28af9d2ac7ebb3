"""Bad command-line input stops before anything is sent: exit 2, one sentence, zero requests."""

from __future__ import annotations

import io

import pytest

from tests.cli.conftest import run_cli
from tests.fakeserver import FakeServer
from zerogpu_desktop.app import main
from zerogpu_desktop.cli import arg_types
from zerogpu_desktop.exit_codes import ExitCode
from zerogpu_desktop.storage.settings import MAX_RESPONSE_MB_LIMIT, MAX_RETRIES_LIMIT


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """The parser's error for `argv`: exit status 2 and its message on stderr."""
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == ExitCode.USAGE
    out, err = capsys.readouterr()
    assert out == ""
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--timeout", "nan"], "argument --timeout: give a number of seconds from 0.01"),
        (["--timeout", "inf"], "argument --timeout: give a number of seconds from 0.01"),
        (["--timeout", "-1"], "argument --timeout: give a number of seconds from 0.01"),
        (["--timeout", "0"], "argument --timeout: give a number of seconds from 0.01"),
        (["--timeout", "1e400"], "argument --timeout: give a number of seconds from 0.01"),
        (["--timeout", "1e-320"], "argument --timeout: give a number of seconds from 0.01"),
        (["--max-retries", "-1"], "the number of retries must be a whole number from 0 to 10"),
        (["--max-retries", "11"], "the number of retries must be a whole number from 0 to 10"),
        (["--input-limit", "-5"], "the token limit must be a whole number from 1"),
        (["--input-limit", "0"], "the token limit must be a whole number from 1"),
        (["--max-response-mb", "0"], "the largest reply in MiB must be a whole number from 1"),
        (["--max-response-mb", "1025"], "from 1 to 1,024"),
        (["--max-response-mb", "1.5"], "from 1 to 1,024"),
        (["--base-url", "http://127.0.0.1:1/\nHost: evil"], "a line break or a control character"),
        (["--base-url", "http://127.0.0.1:1/\x1b[2J"], "a line break or a control character"),
    ],
)
def test_send_arguments_are_refused_before_sending(
    cli_env: FakeServer, capsys: pytest.CaptureFixture[str], argv: list[str], words: str
) -> None:
    err = _refused(["send", "-m", "m1", *argv, "hello"], capsys)
    assert words in err
    assert err.rstrip().endswith(".")
    assert cli_env.requests == []


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["history", "show", "99999999999999999999"], "from 1 to 9,223,372,036,854,775,807"),
        (["history", "show", "0"], "`zerogpu-desktop history list` shows the IDs."),
        (["history", "list", "--limit", "0"], "the number of runs must be a whole number from 1"),
        (["history", "list", "--limit", "-3"], "the number of runs must be a whole number from 1"),
    ],
)
def test_history_arguments_are_refused(
    cli_env: FakeServer, capsys: pytest.CaptureFixture[str], argv: list[str], words: str
) -> None:
    assert words in _refused(argv, capsys)


def test_a_large_valid_run_id_is_looked_up_not_crashed(
    cli_env: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(["history", "show", str(2**63 - 1)], capsys)
    assert code == ExitCode.USAGE
    assert "no run with id" in err


def test_the_bounds_are_the_settings_bounds() -> None:
    assert arg_types.MAX_RETRIES == MAX_RETRIES_LIMIT
    assert arg_types.MAX_RESPONSE_MB == MAX_RESPONSE_MB_LIMIT


@pytest.mark.parametrize("prompt", ["", "   ", "\n\t \n"])
def test_an_empty_prompt_is_refused_as_the_window_refuses_it(
    cli_env: FakeServer, capsys: pytest.CaptureFixture[str], prompt: str
) -> None:
    code, out, err = run_cli(["send", "-m", "m1", prompt], capsys)
    assert code == ExitCode.USAGE
    assert out == ""
    assert err == (
        "zerogpu-desktop: Nothing to send: The user prompt is empty. "
        "Write a user prompt, then send again.\n"
    )
    assert cli_env.requests == []


class _BinaryStdin(io.TextIOWrapper):
    """A stdin whose bytes are given: what `cat file |` hands the process."""

    def __init__(self, data: bytes) -> None:
        super().__init__(io.BytesIO(data), encoding="utf-8", errors="surrogateescape")

    def isatty(self) -> bool:
        return False


def test_binary_stdin_is_refused(
    cli_env: FakeServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", _BinaryStdin(b"\x89PNG\r\n\x1a\n\x00\xff\xfe"))
    code, out, err = run_cli(["send", "-m", "m1", "-"], capsys)
    assert code == ExitCode.USAGE
    assert out == ""
    assert "The prompt on stdin is not UTF-8 text (byte 0x89 at position 0)" in err
    assert cli_env.requests == []


def test_utf8_stdin_is_read_as_bytes(
    cli_env: FakeServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", _BinaryStdin("héllo ✓".encode()))
    code, out, _ = run_cli(["send", "-m", "m1", "-"], capsys)
    assert code == ExitCode.OK
    assert out == "Echo: héllo ✓\n"


def test_stdin_larger_than_the_cap_is_refused(
    cli_env: FakeServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("zerogpu_desktop.cli.stdin_text.MAX_STDIN_BYTES", 1024)
    monkeypatch.setattr("sys.stdin", _BinaryStdin(b"a" * 1025))
    code, _, err = run_cli(["send", "-m", "m1", "-"], capsys)
    assert code == ExitCode.USAGE
    assert "larger than" in err
    assert cli_env.requests == []


def test_an_argument_that_is_not_utf8_is_refused(
    cli_env: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # What Python makes of a non-UTF-8 byte in argv: a lone surrogate.
    code, _, err = run_cli(["send", "-m", "m1", "caf\udce9"], capsys)
    assert code == ExitCode.USAGE
    assert "not valid UTF-8" in err
    assert cli_env.requests == []


def test_a_base_url_with_a_newline_in_the_environment_is_refused(
    cli_env: FakeServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZEROGPU_BASE_URL", f"{cli_env.base_url}\nX-Injected: 1")
    code, _, err = run_cli(["send", "-m", "m1", "hi"], capsys)
    assert code == ExitCode.USAGE
    assert "ZEROGPU_BASE_URL contains a space, a line break or a control character" in err
    assert cli_env.requests == []


def test_timeout_help_states_the_worst_case(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["send", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "the deadline of each attempt, from connect to the last byte" in help_text
    assert "(retries + 1) × timeout + the back-off" in help_text
    assert "--max-response-mb N" in help_text
