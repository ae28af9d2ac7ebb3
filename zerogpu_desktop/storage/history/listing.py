"""The SQL of the history list and its count: newest first, searched, filtered.

The plain list walks the table's own id order; a search walks the FTS index in rowid order
(the same ids), so both stop after one page whatever the size of the history. Leaving out
the runs of evaluations filters on `runs.source` as the rows are read, so
a page is still one page.

A search also finds runs by their rating note, which has its own small FTS index
(``runs_notes_fts``, see ``schema``). The page merges the two indexes' matches, each read
newest first and both cut at the page's end, so the big index is still read one page deep;
the count counts the union of both, so a run found by its texts and its note counts once.

A filtered list reads its page's ids from an index first (``runs_rated`` when a rating is
asked for, as rated runs are few; else the preset's indexes, which hold the preset's id or
name, the version, the id and the source), sorts only those ids, then reads the page's rows:
a preset with 30,000 runs lists in milliseconds. Walking the table instead would be as fast
for a common preset but read every run for a rare one. A name is compared with
``COLLATE NOCASE``, as that index is built, or the index could not serve it.

A preset that exists now is filtered by its id (``runs_preset_id``) together with the runs
recorded before runs knew their preset's id, by name (``runs_preset_named``): a rename
keeps the runs, and a name deleted and created again starts a new preset. The two indexes'
ids are merged newest first, like a search's two indexes. A name no preset has now is
filtered by the name alone (``runs_preset``), so a deleted preset's runs are still found.

In a search the FTS index leads (``CROSS JOIN`` keeps SQLite from starting with the preset's
runs and asking FTS5 about each of them, which costs a full query per run).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zerogpu_desktop.storage.history.arguments import (
    checked_number,
    checked_preset_id,
    checked_text,
)
from zerogpu_desktop.storage.history.search import fts_query
from zerogpu_desktop.storage.history.types import (
    RATING_FILTERS,
    RatingFilter,
    RunSummary,
    rating_from_db,
    status_from_db,
)

__all__ = [
    "SUMMARY_COLUMNS",
    "ListFilter",
    "checked_filter",
    "count_query",
    "page_query",
    "summary_of",
]

SUMMARY_COLUMNS = (
    "runs.id, runs.created, runs.model, runs.preview, runs.truncation_status, "
    "runs.input_tokens, runs.output_tokens, runs.total_tokens, runs.error_title, "
    "runs.source, runs.preset_name, runs.demo, runs.preset_version, runs.rating, "
    "runs.rating_note"
)
#: Everything but the cells of evaluations, thousands at a time. A comparison's columns are
#: listed: a handful of runs someone started, looks at and rates.
_NOT_BATCH = "runs.source != 'evaluate'"
_BY_ID = "runs.preset_id = :preset_id"
_UNLINKED = "runs.preset_id IS NULL AND runs.preset_name = :preset COLLATE NOCASE"
_BY_NAME = "runs.preset_name = :preset COLLATE NOCASE"


@dataclass(frozen=True, slots=True)
class ListFilter:
    """Which runs a page or a count covers (see ``HistoryStore.page`` for each field).

    ``preset_id`` is the id of the preset called ``preset`` now, when there is one: the
    runs that know their preset's id are then kept by it, and only the runs without an id
    by the name.

    Raises:
        ValueError: A version without a preset, a preset id without its name, or a rating
            filter that is none of RATING_FILTERS.
    """

    search: str = ""
    batch_runs: bool = True
    preset: str | None = None
    preset_version: int | None = None
    rating: RatingFilter | None = None
    preset_id: str | None = None

    def __post_init__(self) -> None:
        if self.preset is not None and not self.preset.strip():
            object.__setattr__(self, "preset", None)
        if self.preset_id is not None and not self.preset_id:
            object.__setattr__(self, "preset_id", None)
        if self.preset_version is not None and self.preset is None:
            raise ValueError("a preset version filter needs a preset name too")
        if self.preset_id is not None and self.preset is None:
            raise ValueError("a preset id filter needs the preset's name too")
        if self.rating is not None and self.rating not in RATING_FILTERS:
            raise ValueError(f"rating must be one of {RATING_FILTERS} or None")

    def conditions(self, preset_arm: str | None = None) -> tuple[list[str], dict[str, Any]]:
        """The filters as conditions on ``runs``, with their parameters (no search).

        ``preset_arm`` replaces the preset's condition with one half of it (see ``_arms``).
        """
        conditions: list[str] = [] if self.batch_runs else [_NOT_BATCH]
        params: dict[str, Any] = {}
        if self.preset is not None:
            if preset_arm is not None:
                conditions.append(preset_arm)
            elif self.preset_id is not None:
                conditions.append(f"({_BY_ID} OR ({_UNLINKED}))")
            else:
                conditions.append(_BY_NAME)
            params["preset"] = self.preset
            if self.preset_id is not None:
                params["preset_id"] = self.preset_id
        if self.preset_version is not None:
            conditions.append("runs.preset_version = :preset_version")
            params["preset_version"] = self.preset_version
        if self.rating == "rated":
            conditions.append("runs.rating IS NOT NULL")
        elif self.rating is not None:
            conditions.append("runs.rating = :rating")
            params["rating"] = self.rating
        return conditions, params


def page_query(
    where: ListFilter, offset: int, limit: int, before_id: int | None
) -> tuple[str, dict[str, Any]]:
    """The SELECT of one page and its parameters (see ``HistoryStore.page``)."""
    conditions, params = where.conditions()
    params.update(limit=limit, offset=offset, before=before_id)
    query = fts_query(where.search)
    # Plain comparisons (no "OR :before IS NULL" trick), so SQLite and FTS5 turn them
    # into a range start on the id order instead of a filter applied while scanning.
    if query is None:
        older = ["runs.id < :before"] if before_id is not None else []
        arms = _arms(where)
        if not arms:
            return (
                f"SELECT {SUMMARY_COLUMNS} FROM runs {_where([*older, *conditions])}"
                "ORDER BY runs.id DESC LIMIT :limit OFFSET :offset"
            ), params
        ids = " UNION ALL ".join(
            f"SELECT runs.id FROM runs INDEXED BY {index} {_where([*older, *arm])}"
            for index, arm in arms
        )
        return (
            f"SELECT {SUMMARY_COLUMNS} FROM runs WHERE runs.id IN ({ids} "
            "ORDER BY 1 DESC LIMIT :limit OFFSET :offset) ORDER BY runs.id DESC"
        ), params
    params["query"] = query
    texts = _matches("runs_fts", conditions, before_id)
    notes = _matches("runs_notes_fts", conditions, before_id)
    return (
        f"SELECT {SUMMARY_COLUMNS} FROM runs WHERE runs.id IN ({texts} UNION {notes} "
        "ORDER BY 1 DESC LIMIT :limit OFFSET :offset) ORDER BY runs.id DESC"
    ), params


def count_query(where: ListFilter) -> tuple[str, dict[str, Any]]:
    """The count of the list or of a search (see ``HistoryStore.count``)."""
    conditions, params = where.conditions()
    query = fts_query(where.search)
    if query is None:
        arms = _arms(where)
        if not arms:
            return f"SELECT count(*) FROM runs {_where(conditions)}", params
        counts = " + ".join(
            f"(SELECT count(*) FROM runs INDEXED BY {index} {_where(arm)})" for index, arm in arms
        )
        return f"SELECT {counts}", params
    params["query"] = query
    # A UNION, not the notes' matches checked one by one against the texts: a prefix query
    # costs FTS5 about as much for one run as for all of them.
    texts = _matches("runs_fts", conditions, None)
    notes = _matches("runs_notes_fts", conditions, None)
    return f"SELECT count(*) FROM ({texts} UNION {notes})", params


def summary_of(row: tuple[Any, ...]) -> RunSummary:
    """A row of SUMMARY_COLUMNS as the list's value."""
    (run_id, created, model, preview, status, inp, out, total, error, source, preset) = row[:11]
    demo, version, rating, note = row[11:]
    return RunSummary(
        id=run_id,
        created=created,
        model=model,
        preview=preview,
        truncation_status=status_from_db(status),
        input_tokens=inp,
        output_tokens=out,
        total_tokens=total,
        error_title=error,
        source=source,
        preset_name=preset,
        demo=bool(demo),
        preset_version=version if isinstance(version, int) else None,
        rating=rating_from_db(rating),
        rating_note=note if isinstance(note, str) and rating_from_db(rating) else None,
    )


