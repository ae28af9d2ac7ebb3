"""Format 2 carries versions between data folders; format 1 stays as it was; a hostile file
costs its bad versions only; a replace by import is a new version of the preset replaced."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from zerogpu_desktop.storage.presets import format as preset_format
from zerogpu_desktop.storage.presets import version_files, version_json
from zerogpu_desktop.storage.presets.format import PRESET_FIELDS, STORE_FIELDS
from zerogpu_desktop.storage.presets.store import (
    Preset,
    PresetFormatError,
    PresetStore,
    parse_import,
)
from zerogpu_desktop.storage.presets.version_json import VERSION_FIELDS


def make(user_prompt: str, name: str = "Summary") -> Preset:
    return Preset(name=name, model="m", system_prompt="sys", user_prompt=user_prompt)


def _folder(tmp_path: Path, name: str) -> PresetStore:
    folder = tmp_path / name
    folder.mkdir()
    return PresetStore(folder)


@pytest.fixture
def source(tmp_path: Path) -> PresetStore:
    store = _folder(tmp_path, "source")
    for prompt in ("v1", "v2", "v3"):
        store.save(make(prompt))
    store.restore("Summary", 1)
    store.save(make("plain", name="Plain"))
    return store


def _version(number: int) -> dict[str, Any]:
    return {"number": number, "created": 10.0 + number, "name": "X", "user_prompt": f"v{number}"}


def _format_2(*entries: dict[str, Any]) -> str:
    return json.dumps({"format": "zerogpu-desktop-presets", "version": 2, "presets": entries})


def test_a_plain_export_is_format_1_with_the_nine_fields_only(source: PresetStore) -> None:
    document = json.loads(source.export_text())

    assert document["version"] == 1
    assert [tuple(entry) for entry in document["presets"]] == [PRESET_FIELDS] * 2


def test_an_export_with_versions_is_format_2_and_round_trips(
    tmp_path: Path, source: PresetStore
) -> None:
    text = source.export_text(["Summary"], with_versions=True)
    document = json.loads(text)
    (entry,) = document["presets"]
    assert document["version"] == 2
    assert tuple(entry) == (*STORE_FIELDS, "versions")
    assert [tuple(v) for v in entry["versions"]] == [VERSION_FIELDS] * 4

    target = _folder(tmp_path, "target")
    report = target.import_presets(parse_import(text))

    assert report.added == ("Summary",)
    original, copy = source.get("Summary"), target.get("Summary")
    assert original is not None
    assert copy is not None
    assert (copy.preset_id, copy.version) == (original.preset_id, 4)
    assert target.versions("Summary") == source.versions("Summary")
    assert target.versions("Summary")[3].restored_from == 1
    assert target.save(dataclasses.replace(copy, user_prompt="v5")).version == 5


def test_importing_beside_itself_gets_a_fresh_id_and_keeps_the_versions(
    tmp_path: Path, source: PresetStore
) -> None:
    path = tmp_path / "with-versions.json"
    source.export_to_file(path, with_versions=True)

    report = source.import_file(path)

    assert report.renamed == (("Plain", "Plain (imported)"), ("Summary", "Summary (imported)"))
    twin, original = source.get("Summary (imported)"), source.get("Summary")
    assert twin is not None
    assert original is not None
    assert twin.preset_id != original.preset_id
    assert [v.number for v in source.versions(twin.name)] == [1, 2, 3, 4]
    assert twin.version == 4


def test_a_replace_by_import_is_the_next_version_of_the_preset_replaced(
    tmp_path: Path, source: PresetStore
) -> None:
    before = source.get("Summary")
    assert before is not None
    other = _folder(tmp_path, "other")
    other.save(make("from elsewhere"))

    report = source.import_presets(parse_import(other.export_text()), on_conflict="replace")

    assert report.replaced == ("Summary",)
    after = source.get("Summary")
    assert after is not None
    assert (after.preset_id, after.version, after.user_prompt) == (
        before.preset_id,
        5,
        "from elsewhere",
    )
    assert [v.number for v in source.versions("Summary")] == [1, 2, 3, 4, 5]
    # The same content again: replaced, but no new version.
    source.import_presets(parse_import(other.export_text()), on_conflict="replace")
    assert [v.number for v in source.versions("Summary")] == [1, 2, 3, 4, 5]


def test_a_format_1_file_from_an_older_app_still_imports(tmp_path: Path) -> None:
    entry = {"name": "Old", "model": "m", "system_prompt": "", "user_prompt": "hello"}
    text = json.dumps({"format": "zerogpu-desktop-presets", "version": 1, "presets": [entry]})
    store = _folder(tmp_path, "data")

    assert store.import_presets(parse_import(text)).added == ("Old",)

    imported = store.get("Old")
    assert imported is not None
    assert imported.version == 1
    assert len(imported.preset_id) == 32
    assert [v.user_prompt for v in store.versions("Old")] == ["hello"]


def test_a_newer_format_is_refused_with_the_update_sentence() -> None:
    text = json.dumps({"format": "zerogpu-desktop-presets", "version": 3, "presets": []})

    with pytest.raises(PresetFormatError, match="Update the app to import it"):
        parse_import(text)


def test_hostile_versions_cost_only_themselves(tmp_path: Path) -> None:
    versions = [
        _version(1),
        _version(10**30),  # too large for any JSON reader to keep exact
        _version(1),  # repeated
        {"number": "2", "user_prompt": "x"},  # not a number
        "not an object",
        _version(3) | {"restored_from": 99},  # points forward: dropped, the version kept
        _version(2),  # out of order: numbers order versions, not their place
        _version(4) | {"model": ["not", "text"]},
    ]
    entry = {"name": "X", "user_prompt": "v3", "id": "../../escape", "versions": versions}
    batch = parse_import(_format_2(entry, {"name": "Y", "versions": {"not": "a list"}}))

    assert [v.number for v in batch.versions["x"]] == [1, 2, 3]
    assert batch.versions["x"][2].restored_from is None
    assert batch.versions["y"] == ()
    assert len(batch.notes) == 6
    assert "its number (1) is used by an earlier entry." in batch.notes[1]
    assert 'In "Y": Its "versions" is not a list' in batch.notes[-1]
    store = _folder(tmp_path, "data")
    report = store.import_presets(batch)
    assert report.added == ("X", "Y")
    assert "6 more like these" not in report.summary()
    assert "(3 more like these.)" in report.summary()
    imported = store.get("X")
    assert imported is not None
    assert imported.preset_id != "../../escape"
    assert imported.version == 3
    assert [v.number for v in store.versions("X")] == [1, 2, 3]


def test_an_unsorted_version_list_keeps_every_version_by_number(tmp_path: Path) -> None:
    entry = {"name": "X", "user_prompt": "v3", "version": 3}
    entry["versions"] = [_version(3), _version(1), _version(2)]
    store = _folder(tmp_path, "data")

    report = store.import_presets(parse_import(_format_2(entry)))

    assert report.notes == ()
    assert [(v.number, v.user_prompt) for v in store.versions("X")] == [
        (1, "v1"),
        (2, "v2"),
        (3, "v3"),
    ]
    assert sorted(p.parent.name for p in (tmp_path / "data").rglob("*.json")) == [
        "data",
        "preset-versions",
    ]


def test_versions_past_the_bound_are_left_out_with_one_sentence(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(version_json, "MAX_VERSIONS", 3)
    entry = {"name": "X", "versions": [_version(n) for n in range(1, 8)]}

    batch = parse_import(_format_2(entry))

    assert [v.number for v in batch.versions["x"]] == [5, 6, 7]
    assert batch.notes == (
        'In "X": Only the newest 3 versions were read; 4 older versions were left out.',
    )


def test_an_import_past_the_bound_keeps_the_newest_and_the_current_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(version_json, "MAX_VERSIONS", 3)
    monkeypatch.setattr(version_files, "MAX_VERSIONS", 3)
    entry = {"name": "X", "user_prompt": "v2", "version": 2}
    entry["versions"] = [_version(n) for n in range(1, 8)]
    store = _folder(tmp_path, "data")

    report = store.import_presets(parse_import(_format_2(entry)))

    assert report.notes == (
        'In "X": Only the newest 2 versions and the current one were kept; 4 older versions '
        "were left out.",
    )
    assert [v.number for v in store.versions("X")] == [2, 6, 7]
    imported = store.get("X")
    assert imported is not None
    assert imported.version == 2


def test_an_entry_whose_content_is_not_its_last_version_gets_it_as_a_new_one(
    tmp_path: Path,
) -> None:
    entry = {"name": "X", "user_prompt": "edited by hand", "version": 2}
    entry["versions"] = [_version(1), _version(2)]
    store = _folder(tmp_path, "data")

    store.import_presets(parse_import(_format_2(entry)))

    imported = store.get("X")
    assert imported is not None
    assert imported.version == 3
    assert [(v.number, v.user_prompt) for v in store.versions("X")] == [
        (1, "v1"),
        (2, "v2"),
        (3, "edited by hand"),
    ]


def test_an_export_too_large_to_import_is_refused(
    tmp_path: Path, source: PresetStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(preset_format, "MAX_LOCAL_FILE_BYTES", 500)
    path = tmp_path / "big.json"

    with pytest.raises(PresetFormatError, match="export fewer presets at a time"):
        source.export_to_file(path, with_versions=True)

    assert not path.exists()
    assert source.export_to_file(path) == 2  # a plain export has no such bound
