"""Import and export: the documented format, clear refusals, and no silent overwrite."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from zerogpu_desktop.storage.presets.merge import plan_import
from zerogpu_desktop.storage.presets.store import (
    ImportBatch,
    Preset,
    PresetFormatError,
    PresetNotFoundError,
    PresetStore,
    export_presets,
    parse_import,
)


def make(name: str, prompt: str = "") -> Preset:
    return Preset(name=name, model="m", system_prompt="s", user_prompt=prompt or f"of {name}")


def _document(*entries: Any, **envelope: Any) -> str:
    base = {"format": "zerogpu-desktop-presets", "version": 1, "presets": list(entries)}
    return json.dumps({**base, **envelope})


@pytest.fixture
def store(tmp_path: Path) -> PresetStore:
    folder = tmp_path / "data"
    folder.mkdir()
    return PresetStore(folder, clock=lambda: 1_700_000_000.0)


def test_export_then_import_into_another_folder_round_trips(
    tmp_path: Path, store: PresetStore
) -> None:
    store.save(Preset("One", "m1", "sys 🌍", "{{x}} user", 4096, {"x": "1"}))
    store.save(make("Two"))
    target = tmp_path / "export.json"

    assert store.export_to_file(target) == 2

    other = PresetStore(tmp_path)  # a different data folder
    report = other.import_file(target)
    assert report.added == ("One", "Two")
    # A plain export carries no ids: the imported presets are new ones here, at version 1.
    assert [replace(p, preset_id="") for p in other.list()] == [
        replace(p, preset_id="") for p in store.list()
    ]
    assert {p.preset_id for p in other.list()}.isdisjoint(p.preset_id for p in store.list())


def test_export_of_selected_names_keeps_their_order(tmp_path: Path, store: PresetStore) -> None:
    for name in ("A", "B", "C"):
        store.save(make(name))

    text = store.export_text(["c", "A"])

    assert [p.name for p in parse_import(text).presets] == ["C", "A"]
    with pytest.raises(PresetNotFoundError):
        store.export_to_file(tmp_path / "x.json", ["A", "missing"])
    assert not (tmp_path / "x.json").exists()


def test_export_format_is_the_documented_one() -> None:
    text = export_presets([Preset("N", "m", "s", "u", None, {"k": "v"}, 1.0, 2.0)])

    assert text.endswith("\n")
    assert json.loads(text) == {
        "format": "zerogpu-desktop-presets",
        "version": 1,
        "presets": [
            {
                "name": "N",
                "model": "m",
                "system_prompt": "s",
                "user_prompt": "u",
                "input_token_limit": None,
                "variables": {"k": "v"},
                "created": 1.0,
                "updated": 2.0,
                "response_format": "text",
            }
        ],
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "not valid JSON"),
        (b"\xff\xfe\x00", "not UTF-8"),
        ("[1, 2]", "not a JSON object"),
        ('{"version": 1, "presets": []}', '"format" should be "zerogpu-desktop-presets"'),
        (_document(format="other-app"), '"format" should be'),
        (_document(version=3), "format version 3, but this version of ZeroGPU Desktop reads"),
        (_document(version="1"), 'no valid "version"'),
        (_document(version=True), 'no valid "version"'),
        (_document(presets={"a": 1}), 'no "presets" list'),
    ],
)
def test_parse_import_refuses_what_is_not_a_presets_file(text: str | bytes, message: str) -> None:
    with pytest.raises(PresetFormatError, match=message):
        parse_import(text)


def test_parse_import_accepts_a_utf8_bom_and_reports_bad_entries() -> None:
    text = _document({"name": "Ok", "user_prompt": "u"}, {"name": ""}, 3)

    batch = parse_import("\ufeff".encode() + text.encode())

    assert [p.name for p in batch.presets] == ["Ok"]
    assert len(batch.skipped) == 2
    assert batch.skipped[0].startswith("Entry 2 was skipped")


def test_conflicts_are_renamed_by_default(store: PresetStore) -> None:
    original = store.save(make("Shared", "mine"))
    batch = parse_import(_document({"name": "shared", "user_prompt": "theirs"}))

    assert store.conflicting_names(batch) == ["shared"]
    report = store.import_presets(batch)

    assert report.renamed == (("shared", "shared (imported)"),)
    assert store.get("Shared") == original  # untouched
    imported = store.get("shared (imported)")
    assert imported is not None
    assert imported.user_prompt == "theirs"
    assert report.summary() == "Imported 1 preset (1 renamed because the name was taken)."


def test_conflicts_can_be_skipped(store: PresetStore) -> None:
    original = store.save(make("Shared", "mine"))
    batch = parse_import(_document({"name": "Shared", "user_prompt": "theirs"}, {"name": "New"}))

    report = store.import_presets(batch, on_conflict="skip")

    assert report.skipped == ("Shared",)
    assert report.added == ("New",)
    assert store.get("Shared") == original
    assert report.summary() == "Imported 1 preset (1 added, 1 skipped because the name was taken)."


def test_replace_overwrites_only_when_asked(store: PresetStore) -> None:
    store.save(make("Shared", "mine"))
    batch = parse_import(_document({"name": "Shared", "user_prompt": "theirs"}))

    report = store.import_presets(batch, on_conflict="replace")

    assert report.replaced == ("Shared",)
    replaced = store.get("Shared")
    assert replaced is not None
    assert replaced.user_prompt == "theirs"


def test_an_unknown_conflict_policy_is_refused_not_treated_as_replace(store: PresetStore) -> None:
    store.save(make("Shared", "mine"))
    batch = parse_import(_document({"name": "Shared", "user_prompt": "theirs"}))
    before = store.path.read_bytes()

    with pytest.raises(ValueError, match="on_conflict"):
        store.import_presets(batch, on_conflict="overwrite")  # type: ignore[arg-type]

    assert store.path.read_bytes() == before


def test_renamed_imports_avoid_every_name_in_the_store_and_the_batch() -> None:
    existing = [make("X"), make("X (imported)")]
    batch = ImportBatch((make("X"), make("X (imported 2)")))

    placements, report = plan_import(existing, batch, "rename", now=5.0)

    # "X (imported 2)" is claimed by the batch itself, so the renamed "X" skips it too.
    assert report.renamed == (("X", "X (imported 3)"),)
    assert report.added == ("X (imported 2)",)
    assert [(p.preset.name, p.file_key, p.replaces) for p in placements] == [
        ("X (imported 3)", "x", None),
        ("X (imported 2)", "x (imported 2)", None),
    ]


def test_imported_presets_without_times_get_the_import_time(store: PresetStore) -> None:
    store.import_presets(parse_import(_document({"name": "T", "created": 123.0})))

    imported = store.get("T")
    assert imported is not None
    assert (imported.created, imported.updated) == (123.0, 123.0)
    store.import_presets(parse_import(_document({"name": "U"})))
    fresh = store.get("U")
    assert fresh is not None
    assert fresh.created == fresh.updated == 1_700_000_000.0


def test_import_with_nothing_to_add_does_not_write(store: PresetStore) -> None:
    store.save(make("Same"))
    before = store.path.stat()

    report = store.import_presets(parse_import(_document({"name": "Same"})), on_conflict="skip")

    assert report.imported_count == 0
    assert report.summary() == "Imported 0 presets (1 skipped because the name was taken)."
    assert store.path.stat().st_ino == before.st_ino


def test_unreadable_entries_are_part_of_the_report(store: PresetStore) -> None:
    report = store.import_presets(parse_import(_document({"name": "A"}, {"nope": 1})))

    assert report.added == ("A",)
    assert len(report.unreadable) == 1
    assert report.summary() == (
        f"Imported 1 preset (1 added, 1 unreadable). {report.unreadable[0]}"
    )


def test_a_summary_explains_three_unreadable_entries_and_counts_the_rest(
    store: PresetStore,
) -> None:
    entries = [{"nope": n} for n in range(5)]
    report = store.import_presets(parse_import(_document(*entries)))
    summary = report.summary()
    assert summary.startswith("Imported 0 presets (5 unreadable). ")
    assert summary.count(report.unreadable[0].split(":")[0]) >= 1
    assert summary.endswith("(2 more like these.)")