def _arms(where: ListFilter) -> list[tuple[str, list[str]]]:
    """The indexes a filtered list without a search reads its ids from, each with the
    conditions it answers (see above); none for the plain list."""
    if where.rating is not None:
        return [("runs_rated", where.conditions()[0])]
    if where.preset is None:
        return []
    if where.preset_id is None:
        return [("runs_preset", where.conditions()[0])]
    return [
        ("runs_preset_id", where.conditions(_BY_ID)[0]),
        ("runs_preset_named", where.conditions(_UNLINKED)[0]),
    ]


def _matches(index: str, conditions: list[str], before_id: int | None) -> str:
    """The ids that the FTS ``index`` matches and the runs' filters keep."""
    older = [f"{index}.rowid < :before"] if before_id is not None else []
    if not conditions:
        return f"SELECT rowid FROM {index} WHERE {index} MATCH :query {_and(older)}"
    return (
        f"SELECT {index}.rowid FROM {index} CROSS JOIN runs ON runs.id = {index}.rowid "
        f"WHERE {index} MATCH :query {_and([*older, *conditions])}"
    )


def _where(conditions: list[str]) -> str:
    return f"WHERE {' AND '.join(conditions)} " if conditions else ""


def _and(conditions: list[str]) -> str:
    return "".join(f"AND {condition} " for condition in conditions)


def checked_filter(
    search: str,
    batch_runs: bool,
    preset: str | None,
    version: int | None,
    rating: RatingFilter | None,
    preset_id: str | None,
) -> ListFilter:
    """The filter of ``HistoryStore.page`` and ``count``, its values' types checked first
    (see ``arguments``)."""
    if preset is not None:
        checked_text(preset, "preset")
    if version is not None:
        checked_number(version, "preset_version")
    return ListFilter(
        checked_text(search, "search"),
        batch_runs,
        preset,
        version,
        rating,
        checked_preset_id(preset_id),
    )
