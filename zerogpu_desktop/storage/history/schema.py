"""The history database's tables, and the migrations that bring any older file up to date.

The schema version is ``PRAGMA user_version`` (a number in the file header: no extra table to
keep consistent). ``MIGRATIONS[n]`` turns version ``n`` into ``n + 1`` and runs in one
transaction together with the version bump, so a crash mid-migration leaves the old version.

Design choices, with the reason for each:

- ``runs`` keeps the small columns first and the three big texts last. SQLite stores a row's
  columns in order and spills long rows to overflow pages, so listing pages (which read only
  the small columns) rarely touch the texts.
- ``preview`` (first line of the user prompt) is computed once at insert, so the list never
  reads the prompt itself.
- ``id`` is ``AUTOINCREMENT``: ids grow in recording order and are never reused, even after
  a delete or a clear, so "newest first" is ``ORDER BY id DESC`` (free on the table's own
  b-tree and on the FTS index) and a stale id held by the UI can never open a different run.
- ``runs_created`` covers ``created`` plus the model and token columns: the usage-per-day
  query reads only this index, never the rows with their texts.
- ``runs_fts`` is an external-content FTS5 index over the three texts (the texts are stored
  once, in ``runs``), kept in sync by triggers. ``remove_diacritics 2`` lets "resume" find
  "résumé". ``prefix = '2 3'`` stores ready-made lists for 2- and 3-character prefixes:
  without them a search-as-you-type query like ``th*`` merges the lists of every word
  starting with "th" (200+ ms at 100,000 runs); with them it is one list (under 1 ms), for
  about 40% more index on disk.
"""

from __future__ import annotations

import logging
import sqlite3
import time

_log = logging.getLogger(__name__)

_CREATE_RUNS = """
CREATE TABLE runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created REAL NOT NULL,
    model TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('window', 'cli')),
    preset_name TEXT,
    preview TEXT NOT NULL,
    input_tokens INTEGER,
    output_tokens INTEGER,
    total_tokens INTEGER,
    truncation_status TEXT,
    truncation_note TEXT,
    duration_seconds REAL,
    error_title TEXT,
    error_message TEXT,
    system_prompt TEXT NOT NULL,
    user_prompt TEXT NOT NULL,
    answer TEXT NOT NULL
);
CREATE INDEX runs_created ON runs (created, model, input_tokens, output_tokens, total_tokens);
CREATE VIRTUAL TABLE runs_fts USING fts5 (
    system_prompt, user_prompt, answer,
    content = 'runs', content_rowid = 'id',
    prefix = '2 3',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER runs_au AFTER UPDATE OF system_prompt, user_prompt, answer ON runs BEGIN
    INSERT INTO runs_fts (runs_fts, rowid, system_prompt, user_prompt, answer)
    VALUES ('delete', old.id, old.system_prompt, old.user_prompt, old.answer);
    INSERT INTO runs_fts (rowid, system_prompt, user_prompt, answer)
    VALUES (new.id, new.system_prompt, new.user_prompt, new.answer);
END;
"""

INSERT_TRIGGER = """
CREATE TRIGGER runs_ai AFTER INSERT ON runs BEGIN
    INSERT INTO runs_fts (rowid, system_prompt, user_prompt, answer)
    VALUES (new.id, new.system_prompt, new.user_prompt, new.answer);
END;
"""
"""Separate because ``HistoryStore.record_many`` indexes a batch in one statement instead."""

DELETE_TRIGGER = """
CREATE TRIGGER runs_ad AFTER DELETE ON runs BEGIN
    INSERT INTO runs_fts (runs_fts, rowid, system_prompt, user_prompt, answer)
    VALUES ('delete', old.id, old.system_prompt, old.user_prompt, old.answer);
END;
"""
"""Separate because ``HistoryStore.clear`` drops and recreates it around a bulk delete."""

_ADD_DEMO = """
ALTER TABLE runs ADD COLUMN demo INTEGER NOT NULL DEFAULT 0;
DROP INDEX runs_created;
CREATE INDEX runs_created
    ON runs (created, model, input_tokens, output_tokens, total_tokens, demo);
"""
"""Runs against the built-in offline demo are kept, marked, and left out of Usage; ``demo``
joins the usage index so that query still never reads the rows."""

