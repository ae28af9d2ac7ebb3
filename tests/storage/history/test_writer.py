"""The background history writer: order kept, ids returned, drained on close, errors passed on."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar, cast

import pytest

from zerogpu_desktop.storage.history.store import HistoryStore
from zerogpu_desktop.storage.history.types import HistoryError, RunRecord
from zerogpu_desktop.storage.history.writer import HistoryWriter


def test_writes_in_order_and_returns_ids(tmp_path: Path) -> None:
    writer = HistoryWriter(tmp_path)
    futures = [
        writer.submit(RunRecord(model="m", system_prompt="", user_prompt=f"run {i}"))
        for i in range(20)
    ]
    ids = [future.result(timeout=10) for future in futures]
    assert ids == sorted(ids)
    assert writer.close()
    with HistoryStore(tmp_path) as store:
        assert store.count() == 20
        assert store.page(0, 1)[0].preview == "run 19"


def test_close_drains_the_queue(tmp_path: Path) -> None:
    writer = HistoryWriter(tmp_path)
    big = "word " * 200_000
    for _ in range(5):
        writer.submit(RunRecord(model="m", system_prompt="", user_prompt="x", answer=big))
    assert writer.close(timeout=30)
    with HistoryStore(tmp_path) as store:
        assert store.count() == 5


def test_an_unusable_folder_fails_each_future(tmp_path: Path) -> None:
    missing = tmp_path / "not-there"
    writer = HistoryWriter(missing)
    future = writer.submit(RunRecord(model="m", system_prompt="", user_prompt="x"))
    with pytest.raises(HistoryError):
        future.result(timeout=10)
    assert writer.close()


def test_a_run_whose_future_was_cancelled_is_still_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Quitting cancels whoever waits for a run's id; the run itself must not be lost."""
    first_write_may_finish = threading.Event()

    class SlowFirstWrite(HistoryStore):
        def record(self, record: RunRecord) -> int:
            first_write_may_finish.wait(10)
            return super().record(record)

    monkeypatch.setattr("zerogpu_desktop.storage.history.writer.HistoryStore", SlowFirstWrite)
    writer = HistoryWriter(tmp_path)
    writer.submit(RunRecord(model="m", system_prompt="", user_prompt="first"))
    second = writer.submit(RunRecord(model="m", system_prompt="", user_prompt="second"))
    assert second.cancel()  # still queued behind the first: cancelling succeeds
    first_write_may_finish.set()
    assert writer.close(timeout=10)
    with HistoryStore(tmp_path) as store:
        assert store.count() == 2
        assert store.page(0, 1)[0].preview == "second"


def test_a_new_history_opened_by_three_connections_at_once_works_for_all(tmp_path: Path) -> None:
    """At the first start the window, the history check and the writer open the new file
    together: each must wait for the others, not fail ("table runs already exists",
    "database is locked" while switching to WAL)."""
    failures: list[str] = []
    for attempt in range(40):
        folder = tmp_path / str(attempt)
        folder.mkdir()
        together = threading.Barrier(3)

        def open_it(
            check: bool, folder: Path = folder, together: threading.Barrier = together
        ) -> None:
            together.wait()
            try:
                HistoryStore(folder, check=check).close()
            except HistoryError as exc:
                failures.append(str(exc))

        threads = [threading.Thread(target=open_it, args=(check,)) for check in (True, True, False)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
            assert not thread.is_alive(), "opening the history hung"
    assert failures == []


class CountingStore(HistoryStore):
    """Counts transactions: one per batch, and one per run written outside a batch."""

    transactions: ClassVar[int] = 0
    batch_sizes: ClassVar[list[int]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._in_batch = False

    def record_batch(self, runs: Sequence[RunRecord]) -> list[int]:
        CountingStore.transactions += 1
        CountingStore.batch_sizes.append(len(runs))
        self._in_batch = True
        try:
            return super().record_batch(runs)
        finally:
            self._in_batch = False

    def record(self, run: RunRecord) -> int:
        if not self._in_batch:
            CountingStore.transactions += 1
        return super().record(run)


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> type[CountingStore]:
    CountingStore.transactions = 0
    CountingStore.batch_sizes = []
    monkeypatch.setattr("zerogpu_desktop.storage.history.writer.HistoryStore", CountingStore)
    return CountingStore


def test_a_thousand_runs_at_once_are_committed_in_few_transactions_each_with_its_id(
    tmp_path: Path, counting: type[CountingStore]
) -> None:
    writer = HistoryWriter(tmp_path)
    futures = [
        writer.submit(RunRecord(model="m", system_prompt="", user_prompt=f"run {i}"))
        for i in range(1000)
    ]
    ids = [future.result(timeout=20) for future in futures]
    assert writer.close()

    assert counting.transactions <= 20, counting.batch_sizes
    assert ids == sorted(set(ids))  # every run its own id, in the order submitted
    with HistoryStore(tmp_path) as store:
        assert store.count() == 1000
        assert store.get(ids[0]) is not None
        assert store.get(ids[0]).user_prompt == "run 0"  # type: ignore[union-attr]
        assert store.get(ids[-1]).user_prompt == "run 999"  # type: ignore[union-attr]


def test_a_run_after_a_quiet_spell_is_written_at_once(
    tmp_path: Path, counting: type[CountingStore]
) -> None:
    writer = HistoryWriter(tmp_path, commit_interval=2.0)

    started = time.monotonic()
    writer.submit(RunRecord(model="m", system_prompt="", user_prompt="alone")).result(timeout=5)
    waited = time.monotonic() - started
    assert writer.close()

    assert waited < 1.0  # not held back for the commit interval
    assert counting.batch_sizes == [1]


def test_a_broken_run_in_a_batch_costs_only_its_own_place(tmp_path: Path) -> None:
    writer = HistoryWriter(tmp_path)
    records: list[RunRecord] = [
        RunRecord(model="m", system_prompt="", user_prompt=f"run {i}") for i in range(60)
    ]
    records[30] = cast(RunRecord, object())  # a bug in a caller, in the middle of a burst
    futures = [writer.submit(record) for record in records]

    with pytest.raises(HistoryError, match="internal error"):
        futures[30].result(timeout=10)
    ids = [future.result(timeout=10) for i, future in enumerate(futures) if i != 30]
    assert writer.close()

    assert ids == sorted(set(ids))
    with HistoryStore(tmp_path) as store:
        assert store.count() == 59


def test_a_run_given_after_close_fails_at_once_with_a_sentence(tmp_path: Path) -> None:
    writer = HistoryWriter(tmp_path)
    assert writer.close()

    late = writer.submit(RunRecord(model="m", system_prompt="", user_prompt="too late"))

    with pytest.raises(HistoryError, match=r"^The history is closed, so the run was not saved\.$"):
        late.result(timeout=1)
