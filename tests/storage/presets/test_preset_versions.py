"""Versions are made by every change of content and by nothing else, and numbers never repeat.

Real files in a temporary data folder, reread by a second store where it matters, so what
is checked is what survives a restart.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from zerogpu_desktop.storage.presets.store import (
    Preset,
    PresetNotFoundError,
    PresetStore,
    PresetVersionNotFoundError,
)
from zerogpu_desktop.storage.presets.version_files import VERSIONS_FOLDER
from zerogpu_desktop.storage.presets.versions import PresetVersion


class Clock:
    """Unix time that moves by one second at each reading, so every stamp differs."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        self.now += 1
        return self.now


def make(name: str = "Summary", **changes: Any) -> Preset:
    preset = Preset(name=name, model="m", system_prompt="sys", user_prompt="Summarise {{x}}")
    return dataclasses.replace(preset, **changes)


@pytest.fixture
def store(tmp_path: Path) -> PresetStore:
    return PresetStore(tmp_path, clock=Clock())


def _files(tmp_path: Path) -> list[Path]:
    folder = tmp_path / VERSIONS_FOLDER
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_first_save_is_version_1_and_needs_no_versions_file(
    tmp_path: Path, store: PresetStore
) -> None:
    saved = store.save(make())

    assert saved.version == 1
    assert len(saved.preset_id) == 32
    (only,) = store.versions("summary")
    assert (only.number, only.name, only.user_prompt) == (1, "Summary", "Summarise {{x}}")
    assert only.created == saved.created
    assert _files(tmp_path) == []
    entry = json.loads(store.path.read_text(encoding="utf-8"))["presets"][0]
    assert (entry["id"], entry["version"]) == (saved.preset_id, 1)


def test_each_change_of_content_is_a_new_version_that_survives_a_restart(
    tmp_path: Path, store: PresetStore
) -> None:
    first = store.save(make())
    second = store.save(make(user_prompt="Shorter: {{x}}"))
    third = store.save(make(user_prompt="Shorter: {{x}}", input_token_limit=8192))

    assert [first.version, second.version, third.version] == [1, 2, 3]
    assert first.preset_id == second.preset_id == third.preset_id
    reread = PresetStore(tmp_path)
    versions = reread.versions("Summary")
    assert [v.number for v in versions] == [1, 2, 3]
    assert [v.user_prompt for v in versions] == [
        "Summarise {{x}}",
        "Shorter: {{x}}",
        "Shorter: {{x}}",
    ]
    assert versions[2].input_token_limit == 8192
    assert versions[0].created < versions[1].created < versions[2].created
    assert reread.get("summary") == third
    assert [p.name for p in _files(tmp_path)] == [f"{first.preset_id}.json"]


@pytest.mark.parametrize(
    "change",
    [
        {"model": "other"},
        {"system_prompt": "new system"},
        {"input_token_limit": 100},
        {"response_format": "json_object"},
    ],
)
def test_every_content_field_counts(store: PresetStore, change: dict[str, Any]) -> None:
    store.save(make())

    assert store.save(make(**change)).version == 2


def test_saving_the_same_content_renaming_or_remembering_values_makes_no_version(
    tmp_path: Path, store: PresetStore
) -> None:
    saved = store.save(make())
    again = store.save(make(variables={"x": "tides"}))
    renamed = store.rename("Summary", "Digest")
    remembered = store.remember_variables("Digest", {"x": "moon"})

    assert [again.version, renamed.version, remembered.version] == [1, 1, 1]
    assert renamed.preset_id == remembered.preset_id == saved.preset_id
    assert [v.number for v in store.versions("Digest")] == [1]
    assert _files(tmp_path) == []


def test_renaming_keeps_the_id_and_the_versions_with_their_names_of_then(
    store: PresetStore,
) -> None:
    store.save(make())
    store.save(make(user_prompt="v2"))

    renamed = store.rename("Summary", "Digest")
    after = store.save(dataclasses.replace(renamed, user_prompt="v3"))

    assert store.get_by_id(renamed.preset_id) == after
    assert [(v.number, v.name) for v in store.versions("Digest")] == [
        (1, "Summary"),
        (2, "Summary"),
        (3, "Digest"),
    ]
    with pytest.raises(PresetNotFoundError):
        store.versions("Summary")


def test_a_save_keeps_the_stored_id_whatever_the_preset_carries(store: PresetStore) -> None:
    saved = store.save(make())

    again = store.save(make(user_prompt="v2", preset_id="someone-elses-id", version=9))

    assert again.preset_id == saved.preset_id
    assert again.version == 2


