"""Opaque window-state blobs round-trip as bytes and survive a broken file."""

from __future__ import annotations

import json
from pathlib import Path

from zerogpu_desktop.storage import UiStateStore

GEOMETRY = bytes(range(256))


def test_round_trip(tmp_path: Path) -> None:
    store = UiStateStore(tmp_path)
    store.set("window_geometry", GEOMETRY)
    store.set("splitter_main", b"")
    store.save()

    again = UiStateStore(tmp_path)

    assert again.get("window_geometry") == GEOMETRY
    assert again.get("splitter_main") == b""
    assert again.get("window_state") is None
    assert again.read().problem is None


def test_set_overwrites(tmp_path: Path) -> None:
    store = UiStateStore(tmp_path)
    store.set("a", b"1")
    store.set("a", b"2")

    assert store.get("a") == b"2"


def test_bad_entries_are_dropped_good_ones_kept(tmp_path: Path) -> None:
    (tmp_path / "ui_state.json").write_text(
        json.dumps({"version": 1, "values": {"good": "AAE=", "bad": "not base64!", "num": 5}}),
        encoding="utf-8",
    )

    store = UiStateStore(tmp_path)

    assert store.get("good") == b"\x00\x01"
    assert store.get("bad") is None
    assert store.get("num") is None


def test_corrupt_file_is_quarantined(tmp_path: Path) -> None:
    (tmp_path / "ui_state.json").write_text("{{{", encoding="utf-8")
    store = UiStateStore(tmp_path)

    loaded = store.read()
    assert loaded.problem is not None
    assert store.get("window_geometry") is None
    assert len(list(tmp_path.glob("ui_state.json.corrupt-*"))) == 1

    store.set("window_geometry", GEOMETRY)
    store.save()
    assert UiStateStore(tmp_path).get("window_geometry") == GEOMETRY


def test_read_returns_every_value_decoded(tmp_path: Path) -> None:
    store = UiStateStore(tmp_path)
    store.set("window_geometry", GEOMETRY)
    store.save()

    loaded = UiStateStore(tmp_path).read()

    assert loaded.value == {"window_geometry": GEOMETRY}
    assert loaded.problem is None
