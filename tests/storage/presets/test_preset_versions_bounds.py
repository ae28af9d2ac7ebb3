"""Version numbers and counts from files are bounded: a number past the cap is an unreadable
version, a preset whose next number would pass it refuses the change with a sentence, and a
versions file that cannot be read stops an export with versions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zerogpu_desktop.storage.presets.store import (
    Preset,
    PresetHistoryFullError,
    PresetStore,
    PresetVersionsUnreadableError,
    parse_import,
)
from zerogpu_desktop.storage.presets.version_files import VERSIONS_FOLDER
from zerogpu_desktop.storage.presets.versions import MAX_VERSION_NUMBER


def make(user_prompt: str) -> Preset:
    return Preset(name="Greet", model="m", system_prompt="sys", user_prompt=user_prompt)


def _versions_path(store: PresetStore) -> Path:
    preset = store.get("Greet")
    assert preset is not None
    return store.path.parent / VERSIONS_FOLDER / f"{preset.preset_id}.json"


def _entry(number: int, prompt: str) -> dict[str, object]:
    return {"number": number, "created": 1.0, "name": "Greet", "model": "m",
            "system_prompt": "sys", "user_prompt": prompt}  # fmt: skip


def test_a_number_past_the_cap_in_a_versions_file_is_skipped_with_a_note(
    tmp_path: Path,
) -> None:
    store = PresetStore(tmp_path)
    store.save(make("v1"))
    store.save(make("v2"))
    path = _versions_path(store)
    document = json.loads(path.read_text(encoding="utf-8"))
    document["versions"].append(_entry(2**53 - 1, "huge"))
    path.write_text(json.dumps(document), encoding="utf-8")

    assert [v.number for v in store.versions("Greet")] == [1, 2]
    assert f"must be from 1 to {MAX_VERSION_NUMBER:,}" in (store.take_problem() or "")
    assert store.save(make("v3")).version == 3  # still changeable


def test_a_preset_at_the_cap_refuses_a_change_and_keeps_its_content(tmp_path: Path) -> None:
    store = PresetStore(tmp_path)
    store.save(make("v1"))
    document = json.loads(store.path.read_text(encoding="utf-8"))
    document["presets"][0]["version"] = MAX_VERSION_NUMBER
    store.path.write_text(json.dumps(document), encoding="utf-8")

    with pytest.raises(PresetHistoryFullError, match="numbered above 1,000,000,000"):
        store.save(make("v2"))

    current = PresetStore(tmp_path).get("Greet")
    assert current is not None
    assert (current.user_prompt, current.version) == ("v1", MAX_VERSION_NUMBER)


def test_an_imported_number_past_the_cap_is_an_unreadable_version(tmp_path: Path) -> None:
    entry = {"name": "Greet", "user_prompt": "v1", "version": 1}
    entry["versions"] = [_entry(1, "v1"), _entry(MAX_VERSION_NUMBER + 1, "past")]
    text = json.dumps({"format": "zerogpu-desktop-presets", "version": 2, "presets": [entry]})

    batch = parse_import(text)

    assert [v.number for v in batch.versions["greet"]] == [1]
    assert len(batch.notes) == 1
    assert "Version entry 2 was skipped" in batch.notes[0]


def test_an_export_with_versions_stops_at_an_unreadable_versions_file(tmp_path: Path) -> None:
    store = PresetStore(tmp_path)
    store.save(make("v1"))
    store.save(make("v2"))
    path = _versions_path(store)
    path.unlink()
    path.mkdir()
    target = tmp_path / "backup.json"

    with pytest.raises(PresetVersionsUnreadableError, match="could not be read"):
        store.export_to_file(target, with_versions=True)

    assert not target.exists()
    assert store.export_to_file(target) == 1  # a plain export needs no versions
