"""Which presets and versions the history has runs of, for the History panel's filters.

Read from the ``runs_preset`` index (name ignoring case, version, id) one name or one version
at a time: each step is one seek to the next distinct key, so the cost grows with how many
presets there are, not with how many runs they have (``SELECT DISTINCT`` would read every
entry of the index, 100,000 for a history used mostly through presets).

A preset that exists now is known by its id (see ``schema._PRESET_IDS``): its versions are
those of the runs with its id and of the runs recorded before ids under its name, each read
from its own index the same way.
"""

from __future__ import annotations

import sqlite3

__all__ = ["MAX_PRESETS", "MAX_VERSIONS", "names", "names_and_ids", "versions"]

MAX_PRESETS = 1000
"""At most this many names are listed: a filter menu longer than this is unusable anyway."""
MAX_VERSIONS = 1000
"""At most this many versions of one preset are listed, the newest ones."""

# Descending: the first row with a name below the last one found is the newest run of the
# latest version of the next name, whose spelling is the one to show.
_NEXT_NAME = (
    "SELECT preset_name FROM runs WHERE preset_name < :after COLLATE NOCASE "
    "ORDER BY preset_name COLLATE NOCASE DESC, preset_version DESC, id DESC LIMIT 1"
)
_LAST_NAME = (
    "SELECT preset_name FROM runs WHERE preset_name IS NOT NULL "
    "ORDER BY preset_name COLLATE NOCASE DESC, preset_version DESC, id DESC LIMIT 1"
)
_NEXT_VERSION = (
    "SELECT preset_version FROM runs WHERE preset_name = :name COLLATE NOCASE "
    "AND preset_version < :below ORDER BY preset_version DESC LIMIT 1"
)
_NEXT_ID_VERSION = (
    "SELECT preset_version FROM runs WHERE preset_id = :preset_id "
    "AND preset_version < :below ORDER BY preset_version DESC LIMIT 1"
)
_NEXT_UNLINKED_VERSION = (
    "SELECT preset_version FROM runs INDEXED BY runs_preset_named "
    "WHERE preset_name = :name COLLATE NOCASE AND preset_id IS NULL "
    "AND preset_version < :below ORDER BY preset_version DESC LIMIT 1"
)
_LAST_PAIR = (
    "SELECT preset_name, preset_id FROM runs INDEXED BY runs_preset_named "
    "WHERE preset_name IS NOT NULL "
    "ORDER BY preset_name COLLATE NOCASE DESC, preset_id DESC LIMIT 1"
)
_NEXT_ID_OF_NAME = (
    "SELECT preset_name, preset_id FROM runs INDEXED BY runs_preset_named "
    "WHERE preset_name = :name COLLATE NOCASE AND preset_id < :preset_id "
    "ORDER BY preset_id DESC LIMIT 1"
)
_UNLINKED_OF_NAME = (
    "SELECT preset_name, preset_id FROM runs INDEXED BY runs_preset_named "
    "WHERE preset_name = :name COLLATE NOCASE AND preset_id IS NULL LIMIT 1"
)
_NEXT_PAIR_NAME = (
    "SELECT preset_name, preset_id FROM runs INDEXED BY runs_preset_named "
    "WHERE preset_name < :name COLLATE NOCASE "
    "ORDER BY preset_name COLLATE NOCASE DESC, preset_id DESC LIMIT 1"
)


def names(conn: sqlite3.Connection) -> list[str]:
    """The preset names seen, alphabetical ignoring case (see ``HistoryStore.preset_names``)."""
    found: list[str] = []
    row = conn.execute(_LAST_NAME).fetchone()
    while row is not None and len(found) < MAX_PRESETS:
        found.append(str(row[0]))
        row = conn.execute(_NEXT_NAME, {"after": row[0]}).fetchone()
    found.reverse()
    return found


def versions(conn: sqlite3.Connection, name: str, preset_id: str | None = None) -> list[int]:
    """The versions of ``name`` seen, ascending (see ``HistoryStore.preset_versions``).

    With ``preset_id``, the versions of the runs with that id and of the runs without an id
    under ``name``; without it, those of every run under ``name``.
    """
    steps = (
        [(_NEXT_ID_VERSION, {"preset_id": preset_id}), (_NEXT_UNLINKED_VERSION, {"name": name})]
        if preset_id
        else [(_NEXT_VERSION, {"name": name})]
    )
    found: list[int] = []
    below = 2**63 - 1
    while len(found) < MAX_VERSIONS:
        seen = [_version(conn, sql, {**params, "below": below}) for sql, params in steps]
        numbers = [number for number in seen if number is not None]
        if not numbers:
            break
        below = max(numbers)
        found.append(below)
    found.reverse()
    return found


def names_and_ids(conn: sqlite3.Connection) -> list[tuple[str, str | None]]:
    """Each name seen with each preset id its runs had (None: runs from before ids).

    Alphabetical ignoring case, at most MAX_PRESETS pairs; a name's spelling is one of its
    runs'. One seek a pair, for the filter to tell a name of a current preset (by its id)
    from a name only the history remembers.
    """
    found: list[tuple[str, str | None]] = []
    row = conn.execute(_LAST_PAIR).fetchone()
    while row is not None and len(found) < MAX_PRESETS:
        name, preset_id = str(row[0]), row[1] if isinstance(row[1], str) else None
        found.append((name, preset_id))
        same_name = None
        if preset_id is not None:
            same_name = (
                conn.execute(_NEXT_ID_OF_NAME, {"name": name, "preset_id": preset_id}).fetchone()
                or conn.execute(_UNLINKED_OF_NAME, {"name": name}).fetchone()
            )
        row = same_name or conn.execute(_NEXT_PAIR_NAME, {"name": name}).fetchone()
    found.reverse()
    return found


def _version(conn: sqlite3.Connection, sql: str, params: dict[str, object]) -> int | None:
    row = conn.execute(sql, params).fetchone()
    return row[0] if row is not None and isinstance(row[0], int) else None