_RUN_COLUMNS = (
    "id, created, model, source, preset_name, preview, input_tokens, output_tokens, "
    "total_tokens, truncation_status, truncation_note, duration_seconds, error_title, "
    "error_message, system_prompt, user_prompt, answer, demo"
)

_SOURCES_AND_EVALUATIONS = f"""
CREATE TABLE runs_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created REAL NOT NULL,
    model TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('window', 'cli', 'evaluate', 'compare')),
    preset_name TEXT,
    preview TEXT NOT NULL,
    input_tokens INTEGER,
    output_tokens INTEGER,
    total_tokens INTEGER,
    truncation_status TEXT,
    truncation_note TEXT,
    duration_seconds REAL,
    error_title TEXT,
    error_message TEXT,
    system_prompt TEXT NOT NULL,
    user_prompt TEXT NOT NULL,
    answer TEXT NOT NULL,
    demo INTEGER NOT NULL DEFAULT 0
);
INSERT INTO runs_new ({_RUN_COLUMNS}) SELECT {_RUN_COLUMNS} FROM runs;
DROP TABLE runs;
ALTER TABLE runs_new RENAME TO runs;
CREATE INDEX runs_created
    ON runs (created, model, input_tokens, output_tokens, total_tokens, demo);
CREATE INDEX runs_source ON runs (source, id);
CREATE TRIGGER runs_au AFTER UPDATE OF system_prompt, user_prompt, answer ON runs BEGIN
    INSERT INTO runs_fts (runs_fts, rowid, system_prompt, user_prompt, answer)
    VALUES ('delete', old.id, old.system_prompt, old.user_prompt, old.answer);
    INSERT INTO runs_fts (rowid, system_prompt, user_prompt, answer)
    VALUES (new.id, new.system_prompt, new.user_prompt, new.answer);
END;
{INSERT_TRIGGER}
{DELETE_TRIGGER}
CREATE TABLE evaluations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created REAL NOT NULL,
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    state TEXT NOT NULL,
    system_prompt TEXT NOT NULL,
    user_prompt TEXT NOT NULL,
    response_format TEXT NOT NULL,
    prompt_fingerprint TEXT NOT NULL,
    prompt_version INTEGER,
    dataset_name TEXT NOT NULL,
    dataset_fingerprint TEXT NOT NULL,
    columns TEXT NOT NULL,
    models TEXT NOT NULL,
    repeat INTEGER NOT NULL,
    variables TEXT NOT NULL DEFAULT '{{}}',
    demo INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX evaluations_dataset ON evaluations (dataset_fingerprint, id);
CREATE TABLE evaluation_cases (
    evaluation_id INTEGER NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
    case_index INTEGER NOT NULL,
    case_key TEXT NOT NULL,
    line INTEGER NOT NULL,
    description TEXT NOT NULL,
    variables TEXT NOT NULL,
    checks TEXT NOT NULL,
    prefix TEXT NOT NULL,
    suffix TEXT NOT NULL,
    allow_truncation INTEGER NOT NULL,
    PRIMARY KEY (evaluation_id, case_index)
) WITHOUT ROWID;
CREATE TABLE evaluation_results (
    evaluation_id INTEGER NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
    case_index INTEGER NOT NULL,
    model_index INTEGER NOT NULL,
    repeat_index INTEGER NOT NULL,
    status TEXT NOT NULL,
    reason TEXT NOT NULL,
    input_tokens INTEGER,
    output_tokens INTEGER,
    total_tokens INTEGER,
    latency_seconds REAL,
    truncation_status TEXT,
    truncation_note TEXT,
    run_id INTEGER,
    checks TEXT NOT NULL,
    answer TEXT NOT NULL,
    PRIMARY KEY (evaluation_id, case_index, model_index, repeat_index)
);
"""
"""Runs gain the sources "evaluate" and "compare" (SQLite cannot change a CHECK in place, so
the table is rebuilt with the same ids; the external-content FTS index refers to rows by id
and stays valid), and evaluations get their tables: the evaluation (what ran), its cases (the
dataset rows, so an evaluation can be resumed and compared without the file), and one result
per cell with its answer last, for the same reason as in ``runs``."""

