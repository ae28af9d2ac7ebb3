"""Atomic writes keep the old file on any failure; broken files are moved aside, never lost."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from zerogpu_desktop.storage import atomic_write_json, atomic_write_text, load_json_or_quarantine

STAMP = datetime(2024, 1, 2, 3, 4, 5)


def _names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def test_write_creates_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "a.json"

    atomic_write_json(target, {"x": 1})
    atomic_write_json(target, {"x": "ü€😀"})

    assert json.loads(target.read_text(encoding="utf-8")) == {"x": "ü€😀"}
    assert "ü€😀" in target.read_text(encoding="utf-8")  # readable, not \\u-escaped
    assert _names(tmp_path) == {"a.json"}


def test_unserialisable_object_leaves_old_file_and_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "settings.json"
    atomic_write_json(target, {"good": True})
    before = target.read_bytes()

    with pytest.raises(TypeError):
        atomic_write_json(target, {"bad": object()})

    assert target.read_bytes() == before
    assert _names(tmp_path) == {"settings.json"}


def test_failure_during_the_write_leaves_old_file_and_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "draft.json"
    atomic_write_text(target, "old content")

    # A lone surrogate cannot be encoded: the write fails after the temp file exists.
    with pytest.raises(UnicodeEncodeError):
        atomic_write_text(target, "new content \ud800")

    assert target.read_text(encoding="utf-8") == "old content"
    assert _names(tmp_path) == {"draft.json"}


def test_nan_is_refused_so_the_file_stays_valid_json(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="JSON compliant"):
        atomic_write_json(tmp_path / "x.json", {"timeout": float("nan")})
    assert _names(tmp_path) == set()


def test_missing_folder_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        atomic_write_text(tmp_path / "nope" / "x.json", "{}")


def test_missing_file_is_not_a_problem(tmp_path: Path) -> None:
    result = load_json_or_quarantine(tmp_path / "settings.json")

    assert result.data is None
    assert result.problem is None
    assert result.quarantined_to is None


def test_valid_object_is_returned(tmp_path: Path) -> None:
    (tmp_path / "s.json").write_text('{"version": 1, "a": [1, 2]}', encoding="utf-8")

    result = load_json_or_quarantine(tmp_path / "s.json")

    assert result.data == {"version": 1, "a": [1, 2]}
    assert result.problem is None


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'{"version": 1, "project_id": ', "is not valid JSON"),
        (b"", "is not valid JSON"),
        (b"\xff\xfe garbage", "is not UTF-8"),
        (b"[1, 2, 3]", "holds a JSON list, not an object"),
        (b'"just a string"', "holds a JSON string"),
        (b"null", "holds a JSON null"),
    ],
)
def test_broken_file_is_moved_aside_byte_for_byte(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    target = tmp_path / "settings.json"
    target.write_bytes(content)

    result = load_json_or_quarantine(target, what="settings", now=STAMP)

    expected = tmp_path / "settings.json.corrupt-20240102-030405"
    assert result.data is None
    assert result.quarantined_to == expected
    assert expected.read_bytes() == content
    assert not target.exists()
    assert result.problem is not None
    assert result.problem.startswith("The settings file ")
    assert reason in result.problem
    assert str(expected) in result.problem


def test_quarantine_never_overwrites_an_earlier_one(tmp_path: Path) -> None:
    target = tmp_path / "draft.json"
    for number in range(3):
        target.write_text(f"broken {number}", encoding="utf-8")
        load_json_or_quarantine(target, now=STAMP)

    base = "draft.json.corrupt-20240102-030405"
    assert _names(tmp_path) == {base, f"{base}-2", f"{base}-3"}
    assert (tmp_path / base).read_text(encoding="utf-8") == "broken 0"
    assert (tmp_path / f"{base}-3").read_text(encoding="utf-8") == "broken 2"


def test_unreadable_path_is_left_where_it_is(tmp_path: Path) -> None:
    (tmp_path / "settings.json").mkdir()  # a folder where the file should be
    (tmp_path / "settings.json" / "inside.txt").write_text("keep me", encoding="utf-8")

    result = load_json_or_quarantine(tmp_path / "settings.json", now=STAMP)

    assert result.quarantined_to is None
    assert result.left_in_place
    assert (tmp_path / "settings.json" / "inside.txt").read_text(encoding="utf-8") == "keep me"
    assert _names(tmp_path) == {"settings.json"}
    assert result.problem is not None
    assert "could not be read (it is a folder, not a regular file)" in result.problem


def test_a_private_file_is_0600_and_a_document_follows_the_umask(tmp_path: Path) -> None:
    import os
    import stat

    from zerogpu_desktop.storage.atomic import atomic_write_text

    old = os.umask(0o027)
    try:
        atomic_write_text(tmp_path / "app.json", "{}")
        atomic_write_text(tmp_path / "answer.md", "hi", private=False)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "app.json").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "answer.md").stat().st_mode) == 0o640
