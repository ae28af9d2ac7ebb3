"""Schema 5: the preset filter goes by the preset's id (a rename keeps its runs, a name deleted
and created again starts a new preset), runs from before ids by name; comparison runs are
listed with the window's; the API refuses values of the wrong type or size with a sentence."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from zerogpu_desktop.storage.history.listing import ListFilter, count_query, page_query
from zerogpu_desktop.storage.history.schema import MIGRATIONS, SCHEMA_VERSION
from zerogpu_desktop.storage.history.store import HistoryStore, RunRecord


def _run(prompt: str, name: str | None, version: int | None, **fields: object) -> RunRecord:
    run = RunRecord("m", "", prompt, "answer", preset_name=name, preset_version=version)
    return RunRecord(**{**run.__dict__, **fields})


@pytest.fixture
def history(tmp_path: Path) -> HistoryStore:
    """Greet (id A) renamed Hello; Greet deleted and made again (id B); runs before ids."""
    store = HistoryStore(tmp_path)
    store.record_many(
        [
            _run("legacy greet", "Greet", 1),  # 1
            _run("a greet", "Greet", 1, preset_id="A"),  # 2
            _run("a hello", "Hello", 2, preset_id="A"),  # 3
            _run("b greet", "greet", 1, preset_id="B", source="compare"),  # 4
            _run("b cell", "Greet", 1, preset_id="B", source="evaluate"),  # 5
            _run("legacy hello", "hello", 2),  # 6
        ]
    )
    return store


def _ids(store: HistoryStore, search: str = "", **where: object) -> list[int]:
    return [row.id for row in store.page(0, 50, search, **where)]  # type: ignore[arg-type]


def test_a_current_preset_is_filtered_by_its_id_and_runs_without_one_by_its_name(
    history: HistoryStore,
) -> None:
    assert _ids(history, preset="Hello", preset_id="A") == [6, 3, 2]
    assert history.count(preset="HELLO", preset_id="A") == 3
    assert _ids(history, preset="Greet", preset_id="B", preset_version=1) == [5, 4, 1]
    assert _ids(history, preset="Greet", preset_id="B", batch_runs=False) == [4, 1]
    assert _ids(history, "greet", preset="Greet", preset_id="B") == [4, 1]  # searched
    history.rate(2, "good")
    assert _ids(history, preset="Hello", preset_id="A", rating="good") == [2]
    walked = [row.id for row in history.page(0, 2, preset="Hello", preset_id="A", before_id=6)]
    assert walked == [3, 2]
    # No preset has the name now: every run under it.
    assert _ids(history, preset="Greet") == [5, 4, 2, 1]
    assert history.preset_versions("Hello", "A") == [1, 2]
    assert history.preset_versions("Greet", "B") == [1]
    assert history.preset_versions("Greet") == [1]
    pairs = [(name.casefold(), key) for name, key in history.preset_names_and_ids()]
    assert pairs == [
        ("greet", None),
        ("greet", "A"),
        ("greet", "B"),
        ("hello", None),
        ("hello", "A"),
    ]
    history.close()


def test_the_id_filter_reads_two_covering_indexes(history: HistoryStore) -> None:
    where = ListFilter(batch_runs=False, preset="Hello", preset_version=2, preset_id="A")
    conn = sqlite3.connect(history.path)
    for sql, params in (page_query(where, 0, 50, 9), count_query(where)):
        plan = " | ".join(str(row[3]) for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params))
        assert "COVERING INDEX runs_preset_id" in plan, plan
        assert "COVERING INDEX runs_preset_named" in plan, plan
    conn.close()
    with pytest.raises(ValueError, match="needs the preset's name"):
        ListFilter(preset_id="A")
    history.close()


def test_a_version_4_history_gains_the_id_indexes_and_keeps_every_run(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "history.sqlite3")
    for script in MIGRATIONS[:4]:
        conn.executescript(script)
    conn.execute("PRAGMA user_version = 4")
    conn.execute(
        "INSERT INTO runs (created, model, source, preset_name, preview, system_prompt, "
        "user_prompt, answer, preset_id, preset_version) "
        "VALUES (0, 'm', 'window', 'Greet', 'p', '', 'p', 'a', 'A', 1)"
    )
    conn.commit()
    conn.close()
    with HistoryStore(tmp_path) as store:
        assert _ids(store, preset="Hello", preset_id="A") == [1]
    conn = sqlite3.connect(tmp_path / "history.sqlite3")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"runs_preset", "runs_preset_id", "runs_preset_named"} <= names
    conn.close()


def test_values_of_the_wrong_type_or_size_are_refused_with_a_sentence(tmp_path: Path) -> None:
    with HistoryStore(tmp_path) as store:
        run_id = store.record(_run("x", "Greet", 1))
        for call, words in (
            (lambda: store.rate(2**63, "good"), "run_id must be from 1"),
            (lambda: store.rate(0, "good"), "run_id must be from 1"),
            (lambda: store.rate("10", "good"), "run_id must be a whole number"),  # type: ignore[arg-type]
            (lambda: store.rate(True, "good"), "run_id must be a whole number"),
            (lambda: store.rate(run_id, "good", None), "note must be text"),  # type: ignore[arg-type]
            (lambda: store.rate(run_id, "great"), "rating must be one of"),  # type: ignore[arg-type]
            (lambda: store.rate(run_id, 1), "rating must be one of"),  # type: ignore[arg-type]
            (lambda: store.page(preset="Greet", preset_version=2**70), "preset_version must"),
            (lambda: store.count(preset="Greet", preset_version="2"), "preset_version must"),  # type: ignore[arg-type]
            (lambda: store.page(preset="Greet", preset_id=7), "preset_id must be text"),  # type: ignore[arg-type]
            (lambda: store.page(before_id=2**64), "before_id must be from 1"),
            (lambda: store.preset_versions(None), "preset name must be text"),  # type: ignore[arg-type]
        ):
            with pytest.raises(ValueError, match=words):
                call()
        assert store.rate(run_id, "good", "fine")
        assert store.get(run_id).rating == "good"  # type: ignore[union-attr]
