"""Every run is kept exactly, listed newest first, searchable, deletable, and summed per day."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from zerogpu_desktop.api.models import Usage
from zerogpu_desktop.api.tokens import TruncationStatus
from zerogpu_desktop.storage.history.schema import SCHEMA_VERSION
from zerogpu_desktop.storage.history.store import (
    DailyUsage,
    HistoryStore,
    RunRecord,
    open_history_store,
)

UNICODE = 'Grüße, 世界! 👩‍💻 e\u0301 \t tabs\r\nCRLF \\ "quotes" \u2028 end'


@pytest.fixture
def store(tmp_path: Path) -> Iterator[HistoryStore]:
    with HistoryStore(tmp_path) as history:
        yield history


def run(user: str = "hello", answer: str = "world", **changes: Any) -> RunRecord:
    return dataclasses.replace(RunRecord("m", "sys", user, answer, created=1000.0), **changes)


def test_fresh_history_is_empty_without_a_problem(tmp_path: Path) -> None:
    opened = open_history_store(tmp_path)

    with opened.value as store:
        assert store.page() == []
        assert store.count() == 0
        assert store.path.name == "history.sqlite3"
    assert opened.problem is None


def test_record_and_get_keep_every_field(store: HistoryStore) -> None:
    original = RunRecord(
        model="zgpu-large",
        system_prompt=UNICODE,
        user_prompt="\n\n  First   line  \nsecond " + UNICODE,
        answer=UNICODE * 100,
        created=1_718_000_000.25,
        input_tokens=10,
        output_tokens=20,
        total_tokens=30,
        truncation_status=TruncationStatus.POSSIBLY_TRUNCATED,
        truncation_note="Possibly truncated: ~40 tokens estimated, 10 counted.",
        duration_seconds=1.5,
        error_title=None,
        error_message=None,
        source="cli",
        preset_name="Summarise",
    )

    run_id = store.record(original)

    assert store.get(run_id) == dataclasses.replace(original, id=run_id)
    assert store.get(run_id + 1) is None
    got = store.get(run_id)
    assert got is not None
    assert got.usage == Usage(10, 20, 30)


def test_failed_run_round_trips_with_its_error(store: HistoryStore) -> None:
    failed = run(answer="", error_title="Rate limited", error_message="Wait 20 s.")

    got = store.get(store.record(failed))

    assert got is not None
    assert got.failed
    assert got.usage is None
    assert (got.error_title, got.error_message) == ("Rate limited", "Wait 20 s.")


def test_page_is_newest_first_with_a_short_preview(store: HistoryStore) -> None:
    ids = [store.record(run(user=f"prompt {n}\nmore", created=1000.0 + n)) for n in range(5)]
    store.record(run(user="x" * 500 + "\nsecond line"))

    first, *rest = store.page(0, 3)

    assert first.preview == "x" * 119 + "…"
    assert [s.id for s in rest] == [ids[4], ids[3]]
    assert rest[0].preview == "prompt 4"
    assert [s.id for s in store.page(3, 3)] == [ids[2], ids[1], ids[0]]
    assert store.page(6, 3) == []


def test_keyset_paging_continues_after_the_last_id_shown(store: HistoryStore) -> None:
    ids = [store.record(run(user=f"word{n % 2} item")) for n in range(10)]

    assert [s.id for s in store.page(0, 3, before_id=ids[5])] == [ids[4], ids[3], ids[2]]
    assert [s.id for s in store.page(0, 3, "word1", before_id=ids[5])] == [ids[3], ids[1]]


def test_summary_carries_what_the_list_shows(store: HistoryStore) -> None:
    store.record(
        run(
            input_tokens=1,
            output_tokens=2,
            total_tokens=3,
            truncation_status=TruncationStatus.TRUNCATED,
            error_title=None,
            source="cli",
            preset_name="P",
        )
    )

    (summary,) = store.page()

    assert summary.truncation_status is TruncationStatus.TRUNCATED
    assert (summary.input_tokens, summary.output_tokens, summary.total_tokens) == (1, 2, 3)
    assert (summary.source, summary.preset_name, summary.failed) == ("cli", "P", False)
    assert not hasattr(summary, "answer")


def test_page_refuses_nonsense_sizes(store: HistoryStore) -> None:
    for offset, limit in [(-1, 10), (0, 0), (0, 100_000)]:
        with pytest.raises(ValueError, match="bad page"):
            store.page(offset, limit)


def test_search_covers_system_prompt_user_prompt_and_answer(store: HistoryStore) -> None:
    in_system = store.record(run(user="u", answer="a", system_prompt="pirate voice"))
    in_user = store.record(run(user="tell me about PIRATES", answer="a"))
    in_answer = store.record(run(user="u", answer="Arr, a pirate's life"))
    store.record(run(user="nothing here", answer="none"))

    assert {s.id for s in store.page(search="pirate")} == {in_system, in_user, in_answer}
    assert store.count("pirate") == 3
    assert [s.id for s in store.page(search="tell pirat")] == [in_user]
    assert store.count("") == 4


def test_search_ignores_accents_and_case(store: HistoryStore) -> None:
    run_id = store.record(run(user="Mon résumé, s'il vous plaît"))

    assert [s.id for s in store.page(search="RESUME plait")] == [run_id]


def test_search_pages_are_newest_first(store: HistoryStore) -> None:
    ids = [store.record(run(user=f"common {n}")) for n in range(7)]

    assert [s.id for s in store.page(0, 3, "common")] == ids[::-1][:3]
    assert [s.id for s in store.page(3, 3, "common")] == ids[::-1][3:6]


def test_delete_removes_the_run_from_list_and_search(store: HistoryStore) -> None:
    keep = store.record(run(user="alpha keep"))
    gone = store.record(run(user="alpha gone"))

    assert store.delete(gone) is True
    assert store.delete(gone) is False

    assert store.get(gone) is None
    assert [s.id for s in store.page(search="alpha")] == [keep]
    assert store.count("gone") == 0


def test_ids_are_never_reused_after_delete_or_clear(store: HistoryStore) -> None:
    first = store.record(run())
    store.delete(first)
    second = store.record(run())
    store.clear()

    assert store.record(run()) > second > first


def test_clear_removes_everything_including_from_the_file(tmp_path: Path) -> None:
    secret_words = "unforgettablesecretphrase"
    with HistoryStore(tmp_path) as store:
        store.record_many(run(user=f"{secret_words} {n}", answer=secret_words) for n in range(200))

        assert store.clear() == 200

        assert store.count() == 0
        assert store.count(secret_words) == 0
        assert store.page() == []
        store.record(run(user="after clear"))
        assert store.count("after") == 1
    for path in tmp_path.iterdir():
        assert secret_words.encode() not in path.read_bytes(), path.name


def test_edits_to_texts_keep_the_search_index_in_sync(store: HistoryStore) -> None:
    run_id = store.record(run(user="before"))
    store._conn.execute("UPDATE runs SET user_prompt = 'after' WHERE id = ?", (run_id,))

    assert store.count("before") == 0
    assert store.count("after") == 1
    integrity = "INSERT INTO runs_fts (runs_fts, rank) VALUES ('integrity-check', 1)"
    store._conn.execute(integrity)  # raises if the index and the table disagree


def test_record_many_indexes_every_run_and_keeps_the_trigger(store: HistoryStore) -> None:
    store.record(run(user="single before"))

    assert store.record_many(run(user=f"bulk {n}") for n in range(50)) == 50
    store.record(run(user="single after"))

    assert store.count("bulk") == 50
    assert store.count("single") == 2
    store._conn.execute("INSERT INTO runs_fts (runs_fts, rank) VALUES ('integrity-check', 1)")


def test_record_many_stores_nothing_when_one_run_fails(store: HistoryStore) -> None:
    bad = run()
    object.__setattr__(bad, "source", "smoke signals")  # bypass validation: the DB refuses it

    with pytest.raises(Exception, match="could not be saved"):
        store.record_many([run(), bad])

    assert store.count() == 0
    store.record(run(user="still works"))
    assert store.count("works") == 1


def test_run_source_is_validated() -> None:
    with pytest.raises(ValueError, match="source"):
        run(source="web")


def test_wal_mode_synchronous_and_schema_version(store: HistoryStore) -> None:
    conn = store._conn

    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_second_connection_sees_runs_recorded_by_the_first(tmp_path: Path) -> None:
    with HistoryStore(tmp_path) as window, HistoryStore(tmp_path) as cli:
        run_id = cli.record(run(user="from the command line", source="cli"))

        assert [s.id for s in window.page(search="command")] == [run_id]


def test_reopening_keeps_runs_and_does_not_migrate_again(tmp_path: Path) -> None:
    with HistoryStore(tmp_path) as store:
        run_id = store.record(run(user="kept"))
    reopened = open_history_store(tmp_path)
    with reopened.value as store:
        assert store.get(run_id) is not None
    assert reopened.problem is None


def test_usage_by_day_sums_per_local_day_and_model(store: HistoryStore) -> None:
    day = dt.date(2024, 3, 10)

    def at(date: dt.date, hour: int) -> float:
        return dt.datetime.combine(date, dt.time(hour)).timestamp()

    yesterday = day - dt.timedelta(days=1)
    store.record_many(
        [
            run(model="a", created=at(day, 0), input_tokens=1, output_tokens=2, total_tokens=3),
            run(model="a", created=at(day, 23), input_tokens=10, output_tokens=20, total_tokens=30),
            run(model="b", created=at(day, 12), input_tokens=5, output_tokens=5),  # total missing
            run(model="a", created=at(yesterday, 12), input_tokens=7, output_tokens=0),
            run(model="a", created=at(yesterday, 13), error_title="Failed"),  # no usage
            run(model="a", created=at(day - dt.timedelta(days=30), 12), input_tokens=99),
            run(model="a", created=at(day + dt.timedelta(days=1), 0), input_tokens=99),
        ]
    )

    rows = store.usage_by_day(30, today=day)

    assert rows == [
        DailyUsage(yesterday, "a", 2, 7, 0, 7),
        DailyUsage(day, "a", 2, 11, 22, 33),
        DailyUsage(day, "b", 1, 5, 5, 10),
    ]
    day_, model, runs, inp, out, total = rows[0]  # unpacks like a plain tuple
    assert (day_, model, runs, inp, out, total) == (yesterday, "a", 2, 7, 0, 7)
    assert store.usage_by_day(1, today=day) == rows[1:]
    with pytest.raises(ValueError, match="days"):
        store.usage_by_day(0)


def test_usage_by_day_reads_only_the_covering_index(store: HistoryStore) -> None:
    plan = store._conn.execute(
        "EXPLAIN QUERY PLAN SELECT date(created, 'unixepoch', 'localtime') AS day, model, "
        "count(*), sum(input_tokens), sum(output_tokens), sum(total_tokens) FROM runs "
        "WHERE created >= 0 AND created < 1 GROUP BY day, model"
    ).fetchall()

    assert any("COVERING INDEX runs_created" in row[-1] for row in plan)


def test_close_is_idempotent_and_later_use_fails_loudly(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path)
    store.close()
    store.close()

    with pytest.raises(sqlite3.ProgrammingError):
        store.count()


def test_record_batch_gives_each_run_its_id_in_order_in_one_transaction(
    store: HistoryStore,
) -> None:
    before = store.record(run("before"))

    ids = store.record_batch([run(f"batch {n}") for n in range(5)])

    assert ids == list(range(before + 1, before + 6))
    assert [store.get(i).user_prompt for i in ids] == [f"batch {n}" for n in range(5)]  # type: ignore[union-attr]
    assert store.count("batch") == 5  # indexed for search like any run


def test_a_failing_batch_stores_none_of_its_runs(store: HistoryStore) -> None:
    runs: list[Any] = [run("kept out 1"), object(), run("kept out 2")]

    with pytest.raises(AttributeError):
        store.record_batch(runs)

    assert store.count() == 0
    assert store.record(run("after")) >= 1  # the connection is usable: the batch rolled back
