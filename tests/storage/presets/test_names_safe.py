"""Preset names never carry control characters or direction overrides into a menu or terminal.

They are refused where a name is chosen (save, rename, import); a presets file written before
the rule still loads and stays usable.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from zerogpu_desktop.storage.presets.store import (
    InvalidPresetNameError,
    Preset,
    PresetNotFoundError,
    PresetStore,
    parse_import,
)

HOSTILE_NAMES = [
    "title \x1b]0;pwned\x07",
    "clear \x1b[2J",
    "invoice \u202etxt.exe",
    "isolate \u2066x\u2069",
    "bell \x07",
    "c1 \x9b31m",
    "surrogate \ud800",
]
HOSTILE_IDS = ["osc", "csi", "rlo", "isolate", "bel", "c1", "surrogate"]


def _document(*entries: Any) -> str:
    return json.dumps({"format": "zerogpu-desktop-presets", "version": 1, "presets": list(entries)})


@pytest.fixture
def store(tmp_path: Path) -> PresetStore:
    return PresetStore(tmp_path, clock=lambda: 1_700_000_000.0)


def _no_raw_unsafe_characters(text: str) -> bool:
    return not any(char in text for char in "\x1b\x07\x9b\u202e\u2066\u2069\ud800")


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=HOSTILE_IDS)
def test_save_refuses_the_name_with_an_escaped_sentence(store: PresetStore, name: str) -> None:
    with pytest.raises(InvalidPresetNameError) as refused:
        store.save(Preset(name, "m", "s", "u"))

    message = str(refused.value)
    assert "control characters or text-direction overrides" in message
    assert _no_raw_unsafe_characters(message)
    assert store.list() == []
    assert not store.path.exists()


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=HOSTILE_IDS)
def test_rename_refuses_the_name(store: PresetStore, name: str) -> None:
    store.save(Preset("plain", "m", "s", "u"))

    with pytest.raises(InvalidPresetNameError):
        store.rename("plain", name)

    assert [p.name for p in store.list()] == ["plain"]


def test_the_refusal_shows_the_characters_escaped(store: PresetStore) -> None:
    with pytest.raises(InvalidPresetNameError, match=r'"invoice \\u202etxt\.exe"'):
        store.save(Preset("invoice \u202etxt.exe", "m", "s", "u"))


def test_tabs_and_ordinary_unicode_are_still_allowed(store: PresetStore) -> None:
    store.save(Preset("Grüße 世界 👩‍💻", "m", "s", "u"))
    store.save(Preset("a\tb", "m", "s", "u"))

    assert {p.name for p in store.list()} == {"Grüße 世界 👩‍💻", "a\tb"}


def test_import_skips_only_the_entries_with_such_names(store: PresetStore) -> None:
    entries = [{"name": name, "user_prompt": "x"} for name in HOSTILE_NAMES]
    text = _document({"name": "fine", "user_prompt": "ok"}, *entries)

    batch = parse_import(text)
    report = store.import_presets(batch)

    assert [p.name for p in batch.presets] == ["fine"]
    assert report.added == ("fine",)
    assert len(report.unreadable) == len(HOSTILE_NAMES)
    for sentence in report.unreadable:
        assert sentence.startswith("Entry ")
        assert "control characters or text-direction overrides" in sentence
        assert _no_raw_unsafe_characters(sentence)
    assert [p.name for p in store.list()] == ["fine"]


def test_import_from_a_file_skips_them_too(tmp_path: Path, store: PresetStore) -> None:
    source = tmp_path / "theirs.json"
    source.write_text(_document({"name": "ok"}, {"name": "evil \x1b[2J"}), encoding="utf-8")

    report = store.import_file(source)

    assert report.added == ("ok",)
    assert len(report.unreadable) == 1


def _legacy_file(folder: Path, name: str) -> None:
    entry = {"name": name, "model": "m", "system_prompt": "s", "user_prompt": "u"}
    (folder / "presets.json").write_text(_document(entry), encoding="utf-8")


def test_an_existing_file_with_such_a_name_still_loads_and_stays_editable(
    tmp_path: Path,
) -> None:
    legacy = "old \x1b[31mred"
    _legacy_file(tmp_path, legacy)
    store = PresetStore(tmp_path, clock=lambda: 1_700_000_000.0)

    loaded = store.read()
    assert [p.name for p in loaded.value] == [legacy]
    assert loaded.problem is None
    edited = store.save(Preset(legacy, "m", "s", "new prompt"))
    assert edited.user_prompt == "new prompt"
    renamed = store.rename(legacy, "old red")
    assert renamed.name == "old red"
    assert [p.name for p in PresetStore(tmp_path).load()] == ["old red"]


def test_undo_of_a_delete_restores_such_a_name(tmp_path: Path) -> None:
    legacy = "old \u202eeman"
    _legacy_file(tmp_path, legacy)
    store = PresetStore(tmp_path)

    deleted = store.delete(legacy)
    store.save(deleted, touch=False)

    assert [p.name for p in store.list()] == [legacy]


def test_lookup_errors_show_a_typed_name_escaped(store: PresetStore) -> None:
    with pytest.raises(PresetNotFoundError) as missing:
        store.rename("nope \x1b[2J", "x")

    assert "\x1b" not in str(missing.value)
    assert "\\x1b[2J" in str(missing.value)


def test_lone_surrogates_in_prompts_of_a_file_are_replaced_so_it_can_be_saved(
    tmp_path: Path,
) -> None:
    entry = {"name": "p", "user_prompt": "a \ud800 b", "variables": {"k\udfff": "v\ud800"}}
    (tmp_path / "presets.json").write_text(_document(entry), encoding="utf-8")
    store = PresetStore(tmp_path)

    (loaded,) = store.load()
    store.duplicate("p")

    assert loaded.user_prompt == "a \ufffd b"
    assert dict(loaded.variables) == {"k\ufffd": "v\ufffd"}
    assert len(PresetStore(tmp_path).load()) == 2
