"""Which presets and versions the history has runs of, for the History panel's filters.

Read from the ``runs_preset`` index (name ignoring case, version, id) one name or one version
at a time: each step is one seek to the next distinct key, so the cost grows with how many
presets there are, not with how many runs they have (``SELECT DISTINCT`` would read every
entry of the index, 100,000 for a history used mostly through presets).
"""

from __future__ import annotations

import sqlite3

__all__ = ["MAX_PRESETS", "MAX_VERSIONS", "names", "versions"]

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


def names(conn: sqlite3.Connection) -> list[str]:
    """The preset names seen, alphabetical ignoring case (see ``HistoryStore.preset_names``)."""
    found: list[str] = []
    row = conn.execute(_LAST_NAME).fetchone()
    while row is not None and len(found) < MAX_PRESETS:
        found.append(str(row[0]))
        row = conn.execute(_NEXT_NAME, {"after": row[0]}).fetchone()
    found.reverse()
    return found


def versions(conn: sqlite3.Connection, name: str) -> list[int]:
    """The versions of ``name`` seen, ascending (see ``HistoryStore.preset_versions``)."""
    found: list[int] = []
    below = 2**63 - 1
    while len(found) < MAX_VERSIONS:
        row = conn.execute(_NEXT_VERSION, {"name": name, "below": below}).fetchone()
        if row is None or not isinstance(row[0], int):
            break
        below = row[0]
        found.append(below)
    found.reverse()
    return found
