"""The background history writer: order kept, ids returned, drained on close, errors passed on."""

from __future__ import annotations

from pathlib import Path

import pytest

from zerogpu_desktop.storage.history import HistoryStore
from zerogpu_desktop.storage.history_types import HistoryError, RunRecord
from zerogpu_desktop.storage.history_writer import HistoryWriter


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
