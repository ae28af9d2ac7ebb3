"""The history keeps a run whatever its content, and the writer thread outlives any one record."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import math
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest

from zerogpu_desktop.api.tokens import TruncationStatus
from zerogpu_desktop.storage.history.store import HistoryStore, RunRecord
from zerogpu_desktop.storage.history.types import HistoryError
from zerogpu_desktop.storage.history.values import SQLITE_MAX_INT, row_params, token_count
from zerogpu_desktop.storage.history.writer import HistoryWriter

NOW = 1_700_000_000.0


@pytest.fixture
def store(tmp_path: Path) -> Iterator[HistoryStore]:
    with HistoryStore(tmp_path) as history:
        yield history


def hostile(**changes: Any) -> RunRecord:
    base = RunRecord(
        model="model \ud800",
        system_prompt="sys \udfff",
        user_prompt="broken \ud83d prompt",
        answer="answer with lone \ud800 surrogate and zebra",
        created=math.inf,
        input_tokens=2**64,
        output_tokens=-5,
        total_tokens=SQLITE_MAX_INT + 1,
        truncation_status=TruncationStatus.NOT_TRUNCATED,
        truncation_note="note \ud800",
        duration_seconds=math.nan,
        error_title="title \udc00",
        error_message="message \ud800",
        preset_name="preset \ud800",
    )
    return dataclasses.replace(base, **changes)


def test_a_hostile_run_is_stored_with_every_value_made_storable(store: HistoryStore) -> None:
    run_id = store.record(hostile())

    kept = store.get(run_id)

    assert kept is not None
    assert kept.model == "model \ufffd"
    assert kept.system_prompt == "sys \ufffd"
    assert kept.user_prompt == "broken \ufffd prompt"
    assert kept.answer == "answer with lone \ufffd surrogate and zebra"
    assert kept.truncation_note == "note \ufffd"
    assert kept.error_title == "title \ufffd"
    assert kept.error_message == "message \ufffd"
    assert kept.preset_name == "preset \ufffd"
    assert (kept.input_tokens, kept.output_tokens, kept.total_tokens) == (None, None, None)
    assert kept.duration_seconds is None
    assert math.isfinite(kept.created)
    assert store.page()[0].preview == "broken \ufffd prompt"


def test_the_search_index_takes_it_too(store: HistoryStore) -> None:
    store.record(hostile())
    store.record(hostile(answer="nul \x00 inside the zebra text"))

    assert store.count("zebra") == 2
    assert [row.preview for row in store.page(search="surrogate")] == ["broken \ufffd prompt"]
    store._conn.execute("INSERT INTO runs_fts (runs_fts, rank) VALUES ('integrity-check', 1)")


def test_record_many_takes_hostile_runs(store: HistoryStore) -> None:
    assert store.record_many([hostile(), hostile(created=-1.0), hostile(created=1e300)]) == 3

    assert store.count("zebra") == 3


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        (0, 0),
        (12, 12),
        (SQLITE_MAX_INT, SQLITE_MAX_INT),
        (SQLITE_MAX_INT + 1, None),
        (-1, None),
        (True, None),
        (7.0, 7),
        (7.5, None),
        (math.inf, None),
        (math.nan, None),
        ("12", None),
        (None, None),
    ],
)
def test_token_counts(value: object, stored: int | None) -> None:
    assert token_count(value) == stored


@pytest.mark.parametrize(
    ("created", "stored"),
    [
        (1000.0, 1000.0),
        (0, 0.0),
        (math.inf, NOW),
        (-math.inf, NOW),
        (math.nan, NOW),
        (-1.0, NOW),
        (1e300, NOW),
        (10**400, NOW),
        (True, NOW),
        ("yesterday", NOW),
    ],
)
def test_created_is_always_a_showable_time(created: object, stored: float) -> None:
    record = RunRecord("m", "s", "u", created=cast(float, created))

    assert row_params(record, now=NOW)["created"] == stored


@pytest.mark.parametrize(
    ("duration", "stored"),
    [(2.5, 2.5), (0, 0.0), (-1.0, None), (math.inf, None), (math.nan, None), (10**400, None)],
)
def test_duration(duration: object, stored: float | None) -> None:
    record = RunRecord("m", "s", "u", duration_seconds=cast(float, duration))

    assert row_params(record)["duration_seconds"] == stored


def test_values_that_are_not_text_are_stored_as_text(store: HistoryStore) -> None:
    odd = RunRecord(
        model=cast(str, None),
        system_prompt=cast(str, 42),
        user_prompt=cast(str, b"bytes"),
        answer=cast(str, None),
        created=NOW,
    )

    kept = store.get(store.record(odd))

    assert kept is not None
    assert (kept.model, kept.system_prompt, kept.user_prompt, kept.answer) == (
        "",
        "42",
        "b'bytes'",
        "",
    )


def test_usage_sums_survive_huge_counts(store: HistoryStore) -> None:
    created = dt.datetime(2024, 5, 1, 12).timestamp()
    for _ in range(3):
        store.record(
            RunRecord(
                "m",
                "s",
                "u",
                created=created,
                input_tokens=SQLITE_MAX_INT,
                output_tokens=SQLITE_MAX_INT,
                total_tokens=None,
            )
        )

    (row,) = store.usage_by_day(1, today=dt.date(2024, 5, 1))

    assert row.runs == 3
    assert row.input_tokens >= 3 * (SQLITE_MAX_INT - 2**11)
    assert isinstance(row.total_tokens, int)


def test_the_writer_stores_a_hostile_run_and_then_the_next_one(tmp_path: Path) -> None:
    writer = HistoryWriter(tmp_path)

    bad = writer.submit(hostile())
    good = writer.submit(RunRecord("m", "s", "the normal one", created=NOW))

    assert isinstance(bad.result(timeout=10), int)
    assert isinstance(good.result(timeout=10), int)
    assert writer.close()
    with HistoryStore(tmp_path) as store:
        assert store.count() == 2
        assert store.page(0, 1)[0].preview == "the normal one"


def test_the_writer_survives_any_exception_from_one_record(tmp_path: Path) -> None:
    writer = HistoryWriter(tmp_path)

    broken = writer.submit(cast(RunRecord, object()))  # a bug in a caller, not a disk problem
    good = writer.submit(RunRecord("m", "s", "after the bug", created=NOW))

    with pytest.raises(HistoryError, match="internal error") as failed:
        broken.result(timeout=10)
    assert isinstance(failed.value.__cause__, AttributeError)
    assert isinstance(good.result(timeout=10), int)
    assert writer.close()
    with HistoryStore(tmp_path) as store:
        assert store.count() == 1


def test_the_writer_logs_a_failure_nobody_waits_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    first_may_finish = threading.Event()

    class FailingFirst(HistoryStore):
        """Holds the first run, and fails the second however often it is tried (a batch that
        fails is retried run by run)."""

        def record(self, run: RunRecord) -> int:
            if run.user_prompt == "first":
                first_may_finish.wait(10)
            if run.user_prompt == "second":
                raise RuntimeError("boom")
            return super().record(run)

    monkeypatch.setattr("zerogpu_desktop.storage.history.writer.HistoryStore", FailingFirst)
    writer = HistoryWriter(tmp_path)
    writer.submit(RunRecord("m", "s", "first", created=NOW))
    unwatched = writer.submit(RunRecord("m", "s", "second", created=NOW))
    assert unwatched.cancel()
    third = writer.submit(RunRecord("m", "s", "third", created=NOW))

    with caplog.at_level(logging.WARNING, logger="zerogpu_desktop.storage.history.writer"):
        first_may_finish.set()
        assert isinstance(third.result(timeout=10), int)

    assert writer.close()
    assert "could not be saved" in caplog.text
    assert "RuntimeError" in caplog.text
    with HistoryStore(tmp_path) as store:
        assert store.count() == 2


def test_an_open_failure_of_any_kind_fails_each_future_with_a_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def cannot_open(*args: object, **kwargs: object) -> HistoryStore:
        raise MemoryError("no room")

    monkeypatch.setattr("zerogpu_desktop.storage.history.writer.HistoryStore", cannot_open)
    writer = HistoryWriter(tmp_path)

    first = writer.submit(RunRecord("m", "s", "a"))
    second = writer.submit(RunRecord("m", "s", "b"))

    for future in (first, second):
        with pytest.raises(HistoryError, match="could not be opened"):
            future.result(timeout=10)
    assert writer.close()
