"""A damaged history database is set aside (never deleted) and a fresh one started; a healthy
but unusable one is left alone with a clear error."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from zerogpu_desktop.storage.history import opening as history_open
from zerogpu_desktop.storage.history.store import (
    HistoryError,
    HistoryStore,
    RunRecord,
    open_history_store,
)
from zerogpu_desktop.storage.loaded import Loaded

STAMP = datetime(2024, 1, 2, 3, 4, 5)
ASIDE = "history.sqlite3.corrupt-20240102-030405"


def _filled_database(folder: Path, runs: int = 400) -> Path:
    with HistoryStore(folder) as store:
        store.record_many(
            RunRecord("m", "system " * 20, f"prompt {n} " * 30, "answer " * 200)
            for n in range(runs)
        )
    path = folder / "history.sqlite3"
    assert not Path(f"{path}-wal").exists()  # checkpointed on close: the file is complete
    return path


def _assert_fresh_start(opened: Loaded[HistoryStore], folder: Path, original: bytes) -> None:
    with opened.value as store:
        assert store.count() == 0
        assert store.record(RunRecord("m", "s", "new run", "a")) >= 1
    assert opened.problem is not None
    assert opened.problem.startswith("The history database was damaged")
    assert "a new, empty history was started" in opened.problem
    assert str(folder / ASIDE) in opened.problem
    assert (folder / ASIDE).read_bytes() == original  # kept byte for byte


def test_garbage_file_is_moved_aside_and_a_fresh_history_started(tmp_path: Path) -> None:
    garbage = b"this is not a database\x00\xff" * 100
    (tmp_path / "history.sqlite3").write_bytes(garbage)

    opened = open_history_store(tmp_path, now=STAMP)

    _assert_fresh_start(opened, tmp_path, garbage)
    assert "not a database" in (opened.problem or "")


def test_truncated_database_is_moved_aside(tmp_path: Path) -> None:
    path = _filled_database(tmp_path)
    truncated = path.read_bytes()[: path.stat().st_size // 2]
    path.write_bytes(truncated)

    _assert_fresh_start(open_history_store(tmp_path, now=STAMP), tmp_path, truncated)


def test_database_with_a_damaged_page_is_moved_aside(tmp_path: Path) -> None:
    path = _filled_database(tmp_path)
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    middle = (len(data) // page_size // 2) * page_size
    data[middle : middle + page_size] = b"\xa5" * page_size
    path.write_bytes(bytes(data))

    _assert_fresh_start(open_history_store(tmp_path, now=STAMP), tmp_path, bytes(data))


def test_side_files_move_with_the_database_under_matching_names(tmp_path: Path) -> None:
    (tmp_path / "history.sqlite3").write_bytes(b"garbage" * 1000)
    (tmp_path / "history.sqlite3-wal").write_bytes(b"wal bytes")
    (tmp_path / "history.sqlite3-shm").write_bytes(b"shm bytes")
    (tmp_path / f"{ASIDE}").write_bytes(b"an earlier casualty")

    with HistoryStore(tmp_path, now=STAMP) as store:
        assert store.count() == 0

    names = {p.name for p in tmp_path.iterdir()}
    assert {f"{ASIDE}-2", f"{ASIDE}-2-wal", f"{ASIDE}-2-shm", ASIDE} <= names
    assert (tmp_path / f"{ASIDE}-2-wal").read_bytes() == b"wal bytes"
    assert (tmp_path / ASIDE).read_bytes() == b"an earlier casualty"


def test_an_empty_file_is_a_valid_new_database(tmp_path: Path) -> None:
    (tmp_path / "history.sqlite3").write_bytes(b"")

    opened = open_history_store(tmp_path)

    with opened.value as store:
        assert store.count() == 0
    assert opened.problem is None


def test_an_unopenable_path_raises_and_is_not_moved(tmp_path: Path) -> None:
    (tmp_path / "history.sqlite3").mkdir()

    with pytest.raises(HistoryError, match="cannot be opened right now"):
        HistoryStore(tmp_path)

    assert (tmp_path / "history.sqlite3").is_dir()
    assert [p.name for p in tmp_path.iterdir()] == ["history.sqlite3"]


def test_a_locked_database_raises_and_is_not_moved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _filled_database(tmp_path, runs=3)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    monkeypatch.setattr(history_open, "BUSY_TIMEOUT_SECONDS", 0.05)
    try:
        with pytest.raises(HistoryError, match="locked"):
            HistoryStore(tmp_path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    assert not any(".corrupt-" in p.name for p in tmp_path.iterdir())
    with HistoryStore(tmp_path) as store:
        assert store.count() == 3


def test_a_database_from_a_newer_version_is_used_and_reported(tmp_path: Path) -> None:
    path = _filled_database(tmp_path, runs=2)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 99")
    conn.close()

    opened = open_history_store(tmp_path)

    with opened.value as store:
        assert store.count() == 2
    assert opened.problem is not None
    assert "newer version" in opened.problem


def test_open_history_store_returns_the_sentence_instead_of_leaving_it(tmp_path: Path) -> None:
    garbage = b"this is not a database\x00\xff" * 100
    (tmp_path / "history.sqlite3").write_bytes(garbage)

    opened = open_history_store(tmp_path, now=STAMP)
    with opened.value as store:
        assert not [name for name in vars(store) if "problem" in name]
        assert store.count() == 0
    assert opened.problem is not None
    assert opened.problem.startswith("The history database was damaged")
    assert str(tmp_path / ASIDE) in opened.problem


def test_the_constructor_replaces_a_damaged_history_and_keeps_no_sentence(
    tmp_path: Path,
) -> None:
    """For a caller with nobody to tell (the window's writer, after the window was told)."""
    (tmp_path / "history.sqlite3").write_bytes(b"this is not a database\x00\xff" * 100)

    with HistoryStore(tmp_path, now=STAMP) as store:
        assert store.count() == 0
        assert not [name for name in vars(store) if "problem" in name]
    assert (tmp_path / ASIDE).exists()


def test_open_history_store_of_a_healthy_history_has_nothing_to_say(tmp_path: Path) -> None:
    _filled_database(tmp_path, runs=3)

    opened = open_history_store(tmp_path)
    with opened.value as store:
        assert store.count() == 3
    assert opened.problem is None


def test_open_history_store_raises_for_a_history_that_cannot_be_used(tmp_path: Path) -> None:
    with pytest.raises(HistoryError, match="cannot be opened right now"):
        open_history_store(tmp_path / "no such folder")
