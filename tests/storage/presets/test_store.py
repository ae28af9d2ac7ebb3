"""Presets survive restarts, and every edit a person can make keeps the others intact."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from zerogpu_desktop.storage.presets.store import (
    InvalidPresetNameError,
    Preset,
    PresetExistsError,
    PresetNotFoundError,
    PresetStore,
)

UNICODE = 'Grüße, 世界! 👩‍💻 e\u0301 \t tabs\r\nCRLF \\ backslash "quotes" \u2028 {{topic}}'


class FakeClock:
    """Unix time that moves only when a test says so."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def tick(self, seconds: float = 1.0) -> None:
        self.now += seconds


def make(name: str, **changes: Any) -> Preset:
    preset = Preset(name=name, model="m", system_prompt="sys", user_prompt=f"user of {name}")
    return dataclasses.replace(preset, **changes)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(tmp_path: Path, clock: FakeClock) -> PresetStore:
    return PresetStore(tmp_path, clock=clock)


def test_missing_file_means_no_presets_and_no_problem(store: PresetStore) -> None:
    loaded = store.read()
    assert loaded.value == []
    assert loaded.problem is None
    assert store.list() == []
    assert store.take_problem() is None
    assert not store.path.exists()


def test_round_trip_keeps_every_field(tmp_path: Path, store: PresetStore) -> None:
    preset = Preset(
        name="  Ünïcode preset ",
        model="zgpu-large",
        system_prompt=UNICODE,
        user_prompt=UNICODE[::-1],
        input_token_limit=8192,
        variables={"topic": "tides", "ton": "calme 🌊"},
    )

    saved = store.save(preset)

    assert saved.name == "Ünïcode preset"
    assert PresetStore(tmp_path).load() == [saved]
    document = json.loads(store.path.read_text(encoding="utf-8"))
    assert document["format"] == "zerogpu-desktop-presets"
    assert document["version"] == 1


def test_save_stamps_times_and_keeps_created_when_replacing(
    store: PresetStore, clock: FakeClock
) -> None:
    first = store.save(make("A"))
    clock.tick(60)
    second = store.save(make("a", user_prompt="changed"))

    assert first.created == first.updated == clock.now - 60
    assert second.created == first.created
    assert second.updated == clock.now
    assert [p.name for p in store.list()] == ["a"]  # same name ignoring case: replaced


def test_list_is_sorted_ignoring_case_and_filtered(store: PresetStore) -> None:
    for name in ["beta", "Alpha", "gamma", "ALPHA two", "Summarise email"]:
        store.save(make(name))

    assert [p.name for p in store.list()] == [
        "Alpha",
        "ALPHA two",
        "beta",
        "gamma",
        "Summarise email",
    ]
    assert [p.name for p in store.list("alpha")] == ["Alpha", "ALPHA two"]
    assert [p.name for p in store.list("  EMAIL ")] == ["Summarise email"]
    assert store.list("nothing") == []


def test_get_ignores_case_and_spaces(store: PresetStore) -> None:
    saved = store.save(make("Summary"))

    assert store.get(" summary ") == saved
    assert store.get("other") is None
    assert store.get("") is None


def test_rename(store: PresetStore, clock: FakeClock) -> None:
    original = store.save(make("Old"))
    clock.tick()

    renamed = store.rename("old", "  New name ")

    assert renamed.name == "New name"
    assert renamed.user_prompt == original.user_prompt
    assert renamed.created == original.created
    assert renamed.updated == clock.now
    assert [p.name for p in PresetStore(store.path.parent).load()] == ["New name"]


def test_rename_refuses_an_existing_name_and_changes_nothing(store: PresetStore) -> None:
    store.save(make("One"))
    store.save(make("Two"))
    before = store.path.read_bytes()

    with pytest.raises(PresetExistsError, match='A preset named "Two" already exists'):
        store.rename("One", "two")

    assert store.path.read_bytes() == before


def test_rename_may_change_only_the_capitals(store: PresetStore) -> None:
    store.save(make("summary"))

    assert store.rename("summary", "Summary").name == "Summary"
    assert [p.name for p in store.list()] == ["Summary"]


def test_rename_of_a_missing_preset_or_to_an_invalid_name_fails(store: PresetStore) -> None:
    store.save(make("One"))

    with pytest.raises(PresetNotFoundError, match='There is no preset named "Nope"'):
        store.rename("Nope", "X")
    with pytest.raises(InvalidPresetNameError, match="needs a name"):
        store.rename("One", "   ")


