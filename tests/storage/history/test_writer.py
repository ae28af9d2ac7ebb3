"""The background history writer: order kept, ids returned, drained on close, errors passed on."""

from __future__ import annotations

import threading
from pathlib import Path

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
