"""The two ways every store over the history file talks to SQLite: a write transaction, and
SQLite's operational failures turned into one `HistoryError` sentence.

Both the run history (`store.py`) and the evaluations (`workbench/evaluate/store.py`) use
them, so a locked or full disk reads the same whichever table was being written.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from zerogpu_desktop.storage.history.types import HistoryError

__all__ = ["sqlite_errors", "transaction"]


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error (the connection autocommits)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


@contextmanager
def sqlite_errors(action: str) -> Iterator[None]:
    """Turn sqlite3's operational failures into a HistoryError with a sentence.

    ``sqlite3.ProgrammingError`` (e.g. a closed store) is a bug, not a user problem, and
    passes through unchanged.
    """
    try:
        yield
    except sqlite3.ProgrammingError:
        raise
    except sqlite3.Error as exc:
        raise HistoryError(f"{action} ({exc or type(exc).__name__}).") from exc
