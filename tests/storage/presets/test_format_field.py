"""The optional `response_format` field: kept through save, reload, export and import; a file
written before the field existed (or with an unusable value) asks for "text", as runs did."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zerogpu_desktop.storage.presets.format import FORMAT_VERSION, parse_import
from zerogpu_desktop.storage.presets.store import Preset, PresetStore


def test_a_json_object_preset_round_trips(tmp_path: Path) -> None:
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
    store = PresetStore(tmp_path / "one")
    store.save(Preset("Json", "m", "s", "u", response_format="json_object"))
    reloaded = PresetStore(tmp_path / "one").get("Json")
    assert reloaded is not None
    assert reloaded.response_format == "json_object"

    exported = tmp_path / "export.json"
    store.export_to_file(exported)
    document = json.loads(exported.read_text(encoding="utf-8"))
    assert document["version"] == FORMAT_VERSION == 1
    assert document["presets"][0]["response_format"] == "json_object"

    other = PresetStore(tmp_path / "two")
    other.import_file(exported)
    imported = PresetStore(tmp_path / "two").get("Json")
    assert imported is not None
    assert imported.response_format == "json_object"


def test_a_file_without_the_field_loads_as_text(tmp_path: Path) -> None:
    entry = {"name": "Old", "model": "m", "system_prompt": "", "user_prompt": "u"}
    document = {"format": "zerogpu-desktop-presets", "version": 1, "presets": [entry]}
    (tmp_path / "presets.json").write_text(json.dumps(document), encoding="utf-8")
    preset = PresetStore(tmp_path).get("Old")
    assert preset is not None
    assert preset.response_format == "text"
    assert parse_import(json.dumps(document)).presets[0].response_format == "text"


@pytest.mark.parametrize("value", [None, 7, "", "json object", "x" * 65, "\u202etxet"])
def test_an_unusable_value_loads_as_text(value: object) -> None:
    entry = {"name": "Odd", "model": "m", "user_prompt": "u", "response_format": value}
    document = {"format": "zerogpu-desktop-presets", "version": 1, "presets": [entry]}
    batch = parse_import(json.dumps(document))
    assert batch.skipped == ()
    assert batch.presets[0].response_format == "text"


def test_a_preset_cannot_hold_an_unusable_format() -> None:
    with pytest.raises(ValueError, match="response_format"):
        Preset("Bad", "m", "", "u", response_format="json object")


def test_the_format_counts_as_an_unsaved_change() -> None:
    plain = Preset("P", "m", "", "u")
    assert not plain.same_content(Preset("P", "m", "", "u", response_format="json_object"))
