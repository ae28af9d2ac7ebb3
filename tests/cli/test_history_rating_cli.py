"""`history list` by preset, version and rating; `history rate`; `history show` with both."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.cli.conftest import run_cli
from tests.fakeserver import FakeServer
from zerogpu_desktop.cli.parser import build_parser
from zerogpu_desktop.exit_codes import ExitCode
from zerogpu_desktop.storage import ensure_data_dir
from zerogpu_desktop.storage.history.store import HistoryStore, RunRecord
from zerogpu_desktop.storage.history.types import MAX_RATING_NOTE
from zerogpu_desktop.storage.presets.store import Preset, PresetStore


@pytest.fixture
def history(tmp_path: Path, cli_env: FakeServer) -> Path:
    """Six runs: two versions of one preset (spelled two ways), another preset, none."""
    runs = [
        ("Summarise", 1, "first summary"),
        ("summarise", 2, "second summary"),
        ("Translate", 1, "a translation"),
        (None, None, "no preset at all"),
        ("Summarise", 2, "third summary"),
        ("Summarise", None, "edited after loading"),
    ]
    with HistoryStore(ensure_data_dir(tmp_path)) as store:
        for number, (preset, version, prompt) in enumerate(runs):
            store.record(
                RunRecord(
                    "m1",
                    "",
                    prompt,
                    f"answer {number}",
                    created=time.time() - 60 * (len(runs) - number),
                    preset_name=preset,
                    preset_version=version,
                    source="cli",
                )
            )
    return tmp_path


def _ids(out: str) -> list[int]:
    return [int(line.split("\t")[0]) for line in out.splitlines()]


def test_the_list_filters_by_preset_ignoring_case_and_by_version(
    history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(["history", "list", "--preset", "SUMMARISE"], capsys)
    assert code == ExitCode.OK
    assert _ids(out) == [6, 5, 2, 1]
    columns = [line.split("\t") for line in out.splitlines()]
    # ID, time, model, tokens, result, preset, rating, preview
    assert [row[5] for row in columns] == [
        "Summarise",
        "Summarise v2",
        "summarise v2",
        "Summarise v1",
    ]
    assert [row[6] for row in columns] == ["-", "-", "-", "-"]
    assert columns[0][7] == "edited after loading"
    code, out, _ = run_cli(["history", "list", "--preset", "summarise", "--version", "2"], capsys)
    assert (code, _ids(out)) == (ExitCode.OK, [5, 2])
    code, out, err = run_cli(["history", "list", "--preset", "Nope"], capsys)
    assert (code, out, err) == (ExitCode.OK, "", "No runs match.\n")


def test_a_version_without_a_preset_or_below_one_is_refused(
    history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(["history", "list", "--version", "2"], capsys)
    assert (code, out) == (ExitCode.USAGE, "")
    assert "--version picks a version of a preset: give the preset too, with --preset NAME." in err
    code, _, err = run_cli(["history", "list", "--preset", "Summarise", "--version", "0"], capsys)
    assert code == ExitCode.USAGE
    assert "a version number from 1 up" in err
    code, _, err = run_cli(["history", "list", "-p", "S", "--version", str(2**70)], capsys)
    assert code == ExitCode.USAGE  # too big for SQLite: a sentence, not an overflow


def test_rate_show_search_and_filter_by_rating(
    history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(["history", "rate", "5", "good", "--note", "Crisp, no fluff"], capsys)
    assert (code, out) == (ExitCode.OK, "")
    assert "Run 5 rated good." in err
    assert run_cli(["history", "rate", "2", "bad"], capsys)[0] == ExitCode.OK
    code, out, _ = run_cli(["history", "show", "5"], capsys)
    assert code == ExitCode.OK
    assert "Preset: Summarise v2\n" in out
    assert "Rating: good\nNote: Crisp, no fluff\n" in out
    code, out, _ = run_cli(["history", "list", "--search", "fluff"], capsys)
    assert _ids(out) == [5]  # found by its note
    assert out.split("\t")[6] == "good"
    for rating, ids in (("good", [5]), ("bad", [2]), ("rated", [5, 2])):
        code, out, _ = run_cli(["history", "list", "--rating", rating], capsys)
        assert (code, _ids(out)) == (ExitCode.OK, ids)
    code, out, _ = run_cli(["history", "list", "--rating", "rated", "-p", "summarise"], capsys)
    assert _ids(out) == [5, 2]
    code, _, err = run_cli(["history", "rate", "5", "none"], capsys)
    assert (code, err.strip()) == (ExitCode.OK, "zerogpu-desktop: Run 5 is no longer rated.")
    code, out, _ = run_cli(["history", "show", "5"], capsys)
    assert "Rating:" not in out
    assert run_cli(["history", "list", "--search", "fluff"], capsys)[1] == ""


def test_rating_an_unknown_run_or_with_a_bad_note_says_what_to_do(
    history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shown = run_cli(["history", "show", "999"], capsys)
    rated = run_cli(["history", "rate", "999", "good"], capsys)
    assert rated == shown  # the same code and sentence as `show`
    assert rated[0] == ExitCode.USAGE
    assert "no run with id 999" in rated[2]
    long_note = "x" * (MAX_RATING_NOTE + 1)
    code, _, err = run_cli(["history", "rate", "1", "good", "--note", long_note], capsys)
    assert code == ExitCode.USAGE
    assert "shorten it to at most 2,000 characters." in err
    code, _, err = run_cli(["history", "rate", "1", "none", "--note", "why"], capsys)
    assert code == ExitCode.USAGE
    assert "a note goes with a rating" in err
    with pytest.raises(SystemExit) as stopped:
        build_parser().parse_args(["history", "rate", "1", "great"])
    assert stopped.value.code == ExitCode.USAGE
    code, out, _ = run_cli(
        ["history", "rate", "1", "good", "--note", "\x1b]0;owned\x07 fine"], capsys
    )
    assert code == ExitCode.OK
    code, out, _ = run_cli(["history", "show", "1"], capsys)
    assert "Note: ]0;owned fine\n" in out  # control characters never reach the terminal
    with HistoryStore(history) as store:
        assert store.count(rating="rated") == 1


def test_the_help_names_the_new_options_and_the_note_bound_is_the_storage_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for command in (["history", "list", "--help"], ["history", "rate", "--help"]):
        with pytest.raises(SystemExit):
            build_parser().parse_args(command)
    text = capsys.readouterr().out
    for words in ("--preset NAME", "--version N", "--rating {good,bad,rated}", "{good,bad,none}"):
        assert words in text
    assert f"at most {MAX_RATING_NOTE:,} characters" in text


def test_a_send_from_a_preset_is_listed_under_its_name_and_version(
    cli_env: FakeServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    PresetStore(ensure_data_dir(tmp_path)).save(Preset("Plain", "m2", "", "Say hi"))
    assert run_cli(["send", "--preset", "Plain"], capsys)[0] == ExitCode.OK
    assert run_cli(["send", "--preset", "Plain", "Something else"], capsys)[0] == ExitCode.OK
    code, out, _ = run_cli(["history", "list", "--preset", "plain"], capsys)
    assert code == ExitCode.OK
    # The edited prompt came from no stored version; the preset's own did.
    assert [line.split("\t")[5] for line in out.splitlines()] == ["Plain", "Plain v1"]
    with HistoryStore(tmp_path) as store:
        first = store.get(1)
        assert first is not None
        assert first.preset_id  # the preset's stable id, kept for renames


def test_the_preset_filter_follows_a_rename_and_a_new_preset_of_an_old_name_starts_empty(
    cli_env: FakeServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    presets = PresetStore(ensure_data_dir(tmp_path))
    presets.save(Preset("Greet", "m2", "", "Say hi"))
    assert run_cli(["send", "--preset", "Greet"], capsys)[0] == ExitCode.OK  # run 1
    presets.rename("Greet", "Hello")
    code, out, _ = run_cli(["history", "list", "--preset", "hello"], capsys)
    assert (code, _ids(out)) == (ExitCode.OK, [1])  # renaming keeps its runs
    assert run_cli(["send", "--preset", "Hello"], capsys)[0] == ExitCode.OK  # run 2
    presets.delete("Hello")
    presets.save(Preset("Greet", "m2", "", "Say hello"))
    assert run_cli(["send", "--preset", "Greet"], capsys)[0] == ExitCode.OK  # run 3
    code, out, _ = run_cli(["history", "list", "--preset", "Greet", "--version", "1"], capsys)
    assert (code, _ids(out)) == (ExitCode.OK, [3])  # a new preset, not the deleted one's runs
    # A name no preset has now still finds what was recorded under it.
    code, out, _ = run_cli(["history", "list", "--preset", "Hello"], capsys)
    assert _ids(out) == [2]


def test_a_comparison_run_is_listed_and_rated_without_asking_for_evaluations(
    history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with HistoryStore(history) as store:
        compared = store.record(RunRecord("m1", "", "a column", "x", source="compare"))
        cell = store.record(RunRecord("m1", "", "a cell", "y", source="evaluate"))
        store.rate(compared, "good")
        store.rate(cell, "good")
    code, out, _ = run_cli(["history", "list", "--rating", "good"], capsys)
    assert (code, _ids(out)) == (ExitCode.OK, [compared])
    code, out, _ = run_cli(["history", "list", "--rating", "good", "--evaluations"], capsys)
    assert _ids(out) == [cell, compared]
