"""Opening the history database: check it, and set a damaged one aside instead of failing.

Two kinds of failure are told apart, because the right reaction is opposite:

- the file is damaged (not a database, or ``PRAGMA quick_check`` finds errors): it will
  never open again, so it is moved aside (with its ``-wal``/``-shm``/``-journal`` files,
  renamed alike so SQLite still pairs them if someone opens the copy to recover runs) and a
  fresh database is started;
- the file is fine but unusable right now (locked, no permission, disk full, no FTS5): moving
  it would lose a good history, so it stays put and ``HistoryError`` says what is wrong.

``quick_check`` rather than ``integrity_check``: it reads every page but skips the index
cross-checks, which keeps a start-up check of a large history well under a second.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from datetime import datetime
from pathlib import Path

from zerogpu_desktop.storage.history.schema import configure, migrate
from zerogpu_desktop.storage.history.types import HistoryError

_log = logging.getLogger(__name__)

BUSY_TIMEOUT_SECONDS = 5.0
"""How long a write waits for another process (the window vs. the CLI) before failing."""
_SIDE_FILES = ("-wal", "-shm", "-journal")
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26


class _DamagedError(Exception):
    """The file is damaged beyond use; the message says how, in a few words."""


def open_history_db(
    path: Path, now: datetime | None = None, *, check: bool = True
) -> tuple[sqlite3.Connection, str | None]:
    """Open (creating or upgrading) the database at ``path``.

    Args:
        path: The database file; its folder must exist.
        now: Time used in the set-aside name; injectable for tests.
        check: run ``quick_check`` first. Only a caller that has just opened the same file
            with the check (on another thread, so the window does not wait) passes False.

    Returns:
        The connection (autocommit mode: the store manages transactions itself), and a
        sentence for the user to see once, or None when all was well.

    Raises:
        HistoryError: The database cannot be used and moving it aside would not help (or
            failed). The file is left where it is.
    """
    try:
        return _open_checked(path, check=check)
    except _DamagedError as exc:
        reason = str(exc)
    target = _move_aside(path, reason, now)
    try:
        conn, newer = _open_checked(path)
    except _DamagedError as exc:  # pragma: no cover - a brand-new file cannot be damaged
        raise HistoryError(f"A new history database could not be started ({exc}).") from None
    problem = (
        f"The history database was damaged ({reason}), so a new, empty history was started. "
        f"The old file was kept as {target} in case you want to recover something from it."
    )
    return conn, " ".join(p for p in (problem, newer) if p)


def _open_checked(path: Path, *, check: bool = True) -> tuple[sqlite3.Connection, str | None]:
    """Check, then connect, configure and migrate; the connection is closed on any failure.

    The check runs on a separate read-only connection first: closing a read-write
    connection to a damaged file lets SQLite delete or checkpoint its ``-wal`` file, which
    may hold the newest runs, before the file could be moved aside. A read-only connection
    changes nothing on disk. If it cannot even be opened for a reason other than damage,
    the check is repeated on the read-write connection instead.
    """
    checked = _check_read_only(path) if check else True
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    except sqlite3.Error as exc:
        raise _unusable(path, exc) from exc
    try:
        if not checked:
            _quick_check(conn)
        configure(conn)
        problem = migrate(conn)
    except sqlite3.Error as exc:
        conn.close()
        if _is_damage(exc):
            raise _DamagedError(str(exc)) from exc
        raise _unusable(path, exc) from exc
    except BaseException:
        conn.close()
        raise
    return conn, problem


def _check_read_only(path: Path) -> bool:
    """Run ``quick_check`` without writing anything; return whether the check ran.

    Raises:
        _DamagedError: The file is damaged.
    """
    if not path.is_file() or path.stat().st_size == 0:
        return False  # a new database: nothing to check, and read-only cannot create it
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    except sqlite3.Error:
        return False
    try:
        _quick_check(conn)
    except sqlite3.Error as exc:
        if _is_damage(exc):
            raise _DamagedError(str(exc)) from exc
        return False
    finally:
        conn.close()
    return True


def _quick_check(conn: sqlite3.Connection) -> None:
    rows = conn.execute("PRAGMA quick_check").fetchall()
    if rows != [("ok",)]:
        raise _DamagedError(f"quick_check reported: {rows[0][0]}")


def _is_damage(exc: sqlite3.Error) -> bool:
    """Whether SQLite says the file itself is broken (as opposed to busy, locked, full...)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return (code & 0xFF) in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
    text = str(exc).lower()  # pragma: no cover - Python < 3.11 has no error codes
    return "not a database" in text or "malformed" in text  # pragma: no cover


def _unusable(path: Path, exc: sqlite3.Error) -> HistoryError:
    detail = str(exc) or type(exc).__name__
    if "no such module: fts5" in detail:
        return HistoryError(
            "The history cannot be kept: this Python's SQLite has no full-text search (FTS5)."
        )
    return HistoryError(f"The history database {path} cannot be opened right now ({detail}).")


def _move_aside(path: Path, reason: str, now: datetime | None) -> Path:
    """Rename the database and its side files to ``<name>.corrupt-<timestamp>[-wal...]``."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    number = 1
    while any(_exists(Path(f"{target}{suffix}")) for suffix in ("", *_SIDE_FILES)):
        number += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{number}")
    try:
        os.rename(path, target)
        for suffix in _SIDE_FILES:
            side = Path(f"{path}{suffix}")
            if _exists(side):
                os.rename(side, Path(f"{target}{suffix}"))
    except OSError as exc:
        raise HistoryError(
            f"The history database is damaged ({reason}) and could not be moved aside "
            f"({exc.strerror or exc}). Move {path} away by hand to start a new history."
        ) from exc
    _log.warning("History database damaged (%s); moved to %s", reason, target)
    return target


def _exists(path: Path) -> bool:
    return path.exists() or path.is_symlink()
