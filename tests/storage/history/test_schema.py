"""Migrations run once per file, even when two connections open a new file together."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from zerogpu_desktop.storage.history import schema as history_schema
from zerogpu_desktop.storage.history.schema import MIGRATIONS, SCHEMA_VERSION, migrate


def connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None, timeout=5)


def test_a_migration_splits_into_whole_statements_triggers_included() -> None:
    statements = history_schema._statements(MIGRATIONS[0])
    assert len(statements) == 6  # table, index, FTS table, three triggers
    assert all(sqlite3.complete_statement(statement) for statement in statements)
    assert sum(statement.endswith("END;") for statement in statements) == 3


def test_a_step_another_connection_already_made_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other connection migrated between this one's first look and its write lock."""
    path = tmp_path / "history.sqlite3"
    first, second = connect(path), connect(path)
    try:
        assert migrate(first) is None
        real_version = history_schema._schema_version
        looks = []

        def stale_first_look(conn: sqlite3.Connection) -> int:
            looks.append(conn)
            return 0 if len(looks) == 1 else real_version(conn)

        monkeypatch.setattr(history_schema, "_schema_version", stale_first_look)
        assert migrate(second) is None  # without the re-check: "table runs already exists"
        assert len(looks) == 1 + SCHEMA_VERSION  # the first look, then one per step
        assert not second.in_transaction
        assert real_version(second) == SCHEMA_VERSION
    finally:
        first.close()
        second.close()


def test_a_failed_step_is_rolled_back_and_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    conn = connect(tmp_path / "history.sqlite3")
    try:
        monkeypatch.setattr(
            history_schema, "MIGRATIONS", ("CREATE TABLE a (x);\nCREATE TABLE broken (;\n",)
        )
        with pytest.raises(sqlite3.Error):
            migrate(conn)
        assert not conn.in_transaction
        tables = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        assert tables == []
        assert history_schema._schema_version(conn) == 0
    finally:
        conn.close()
