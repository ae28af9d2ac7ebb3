"""Prompt versions from the command line against the loopback server: `presets versions`,
`diff`, `restore`, `export --with-versions`, `send --version` and `compare --version`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import run_cli
from tests.fakeserver import FakeServer
from zerogpu_desktop.exit_codes import ExitCode
from zerogpu_desktop.storage import ensure_data_dir
from zerogpu_desktop.storage.history.store import HistoryStore
from zerogpu_desktop.storage.presets.store import Preset, PresetStore

NAME = "Summarise"


@pytest.fixture
def presets(tmp_path: Path) -> PresetStore:
    """A preset at version 4: two edits, then a restore of version 1."""
    store = PresetStore(ensure_data_dir(tmp_path))
    values = {"topic": "t"}
    store.save(Preset(NAME, "m-one", "You are terse.", "Sum up {{topic}}.", variables=values))
    store.save(
        Preset(NAME, "m-one", "You are terse.", "Summarise {{topic}} in a line.", variables=values)
    )
    store.save(
        Preset(NAME, "m-two", "You are kind.", "Summarise {{topic}} in a line.", variables=values)
    )
    store.restore(NAME, 1)
    return store


def _inputs(server: FakeServer) -> list[tuple[str, str, str]]:
    bodies = [request.json for request in server.requests]
    return [(b["model"], b["input"][0]["content"], b["input"][1]["content"]) for b in bodies]


def test_versions_lists_each_version_with_what_changed(
    cli_env: FakeServer, presets: PresetStore, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(["presets", "versions", "summarise"], capsys)

    assert code == ExitCode.OK
    header, *rows = out.splitlines()
    assert header.split() == ["version", "date", "model", "changes"]
    assert [row.split()[0] for row in rows] == ["1", "2", "3", "*"]
    assert rows[0].endswith("first version")
    assert rows[1].endswith("User prompt")
    assert rows[2].endswith("Model, System prompt")
    assert rows[3].endswith("Model, System prompt, User prompt · restored from v1")
    assert rows[3].split()[1:2] == ["4"]
    assert "current version" in err
    assert cli_env.requests == []


def test_diff_prints_each_changed_field_and_exits_0(
    cli_env: FakeServer, presets: PresetStore, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(["presets", "diff", NAME, "2", "3"], capsys)

    assert code == ExitCode.OK
    assert out.startswith("=== Model ===\n--- Summarise v2 Model\n+++ Summarise v3 Model\n")
    assert "-You are terse.\n+You are kind.\n" in out
    assert "User prompt" not in out
    code, out, _ = run_cli(["presets", "diff", NAME, "1", "4"], capsys)
    assert code == ExitCode.OK
    assert out.startswith("No differences.")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["diff", NAME, "1", "9"], 'Preset "Summarise" has no version 9; it has versions 1 to 4.'),
        (["diff", "Ghost", "1", "2"], 'There is no preset named "Ghost".'),
        (["versions", "Ghost"], 'There is no preset named "Ghost".'),
        (["restore", NAME, "0"], "has no version 0"),
    ],
)
def test_an_unknown_preset_or_version_is_one_sentence_and_exit_2(
    cli_env: FakeServer,
    presets: PresetStore,
    capsys: pytest.CaptureFixture[str],
    arguments: list[str],
    message: str,
) -> None:
    code, out, err = run_cli(["presets", *arguments], capsys)

    assert code == ExitCode.USAGE
    assert out == ""
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_restore_makes_a_new_version_or_says_it_is_current(
    cli_env: FakeServer, presets: PresetStore, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(["presets", "restore", NAME, "3"], capsys)
    assert code == ExitCode.OK
    assert err.strip() == "Restored “Summarise” version 3 as version 5."
    assert [v.restored_from for v in presets.versions(NAME)][-1] == 3

    code, _, err = run_cli(["presets", "restore", NAME, "3"], capsys)
    assert code == ExitCode.OK
    assert "already its current content (version 5); nothing changed" in err
    assert len(presets.versions(NAME)) == 5


def test_export_with_versions_then_import_keeps_them(
    cli_env: FakeServer, presets: PresetStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "out.json"
    code, _, err = run_cli(["presets", "export", NAME, "--with-versions", "-o", str(path)], capsys)
    assert code == ExitCode.OK
    assert "Exported 1 preset with its versions to " in err
    assert json.loads(path.read_text(encoding="utf-8"))["version"] == 2

    other = tmp_path / "other"
    code, _, err = run_cli(["presets", "import", str(path), "--data-dir", str(other)], capsys)
    assert code == ExitCode.OK
    assert PresetStore(other).versions(NAME) == presets.versions(NAME)

    plain = tmp_path / "plain.json"
    assert run_cli(["presets", "export", "-o", str(plain)], capsys)[0] == ExitCode.OK
    assert json.loads(plain.read_text(encoding="utf-8"))["version"] == 1


def test_send_version_sends_that_version_and_the_run_records_it(
    cli_env: FakeServer, presets: PresetStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(["send", "--preset", NAME, "--version", "3"], capsys)

    assert code == ExitCode.OK
    assert out == "Echo: Summarise t in a line.\n"
    assert _inputs(cli_env) == [("m-two", "You are kind.", "Summarise t in a line.")]
    current = presets.get(NAME)
    assert current is not None
    assert current.version == 4  # sent, not restored
    with HistoryStore(tmp_path) as history:
        (run,) = history.page(0, 10)
    assert (run.preset_name, run.preset_version) == (NAME, 3)


def test_send_without_version_records_the_current_one_and_edited_prompts_none(
    cli_env: FakeServer, presets: PresetStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(["send", "--preset", NAME], capsys)[0] == ExitCode.OK
    assert run_cli(["send", "--preset", NAME, "--version", "2", "Other text"], capsys)[0] == 0

    assert _inputs(cli_env)[1] == ("m-one", "You are terse.", "Other text")
    with HistoryStore(tmp_path) as history:
        edited, current = history.page(0, 10)
    assert current.preset_version == 4
    assert edited.preset_version is None


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["send", "--version", "2", "Hi"], "--version needs --preset NAME"),
        (["send", "--preset", NAME, "--version", "7"], "has no version 7"),
        (
            ["compare", "--preset", NAME, "--version", "1", "--version", "2", "-m", "a", "-m", "b"],
            "Compare several models or several versions, not both.",
        ),
        (["compare", "--version", "1", "--version", "2", "-m", "a"], "--version needs --preset"),
        (["compare", "--preset", NAME, "--version", "1"], "Compare 2 to 6 different versions"),
        (["compare", "--preset", NAME, "--version", "1", "--version", "8"], "has no version 8"),
    ],
)
def test_wrong_version_arguments_exit_2_before_sending(
    cli_env: FakeServer,
    presets: PresetStore,
    capsys: pytest.CaptureFixture[str],
    arguments: list[str],
    message: str,
) -> None:
    code, _, err = run_cli(arguments, capsys)

    assert code == ExitCode.USAGE
    assert message in err
    assert cli_env.requests == []


def test_a_version_that_is_not_a_number_stops_at_the_parser(
    cli_env: FakeServer, presets: PresetStore, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        run_cli(["send", "--preset", NAME, "--version", "two"], capsys)

    assert stopped.value.code == ExitCode.USAGE
    assert "argument --version: invalid int value: 'two'" in capsys.readouterr().err
    assert cli_env.requests == []


def test_compare_versions_runs_each_on_one_model_under_its_name(
    cli_env: FakeServer, presets: PresetStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(
        ["compare", "--preset", NAME, "--version", "1", "--version", "3", "--var", "topic=tides"],
        capsys,
    )

    assert code == ExitCode.OK, err
    assert out == (
        "== Summarise v1 ==\nEcho: Sum up tides.\n\n"
        "== Summarise v3 ==\nEcho: Summarise tides in a line.\n"
    )
    assert sorted(_inputs(cli_env)) == [
        ("m-one", "You are kind.", "Summarise tides in a line."),
        ("m-one", "You are terse.", "Sum up tides."),
    ]  # the current model (v4's) for both
    assert err.splitlines()[0].split()[0] == "version"
    with HistoryStore(tmp_path) as history:
        runs = history.page(0, 10)
    assert sorted((r.source, r.preset_version) for r in runs) == [("compare", 1), ("compare", 3)]


def test_compare_versions_as_json_names_each_version(
    cli_env: FakeServer, presets: PresetStore, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(
        ["compare", "--json", "-p", NAME, "--version", "2", "--version", "3", "-m", "m-x"], capsys
    )

    assert code == ExitCode.OK
    results = json.loads(out)["results"]
    assert [(r["label"], r["model"], r["preset_version"]) for r in results] == [
        ("Summarise v2", "m-x", 2),
        ("Summarise v3", "m-x", 3),
    ]


def test_a_text_given_with_versions_is_every_column_user_prompt(
    cli_env: FakeServer, presets: PresetStore, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(
        ["compare", "--json", "-p", NAME, "--version", "1", "--version", "3", "Same question"],
        capsys,
    )

    assert code == ExitCode.OK
    assert sorted(_inputs(cli_env)) == [
        ("m-one", "You are kind.", "Same question"),
        ("m-one", "You are terse.", "Same question"),
    ]
    results = json.loads(out)["results"]
    # Their prompts are no longer those of a stored version: the runs name none.
    assert [(r["label"], r["preset_version"]) for r in results] == [
        ("Summarise v1", None),
        ("Summarise v3", None),
    ]
