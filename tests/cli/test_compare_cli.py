"""`zerogpu-desktop compare` against the loopback server: every model at once (a slow column
never holds back the others), each answer under its model, a failing column's send code as
the exit code, JSON output, and every column a history run of source "compare"."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.cli.conftest import run_cli
from tests.conftest import TEST_KEY
from tests.fakeserver import FakeServer
from zerogpu_desktop.exit_codes import ExitCode
from zerogpu_desktop.storage.history.store import HistoryStore


def test_two_models_answer_under_their_names_with_a_summary_on_stderr(
    cli_env: FakeServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(["compare", "-m", "alpha", "-m", "beta", "Hello there"], capsys)
    assert code == ExitCode.OK, err
    assert out == "== alpha ==\nEcho: Hello there\n\n== beta ==\nEcho: Hello there\n"
    header, *rows = err.splitlines()
    assert header.split() == ["model", "in", "out", "total", "seconds", "result"]
    assert [row.split()[0] for row in rows] == ["alpha", "beta"]
    assert sorted(request.json["model"] for request in cli_env.requests) == ["alpha", "beta"]
    with HistoryStore(tmp_path) as store:
        runs = store.page(0, 10, batch_runs=True)
    assert {run.source for run in runs} == {"compare"}
    assert len(runs) == 2
    assert TEST_KEY not in out + err


def test_a_slow_column_runs_alongside_and_a_failing_one_sets_the_exit_code(
    cli_env: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    code, out, _ = run_cli(
        ["compare", "--max-retries", "0", "-m", "scenario:slow", "-m", "scenario:status-503",
         "-m", "fine", "Hi"],
        capsys,
    )  # fmt: skip
    elapsed = time.monotonic() - started
    assert elapsed < 3.5  # the slow one (2 s) ran next to the others, not after them
    assert code == ExitCode.SERVER  # the first column that failed, in command-line order
    sections = out.split("\n\n")
    assert sections[0].startswith("== scenario:slow ==\nEcho: Hi")
    assert sections[1].startswith("== scenario:status-503 ==\n(no answer) ")
    assert sections[2] == "== fine ==\nEcho: Hi\n"


def test_json_prints_every_result_in_order(
    cli_env: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(
        ["compare", "--json", "--max-retries", "0", "-m", "a", "-m", "scenario:status-400", "Q"],
        capsys,
    )
    assert code == ExitCode.REQUEST_REJECTED
    results = json.loads(out)["results"]
    assert [(r["model"], r["answered"]) for r in results] == [
        ("a", True),
        ("scenario:status-400", False),
    ]
    assert results[0]["answer"] == "Echo: Q"
    assert results[0]["total_tokens"] > 0
    assert results[0]["history_id"] is not None
    assert results[1]["exit_code"] == ExitCode.REQUEST_REJECTED
    assert results[1]["error"]


@pytest.mark.parametrize(
    "models", [["only-one"], ["a", "b", "c", "d", "e", "f", "g"], ["same", "same"]]
)
def test_fewer_than_two_or_more_than_six_models_are_refused_before_sending(
    cli_env: FakeServer, capsys: pytest.CaptureFixture[str], models: list[str]
) -> None:
    arguments = [part for model in models for part in ("-m", model)]
    code, _, err = run_cli(["compare", *arguments, "Hi"], capsys)
    assert code == ExitCode.USAGE
    assert "Compare 2 to 6 different models" in err
    assert cli_env.requests == []


def test_a_missing_variable_is_refused_with_sends_words(
    cli_env: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(["compare", "-m", "a", "-m", "b", "About {{topic}}"], capsys)
    assert code == ExitCode.USAGE
    assert "topic" in err
    assert cli_env.requests == []
