"""A broken or odd presets file costs at most what is broken, is kept, and is reported once."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from zerogpu_desktop.storage.presets.file import read_presets_file
from zerogpu_desktop.storage.presets.store import Preset, PresetStore

STAMP = datetime(2024, 1, 2, 3, 4, 5)
ENTRY = {"name": "Good", "model": "m", "system_prompt": "s", "user_prompt": "u"}


def _write(folder: Path, data: Any) -> Path:
    path = folder / "presets.json"
    text = data if isinstance(data, str) else json.dumps(data)
    path.write_text(text, encoding="utf-8")
    return path


def _document(*entries: Any) -> dict[str, Any]:
    return {"format": "zerogpu-desktop-presets", "version": 1, "presets": list(entries)}


def _other_files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()} - {"presets.json", "presets.json.lock"}


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"presets": [', "not valid JSON"),
        ("[]", "holds a JSON list"),
        ('"text"', "holds a JSON string"),
    ],
)
def test_unparsable_file_is_moved_aside_and_reported(
    tmp_path: Path, content: str, reason: str
) -> None:
    _write(tmp_path, content)
    keep = tmp_path / "settings.json"
    keep.write_text('{"version": 1}', encoding="utf-8")

    store = PresetStore(tmp_path)

    loaded = store.read()
    assert loaded.value == []
    assert loaded.problem is not None
    assert reason in loaded.problem
    aside = [p for p in tmp_path.iterdir() if ".corrupt-" in p.name]
    assert len(aside) == 1
    assert aside[0].name.startswith("presets.json.corrupt-")
    assert aside[0].read_text(encoding="utf-8") == content  # kept byte for byte
    assert str(aside[0]) in loaded.problem
    assert keep.read_text(encoding="utf-8") == '{"version": 1}'  # nothing else touched


@pytest.mark.parametrize(
    "data",
    [
        {"version": 1},
        {"version": 1, "presets": {"name": "x"}},
        {"format": "something-else", "version": 1, "presets": []},
    ],
)
def test_json_that_is_not_a_presets_document_is_moved_aside(
    tmp_path: Path, data: dict[str, Any]
) -> None:
    path = _write(tmp_path, data)
    original = path.read_bytes()

    content = read_presets_file(path, now=STAMP)

    assert content.presets == ()
    assert not content.readable
    assert content.problem is not None
    assert "presets.json.corrupt-20240102-030405" in content.problem
    assert (tmp_path / "presets.json.corrupt-20240102-030405").read_bytes() == original
    assert not path.exists()


def test_partly_invalid_entries_are_skipped_reported_and_kept_in_a_copy(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        _document(
            ENTRY,
            "not an object",
            {"model": "no name"},
            {"name": "   "},
            {**ENTRY, "name": "Bad prompt", "user_prompt": 42},
            {**ENTRY, "name": "GOOD"},  # same name ignoring case
            {**ENTRY, "name": "Second", "input_token_limit": -5, "variables": {"a": 1, "b": "2"}},
        ),
    )
    original = path.read_bytes()

    content = read_presets_file(path, now=STAMP)

    assert [p.name for p in content.presets] == ["Good", "Second"]
    second = content.presets[1]
    assert second.input_token_limit is None  # odd hints fall back quietly
    assert dict(second.variables) == {"b": "2"}
    problem = content.problem
    assert problem is not None
    assert problem.startswith("5 presets in the presets file could not be read")
    for expected in [
        "Entry 2 was skipped: it is not a JSON object.",
        'Entry 3 was skipped: its "name" is missing.',
        "Entry 4 was skipped",
        '"Bad prompt" has a "user_prompt" that is not text.',
        'Entry 6 was skipped: the name "GOOD" is already used',
    ]:
        assert expected in problem
    copy = tmp_path / "presets.json.corrupt-20240102-030405"
    assert copy.read_bytes() == original
    assert path.read_bytes() == original  # the file itself is left as it was


def test_store_keeps_readable_presets_and_saves_them_with_the_new_one(tmp_path: Path) -> None:
    _write(tmp_path, _document(ENTRY, {"name": 7}))
    store = PresetStore(tmp_path)

    loaded = store.read()
    assert [p.name for p in loaded.value] == ["Good"]
    assert loaded.problem is not None
    store.save(Preset("New", "m", "", ""))

    assert [p.name for p in PresetStore(tmp_path).load()] == ["Good", "New"]
    assert len([p for p in tmp_path.iterdir() if ".corrupt-" in p.name]) == 1


def test_hand_written_file_without_envelope_markers_is_read(tmp_path: Path) -> None:
    _write(tmp_path, {"presets": [{"name": "Hand made", "user_prompt": "hi"}]})
    store = PresetStore(tmp_path)

    loaded = store.read()

    (preset,) = loaded.value
    assert (preset.name, preset.model, preset.user_prompt) == ("Hand made", "", "hi")
    assert loaded.problem is None


def test_unknown_fields_and_newer_versions_are_read_as_far_as_known(tmp_path: Path) -> None:
    _write(tmp_path, {**_document({**ENTRY, "temperature": 0.3}), "version": 2, "extra": 1})
    store = PresetStore(tmp_path)

    loaded = store.read()
    assert [p.name for p in loaded.value] == ["Good"]
    assert loaded.problem is None


def test_corruption_while_running_keeps_what_the_store_holds(tmp_path: Path) -> None:
    store = PresetStore(tmp_path)
    store.save(Preset("Precious", "m", "s", "u"))
    _write(tmp_path, "garbage written by something else")

    assert [p.name for p in store.list()] == ["Precious"]
    problem = store.take_problem()
    assert problem is not None
    assert "not valid JSON" in problem
    assert store.take_problem() is None  # told once
    store.save(Preset("More", "m", "s", "u"))
    assert [p.name for p in PresetStore(tmp_path).load()] == ["More", "Precious"]


def test_a_later_clean_reread_does_not_erase_an_untold_problem(tmp_path: Path) -> None:
    store = PresetStore(tmp_path)
    store.save(Preset("Precious", "m", "s", "u"))
    _write(tmp_path, "{")
    assert [p.name for p in store.list()] == ["Precious"]  # the broken file is moved aside
    PresetStore(tmp_path).save(Preset("Other", "m", "s", "u"))  # another process writes

    assert [p.name for p in store.list()] == ["Other"]  # a clean reread
    problem = store.take_problem()

    assert problem is not None
    assert "not valid JSON" in problem
    assert store.take_problem() is None


def test_read_hands_over_what_a_lazy_reread_left_untold(tmp_path: Path) -> None:
    store = PresetStore(tmp_path)
    store.save(Preset("Precious", "m", "s", "u"))
    _write(tmp_path, "{")
    store.get("Precious")  # rereads the changed file, which is moved aside

    loaded = store.read()

    assert loaded.problem is not None
    assert "not valid JSON" in loaded.problem
    assert store.take_problem() is None
    assert store.read().problem is None


def test_a_clean_reload_clears_the_problem(tmp_path: Path) -> None:
    _write(tmp_path, "{")
    store = PresetStore(tmp_path)
    assert store.read().problem is not None

    again = store.read()

    assert again.problem is None
    assert store.take_problem() is None


def test_set_aside_names_do_not_collide(tmp_path: Path) -> None:
    for _ in range(3):
        read_presets_file(_write(tmp_path, "{"), now=STAMP)

    assert _other_files(tmp_path) == {
        "presets.json.corrupt-20240102-030405",
        "presets.json.corrupt-20240102-030405-2",
        "presets.json.corrupt-20240102-030405-3",
    }


def test_written_file_is_pretty_utf8_with_only_documented_fields(tmp_path: Path) -> None:
    store = PresetStore(tmp_path)
    store.save(Preset("Ünï", "m", "世界", "u", variables={"k": "v"}))

    text = store.path.read_text(encoding="utf-8")

    assert "世界" in text
    assert "\n  " in text
    (entry,) = json.loads(text)["presets"]
    assert set(entry) == {
        "name",
        "model",
        "system_prompt",
        "user_prompt",
        "input_token_limit",
        "response_format",
        "variables",
        "created",
        "updated",
        "id",
        "version",
    }
    assert _other_files(tmp_path) == set()  # no temporary files left behind
