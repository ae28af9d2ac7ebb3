"""Schema 4: runs keep their preset's version and a person's rating with a note; the list
filters by both, the search finds notes, and a version-3 file upgrades without losing a run."""

from __future__ import annotations

import itertools
import re
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from zerogpu_desktop.storage.history.listing import ListFilter, count_query, page_query
from zerogpu_desktop.storage.history.schema import MIGRATIONS, SCHEMA_VERSION
from zerogpu_desktop.storage.history.store import HistoryStore, RunRecord
from zerogpu_desktop.storage.history.types import MAX_RATING_NOTE, RatingFilter
from zerogpu_desktop.workbench.outcome import RunOutcome
from zerogpu_desktop.workbench.records import record_for
from zerogpu_desktop.workbench.spec import PromptSpec


def run(prompt: str, **fields: object) -> RunRecord:
    return RunRecord("m", "", prompt, f"answer to {prompt}", **fields)  # type: ignore[arg-type]


def _version_3_file(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    for script in MIGRATIONS[:3]:
        conn.executescript(script)
    conn.execute("PRAGMA user_version = 3")
    for number, preset in ((1, "Summarise"), (2, None), (3, "summarise"), (4, None)):
        conn.execute(
            "INSERT INTO runs (created, model, source, preset_name, preview, system_prompt, "
            "user_prompt, answer) VALUES (?, 'm', 'cli', ?, 'p', '', ?, ?)",
            (time.time(), preset, f"question {number} résumé", f"answer {number}"),
        )
    conn.execute("DELETE FROM runs WHERE id = 4")  # a gap the ids must keep
    conn.execute(
        "INSERT INTO evaluations (created, title, source, state, system_prompt, user_prompt, "
        "response_format, prompt_fingerprint, dataset_name, dataset_fingerprint, columns, "
        "models, repeat) VALUES (0, 'Summarise', 'cli', 'done', '', 'p', 'text', 'fp', 'd.csv', "
        "'dfp', '[]', '[\"m\"]', 1)"
    )
    conn.close()


def test_a_version_3_history_keeps_every_run_its_search_and_gains_ratings(tmp_path: Path) -> None:
    _version_3_file(tmp_path / "history.sqlite3")
    with HistoryStore(tmp_path) as store:
        assert [row.id for row in store.page()] == [3, 2, 1]
        assert [row.id for row in store.page(0, 10, "resume")] == [3, 2, 1]
        assert store.count("answer") == 3
        assert all(row.rating is None and row.preset_version is None for row in store.page())
        assert [row.id for row in store.page(preset="SUMMARISE")] == [3, 1]
        assert store.preset_names() == ["summarise"]  # the newest spelling
        assert store.rate(1, "good", "kept after the upgrade")
        assert [row.id for row in store.page(0, 10, "upgrade")] == [1]
        new = store.record(run("after", preset_name="Summarise", preset_version=2))
        assert new == 5  # no id reused
        assert store.preset_versions("summarise") == [2]
        store.delete(3)
        assert [row.id for row in store.page(0, 10, "resume")] == [2, 1]
    conn = sqlite3.connect(tmp_path / "history.sqlite3")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 4
    evaluation = conn.execute("SELECT title, preset_id, prompt_version FROM evaluations").fetchone()
    assert evaluation == ("Summarise", None, None)
    _check_indexes(conn)
    conn.close()


def _check_indexes(conn: sqlite3.Connection) -> None:
    """FTS5's own check of both indexes (the texts' one against the rows too)."""
    conn.execute("INSERT INTO runs_fts (runs_fts, rank) VALUES ('integrity-check', 1)")
    conn.execute("INSERT INTO runs_notes_fts (runs_notes_fts) VALUES ('integrity-check')")


def test_a_rating_and_its_note_are_stored_replaced_and_cleared(tmp_path: Path) -> None:
    with HistoryStore(tmp_path) as store:
        run_id = store.record(run("How do tides work?"))
        assert store.rate(run_id, "good", "  Clear.\r\nShort\x1b[2J and \u202eright.\t ")
        record = store.get(run_id)
        assert record is not None
        assert (record.rating, record.rating_note) == ("good", "Clear.\nShort[2J and right.")
        assert store.rate(run_id, "bad")
        record = store.get(run_id)
        assert record is not None
        assert (record.rating, record.rating_note) == ("bad", None)
        assert store.rate(run_id, None, "a note without a rating is not kept")
        record = store.get(run_id)
        assert record is not None
        assert (record.rating, record.rating_note) == (None, None)
        assert store.rate(run_id + 1, "good") is False


def test_a_note_too_long_or_an_unknown_rating_is_refused_with_a_sentence(tmp_path: Path) -> None:
    with HistoryStore(tmp_path) as store:
        run_id = store.record(run("q"))
        assert store.rate(run_id, "good", "x" * MAX_RATING_NOTE)
        with pytest.raises(ValueError, match=r"shorten it to at most 2,000 characters\.$"):
            store.rate(run_id, "good", "x" * (MAX_RATING_NOTE + 1))
        with pytest.raises(ValueError, match="rating must be one of"):
            store.rate(run_id, "great", "")  # type: ignore[arg-type]
        record = store.get(run_id)
        assert record is not None
        assert record.rating_note == "x" * MAX_RATING_NOTE  # the refused ones changed nothing
        conn = sqlite3.connect(store.path)
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute("UPDATE runs SET rating = 'meh' WHERE id = ?", (run_id,))
        conn.close()


def test_a_recorded_run_keeps_its_preset_version_and_rating_as_storable_values(
    tmp_path: Path,
) -> None:
    with pytest.raises(ValueError, match="rating must be one of"):
        run("q", rating="fine")
    with HistoryStore(tmp_path) as store:
        first = store.record(
            run(
                "imported",
                preset_name="P",
                preset_id="id-1",
                preset_version=3,
                rating="bad",
                rating_note="n" * (MAX_RATING_NOTE + 50) + "\x07",
            )
        )
        second = store.record(run("odd", preset_version=0, rating_note="no rating, no note"))
        record, odd = store.get(first), store.get(second)
        assert record is not None
        assert odd is not None
        assert (record.preset_id, record.preset_version, record.rating) == ("id-1", 3, "bad")
        assert record.rating_note == "n" * MAX_RATING_NOTE  # a record is cut, never refused
        assert (odd.preset_version, odd.rating, odd.rating_note) == (None, None, None)
        assert store.record_many([run("bulk", rating="good", rating_note="bulk walrus")]) == 1
        assert [row.preview for row in store.page(0, 5, "walrus")] == ["bulk"]


def test_the_run_row_takes_the_preset_id_and_version_from_the_spec() -> None:
    spec = PromptSpec("m", "", "hi", preset_name="Owls", preset_version=4, preset_id="owl-id")
    outcome = RunOutcome(spec, spec.rendered(), None, None, None, None, 0.1, None, cancelled=True)
    row = record_for(outcome, "window")
    assert (row.preset_name, row.preset_id, row.preset_version) == ("Owls", "owl-id", 4)


@pytest.fixture
def rated_history(tmp_path: Path) -> Iterator[HistoryStore]:
    """24 runs over two presets (one spelled two ways), versions, sources and ratings."""
    store = HistoryStore(tmp_path)
    runs = []
    for number in range(24):
        preset = ("Summarise", "summarise", "Translate", None)[number % 4]
        runs.append(
            run(
                f"topic {number} walrus",
                preset_name=preset,
                preset_version=(number % 3) + 1 if preset else None,
                source=("evaluate", "compare", "window", "window", "cli")[number % 5],
            )
        )
    store.record_many(runs)
    for run_id, rating in ((2, "good"), (5, "bad"), (9, "good"), (14, "bad"), (21, "good")):
        store.rate(run_id, rating, f"note {run_id} pélican")  # type: ignore[arg-type]
    yield store
    store.close()


def _finds(search: str, text: str) -> bool:
    """Every word of `search` is a word of `text`, the last one possibly cut (as typed)."""
    words = re.findall(r"\w+", text.lower().replace("é", "e"))
    *whole, last = search.lower().split()
    if len(last) < 2:
        whole, last = [*whole, last], ""
    return all(term in words for term in whole) and (
        not last or any(word.startswith(last) for word in words)
    )


def _expected(store: HistoryStore, where: ListFilter) -> list[int]:
    """The ids the filter keeps, worked out in Python from every run."""
    kept = []
    for run_id in range(24, 0, -1):
        record = store.get(run_id)
        assert record is not None
        texts = (f"{record.user_prompt} {record.answer}", record.rating_note or "")
        if where.search and not any(_finds(where.search, text) for text in texts):
            continue
        if not where.batch_runs and record.source == "evaluate":
            continue
        name = (record.preset_name or "").casefold()
        if where.preset is not None and name != where.preset.casefold():
            continue
        if where.preset_version is not None and record.preset_version != where.preset_version:
            continue
        wanted, rating = where.rating, record.rating
        if wanted is not None and (rating is None or wanted not in ("rated", rating)):
            continue
        kept.append(run_id)
    return kept


SPELLINGS = ("Summarise", "summarise")
FILTERS = list(
    itertools.product(
        ("", "walrus", "pelican", "topic 1", "note pel"),
        (True, False),
        (None, "SUMMARISE", "Translate", "Nothing"),
        (None, 2),
        (None, "good", "bad", "rated"),
    )
)


@pytest.mark.parametrize(("search", "batch_runs", "preset", "version", "rating"), FILTERS)
def test_every_filter_combination_pages_and_counts_the_same_runs(
    rated_history: HistoryStore,
    search: str,
    batch_runs: bool,
    preset: str | None,
    version: int | None,
    rating: RatingFilter | None,
) -> None:
    store = rated_history
    if version is not None and preset is None:
        with pytest.raises(ValueError, match="needs a preset"):
            store.page(preset=preset, preset_version=version)
        return
    where = ListFilter(search, batch_runs, preset, version, rating)
    expected = _expected(store, where)
    filters = {"batch_runs": batch_runs, "preset": preset, "preset_version": version}
    page = store.page(0, 50, search, rating=rating, **filters)  # type: ignore[arg-type]
    assert [row.id for row in page] == expected
    assert store.count(search, rating=rating, **filters) == len(expected)  # type: ignore[arg-type]
    # Keyset paging in pages of 2 walks the same runs.
    walked: list[int] = []
    before: int | None = None
    while True:
        rows = store.page(0, 2, search, before_id=before, rating=rating, **filters)  # type: ignore[arg-type]
        walked += [row.id for row in rows]
        if len(rows) < 2:
            break
        before = rows[-1].id
    assert walked == expected


def test_the_list_shows_each_runs_preset_version_and_rating(rated_history: HistoryStore) -> None:
    row = rated_history.page(0, 1, "pelican", preset="summarise", rating="good")[0]
    assert (row.id, row.preset_name, row.preset_version) == (21, "Summarise", 3)
    assert (row.rating, row.rating_note) == ("good", "note 21 pélican")
    with pytest.raises(ValueError, match="rating must be one of"):
        rated_history.page(rating="great")  # type: ignore[arg-type]


def test_preset_names_are_one_per_preset_and_versions_ascending(
    rated_history: HistoryStore,
) -> None:
    store = rated_history
    # "Summarise" and "summarise" are one preset, shown as its newest run of its latest
    # version spells it.
    runs = [store.get(run_id) for run_id in range(1, 25)]
    latest = [r for r in runs if r and r.preset_version == 3 and r.preset_name in SPELLINGS]
    assert store.preset_names() == [max(latest, key=lambda r: r.id or 0).preset_name, "Translate"]
    assert store.preset_versions("SUMMARISE") == [1, 2, 3]
    assert store.preset_versions("Nothing") == []
    store.record(run("no version", preset_name="Alpha"))
    assert store.preset_names()[0] == "Alpha"
    assert store.preset_versions("alpha") == []


def test_a_note_is_searched_like_the_texts_and_forgotten_with_its_rating(tmp_path: Path) -> None:
    with HistoryStore(tmp_path) as store:
        first = store.record(run("about tides"))
        second = store.record(run("about owls"))
        store.rate(first, "good", "Précis et court")
        assert [row.id for row in store.page(0, 10, "precis")] == [first]
        assert [row.id for row in store.page(0, 10, "cou")] == [first]  # a prefix as typed
        assert [row.id for row in store.page(0, 10, "about cour")] == []  # terms in one text
        assert store.count("precis") == 1
        store.rate(second, "bad", "about nothing")
        assert [row.id for row in store.page(0, 10, "about")] == [second, first]
        assert store.count("about") == 2  # a run found twice counts once
        store.rate(first, None)
        assert store.page(0, 10, "precis") == []
        store.delete(second)
        assert store.page(0, 10, "nothing") == []
        store.rate(store.record(run("again")), "good", "walrus")
        assert store.clear() == 2
        assert store.page(0, 10, "walrus") == []
        conn = sqlite3.connect(store.path)
        _check_indexes(conn)
        # Cleared means gone: not a token of a note is left in the index.
        assert conn.execute("SELECT count(*) FROM runs_notes_fts_docsize").fetchone() == (0,)
        conn.close()


def _plan(store: HistoryStore, sql: str, params: dict[str, object]) -> list[str]:
    conn = sqlite3.connect(store.path)
    try:
        return [str(row[3]) for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params)]
    finally:
        conn.close()


