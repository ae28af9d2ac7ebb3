"""Schema 3: runs gain the sources "evaluate" and "compare" without losing a run, an id or the
search index, and evaluations get their tables."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from zerogpu_desktop.storage.history.schema import MIGRATIONS, SCHEMA_VERSION
from zerogpu_desktop.storage.history.store import HistoryStore, RunRecord


def _version_2_file(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(MIGRATIONS[0])
    conn.executescript(MIGRATIONS[1])
    conn.execute("PRAGMA user_version = 2")
    for number, source in ((1, "cli"), (2, "window"), (3, "cli")):
        conn.execute(
            "INSERT INTO runs (created, model, source, preview, system_prompt, user_prompt, "
            "answer, total_tokens, demo) VALUES (?, 'm', ?, 'p', '', ?, ?, 7, ?)",
            (time.time(), source, f"question {number} résumé", f"answer {number}", number == 3),
        )
    conn.execute("DELETE FROM runs WHERE id = 2")  # a gap the ids must keep
    conn.close()


def test_a_version_2_history_keeps_its_runs_ids_search_and_demo_marks(tmp_path: Path) -> None:
    _version_2_file(tmp_path / "history.sqlite3")
    with HistoryStore(tmp_path) as store:
        assert [(row.id, row.source, row.demo) for row in store.page()] == [
            (3, "cli", True),
            (1, "cli", False),
        ]
        assert [row.id for row in store.page(0, 10, "resume")] == [3, 1]
        new = store.record(RunRecord("m", "", "from an evaluation", "x", source="evaluate"))
        assert new == 4  # AUTOINCREMENT survived the rebuild: no id is reused
        assert store.get(new).source == "evaluate"  # type: ignore[union-attr]
        assert [row.id for row in store.page(0, 10, "evaluation")] == [4]
        store.delete(1)
        assert [row.id for row in store.page(0, 10, "answer")] == [3]  # the delete trigger
    conn = sqlite3.connect(tmp_path / "history.sqlite3")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 3
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"evaluations", "evaluation_cases", "evaluation_results"} <= tables
    conn.close()


def test_a_source_outside_the_four_is_still_refused(tmp_path: Path) -> None:
    with HistoryStore(tmp_path) as store:
        conn = sqlite3.connect(store.path)
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(
                "INSERT INTO runs (created, model, source, preview, system_prompt, user_prompt, "
                "answer) VALUES (0, 'm', 'elsewhere', 'p', '', 'p', 'a')"
            )
        conn.close()


def test_the_list_and_search_can_leave_out_the_runs_of_evaluations(tmp_path: Path) -> None:
    with HistoryStore(tmp_path) as store:
        for number in range(30):
            source = "window" if number % 10 == 0 else "evaluate"
            store.record(RunRecord("m", "", f"topic {number}", "answer", source=source))
        assert store.count() == 30
        assert store.count(batch_runs=False) == 3
        assert store.count("topic", batch_runs=False) == 3
        alone = store.page(0, 2, batch_runs=False)
        assert [row.id for row in alone] == [21, 11]  # a full page, not a page filtered after
        assert [row.id for row in store.page(0, 2, batch_runs=False, before_id=11)] == [1]
        found = store.page(0, 2, "topic", batch_runs=False)
        assert [row.id for row in found] == [21, 11]
        assert [row.id for row in store.page(0, 5, "topic", before_id=11, batch_runs=False)] == [1]
        assert len(store.page(0, 50, "topic")) == 30
