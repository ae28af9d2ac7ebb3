"""Evaluations in the history database: what ran, its cases, and one row per cell result.

The tables live in the history file (``storage/history/schema.py``, from schema 3), next to
the runs each cell was recorded as, so an evaluation is kept, reopened, resumed and compared
without its dataset file. A store wraps one SQLite connection and is used on the thread that opened
it: the engine writes from its own worker thread (results in batches, one transaction each),
the window reads the grid from its own connection (WAL lets both work at once).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zerogpu_desktop.safe_text import replace_surrogates
from zerogpu_desktop.storage.history.opening import open_history_db
from zerogpu_desktop.storage.history.store import HISTORY_FILE_NAME
from zerogpu_desktop.storage.history.transactions import sqlite_errors, transaction
from zerogpu_desktop.storage.history.types import status_from_db
from zerogpu_desktop.storage.history.values import token_count
from zerogpu_desktop.workbench.evaluate.types import (
    Case,
    CellKey,
    CellResult,
    CellStatus,
    CheckOutcome,
    EvaluationInfo,
    EvaluationState,
)

__all__ = ["EvaluationListing", "EvaluationStore", "open_evaluation_store"]

_INFO_COLUMNS = (
    "id, created, title, state, system_prompt, user_prompt, response_format, "
    "prompt_fingerprint, prompt_version, dataset_name, dataset_fingerprint, models, repeat, "
    "variables"
)
_RESULT_COLUMNS = (
    "case_index, model_index, repeat_index, status, reason, input_tokens, output_tokens, "
    "total_tokens, latency_seconds, truncation_status, truncation_note, run_id, checks, answer"
)


@dataclass(frozen=True, slots=True)
class EvaluationListing:
    """One line of ``eval list`` and of the window's list of evaluations."""

    info: EvaluationInfo
    cases: int
    results: int
    passed: int
    failed: int
    errors: int


