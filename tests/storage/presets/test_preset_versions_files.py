"""Versions files follow the data folder's rules: damaged ones are set aside with a sentence,
a file from before versions still loads, a crash between two writes loses nothing, and a
history too large to read back is refused before anything is written."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from zerogpu_desktop.storage.presets import store_state, version_files
from zerogpu_desktop.storage.presets.store import Preset, PresetHistoryFullError, PresetStore
from zerogpu_desktop.storage.presets.version_files import VERSIONS_FOLDER


def make(user_prompt: str = "v1", name: str = "Summary") -> Preset:
    return Preset(name=name, model="m", system_prompt="sys", user_prompt=user_prompt)


@pytest.fixture
def store(tmp_path: Path) -> PresetStore:
    return PresetStore(tmp_path)


def _three_versions(store: PresetStore) -> Path:
    for prompt in ("v1", "v2", "v3"):
        saved = store.save(make(prompt))
    return store.path.parent / VERSIONS_FOLDER / f"{saved.preset_id}.json"


def _set_aside(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if ".corrupt-" in p.name)


def test_a_broken_versions_file_is_moved_aside_and_the_current_version_stays(
    store: PresetStore,
) -> None:
    path = _three_versions(store)
    path.write_text("{ not json", encoding="utf-8")

    versions = store.versions("Summary")

    assert [(v.number, v.user_prompt) for v in versions] == [(3, "v3")]
    problem = store.take_problem()
    assert problem is not None
    assert 'The versions of preset "Summary" could not be read' in problem
    assert "only its current version is left" in problem
    assert not path.exists()
    (aside,) = _set_aside(path)
    assert aside.startswith(f"{path.name}.corrupt-")
    assert store.take_problem() is None  # told once
    assert store.save(make("v4")).version == 4  # the next number is still above every one
    assert [v.number for v in store.versions("Summary")] == [3, 4]


def test_json_that_is_not_a_versions_file_is_set_aside_too(store: PresetStore) -> None:
    path = _three_versions(store)
    path.write_text(json.dumps({"format": "something-else", "versions": []}), encoding="utf-8")

    assert [v.number for v in store.versions("Summary")] == [3]
    assert "could not be read" in (store.take_problem() or "")
    assert len(_set_aside(path)) == 1


def test_a_partly_unreadable_file_keeps_the_rest_and_a_copy_once(store: PresetStore) -> None:
    path = _three_versions(store)
    document = json.loads(path.read_text(encoding="utf-8"))
    document["versions"][0]["user_prompt"] = 42
    path.write_text(json.dumps(document), encoding="utf-8")

    assert [v.number for v in store.versions("Summary")] == [2, 3]
    problem = store.take_problem() or ""
    assert '1 version of preset "Summary" could not be read and was left out;' in problem
    assert "Version entry 1 was skipped" in problem
    assert store.versions("Summary")  # read again: no second copy, no second sentence
    assert store.take_problem() is None
    (copy,) = _set_aside(path)
    assert json.loads((path.parent / copy).read_text(encoding="utf-8")) == document


def test_listing_and_loading_presets_never_read_a_versions_file(store: PresetStore) -> None:
    path = _three_versions(store)
    path.write_text("broken", encoding="utf-8")

    reread = PresetStore(store.path.parent)
    assert [p.name for p in reread.list()] == ["Summary"]
    assert reread.get("summary") is not None
    assert reread.take_problem() is None
    assert path.read_text(encoding="utf-8") == "broken"


def test_a_presets_file_from_before_versions_loads_with_the_same_ids_everywhere(
    tmp_path: Path,
) -> None:
    entry = {"name": "Old", "model": "m", "system_prompt": "", "user_prompt": "u", "created": 5.0}
    document = {"format": "zerogpu-desktop-presets", "version": 1, "presets": [entry]}
    (tmp_path / "presets.json").write_text(json.dumps(document), encoding="utf-8")

    first, second = PresetStore(tmp_path).get("Old"), PresetStore(tmp_path).get("Old")

    assert first is not None
    assert second is not None
    assert first.preset_id == second.preset_id != ""
    assert first.version == 1
    store = PresetStore(tmp_path)
    changed = store.save(dataclasses.replace(first, user_prompt="changed"))
    assert (changed.preset_id, changed.version) == (first.preset_id, 2)
    assert [(v.number, v.user_prompt) for v in store.versions("Old")] == [
        (1, "u"),
        (2, "changed"),
    ]


def test_repeated_or_hostile_ids_in_presets_json_are_replaced(tmp_path: Path) -> None:
    entries = [
        {"name": "A", "id": "same"},
        {"name": "B", "id": "same"},
        {"name": "C", "id": "../../outside"},
    ]
    document = {"format": "zerogpu-desktop-presets", "version": 1, "presets": entries}
    (tmp_path / "presets.json").write_text(json.dumps(document), encoding="utf-8")
    store = PresetStore(tmp_path)

    ids = [p.preset_id for p in store.list()]

    assert ids[0] == "same"
    assert len(set(ids)) == 3
    assert all("/" not in i and "." not in i for i in ids)
    store.save(dataclasses.replace(store.list()[2], user_prompt="x"))
    assert [p.parent.name for p in tmp_path.rglob("*.json") if p.name != "presets.json"] == [
        VERSIONS_FOLDER
    ]


def test_a_crash_between_the_two_writes_loses_no_version(
    tmp_path: Path, store: PresetStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.save(make("v1"))
    store.save(make("v2"))

    def crash(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(store_state, "save_json", crash)
        with pytest.raises(OSError, match="No space left"):
            store.save(make("v3"))

    reread = PresetStore(tmp_path)
    current = reread.get("Summary")
    assert current is not None
    assert (current.version, current.user_prompt) == (2, "v2")
    assert [v.number for v in reread.versions("Summary")] == [1, 2, 3]  # 3 was written first
    assert reread.save(make("v4")).version == 4


def test_a_history_too_large_to_read_back_is_refused_before_writing(
    store: PresetStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _three_versions(store)
    before = (path.read_bytes(), store.path.read_bytes())
    monkeypatch.setattr(version_files, "MAX_LOCAL_FILE_BYTES", 400)

    with pytest.raises(PresetHistoryFullError) as caught:
        store.save(make("v4 " * 100))

    assert 'The change to preset "Summary" was not saved' in str(caught.value)
    assert "Duplicate the preset" in str(caught.value)
    assert (path.read_bytes(), store.path.read_bytes()) == before
    current = store.get("Summary")
    assert current is not None
    assert current.version == 3


def test_a_versions_file_that_cannot_be_read_is_not_written_over(
    store: PresetStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _three_versions(store)
    path.unlink()
    path.mkdir()  # something that is not a file where the versions should be

    versions = store.versions("Summary")
    problem = store.take_problem() or ""
    with pytest.raises(OSError, match="could not be read"):
        store.save(make("v4"))

    assert [v.number for v in versions] == [3]
    assert problem.startswith('The versions file of preset "Summary" (')
    assert "it was left as it is: make it a readable file or move it away" in problem
    assert "app started" not in problem
    assert path.is_dir()
    current = store.get("Summary")
    assert current is not None
    assert current.version == 3
