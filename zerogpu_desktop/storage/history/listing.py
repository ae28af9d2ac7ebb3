"""The SQL of the history list and its count: newest first, searched, with or without batches.

The plain list walks the table's own id order; a search walks the FTS index in rowid order
(the same ids), so both stop after one page whatever the size of the history. Leaving out
the runs of evaluations and comparisons filters on `runs.source` as the rows are read, so
a page is still one page.
"""

from __future__ import annotations

from typing import Any

from zerogpu_desktop.storage.history.search import fts_query

__all__ = ["SUMMARY_COLUMNS", "count_query", "page_query"]

SUMMARY_COLUMNS = (
    "runs.id, runs.created, runs.model, runs.preview, runs.truncation_status, "
    "runs.input_tokens, runs.output_tokens, runs.total_tokens, runs.error_title, "
    "runs.source, runs.preset_name, runs.demo"
)
#: The runs of one prompt: everything but the cells of evaluations and comparisons.
_NOT_BATCH = "runs.source IN ('window', 'cli')"


def page_query(
    search: str, offset: int, limit: int, before_id: int | None, *, batch_runs: bool
) -> tuple[str, dict[str, Any]]:
    """The SELECT of one page and its parameters (see ``HistoryStore.page``)."""
    query = fts_query(search)
    params: dict[str, Any] = {"limit": limit, "offset": offset, "query": query}
    params["before"] = before_id
    # Plain comparisons (no "OR :before IS NULL" trick), so SQLite and FTS5 turn them
    # into a range start on the id order instead of a filter applied while scanning.
    if query is None:
        conditions = [
            *(["runs.id < :before"] if before_id is not None else []),
            *([] if batch_runs else [_NOT_BATCH]),
        ]
        where = f"WHERE {' AND '.join(conditions)} " if conditions else ""
        return (
            f"SELECT {SUMMARY_COLUMNS} FROM runs {where}"
            "ORDER BY runs.id DESC LIMIT :limit OFFSET :offset"
        ), params
    if batch_runs:
        older = "AND rowid < :before " if before_id is not None else ""
        return (
            f"SELECT {SUMMARY_COLUMNS} FROM runs JOIN (SELECT rowid AS hit FROM runs_fts "
            f"WHERE runs_fts MATCH :query {older}"
            "ORDER BY rowid DESC LIMIT :limit OFFSET :offset) ON runs.id = hit "
            "ORDER BY runs.id DESC"
        ), params
    older = "AND runs_fts.rowid < :before " if before_id is not None else ""
    return (
        f"SELECT {SUMMARY_COLUMNS} FROM runs_fts JOIN runs ON runs.id = runs_fts.rowid "
        f"WHERE runs_fts MATCH :query {older}AND {_NOT_BATCH} "
        "ORDER BY runs_fts.rowid DESC LIMIT :limit OFFSET :offset"
    ), params


def count_query(search: str, *, batch_runs: bool) -> tuple[str, tuple[Any, ...]]:
    """The count of the list or of a search (see ``HistoryStore.count``)."""
    query = fts_query(search)
    if query is None:
        only = "" if batch_runs else f" WHERE {_NOT_BATCH}"
        return f"SELECT count(*) FROM runs{only}", ()
    if batch_runs:
        return "SELECT count(*) FROM runs_fts WHERE runs_fts MATCH ?", (query,)
    return (
        "SELECT count(*) FROM runs_fts JOIN runs ON runs.id = runs_fts.rowid "
        f"WHERE runs_fts MATCH ? AND {_NOT_BATCH}"
    ), (query,)