class EvaluationStore:
    """Reads and writes evaluations over one connection to the history database."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __repr__(self) -> str:
        return "EvaluationStore()"

    # -- writing ---------------------------------------------------------------------------

    def create(
        self,
        info: EvaluationInfo,
        columns: Sequence[str],
        cases: Sequence[Case],
        *,
        source: str,
        demo: bool = False,
    ) -> int:
        """Stores a new evaluation with its cases; returns its id."""
        with sqlite_errors("The evaluation could not be saved"), transaction(self._conn):
            cursor = self._conn.execute(
                "INSERT INTO evaluations (created, title, source, state, system_prompt, "
                "user_prompt, response_format, prompt_fingerprint, prompt_version, "
                "dataset_name, dataset_fingerprint, columns, models, repeat, variables, demo) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    info.created,
                    _text(info.title),
                    source,
                    info.state.value,
                    _text(info.system_prompt),
                    _text(info.user_prompt),
                    _text(info.response_format),
                    info.prompt_fingerprint,
                    info.prompt_version,
                    _text(info.dataset_name),
                    info.dataset_fingerprint,
                    _json(list(columns)),
                    _json(list(info.models)),
                    info.repeat,
                    _json(dict(info.variables)),
                    int(demo),
                ),
            )
            evaluation_id = cursor.lastrowid
            assert evaluation_id is not None
            self._conn.executemany(
                "INSERT INTO evaluation_cases (evaluation_id, case_index, case_key, line, "
                "description, variables, checks, prefix, suffix, allow_truncation) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    (
                        evaluation_id,
                        case.index,
                        case.key,
                        case.line,
                        _text(case.description),
                        _json(dict(case.variables)),
                        _json(list(case.checks)),
                        _text(case.prefix),
                        _text(case.suffix),
                        int(case.allow_truncation),
                    )
                    for case in cases
                ),
            )
        return evaluation_id

    def set_state(self, evaluation_id: int, state: EvaluationState) -> None:
        with sqlite_errors("The evaluation could not be saved"):
            self._conn.execute(
                "UPDATE evaluations SET state = ? WHERE id = ?", (state.value, evaluation_id)
            )

    def save_results(self, evaluation_id: int, results: Sequence[CellResult]) -> None:
        """Stores a batch of results in one transaction (a re-run cell replaces its row)."""
        with sqlite_errors("The evaluation's results could not be saved"), transaction(self._conn):
            self._conn.executemany(
                f"INSERT OR REPLACE INTO evaluation_results (evaluation_id, {_RESULT_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                ((evaluation_id, *_result_row(result)) for result in results),
            )

    def link_versions(
        self, preset_name: str, preset_id: str, version_by_fingerprint: Mapping[str, int]
    ) -> int:
        """Ties evaluations stored before presets had versions to the version they ran.

        Such an evaluation knows only the preset's name (its title) and the prompt's content
        fingerprint; the version whose content has the same fingerprint is the one it ran.
        Only evaluations without a version are touched, so running this again (at every
        start) changes nothing. The name is compared ignoring case, as preset names are.

        Args:
            preset_name: The preset's name, as evaluations of it are titled.
            preset_id: The preset's stable id, stored with the version.
            version_by_fingerprint: Each version's content fingerprint (``plan.
                prompt_fingerprint``) and its number; when two versions share one content
                (a restore), the caller gives the one to link to.

        Returns:
            How many evaluations were linked.
        """
        pairs = [
            (version, fingerprint)
            for fingerprint, version in version_by_fingerprint.items()
            if isinstance(version, int) and not isinstance(version, bool) and version >= 1
        ]
        linked = 0
        action = "The evaluations could not be linked to their preset's versions"
        with sqlite_errors(action), transaction(self._conn):
            for version, fingerprint in pairs:
                cursor = self._conn.execute(
                    "UPDATE evaluations SET prompt_version = ?, preset_id = ? "
                    "WHERE title = ? COLLATE NOCASE AND prompt_version IS NULL "
                    "AND prompt_fingerprint = ?",
                    (version, _text(preset_id), _text(preset_name), fingerprint),
                )
                linked += max(cursor.rowcount, 0)
        return linked

    def unversioned_titles(self) -> list[str]:
        """The titles of evaluations with no preset version yet (see ``link_versions``)."""
        rows = self._conn.execute(
            "SELECT DISTINCT title FROM evaluations WHERE prompt_version IS NULL"
        ).fetchall()
        return [str(row[0]) for row in rows]

    def delete(self, evaluation_id: int) -> bool:
        """Deletes an evaluation and its results (the history keeps the runs)."""
        with sqlite_errors("The evaluation could not be deleted"), transaction(self._conn):
            for table in ("evaluation_results", "evaluation_cases"):
                self._conn.execute(f"DELETE FROM {table} WHERE evaluation_id = ?", (evaluation_id,))
            cursor = self._conn.execute("DELETE FROM evaluations WHERE id = ?", (evaluation_id,))
        return cursor.rowcount > 0

    # -- reading ---------------------------------------------------------------------------

    def info(self, evaluation_id: int) -> EvaluationInfo | None:
        row = self._conn.execute(
            f"SELECT {_INFO_COLUMNS} FROM evaluations WHERE id = ?", (evaluation_id,)
        ).fetchone()
        return _info(row) if row else None

    def columns(self, evaluation_id: int) -> tuple[str, ...]:
        row = self._conn.execute(
            "SELECT columns FROM evaluations WHERE id = ?", (evaluation_id,)
        ).fetchone()
        return tuple(str(name) for name in json.loads(row[0])) if row else ()

    def cases(self, evaluation_id: int) -> list[Case]:
        rows = self._conn.execute(
            "SELECT case_index, line, description, variables, checks, prefix, suffix, "
            "allow_truncation FROM evaluation_cases WHERE evaluation_id = ? ORDER BY case_index",
            (evaluation_id,),
        )
        return [
            Case(
                index=index,
                variables=json.loads(variables),
                checks=tuple(json.loads(checks)),
                description=description,
                prefix=prefix,
                suffix=suffix,
                allow_truncation=bool(allow),
                line=line,
            )
            for index, line, description, variables, checks, prefix, suffix, allow in rows
        ]

    def results(
        self, evaluation_id: int, *, first_case: int = 0, last_case: int | None = None
    ) -> Iterator[CellResult]:
        """The results in case, model, repeat order, read as they are consumed (streaming)."""
        models = self._models(evaluation_id)
        last = last_case if last_case is not None else 2**62
        cursor = self._conn.execute(
            f"SELECT {_RESULT_COLUMNS} FROM evaluation_results WHERE evaluation_id = ? "
            "AND case_index BETWEEN ? AND ? ORDER BY case_index, model_index, repeat_index",
            (evaluation_id, first_case, last),
        )
        for row in cursor:
            yield _result(row, models)

    def done_cells(self, evaluation_id: int, *, errors_too: bool = True) -> set[CellKey]:
        """The cells that have a result; without `errors_too`, errored cells count as not done."""
        where = "" if errors_too else " AND status != 'error'"
        rows = self._conn.execute(
            "SELECT case_index, model_index, repeat_index FROM evaluation_results "
            f"WHERE evaluation_id = ?{where}",
            (evaluation_id,),
        )
        return {CellKey(*row) for row in rows}

    def listing(self, limit: int = 100) -> list[EvaluationListing]:
        """The newest evaluations first, with their counts."""
        # One pass over each evaluation's results for all four counts (not a pass each).
        rows = self._conn.execute(
            f"SELECT {_INFO_COLUMNS}, "
            "(SELECT count(*) FROM evaluation_cases c WHERE c.evaluation_id = e.id), "
            "count(r.status), coalesce(sum(r.status = 'passed'), 0), "
            "coalesce(sum(r.status = 'failed'), 0), coalesce(sum(r.status = 'error'), 0) "
            "FROM (SELECT * FROM evaluations ORDER BY id DESC LIMIT ?) e "
            "LEFT JOIN evaluation_results r ON r.evaluation_id = e.id "
            "GROUP BY e.id ORDER BY e.id DESC",
            (limit,),
        )
        return [EvaluationListing(_info(row[:14]), *row[14:]) for row in rows]

    def earlier_of_same_dataset(self, evaluation_id: int) -> int | None:
        """The latest evaluation before this one over the same dataset file, if any."""
        row = self._conn.execute(
            "SELECT id FROM evaluations WHERE dataset_fingerprint = "
            "(SELECT dataset_fingerprint FROM evaluations WHERE id = ?) AND id < ? "
            "ORDER BY id DESC LIMIT 1",
            (evaluation_id, evaluation_id),
        ).fetchone()
        return int(row[0]) if row else None

    def close(self) -> None:
        self._conn.close()

    # -- helpers ---------------------------------------------------------------------------

    def _models(self, evaluation_id: int) -> list[str]:
        row = self._conn.execute(
            "SELECT models FROM evaluations WHERE id = ?", (evaluation_id,)
        ).fetchone()
        return [str(model) for model in json.loads(row[0])] if row else []


def open_evaluation_store(data_dir: Path, *, check: bool = False) -> EvaluationStore:
    """Opens the history file of `data_dir` for evaluations (on the calling thread).

    Raises:
        HistoryError: The history database cannot be used.
    """
    conn, _problem = open_history_db(data_dir / HISTORY_FILE_NAME, check=check)
    return EvaluationStore(conn)


def _text(value: str) -> str:
    return replace_surrogates(value)


def _json(value: Any) -> str:
    return replace_surrogates(json.dumps(value, ensure_ascii=False))


def _result_row(result: CellResult) -> tuple[Any, ...]:
    checks = [{"check": c.check, "passed": c.passed, "reason": c.reason} for c in result.checks]
    latency = result.latency_seconds
    return (
        result.key.case_index,
        result.key.model_index,
        result.key.repeat_index,
        result.status.value,
        _text(result.reason),
        token_count(result.input_tokens),
        token_count(result.output_tokens),
        token_count(result.total_tokens),
        latency if latency is not None and 0 <= latency < 1e9 else None,
        result.truncation_status.value if result.truncation_status else None,
        _text(result.truncation_note) if result.truncation_note is not None else None,
        result.run_id,
        _json(checks),
        _text(result.answer),
    )


def _result(row: tuple[Any, ...], models: Sequence[str]) -> CellResult:
    (
        case,
        model,
        repeat,
        status,
        reason,
        inp,
        out,
        total,
        latency,
        trunc,
        note,
        run,
        checks,
        answer,
    ) = row
    return CellResult(
        key=CellKey(case, model, repeat),
        model=models[model] if 0 <= model < len(models) else "",
        status=CellStatus(status),
        answer=answer,
        reason=reason,
        checks=tuple(
            CheckOutcome(c["check"], bool(c["passed"]), c["reason"]) for c in json.loads(checks)
        ),
        input_tokens=inp,
        output_tokens=out,
        total_tokens=total,
        latency_seconds=latency,
        truncation_status=status_from_db(trunc),
        truncation_note=note,
        run_id=run,
    )


def _info(row: Sequence[Any]) -> EvaluationInfo:
    (eid, created, title, state, system, user, fmt, prompt_fp, version, name, data_fp, models) = (
        row[:12]
    )
    repeat, variables = row[12:14]
    return EvaluationInfo(
        id=eid,
        created=created,
        title=title,
        system_prompt=system,
        user_prompt=user,
        response_format=fmt,
        prompt_fingerprint=prompt_fp,
        prompt_version=version,
        dataset_name=name,
        dataset_fingerprint=data_fp,
        models=tuple(json.loads(models)),
        repeat=repeat,
        state=_state(state),
        variables=json.loads(variables),
    )


def _state(value: str) -> EvaluationState:
    try:
        return EvaluationState(value)
    except ValueError:  # a state from a newer version
        return EvaluationState.CANCELLED