def test_duplicate_picks_a_free_copy_name(store: PresetStore, clock: FakeClock) -> None:
    original = store.save(make("Draft", variables={"x": "1"}))
    clock.tick()

    first = store.duplicate("draft")
    second = store.duplicate("Draft")
    copy_of_copy = store.duplicate(first.name)

    assert [first.name, second.name, copy_of_copy.name] == [
        "Draft (copy)",
        "Draft (copy 2)",
        "Draft (copy) (copy)",
    ]
    assert first.same_content(dataclasses.replace(original, name=first.name))
    assert first.variables == original.variables
    assert first.created == clock.now
    assert len(store.list()) == 4


def test_duplicate_of_a_name_at_the_length_limit_stays_within_it(store: PresetStore) -> None:
    store.save(make("x" * 200))

    copy = store.duplicate("x" * 200)

    assert len(copy.name) == 200
    assert copy.name.endswith(" (copy)")


def test_delete_returns_the_preset_and_save_undoes_it_exactly(store: PresetStore) -> None:
    kept = store.save(make("Keep"))
    victim = store.save(make("Victim", variables={"a": "b"}, input_token_limit=100))

    deleted = store.delete("victim")

    assert deleted == victim
    assert store.list() == [kept]
    store.save(deleted, touch=False)
    assert store.list() == [kept, victim]
    assert PresetStore(store.path.parent).load() == [kept, victim]


def test_delete_of_a_missing_preset_fails(store: PresetStore) -> None:
    with pytest.raises(PresetNotFoundError):
        store.delete("ghost")


def test_remember_variables_replaces_values_without_touching_updated(
    store: PresetStore, clock: FakeClock
) -> None:
    saved = store.save(make("Vars", variables={"old": "1"}))
    clock.tick()

    remembered = store.remember_variables("vars", {"topic": "tides", "tone": ""})

    assert dict(remembered.variables) == {"topic": "tides", "tone": ""}
    assert remembered.updated == saved.updated
    assert PresetStore(store.path.parent).get("Vars") == remembered


def test_remember_unchanged_values_does_not_write(store: PresetStore) -> None:
    store.save(make("Vars", variables={"a": "1"}))
    before = store.path.stat()

    store.remember_variables("Vars", {"a": "1"})

    after = store.path.stat()  # an atomic write would have made a new file (new inode)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_a_change_made_by_another_process_is_not_overwritten(tmp_path: Path) -> None:
    window = PresetStore(tmp_path)
    window.save(make("From window"))
    cli = PresetStore(tmp_path)
    cli.save(make("From CLI"))

    window.save(make("Second from window"))

    names = [p.name for p in PresetStore(tmp_path).load()]
    assert names == ["From CLI", "From window", "Second from window"]


def test_preset_values_are_frozen_and_validated() -> None:
    preset = make("X", variables={"a": "1"})

    with pytest.raises(dataclasses.FrozenInstanceError):
        preset.name = "Y"  # type: ignore[misc]
    with pytest.raises(TypeError):
        preset.variables["a"] = "2"  # type: ignore[index]
    with pytest.raises(InvalidPresetNameError):
        make("x" * 201)
    with pytest.raises(InvalidPresetNameError, match="one line"):
        make("two\nlines")
    with pytest.raises(ValueError, match="positive"):
        make("X", input_token_limit=0)
    with pytest.raises(TypeError):
        make("X", variables={"a": 1})
    assert hash(preset) == hash(make("X", variables={"b": "2"}))  # usable in sets


def test_same_content_ignores_times_and_remembered_values() -> None:
    a = make("X", variables={"a": "1"}, created=5.0)
    b = make("X", variables={"a": "2"}, updated=9.0)

    assert a.same_content(b)
    assert not a.same_content(make("X", user_prompt="other"))


def test_save_refuses_anything_but_a_preset(store: PresetStore) -> None:
    with pytest.raises(TypeError):
        store.save({"name": "x"})  # type: ignore[arg-type]


def test_read_returns_the_presets_sorted_and_nothing_to_tell(
    store: PresetStore, tmp_path: Path
) -> None:
    store.save(make("beta"))
    store.save(make("Alpha"))

    loaded = PresetStore(tmp_path).read()

    assert [p.name for p in loaded.value] == ["Alpha", "beta"]
    assert loaded.problem is None
