"""Presets and history from the command line: send --preset/--var, list, export, import, show."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import run_cli
from tests.conftest import TEST_KEY
from tests.fakeserver import FakeServer, Scenario
from zerogpu_desktop.app import main
from zerogpu_desktop.exit_codes import ExitCode
from zerogpu_desktop.storage import ensure_data_dir
from zerogpu_desktop.storage.history.store import HistoryStore
from zerogpu_desktop.storage.presets.store import Preset, PresetStore


@pytest.fixture
def presets(tmp_path: Path) -> PresetStore:
    store = PresetStore(ensure_data_dir(tmp_path))
    store.save(
        Preset(
            name="Summarise",
            model="m-preset",
            system_prompt="You summarise {{topic}}.",
            user_prompt="Summarise {{topic}} in {{words}} words.",
            input_token_limit=4096,
            variables={"words": "50"},
        )
    )
    store.save(Preset(name="Plain", model="m2", system_prompt="", user_prompt="Say hi"))
    return store


def test_send_a_preset_with_variables(
    cli_env: FakeServer,
    presets: PresetStore,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run_cli(["send", "--preset", "Summarise", "--var", "topic=tides"], capsys)
    assert code == ExitCode.OK
    assert out == "Echo: Summarise tides in 50 words.\n"
    body = cli_env.requests[0].json
    assert body["model"] == "m-preset"  # type: ignore[index]
    assert body["input"][0]["content"] == "You summarise tides."  # type: ignore[index]
    remembered = presets.get("Summarise")
    assert remembered is not None
    assert dict(remembered.variables) == {"words": "50", "topic": "tides"}


def test_missing_variable_blocks_sending(
    cli_env: FakeServer,
    presets: PresetStore,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run_cli(["send", "--preset", "Summarise"], capsys)
    assert code == ExitCode.USAGE
    assert "Fill in the variables: topic" in err
    assert cli_env.requests == []


def test_escaped_braces_are_sent_literally(
    cli_env: FakeServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run_cli(
        ["send", "-m", "m", r"Keep \{{this}} and fill {{that}}", "--var", "that=x"], capsys
    )
    assert code == ExitCode.OK
    assert out == "Echo: Keep {{this}} and fill x\n"


def test_unknown_preset(
    cli_env: FakeServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run_cli(["send", "--preset", "Nope"], capsys)
    assert code == ExitCode.USAGE
    assert "No preset named" in err


def test_presets_list_export_import_round_trip(
    presets: PresetStore,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    cli_env: FakeServer,
) -> None:
    code, out, _ = run_cli(["presets", "list"], capsys)
    assert code == ExitCode.OK
    assert out.splitlines()[0].startswith("Plain\tm2")
    assert "Summarise\tm-preset  limit 4,096" in out

    export_all = tmp_path / "all.json"
    assert main(["presets", "export", "-o", str(export_all)]) == ExitCode.OK
    document = json.loads(export_all.read_text(encoding="utf-8"))
    assert document["format"] == "zerogpu-desktop-presets"
    assert [p["name"] for p in document["presets"]] == ["Plain", "Summarise"]
    assert TEST_KEY.encode() not in export_all.read_bytes()

    one = tmp_path / "one.json"
    assert main(["presets", "export", "Plain", "-o", str(one)]) == ExitCode.OK
    assert len(json.loads(one.read_text(encoding="utf-8"))["presets"]) == 1

    capsys.readouterr()
    assert main(["presets", "import", str(export_all)]) == ExitCode.OK
    _, err = capsys.readouterr()
    assert "2" in err
    names = [p.name for p in presets.load()]
    assert len(names) == 4  # both renamed, nothing overwritten
    assert main(["presets", "import", str(one), "--on-conflict", "skip"]) == ExitCode.OK
    assert len(presets.load()) == 4


def test_import_of_a_non_presets_file(
    presets: PresetStore,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    cli_env: FakeServer,
) -> None:
    bogus = tmp_path / "bogus.json"
    bogus.write_text('{"hello": 1}', encoding="utf-8")
    code, _, err = run_cli(["presets", "import", str(bogus)], capsys)
    assert code == ExitCode.USAGE
    assert "cannot import" in err
    assert "presets file" in err


def test_every_send_is_recorded_and_searchable(
    cli_env: FakeServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run_cli(["send", "-m", "m1", "first about walruses"], capsys)[0] == ExitCode.OK
    cli_env.scenario = Scenario.context_limit(limit=2)
    assert run_cli(["send", "-m", "m1", "second one is far too long"], capsys)[0] == 4
    code, out, _ = run_cli(["history", "list"], capsys)
    assert code == ExitCode.OK
    lines = out.splitlines()
    assert len(lines) == 2
    assert "Input too long" in lines[0]
    assert "first about walruses" in lines[1]
    code, out, _ = run_cli(["history", "list", "--search", "walrus"], capsys)
    assert len(out.splitlines()) == 1
    run_id = out.split("\t")[0]
    code, out, _ = run_cli(["history", "show", run_id], capsys)
    assert code == ExitCode.OK
    assert "--- user prompt ---\nfirst about walruses" in out
    assert "--- answer ---\nEcho: first about walruses" in out
    assert "from the cli" in out
    with HistoryStore(tmp_path) as store:
        assert store.count() == 2
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert TEST_KEY.encode() not in path.read_bytes(), path


def test_show_unknown_run(cli_env: FakeServer, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["history", "show", "999"], capsys)
    assert code == ExitCode.USAGE
    assert "no run with id 999" in err


def test_an_import_that_cannot_be_written_says_so(
    presets: PresetStore,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    cli_env: FakeServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import errno

    incoming = tmp_path / "incoming" / "presets.json"
    source = PresetStore(ensure_data_dir(tmp_path / "incoming"))
    source.save(Preset("Fresh one", "m1", "", "Hello"))

    def disk_full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(PresetStore, "import_presets", disk_full)
    code, _, err = run_cli(["presets", "import", str(incoming)], capsys)
    assert code == ExitCode.UNEXPECTED
    assert "could not write the presets (No space left on device)" in err
    assert "cannot read" not in err
