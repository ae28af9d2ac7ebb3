"""Prompt versions from the command line when files are odd: a run records the version it
sent, full or unreadable histories end in one sentence and exit 2, and a damaged versions
file is always told, before any error it causes."""

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
from zerogpu_desktop.storage.presets.version_files import VERSIONS_FOLDER
from zerogpu_desktop.storage.presets.versions import MAX_VERSION_NUMBER

NAME = "Greet"


@pytest.fixture
def presets(tmp_path: Path) -> PresetStore:
    """ "Greet" at version 3, each version another system prompt."""
    store = PresetStore(ensure_data_dir(tmp_path))
    for number in (1, 2, 3):
        store.save(Preset(NAME, "m-one", f"sys {number}", "Hello.", input_token_limit=900))
    return store


def _versions_file(store: PresetStore) -> Path:
    preset = store.get(NAME)
    assert preset is not None
    return store.path.parent / VERSIONS_FOLDER / f"{preset.preset_id}.json"


def _make_folder(store: PresetStore) -> Path:
    path = _versions_file(store)
    path.unlink()
    path.mkdir()
    return path


def _recorded(tmp_path: Path) -> list[int | None]:
    with HistoryStore(tmp_path) as history:
        return [run.preset_version for run in history.page(0, 10)]


def _edit_presets_json(store: PresetStore, **fields: object) -> None:
    document = json.loads(store.path.read_text(encoding="utf-8"))
    document["presets"][0].update(fields)
    store.path.write_text(json.dumps(document), encoding="utf-8")


def test_a_run_records_the_number_of_the_content_it_sent(
    cli_env: FakeServer, presets: PresetStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit_presets_json(presets, version=1)  # by hand: content "sys 3" under number 1

    assert run_cli(["send", "--preset", NAME], capsys)[0] == ExitCode.OK

    assert cli_env.requests[0].json["input"][0]["content"] == "sys 3"
    assert _recorded(tmp_path) == [3]


@pytest.mark.parametrize("flags", [["--model", "m-two"], ["--input-limit", "500"]])
def test_a_run_with_another_model_or_limit_records_no_version(
    cli_env: FakeServer,
    presets: PresetStore,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    flags: list[str],
) -> None:
    assert run_cli(["send", "--preset", NAME, "--version", "2", *flags], capsys)[0] == 0
    assert run_cli(["send", "--preset", NAME, "--version", "2"], capsys)[0] == 0

    assert _recorded(tmp_path) == [2, None]  # newest first


def test_an_unknown_preset_says_where_the_names_are(
    cli_env: FakeServer, presets: PresetStore, capsys: pytest.CaptureFixture[str]
) -> None:
    for command in (["versions", "Ghost"], ["diff", "Ghost", "1", "2"], ["restore", "Ghost", "1"]):
        code, _, err = run_cli(["presets", *command], capsys)
        assert code == ExitCode.USAGE
        assert err.strip().endswith(
            'There is no preset named "Ghost". `zerogpu-desktop presets list` shows them.'
        )


def test_a_versions_folder_is_told_before_each_error_in_command_words(
    cli_env: FakeServer, presets: PresetStore, capsys: pytest.CaptureFixture[str]
) -> None:
    _make_folder(presets)
    told = 'The versions file of preset "Greet" ('

    code, _, err = run_cli(["presets", "versions", NAME], capsys)
    assert code == ExitCode.OK
    assert told in err
    assert "app started" not in err
    for command in (["diff", NAME, "1", "3"], ["restore", NAME, "1"]):
        code, _, err = run_cli(["presets", *command], capsys)
        assert code == ExitCode.USAGE
        first, second = err.strip().splitlines()
        assert told in first
        assert "has no version 1; it has only version 3." in second
    code, _, err = run_cli(["send", "--preset", NAME, "--version", "1"], capsys)
    assert code == ExitCode.USAGE
    assert err.index(told) < err.index("has no version 1")
    assert cli_env.requests == []


def test_a_replace_import_over_a_versions_folder_names_the_real_cause(
    cli_env: FakeServer, presets: PresetStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "one.json"
    PresetStore(ensure_data_dir(tmp_path / "other")).save(Preset(NAME, "m", "new", "Hi."))
    PresetStore(tmp_path / "other").export_to_file(export)
    _make_folder(presets)

    code, _, err = run_cli(["presets", "import", str(export), "--on-conflict", "replace"], capsys)

    assert code == ExitCode.UNEXPECTED
    assert "disk space" not in err
    first, second = err.strip().splitlines()
    assert 'The versions file of preset "Greet" (' in first
    assert second.endswith("Nothing was imported, because of the file above.")


def test_a_replace_import_tells_a_damaged_versions_file(
    cli_env: FakeServer, presets: PresetStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "one.json"
    PresetStore(ensure_data_dir(tmp_path / "other")).save(Preset(NAME, "m", "new", "Hi."))
    PresetStore(tmp_path / "other").export_to_file(export)
    _versions_file(presets).write_text("{ not json", encoding="utf-8")

    code, _, err = run_cli(["presets", "import", str(export), "--on-conflict", "replace"], capsys)

    assert code == ExitCode.OK
    assert 'The versions of preset "Greet" could not be read' in err
    assert "Imported 1 preset (1 replaced)." in err


def test_an_export_with_versions_refuses_an_unreadable_versions_file(
    cli_env: FakeServer, presets: PresetStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _make_folder(presets)
    target = tmp_path / "backup.json"

    code, _, err = run_cli(["presets", "export", "--with-versions", "-o", str(target)], capsys)

    assert code == ExitCode.USAGE
    assert "so no export with versions was made" in err
    assert not target.exists()


def test_a_preset_at_the_cap_refuses_a_restore_or_replace_with_exit_2(
    cli_env: FakeServer, presets: PresetStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit_presets_json(presets, version=MAX_VERSION_NUMBER)
    export = tmp_path / "one.json"
    PresetStore(ensure_data_dir(tmp_path / "other")).save(Preset(NAME, "m", "new", "Hi."))
    PresetStore(tmp_path / "other").export_to_file(export)

    code, _, err = run_cli(["presets", "restore", NAME, "1"], capsys)
    assert code == ExitCode.USAGE
    assert 'Version 1 of "Greet" was not restored' in err
    code, _, err = run_cli(["presets", "import", str(export), "--on-conflict", "replace"], capsys)
    assert code == ExitCode.USAGE
    assert 'preset "Greet" cannot take another version' in err
    assert "--on-conflict rename" in err


def test_an_import_with_more_versions_than_fit_keeps_the_newest(
    cli_env: FakeServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    versions = [
        {"number": n, "created": 1.0, "name": NAME, "model": "m", "user_prompt": f"v{n}"}
        for n in range(1, 12_001)
    ]
    entry = {"name": NAME, "model": "m", "user_prompt": "v12000", "version": 12_000}
    document = {"format": "zerogpu-desktop-presets", "version": 2, "presets": [entry]}
    entry["versions"] = versions
    path = tmp_path / "long.json"
    path.write_text(json.dumps(document), encoding="utf-8")

    code, _, err = run_cli(
        ["presets", "import", str(path), "--data-dir", str(tmp_path / "d")], capsys
    )

    assert code == ExitCode.OK
    assert "2,001 older versions were left out" in err
    kept = PresetStore(tmp_path / "d").versions(NAME)
    assert (len(kept), kept[0].number, kept[-1].number) == (9_999, 2_002, 12_000)
