"""Every run, from the window or the CLI, in ``<data dir>/history.sqlite3``, searchable.

SQLite (stdlib ``sqlite3``) in WAL mode with ``synchronous=NORMAL``, checked with
``PRAGMA quick_check`` at open; a damaged file is moved aside and a fresh one started (see
``opening``). Tables and migrations are in ``schema``; how search text becomes
an FTS5 query is in ``search``.

Ordering and paging: "newest first" is ``ORDER BY id DESC``. Ids are AUTOINCREMENT, so they
follow recording order, and both the table and the FTS5 index are stored in id order: a
page of the plain list is a walk down the primary key, and a search page asks FTS5 for its
matches in descending rowid order with a LIMIT, which FTS5 answers without collecting (or
ranking) every match. A page therefore costs about the same with 100 or 100,000 runs, and a
search for a word found in every run is as fast as a rare one. Relevance order (``rank``)
was rejected for the list: it must score every match before returning the first, and people
look for "the run about X from yesterday", which newest-first shows at the top. ``page``
takes an ``offset`` (simple for a table model) and a ``before_id`` for keyset paging (pass
the last id shown; cost independent of depth) for infinite scrolling.

Threads: SQLite calls here take milliseconds, so the GUI calls the store from its own thread
like any other quick operation. The connection keeps sqlite3's default
``check_same_thread=True``: using a store from a second thread fails loudly instead of
racing; open another ``HistoryStore`` there (WAL lets several connections work at once).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType

from zerogpu_desktop.storage.history import presets_seen
from zerogpu_desktop.storage.history.arguments import (
    checked_number,
    checked_preset_id,
    checked_rating,
    checked_text,
)
from zerogpu_desktop.storage.history.listing import (
    checked_filter,
    count_query,
    page_query,
    summary_of,
)
from zerogpu_desktop.storage.history.opening import open_history_db
from zerogpu_desktop.storage.history.schema import (
    DELETE_TRIGGER,
    INSERT_TRIGGER,
    NOTES_DELETE_TRIGGER,
)
from zerogpu_desktop.storage.history.transactions import sqlite_errors, transaction
from zerogpu_desktop.storage.history.types import (
    DailyUsage,
    HistoryError,
    RatingFilter,
    RunRating,
    RunRecord,
    RunSummary,
    clean_note,
    rating_from_db,
    status_from_db,
)
from zerogpu_desktop.storage.history.values import INSERT_SQL, RECORD_COLUMNS, row_params
from zerogpu_desktop.storage.loaded import Loaded

__all__ = [
    "DailyUsage",
    "HistoryError",
    "HistoryStore",
    "RunRecord",
    "RunSummary",
    "open_history_store",
]

HISTORY_FILE_NAME = "history.sqlite3"
MAX_PAGE_SIZE = 1000
"""A list page above this is a bug (something trying to load everything)."""


class HistoryStore:
    """Records runs and answers list, search, detail and usage queries over them.

    Usable as a context manager (closes on exit). Open it with ``open_history_store`` wherever
    the user should hear that the old database was damaged and set aside, or comes from a
    newer version; the constructor keeps no such sentence.

    Attributes:
        path: The database file.
    """

    def __init__(
        self, data_dir: Path, *, now: dt.datetime | None = None, check: bool = True
    ) -> None:
        """Open the history in ``data_dir``, creating, upgrading or replacing it as needed.

        What there is to tell about the opening is dropped here: this is for a caller that
        has nobody to tell, or whose file was just opened (and told about) elsewhere.

        Args:
            data_dir: The app's data folder (must exist).
            now: Time used to name a set-aside damaged file; for tests.
            check: run ``quick_check`` at open (see ``opening.open_history_db``).

        Raises:
            HistoryError: The database is fine but cannot be used now (locked, read-only,
                no FTS5), or is damaged and could not be moved aside.
        """
        self.path = data_dir / HISTORY_FILE_NAME
        self._conn, _ = open_history_db(self.path, now, check=check)

    @classmethod
    def _over(cls, path: Path, conn: sqlite3.Connection) -> HistoryStore:
        """A store over a connection ``open_history_db`` has just opened for ``path``."""
        store = cls.__new__(cls)
        store.path = path
        store._conn = conn
        return store

    # -- writing --------------------------------------------------------------------------

    def record(self, run: RunRecord) -> int:
        """Store ``run`` (its ``id`` is ignored) and return the new id.

        Values SQLite cannot take are made storable first (see ``values``), so the
        content of a run never keeps it out of the history.

        Raises:
            HistoryError: The database refused the write (locked for too long, disk full).
        """
        with sqlite_errors("The run could not be saved to the history"):
            cursor = self._conn.execute(INSERT_SQL, row_params(run))
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def record_many(self, runs: Iterable[RunRecord]) -> int:
        """Store many runs in one transaction (imports, benchmarks); return how many.

        One transaction, and one statement to index the whole batch for search instead of
        the per-row trigger: together about 20 times faster than ``record`` in a loop
        (100,000 runs in seconds). A failure stores none of them.
        """
        with sqlite_errors("The runs could not be saved to the history"), transaction(self._conn):
            newest = self._conn.execute("SELECT coalesce(max(id), 0) FROM runs").fetchone()[0]
            self._conn.execute("DROP TRIGGER runs_ai")
            cursor = self._conn.executemany(INSERT_SQL, (row_params(run) for run in runs))
            self._conn.execute(
                "INSERT INTO runs_fts (rowid, system_prompt, user_prompt, answer) "
                "SELECT id, system_prompt, user_prompt, answer FROM runs WHERE id > ?",
                (newest,),
            )
            self._conn.execute(INSERT_TRIGGER)
        return max(cursor.rowcount, 0)

    def record_batch(self, runs: Sequence[RunRecord]) -> list[int]:
        """Store ``runs`` in one transaction and return their ids, in order.

        For runs arriving together (the writer's batches): one commit instead of one per
        run, while each run still gets its id (``record_many`` does not say them). A failure
        stores none of them, so the caller can retry them one by one.

        Raises:
            HistoryError: The database refused the write; nothing was stored.
        """
        with sqlite_errors("The runs could not be saved to the history"), transaction(self._conn):
            return [self.record(run) for run in runs]

    def rate(self, run_id: int, rating: RunRating | None, note: str = "") -> bool:
        """Keep a person's verdict on one run's answer, with a note; return whether it exists.

        Rating again replaces the rating and the note; None clears both (a note belongs to
        its rating). The note is cleaned of control characters (see ``types.tidy_note``).

        Raises:
            ValueError: ``run_id`` is not a whole number from 1 to 2**63 - 1, ``rating`` is
                not "good", "bad" or None, the note is not text or is longer than
                MAX_RATING_NOTE characters (the sentence says so).
            HistoryError: The database refused the write.
        """
        checked_number(run_id, "run_id")
        rating = checked_rating(rating)
        note = checked_text(note, "note")
        cleaned = clean_note(note) if rating is not None else None
        with sqlite_errors("The rating could not be saved to the history"):
            cursor = self._conn.execute(
                "UPDATE runs SET rating = ?, rating_note = ? WHERE id = ?",
                (rating, cleaned, run_id),
            )
        return cursor.rowcount > 0

    def delete(self, run_id: int) -> bool:
        """Delete one run; return whether it existed."""
        with sqlite_errors("The run could not be deleted"):
            cursor = self._conn.execute("DELETE FROM runs WHERE id = ?", (run_id,))
        return cursor.rowcount > 0

    def clear(self) -> int:
        """Delete every run and return how many there were.

        The texts are really gone afterwards: the search index is emptied in one step (not
        row by row through the delete trigger), then VACUUM rewrites the file without the
        freed pages and the WAL is truncated, so no prompt or answer stays on disk.
        """
        with sqlite_errors("The history could not be cleared"):
            with transaction(self._conn):
                count = int(self._conn.execute("SELECT count(*) FROM runs").fetchone()[0])
                self._conn.execute("DROP TRIGGER runs_ad")
                self._conn.execute("DROP TRIGGER runs_notes_ad")
                self._conn.execute("DELETE FROM runs")
                for index in ("runs_fts", "runs_notes_fts"):
                    self._conn.execute(f"INSERT INTO {index} ({index}) VALUES ('delete-all')")
                self._conn.execute(DELETE_TRIGGER)
                self._conn.execute(NOTES_DELETE_TRIGGER)
            self._conn.execute("VACUUM")
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return count

    # -- reading --------------------------------------------------------------------------

    def get(self, run_id: int) -> RunRecord | None:
        """The full run with id ``run_id``, or None if there is none."""
        columns = ", ".join(RECORD_COLUMNS)
        with sqlite_errors("The run could not be read"):
            row = self._conn.execute(
                f"SELECT {columns} FROM runs WHERE id = ?", (run_id,)
            ).fetchone()
        if row is None:
            return None
        values = dict(zip(RECORD_COLUMNS, row, strict=True))
        values["truncation_status"] = status_from_db(values["truncation_status"])
        values["demo"] = bool(values["demo"])
        values["rating"] = rating_from_db(values["rating"])
        if values["rating"] is None:
            values["rating_note"] = None
        if not isinstance(values["preset_version"], int):
            values["preset_version"] = None
        return RunRecord(**values)

    def page(
        self,
        offset: int = 0,
        limit: int = 50,
        search: str = "",
        *,
        before_id: int | None = None,
        batch_runs: bool = True,
        preset: str | None = None,
        preset_version: int | None = None,
        rating: RatingFilter | None = None,
        preset_id: str | None = None,
    ) -> list[RunSummary]:
        """One page of the history list, newest first, optionally searched and filtered.

        Args:
            offset: Rows to skip (after ``before_id`` filtering).
            limit: Rows to return, 1 to MAX_PAGE_SIZE.
            search: Search box text (see ``search``); blank lists everything. It finds
                runs by their prompts, their answer or their rating note.
            before_id: Only runs older than this id: keyset paging for scrolling.
            batch_runs: Include the cells of evaluations (thousands at a time, so the
                History panel can leave them out); a comparison's runs are always listed.
            preset: Only runs of the preset with this name, ignoring case (preset names
                are unique ignoring case); blank means any.
            preset_version: Only runs of this version of ``preset``.
            rating: Only runs rated "good", "bad", or either ("rated").
            preset_id: The id of the preset called ``preset`` now, if one is: then only
                its runs, whatever it was called when they ran, and the runs without an id
                under that name (recorded before runs knew their preset's id). Without it,
                every run under that name.

        Raises:
            ValueError: ``offset`` is negative, ``limit`` is out of range, a version is
                given without a preset or is no whole number from 1 to 2**63 - 1, or
                ``rating`` is not a known filter.
            HistoryError: The database could not be read.
        """
        if offset < 0 or not 0 < limit <= MAX_PAGE_SIZE:
            raise ValueError(f"bad page: offset={offset}, limit={limit}")
        if before_id is not None:
            checked_number(before_id, "before_id")
        where = checked_filter(search, batch_runs, preset, preset_version, rating, preset_id)
        sql, params = page_query(where, offset, limit, before_id)
        with sqlite_errors("The history could not be read"):
            rows = self._conn.execute(sql, params).fetchall()
        return [summary_of(row) for row in rows]

    def count(
        self,
        search: str = "",
        *,
        batch_runs: bool = True,
        preset: str | None = None,
        preset_version: int | None = None,
        rating: RatingFilter | None = None,
        preset_id: str | None = None,
    ) -> int:
        """How many runs there are, or how many ``page`` would list in all (same filters)."""
        where = checked_filter(search, batch_runs, preset, preset_version, rating, preset_id)
        sql, params = count_query(where)
        with sqlite_errors("The history could not be read"):
            row = self._conn.execute(sql, params).fetchone()
        return int(row[0])

    def preset_names(self) -> list[str]:
        """The presets the history has runs of, by name, in alphabetical order ignoring case.

        One name per preset: when the runs spell it differently (renamed from "summary" to
        "Summary"), the spelling of its newest run of its latest version is given.
        """
        with sqlite_errors("The history could not be read"):
            return presets_seen.names(self._conn)

    def preset_names_and_ids(self) -> list[tuple[str, str | None]]:
        """Each preset name the history has runs under, with each preset id those runs had.

        None for runs recorded before runs knew their preset's id. Tells a name of a preset
        that exists now (renamed since, say) from one only the history remembers.
        """
        with sqlite_errors("The history could not be read"):
            return presets_seen.names_and_ids(self._conn)

    def preset_versions(self, name: str, preset_id: str | None = None) -> list[int]:
        """The versions of preset ``name`` (ignoring case) the history has runs of, ascending.

        With ``preset_id`` (see ``page``), the versions of that preset's runs and of the
        runs without an id under ``name``.
        """
        name = checked_text(name, "preset name")
        preset_id = checked_preset_id(preset_id)
        with sqlite_errors("The history could not be read"):
            return presets_seen.versions(self._conn, name, preset_id)

    def usage_by_day(self, days: int = 30, *, today: dt.date | None = None) -> list[DailyUsage]:
        """Runs and tokens per local calendar day and model, oldest day first.

        The sums use ``total()`` (floating point) rather than ``sum()``, which fails the whole
        query with "integer overflow" as soon as two huge counts meet; exact up to 2**53.

        Args:
            days: How many days to cover, counting today (1 = today only).
            today: The last day to cover; defaults to the local date. For tests.

        Returns:
            One row per day and model that had runs; days without runs are absent, and
            runs against the offline demo are not counted (they cost nothing).
        """
        if days < 1:
            raise ValueError("days must be at least 1")
        last = today or dt.date.today()
        first = last - dt.timedelta(days=days - 1)
        since = dt.datetime.combine(first, dt.time()).timestamp()
        until = dt.datetime.combine(last + dt.timedelta(days=1), dt.time()).timestamp()
        sql = (
            "SELECT date(created, 'unixepoch', 'localtime') AS day, model, count(*), "
            "total(input_tokens), total(output_tokens), "
            "total(coalesce(total_tokens, input_tokens + output_tokens)) "
            "FROM runs WHERE created >= ? AND created < ? AND demo = 0 GROUP BY day, model "
            "ORDER BY day, model"
        )
        with sqlite_errors("Usage could not be read from the history"):
            rows = self._conn.execute(sql, (since, until)).fetchall()
        return [
            DailyUsage(dt.date.fromisoformat(day), model, runs, int(inp), int(out), int(total))
            for day, model, runs, inp, out, total in rows
        ]

    # -- lifecycle ------------------------------------------------------------------------

    def close(self) -> None:
        """Close the database; safe to call twice. Later calls on the store fail."""
        self._conn.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def open_history_store(
    data_dir: Path, *, now: dt.datetime | None = None, check: bool = True
) -> Loaded[HistoryStore]:
    """Open the history, with the sentence to show once about how it was opened.

    Same arguments and ``HistoryError`` as ``HistoryStore``: a history that cannot be used at
    all is an error, while one that was damaged and replaced, or comes from a newer version,
    opens and says so in ``problem``.
    """
    path = data_dir / HISTORY_FILE_NAME
    conn, problem = open_history_db(path, now, check=check)
    return Loaded(HistoryStore._over(path, conn), problem)
