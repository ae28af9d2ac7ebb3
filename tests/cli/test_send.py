"""`zerogpu-desktop send` end to end: the answer, the facts on stderr, one exit code per failure."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import run_cli, subprocess_environment
from tests.conftest import TEST_KEY, TEST_PROJECT
from tests.fakeserver import FakeServer, Scenario
from zerogpu_desktop import __version__
from zerogpu_desktop.app import main
from zerogpu_desktop.exit_codes import ExitCode
from zerogpu_desktop.storage import ModelEntry, Settings, SettingsStore


def test_send_prints_answer_usage_and_truncation(
    cli_env: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(
        ["send", "--model", "m1", "--system", "Be brief.", "Hello CLI"], capsys
    )
    assert code == ExitCode.OK
    assert out == "Echo: Hello CLI\n"
    assert "tokens:" in err
    assert "in ·" in err
    assert "Not truncated" in err
    assert cli_env.requests[0].json["input"][0] == {"role": "system", "content": "Be brief."}  # type: ignore[index]


def test_send_reads_stdin(
    cli_env: FakeServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("from stdin"))
    code, out, _ = run_cli(["send", "-m", "m1", "-"], capsys)
    assert code == ExitCode.OK
    assert out == "Echo: from stdin\n"


def test_truncation_reported_with_saved_limit(
    cli_env: FakeServer, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    SettingsStore(tmp_path).save(Settings(models=(ModelEntry("m1", 30),)))
    cli_env.scenario = Scenario.truncate(limit=30)
    code, _, err = run_cli(["send", "-m", "m1", "lorem ipsum " * 100], capsys)
    assert code == ExitCode.OK
    assert "Truncated: input cut to 30 tokens (limit 30)." in err


def test_usage_not_reported(cli_env: FakeServer, capsys: pytest.CaptureFixture[str]) -> None:
    cli_env.scenario = Scenario.no_usage()
    code, _, err = run_cli(["send", "-m", "m1", "hi"], capsys)
    assert code == ExitCode.OK
    assert "usage not reported" in err
    assert "Unknown" in err


@pytest.mark.parametrize(
    ("scenario", "expected", "words"),
    [
        (Scenario.context_limit(limit=3), ExitCode.CONTEXT_LENGTH, "Input too long"),
        (Scenario.rate_limited(retry_after="120"), ExitCode.RATE_LIMIT, "Rate limited"),
        (Scenario.html_error(502), ExitCode.SERVER, "Server error"),
        (Scenario.malformed_json(), ExitCode.INVALID_RESPONSE, "Unreadable answer"),
        (Scenario.status(404), ExitCode.REQUEST_REJECTED, "Not found"),
        (Scenario.status(400), ExitCode.REQUEST_REJECTED, "Request rejected"),
    ],
)
def test_exit_codes(
    cli_env: FakeServer,
    capsys: pytest.CaptureFixture[str],
    scenario: Scenario,
    expected: ExitCode,
    words: str,
) -> None:
    cli_env.scenario = scenario
    code, out, err = run_cli(
        ["send", "-m", "m1", "--max-retries", "0", "a long enough prompt here"], capsys
    )
    assert code == expected
    assert out == ""
    assert words in err
    assert "Traceback" not in err


def test_wrong_key_exit_code(
    cli_env: FakeServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZEROGPU_API_KEY", "not-the-key-123")
    code, _, err = run_cli(["send", "-m", "m1", "hi"], capsys)
    assert code == ExitCode.AUTH
    assert "Check your API key" in err
    assert "not-the-key-123" not in err


def test_network_exit_code(
    cli_env: FakeServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeServer() as closed:
        url = closed.base_url
    code, _, err = run_cli(
        ["send", "-m", "m1", "--base-url", url, "--max-retries", "0", "hi"], capsys
    )
    assert code == ExitCode.NETWORK
    assert "Network problem" in err


def test_timeout_exit_code(cli_env: FakeServer, capsys: pytest.CaptureFixture[str]) -> None:
    cli_env.scenario = Scenario.slow(delay=3)
    code, _, err = run_cli(
        ["send", "-m", "m1", "--timeout", "0.3", "--max-retries", "0", "hi"], capsys
    )
    assert code == ExitCode.NETWORK
    assert "Timed out" in err


@pytest.mark.parametrize(
    ("unset", "words"),
    [("ZEROGPU_PROJECT_ID", "No project ID"), ("ZEROGPU_API_KEY", "No API key")],
)
def test_missing_configuration_is_usage(
    cli_env: FakeServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    unset: str,
    words: str,
) -> None:
    monkeypatch.delenv(unset)
    code, _, err = run_cli(["send", "-m", "m1", "hi"], capsys)
    assert code == ExitCode.USAGE
    assert words in err
    assert cli_env.requests == []


def test_insecure_base_url_refused(cli_env: FakeServer, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["send", "-m", "m1", "--base-url", "http://example.com", "hi"], capsys)
    assert code == ExitCode.USAGE
    assert "plain http" in err


def test_bad_arguments_are_usage(cli_env: FakeServer, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["send", "--max-retries", "many"])
    assert caught.value.code == ExitCode.USAGE
    code, _, err = run_cli(["send", "hi"], capsys)
    assert code == ExitCode.USAGE
    assert "No model" in err


def test_project_comes_from_settings(
    cli_env: FakeServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.delenv("ZEROGPU_PROJECT_ID")
    SettingsStore(tmp_path).save(Settings(project_id=TEST_PROJECT))
    code, out, _ = run_cli(["send", "-m", "m1", "hi"], capsys)
    assert code == ExitCode.OK
    assert out == "Echo: hi\n"


def test_version_in_a_real_process() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "zerogpu_desktop", "--version"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"zerogpu-desktop {__version__}"


def test_send_in_a_real_process_leaves_no_key_behind(
    fake_server: FakeServer, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    result = subprocess.run(
        [sys.executable, "-m", "zerogpu_desktop", "send", "-m", "m1", "-"],
        input="unicode ✓ 漢字",
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=30,
        env=subprocess_environment(fake_server.base_url, data_dir),
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Echo: unicode ✓ 漢字\n"
    assert TEST_KEY not in result.stdout + result.stderr
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert TEST_KEY.encode() not in path.read_bytes(), path


def test_a_history_that_cannot_open_is_reported_not_fatal(
    cli_env: FakeServer, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "history.sqlite3").mkdir()  # the history cannot be a file: reported, not fatal
    code, out, err = run_cli(["send", "-m", "m1", "hi"], capsys)
    assert code == ExitCode.OK
    assert out == "Echo: hi\n"
    assert "not saved to the history" in err
    assert "Traceback" not in err