NOTES_DELETE_TRIGGER = """
CREATE TRIGGER runs_notes_ad AFTER DELETE ON runs WHEN old.rating_note IS NOT NULL BEGIN
    INSERT INTO runs_notes_fts (runs_notes_fts, rowid, rating_note)
    VALUES ('delete', old.id, old.rating_note);
END;
"""
"""Separate because ``HistoryStore.clear`` drops and recreates it around a bulk delete."""

_PRESET_VERSIONS_AND_RATINGS = f"""
ALTER TABLE runs ADD COLUMN preset_id TEXT;
ALTER TABLE runs ADD COLUMN preset_version INTEGER;
ALTER TABLE runs ADD COLUMN rating TEXT CHECK (rating IN ('good', 'bad'));
ALTER TABLE runs ADD COLUMN rating_note TEXT;
CREATE INDEX runs_preset ON runs (preset_name COLLATE NOCASE, preset_version, id, source)
    WHERE preset_name IS NOT NULL;
CREATE INDEX runs_rated ON runs (rating, id) WHERE rating IS NOT NULL;
CREATE VIRTUAL TABLE runs_notes_fts USING fts5 (
    rating_note,
    content = '',
    prefix = '2 3',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER runs_notes_ai AFTER INSERT ON runs WHEN new.rating_note IS NOT NULL BEGIN
    INSERT INTO runs_notes_fts (rowid, rating_note) VALUES (new.id, new.rating_note);
END;
CREATE TRIGGER runs_notes_au AFTER UPDATE OF rating_note ON runs BEGIN
    INSERT INTO runs_notes_fts (runs_notes_fts, rowid, rating_note)
    SELECT 'delete', old.id, old.rating_note WHERE old.rating_note IS NOT NULL;
    INSERT INTO runs_notes_fts (rowid, rating_note)
    SELECT new.id, new.rating_note WHERE new.rating_note IS NOT NULL;
END;
{NOTES_DELETE_TRIGGER}
ALTER TABLE evaluations ADD COLUMN preset_id TEXT;
"""
"""Runs remember the preset's id and version they came from, and a person's rating with its
note; evaluations remember the preset's id next to the version they already had.

- The columns are added, not the table rebuilt: a rebuild copies every text (seconds for a
  large history at the first start after an update), while ``ADD COLUMN`` only changes the
  schema. Rows written before it hold no value for them, which SQLite reads as NULL without
  touching the rest of the row, so the indexes below are built from the small columns.
- ``runs_preset`` serves the History filter by preset name and version, newest first; it
  holds the source too, so leaving out evaluation runs needs no row either. Names
  are compared ignoring case because preset names are unique ignoring case: "summary" and
  "Summary" are one preset, renamed, and must list together. Runs recorded before this
  version have only the name; schema 5 adds the indexes that filter by id. Partial: runs
  without a preset (most of them) are not in it.
- ``runs_rated`` holds only rated runs (a few, rated by hand among thousands), so "Rated
  good" is a short walk of a small index.
- Notes are searched with the texts, through their own small FTS index (``runs_notes_fts``):
  the big index stays as it is (no rebuild), and a note is found with the same words,
  prefixes and accents as a prompt. It holds only the runs that have a note (its triggers
  skip the others), so it is contentless: an external-content index is expected to hold
  every row of its table, and FTS5's own integrity check would call it damaged. The notes
  are kept once, in ``runs``; the index gives only ids."""

_PRESET_IDS = """
CREATE INDEX runs_preset_id ON runs (preset_id, preset_version, id, source)
    WHERE preset_id IS NOT NULL;
CREATE INDEX runs_preset_named
    ON runs (preset_name COLLATE NOCASE, preset_id, preset_version, id, source)
    WHERE preset_name IS NOT NULL;
"""
"""The History filter by preset goes by the preset's id, so a renamed preset keeps its runs
and a name deleted and created again starts with none.

- ``runs_preset_id`` serves the runs that know their preset's id, whatever it was called
  when they ran. ``runs_preset_named`` serves the runs recorded before ids (their name with
  a NULL id, one seek), which still belong to the preset of that name, and tells which
  presets (ids) each name was used by, one seek per name and id, for the filter's choices.
  A list reads both indexes and merges their ids, so a page is still one page and no run is
  read row by row to tell the two kinds apart.
- ``runs_preset`` stays: it serves a name that no preset has now (a deleted preset's runs,
  by name alone) and the names the history has seen."""