def test_filtered_lists_read_their_ids_from_the_small_indexes(rated_history: HistoryStore) -> None:
    """Guards the plans the 100,000-run figures depend on (see listing.py)."""
    by_preset = ListFilter(batch_runs=False, preset="Summarise")
    for sql, params in (page_query(by_preset, 0, 50, None), count_query(by_preset)):
        plan = " | ".join(_plan(rated_history, sql, params))
        assert "COVERING INDEX runs_preset" in plan, plan
    by_rating = ListFilter(preset="Summarise", rating="rated")
    plan = " | ".join(_plan(rated_history, *page_query(by_rating, 0, 50, None)))
    assert "runs_rated" in plan, plan
    searched = ListFilter("walrus", batch_runs=False, preset="Summarise")
    plan_rows = _plan(rated_history, *page_query(searched, 0, 50, None))
    # The two indexes' matches are merged as read (so the page stops after one page), and
    # each arm starts from its FTS index, never from the preset's runs.
    assert "MERGE (UNION)" in plan_rows, plan_rows
    arms = [number for number, row in enumerate(plan_rows) if "VIRTUAL TABLE" in row]
    assert [plan_rows[n].split(" VIRTUAL")[0] for n in arms] == [
        "SCAN runs_fts",
        "SCAN runs_notes_fts",
    ], plan_rows
    for number in arms:
        assert plan_rows[number + 1] == "SEARCH runs USING INTEGER PRIMARY KEY (rowid=?)"
    assert not any("runs_preset" in row for row in plan_rows), plan_rows
