"""`zerogpu-desktop eval …` against the loopback server: the exit codes are a contract (0 all
passed, 10 a case did not, 11 the budget stopped it, send's codes before anything is sent,
130 interrupted), and list/show/export/resume/compare read back what ran."""

from __future__ import annotations

import csv
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli.conftest import run_cli, subprocess_environment
from tests.conftest import TEST_KEY
from tests.fakeserver import FakeServer, Scenario
from zerogpu_desktop.exit_codes import ExitCode
from zerogpu_desktop.storage.history.store import HistoryStore

PASSING = "country,__expected\nFrance,contains:France\nPeru,icontains:peru\n"
FAILING = "country,__expected\nFrance,contains:France\nChile,contains:Santiago\n"
PROMPT = ["--model", "m", "--prompt", "Capital of {{country}}?"]


def dataset(tmp_path: Path, text: str, name: str = "cases.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_every_case_passing_exits_0_with_a_summary_table(
    cli_env: FakeServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(
        ["eval", "run", *PROMPT, "--model", "n", "--data", dataset(tmp_path, PASSING)], capsys
    )
    assert code == ExitCode.OK, err
    assert "Evaluation 1" in out
    assert "finished" in out
    lines = out.splitlines()
    assert lines[1].split()[:2] == ["model", "pass"]
    assert lines[2].split()[:2] == ["m", "100.0%"]
    assert lines[3].split()[:2] == ["n", "100.0%"]
    assert len(cli_env.requests) == 4
    assert TEST_KEY not in out + err


def test_a_failed_check_exits_10_and_names_the_case_and_reason(
    cli_env: FakeServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(["eval", "run", *PROMPT, "--data", dataset(tmp_path, FAILING)], capsys)
    assert code == ExitCode.CHECK_FAILED == 10
    assert "case 2 (Chile) on m: failed: The answer does not contain" in out


def test_an_error_exits_10_with_the_error_as_reason(
    cli_env: FakeServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli_env.queue(Scenario.status(400))
    code, out, _ = run_cli(
        ["eval", "run", *PROMPT, "-j", "1", "--max-retries", "0", "--data",
         dataset(tmp_path, PASSING)],
        capsys,
    )  # fmt: skip
    assert code == ExitCode.CHECK_FAILED
    assert "case 1 (France) on m: error:" in out


def test_the_budget_exits_11_and_keeps_what_ran(
    cli_env: FakeServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = "country\n" + "".join(f"c{i}\n" for i in range(20))
    code, out, _ = run_cli(
        ["eval", "run", *PROMPT, "-j", "1", "--max-total-tokens", "30", "--data",
         dataset(tmp_path, rows)],
        capsys,
    )  # fmt: skip
    assert code == ExitCode.BUDGET_REACHED == 11
    assert "stopped by the token budget" in out
    assert 0 < len(cli_env.requests) < 20


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("country,__threshold\nFrance,0.5\n", '"__threshold"'),
        ("country,__expected\nFrance,llm-rubric: is a city\n", "not supported"),
        ("city\nParis\n", '"country"'),
        ("country,__expected\nFrance,regex:a(b\n", "row 1"),
    ],
)
def test_a_bad_dataset_is_refused_with_exit_2_before_anything_is_sent(
    cli_env: FakeServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    text: str,
    words: str,
) -> None:
    code, _, err = run_cli(["eval", "run", *PROMPT, "--data", dataset(tmp_path, text)], capsys)
    assert code == ExitCode.USAGE
    assert words in err
    assert "cases.csv" in err
    assert len(err.strip().splitlines()) == 1
    assert cli_env.requests == []


def test_no_key_exits_with_sends_code_before_anything_is_sent(
    cli_env: FakeServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ZEROGPU_API_KEY")
    code, _, err = run_cli(["eval", "run", *PROMPT, "--data", dataset(tmp_path, PASSING)], capsys)
    assert code == ExitCode.USAGE
    assert "key" in err.lower()
    assert cli_env.requests == []


def test_list_show_export_and_compare_read_back_what_ran(
    cli_env: FakeServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = dataset(tmp_path, FAILING)
    assert run_cli(["eval", "run", *PROMPT, "--data", data], capsys)[0] == 10
    fixed = ["--model", "m", "--prompt", "Capital of {{country}}? Santiago"]
    assert run_cli(["eval", "run", *fixed, "--data", data], capsys)[0] == 0
    code, out, _ = run_cli(["eval", "list"], capsys)
    assert code == 0
    assert out.splitlines()[0].startswith("2\t")
    code, out, _ = run_cli(["eval", "show", "1"], capsys)
    assert code == 0
    assert "Chile" in out
    code, out, _ = run_cli(["eval", "compare", "2"], capsys)  # against 1, the same dataset
    assert code == ExitCode.OK
    assert "fail → pass:" in out
    assert "Chile" in out
    assert "+Capital of {{country}}? Santiago" in out
    code, out, _ = run_cli(["eval", "compare", "1", "2"], capsys)
    assert code == ExitCode.CHECK_FAILED  # 1 is worse than 2: a pass went to fail
    for name in ("out.csv", "out.jsonl", "out.html"):
        target = tmp_path / name
        code, _, err = run_cli(["eval", "export", "1", "-o", str(target)], capsys)
        assert code == 0, err
    with (tmp_path / "out.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["status"] for row in rows] == ["passed", "failed"]
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line).get("status") for line in lines[1:]] == ["passed", "failed"]
    assert "Chile" in (tmp_path / "out.html").read_text(encoding="utf-8")
    code, _, err = run_cli(["eval", "show", "99"], capsys)
    assert code == ExitCode.USAGE
    assert "eval list" in err


def test_run_with_output_exports_and_a_bad_extension_is_refused_first(
    cli_env: FakeServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = dataset(tmp_path, PASSING)
    code, _, err = run_cli(["eval", "run", *PROMPT, "--data", data, "-o", "x.pdf"], capsys)
    assert code == ExitCode.USAGE
    assert ".csv" in err
    assert cli_env.requests == []
    target = tmp_path / "report.jsonl"
    code, _, err = run_cli(["eval", "run", *PROMPT, "--data", data, "-o", str(target)], capsys)
    assert code == 0, err
    assert len(target.read_text(encoding="utf-8").splitlines()) == 3


def test_every_call_is_a_history_run_of_source_evaluate(
    cli_env: FakeServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_cli(["eval", "run", *PROMPT, "--data", dataset(tmp_path, PASSING)], capsys)
    with HistoryStore(tmp_path) as store:
        rows = store.page()
    assert len(rows) == 2
    assert {row.source for row in rows} == {"evaluate"}


def test_an_interrupt_exits_130_keeps_what_finished_and_resume_completes_it(
    fake_server: FakeServer, tmp_path: Path
) -> None:
    rows = "country\n" + "".join(f"c{i}\n" for i in range(8))
    data = dataset(tmp_path, rows)
    fake_server.queue(Scenario.echo(), Scenario.echo())
    fake_server.scenario = Scenario.slow(delay=30)
    environment = subprocess_environment(fake_server.base_url, tmp_path)
    command = [sys.executable, "-m", "zerogpu_desktop", "eval", "run", *PROMPT, "-j", "2"]
    child = subprocess.Popen(
        [*command, "--data", data],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert fake_server.wait_for_requests(4, timeout=30)
    time.sleep(0.3)
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=30)
    assert child.returncode == ExitCode.INTERRUPTED, err
    assert "eval resume 1" in err
    fake_server.scenario = Scenario.echo()
    done = subprocess.run(
        [sys.executable, "-m", "zerogpu_desktop", "eval", "resume", "1"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "8 cases" in done.stdout
    assert "100.0%" in done.stdout