MIGRATIONS: tuple[str, ...] = (
    _CREATE_RUNS + INSERT_TRIGGER + DELETE_TRIGGER,
    _ADD_DEMO,
    _SOURCES_AND_EVALUATIONS,
    _PRESET_VERSIONS_AND_RATINGS,
    _PRESET_IDS,
)
"""SQL scripts; index n upgrades schema version n to n + 1."""
SCHEMA_VERSION = len(MIGRATIONS)
#: How long to retry switching a new file to WAL while another connection holds it, and
#: how long each try may wait.
WAL_SWITCH_WAIT_SECONDS = 5.0
WAL_SWITCH_STEP_MS = 20


def configure(conn: sqlite3.Connection) -> str:
    """Set the per-connection options the store relies on; return the journal mode in force.

    WAL lets the window read while ``zerogpu-desktop send`` writes, and makes a commit one
    sequential append. ``synchronous=NORMAL`` is set explicitly: in WAL mode it cannot corrupt
    the database, and a power cut can at worst lose the last run or two, which is worth the
    fsync it saves on every run. Some file systems (network shares) refuse WAL; SQLite then
    keeps its rollback journal, which is slower but just as safe, so that is only logged.
    """
    mode = _switch_to_wal(conn)
    if mode.lower() != "wal":
        _log.warning("History database is in journal mode %r, not WAL", mode)
    conn.execute("PRAGMA synchronous = NORMAL")
    return mode


def _switch_to_wal(conn: sqlite3.Connection) -> str:
    """Turns WAL on (it stays on in the file) and returns the journal mode now in force.

    Switching needs the file to itself. While another connection is opening the same new
    file (the window and the history check at the first start), SQLite may answer
    "database is locked" without using the busy timeout, or only after all of it. That
    moment is brief, so it is waited out here in short steps, within one overall bound.
    """
    mode = _journal_mode(conn)
    if mode.lower() == "wal":
        return mode
    busy_timeout_ms = int(conn.execute("PRAGMA busy_timeout").fetchone()[0])
    deadline = time.monotonic() + WAL_SWITCH_WAIT_SECONDS
    conn.execute(f"PRAGMA busy_timeout = {WAL_SWITCH_STEP_MS}")
    try:
        while True:
            try:
                return str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
            mode = _journal_mode(conn)
            if mode.lower() == "wal":  # the other connection switched it
                return mode
    finally:
        conn.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")


def _journal_mode(conn: sqlite3.Connection) -> str:
    return str(conn.execute("PRAGMA journal_mode").fetchone()[0])


def _schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _statements(script: str) -> list[str]:
    """The script's statements one by one (``executescript`` would commit the transaction)."""
    statements, pending = [], ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        raise ValueError(f"incomplete SQL statement in a migration: {pending.strip()[:60]}")
    return statements


def migrate(conn: sqlite3.Connection) -> str | None:
    """Bring the schema to SCHEMA_VERSION; ``conn`` must be in autocommit mode.

    Each step re-reads the version after taking the write lock: another connection may
    have migrated the same file meanwhile (the window and the history check open a new
    file together at the first start), and a step must never run twice.

    Returns:
        A sentence for the user when the file comes from a newer version of the app (it is
        used as is: newer versions only add columns and tables), else None.

    Raises:
        sqlite3.Error: A migration failed; it was rolled back.
    """
    version = _schema_version(conn)
    if version > SCHEMA_VERSION:
        _log.warning("History schema %d is newer than %d", version, SCHEMA_VERSION)
        return (
            "The history was written by a newer version of ZeroGPU Desktop; it is used as it "
            "is, but details that version added are not shown."
        )
    for target in range(version + 1, SCHEMA_VERSION + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            if _schema_version(conn) >= target:
                conn.execute("COMMIT")
                continue
            for statement in _statements(MIGRATIONS[target - 1]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {target}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        _log.info("History database migrated to schema %d", target)
    return None
