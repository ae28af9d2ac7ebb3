"""The API key never reaches a preset, an export, the history, or any file in the data folder.

The key is made available the ways the app really has it (the environment variable and a
working keyring through ``KeyStore``), every store is used, and then every byte written is
searched for it. Presets and runs have no key field, so this guards against future fields
and against anything that would serialise more than the documented fields.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from tests.credentials.fake_backends import MemoryKeyring
from zerogpu_desktop.credentials.keystore import KeyStore
from zerogpu_desktop.storage.history.store import HistoryStore, RunRecord
from zerogpu_desktop.storage.presets.format import PRESET_FIELDS
from zerogpu_desktop.storage.presets.store import Preset, PresetStore, parse_import

FAKE_KEY = "zgpu-sk-test-3f9a1c77e0b24d5f8a6e1b2c9d0e4f7a"
_KEYLIKE = re.compile(r"key|secret|password|token(?!_limit)|auth|credential|bearer", re.I)
_DOCUMENTED_ENVELOPE = {"format", "version", "presets"}


def _needles() -> list[bytes]:
    """The key as UTF-8 and UTF-16, and a distinctive slice of it (a partial leak counts)."""
    return [
        FAKE_KEY.encode(),
        FAKE_KEY.encode("utf-16-le"),
        FAKE_KEY[-24:].encode(),
        json.dumps(FAKE_KEY).encode(),
    ]


def _assert_key_free(label: str, data: bytes) -> None:
    for needle in _needles():
        assert needle not in data, f"the API key was found in {label}"


@pytest.fixture
def key_everywhere(monkeypatch: pytest.MonkeyPatch) -> KeyStore:
    """The key in the environment and saved in a (memory) keyring, as in a real session."""
    monkeypatch.setenv("ZEROGPU_API_KEY", FAKE_KEY)
    keystore = KeyStore(service="zerogpu-desktop-test", backend=MemoryKeyring(), timeout=5)
    assert keystore.save_blocking(FAKE_KEY).stored_in_keyring
    assert keystore.load_blocking().key == FAKE_KEY
    return keystore


def test_preset_has_no_key_like_field() -> None:
    names = [field.name for field in dataclasses.fields(Preset)]

    assert tuple(names) == (*PRESET_FIELDS, "preset_id", "version")
    assert [name for name in names if _KEYLIKE.search(name)] == []


def test_run_record_has_no_key_like_field() -> None:
    names = [field.name for field in dataclasses.fields(RunRecord)]

    assert [n for n in names if _KEYLIKE.search(n) and not n.endswith("_tokens")] == []


def test_export_holds_only_documented_fields(tmp_path: Path) -> None:
    store = PresetStore(tmp_path)
    store.save(Preset("P", "m", "s", "u", 1000, {"v": "1"}))

    document = json.loads(store.export_text())

    assert set(document) == _DOCUMENTED_ENVELOPE
    for entry in document["presets"]:
        assert tuple(entry) == PRESET_FIELDS


def test_no_file_in_the_data_folder_and_no_export_contains_the_key(
    tmp_path: Path, key_everywhere: KeyStore
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    presets = PresetStore(data_dir)
    presets.save(Preset("Everything", "m", "sys {{x}}", "user {{y}}", 4096, {"x": "1"}))
    presets.duplicate("Everything")
    presets.remember_variables("Everything", {"x": "2", "y": "3"})
    presets.rename("Everything (copy)", "Renamed")
    exported = presets.export_text()
    export_file = tmp_path / "export.json"
    presets.export_to_file(export_file)
    PresetStore(tmp_path / "data").import_presets(parse_import(exported), on_conflict="rename")
    with HistoryStore(data_dir) as history:
        history.record(RunRecord("m", "sys 2", "user 3", "answer", input_tokens=5, output_tokens=6))
        history.record(RunRecord("m", "s", "u", error_title="Unauthorised", source="cli"))

    written = [p for p in data_dir.rglob("*") if p.is_file()]
    assert {p.name for p in written} >= {"presets.json", "history.sqlite3"}
    for path in [*written, export_file]:
        _assert_key_free(str(path), path.read_bytes())
    _assert_key_free("the export text", exported.encode())
    assert FAKE_KEY not in repr(presets.list())


def test_the_search_would_catch_a_leak(tmp_path: Path) -> None:
    leaky = tmp_path / "leak.json"
    leaky.write_text(json.dumps({"api": FAKE_KEY[-30:]}), encoding="utf-8")

    with pytest.raises(AssertionError, match="API key was found"):
        _assert_key_free("leak.json", leaky.read_bytes())
