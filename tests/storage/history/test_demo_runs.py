"""Runs against the offline demo are kept and marked, and never counted in Usage."""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from pathlib import Path

from zerogpu_desktop.storage.history.schema import MIGRATIONS, SCHEMA_VERSION
from zerogpu_desktop.storage.history.store import HistoryStore, RunRecord


def test_a_demo_run_is_marked_and_left_out_of_usage(tmp_path: Path) -> None:
    now = time.time()
    with HistoryStore(tmp_path) as store:
        real = store.record(
            RunRecord(
                "m", "", "real", "a", created=now, input_tokens=10, output_tokens=5, total_tokens=15
            )
        )
        demo = store.record(
            RunRecord(
                "demo-echo",
                "",
                "demo",
                "b",
                created=now,
                input_tokens=1000,
                output_tokens=1000,
                total_tokens=2000,
                demo=True,
            )
        )
        assert store.get(demo).demo is True  # type: ignore[union-attr]
        assert store.get(real).demo is False  # type: ignore[union-attr]
        assert [s.demo for s in store.page()] == [True, False]
        usage = store.usage_by_day(1, today=dt.date.fromtimestamp(now))
        assert [(u.model, u.total_tokens) for u in usage] == [("m", 15)]


def test_a_history_from_before_the_demo_column_is_migrated_with_its_runs(
    tmp_path: Path,
) -> None:
    path = tmp_path / "history.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(MIGRATIONS[0])  # the schema as version 1 of the app made it
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO runs (created, model, source, preview, system_prompt, user_prompt, answer,"
        " total_tokens) VALUES (?, 'old-model', 'cli', 'p', '', 'p', 'a', 7)",
        (time.time(),),
    )
    conn.close()
    with HistoryStore(tmp_path) as store:
        (summary,) = store.page()
        assert summary.model == "old-model"
        assert summary.demo is False
        assert [u.total_tokens for u in store.usage_by_day(1)] == [7]
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()