def test_delete_then_create_the_name_again_is_another_preset(
    tmp_path: Path, store: PresetStore
) -> None:
    old = store.save(make())
    store.save(make(user_prompt="v2"))
    store.delete("Summary")

    new = store.save(make(user_prompt="fresh"))

    assert new.preset_id != old.preset_id
    assert new.version == 1
    assert [v.user_prompt for v in store.versions("Summary")] == ["fresh"]
    assert store.get_by_id(old.preset_id) is None


def test_undoing_a_delete_brings_the_versions_back(store: PresetStore) -> None:
    store.save(make())
    kept = store.save(make(user_prompt="v2"))
    deleted = store.delete("Summary")

    store.save(deleted, touch=False)

    assert store.get("Summary") == kept
    assert [v.number for v in store.versions("Summary")] == [1, 2]


def test_a_duplicate_is_another_preset_at_version_1(store: PresetStore) -> None:
    source = store.save(make())
    store.save(make(user_prompt="v2"))

    copy = store.duplicate("Summary")

    assert copy.preset_id != source.preset_id
    assert copy.version == 1
    assert [(v.number, v.user_prompt) for v in store.versions(copy.name)] == [(1, "v2")]


def test_numbers_are_never_reused_even_when_the_versions_file_is_lost(
    tmp_path: Path, store: PresetStore
) -> None:
    store.save(make())
    store.save(make(user_prompt="v2"))
    third = store.save(make(user_prompt="v3"))
    for path in _files(tmp_path):
        path.unlink()

    assert [v.number for v in store.versions("Summary")] == [3]  # the current content is kept
    fourth = store.save(make(user_prompt="v4"))

    assert fourth.version == 4
    assert [(v.number, v.user_prompt) for v in store.versions("Summary")] == [
        (3, "v3"),
        (4, "v4"),
    ]
    assert store.get_by_id(third.preset_id) == fourth


def test_restore_makes_a_new_version_and_a_restore_is_undone_by_another(
    tmp_path: Path, store: PresetStore
) -> None:
    store.save(make())
    store.save(make(user_prompt="v2"))

    restored = store.restore("summary", 1)
    undone = store.restore("Summary", 2)

    assert (restored.version, restored.user_prompt) == (3, "Summarise {{x}}")
    assert (undone.version, undone.user_prompt) == (4, "v2")
    versions = PresetStore(tmp_path).versions("Summary")
    assert [(v.number, v.restored_from) for v in versions] == [
        (1, None),
        (2, None),
        (3, 1),
        (4, 2),
    ]
    assert versions[2].same_content(versions[0])
    again = store.restore("Summary", 3)  # a restore of a restore: content as in 1
    assert (again.version, again.user_prompt) == (5, "Summarise {{x}}")
    assert store.versions("Summary")[-1].restored_from == 3


def test_restoring_what_is_current_changes_nothing(store: PresetStore) -> None:
    store.save(make())
    current = store.save(make(user_prompt="v2"))
    before = store.path.read_bytes()

    assert store.restore("Summary", 2) == current
    assert store.path.read_bytes() == before


def test_an_unknown_version_says_which_there_are(store: PresetStore) -> None:
    store.save(make())
    store.save(make(user_prompt="v2"))

    with pytest.raises(PresetVersionNotFoundError) as caught:
        store.version("Summary", 7)
    assert str(caught.value) == 'Preset "Summary" has no version 7; it has versions 1 to 2.'
    store.save(make("Other"))
    with pytest.raises(PresetVersionNotFoundError, match="it has only version 1"):
        store.restore("Other", 0)
    with pytest.raises(PresetNotFoundError):
        store.version("Ghost", 1)


def test_a_version_as_a_preset_keeps_the_current_name_id_and_values(store: PresetStore) -> None:
    store.save(make(variables={"x": "tides"}))
    current = store.rename("Summary", "Digest")
    store.save(dataclasses.replace(current, user_prompt="v2"))
    now = store.get("Digest")
    assert now is not None

    old = store.version("Digest", 1).as_preset(now)

    assert (old.name, old.preset_id, dict(old.variables)) == (
        "Digest",
        now.preset_id,
        {"x": "tides"},
    )
    assert (old.user_prompt, old.version) == ("Summarise {{x}}", 1)


def test_a_version_is_validated_like_a_preset() -> None:
    fields = dict(
        created=1.0, name="n", model="m", system_prompt="", user_prompt="", input_token_limit=None
    )
    with pytest.raises(ValueError, match="number is out of range"):
        PresetVersion(number=0, response_format="text", **fields)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="response_format is unusable"):
        PresetVersion(number=1, response_format="no spaces", **fields)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        PresetVersion(number=True, response_format="text", **fields)  # type: ignore[arg-type]
