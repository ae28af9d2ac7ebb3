"""The window's history service: opened once, checked off the GUI thread, problems told once."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from tests.ui.conftest import MODEL, run_async
from zerogpu_desktop.storage.history import store as history_store
from zerogpu_desktop.storage.history.store import HISTORY_FILE_NAME, HistoryStore
from zerogpu_desktop.storage.history.types import RunRecord
from zerogpu_desktop.ui.history_service import HistoryService


def a_run(answer: str = "an answer") -> RunRecord:
    return RunRecord(model=MODEL, system_prompt="", user_prompt="a question", answer=answer)


class Told:
    def __init__(self, service: HistoryService) -> None:
        self.problems: list[str] = []
        self.ready = 0
        service.problem.connect(self.problems.append)
        service.ready.connect(self._on_ready)

    def _on_ready(self) -> None:
        self.ready += 1


def test_prepare_checks_off_the_gui_thread_then_opens_once(
    qtbot: QtBot, qloop: Any, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = HistoryService(data_dir)
    told = Told(service)
    checked_on: list[str] = []
    real_open = history_store.open_history_store

    def watched_open(*args: Any, **kwargs: Any) -> Any:
        if kwargs.get("check", True):
            checked_on.append(threading.current_thread().name)
        return real_open(*args, **kwargs)

    monkeypatch.setattr(history_store, "open_history_store", watched_open)
    run_async(qtbot, service.prepare())
    run_async(qtbot, service.prepare())

    assert checked_on == ["zerogpu-history-check"]
    assert service.store is not None
    assert service.open() is service.store
    assert (told.ready, told.problems) == (1, [])
    run_async(qtbot, service.close(1.0))


def test_a_recorded_run_gets_its_id_from_the_writer(
    qtbot: QtBot, qloop: Any, data_dir: Path
) -> None:
    service = HistoryService(data_dir)
    first = run_async(qtbot, service.record(a_run("one")))
    second = run_async(qtbot, service.record(a_run("two")))
    run_async(qtbot, service.close(1.0))

    assert isinstance(first, int)
    assert isinstance(second, int)
    assert second > first
    with HistoryStore(data_dir) as store:
        record = store.get(second)
    assert record is not None
    assert record.answer == "two"


def test_a_damaged_history_is_set_aside_and_told_once(
    qtbot: QtBot, qloop: Any, data_dir: Path
) -> None:
    (data_dir / HISTORY_FILE_NAME).write_bytes(b"this is not a database" * 100)
    service = HistoryService(data_dir)
    told = Told(service)

    run_async(qtbot, service.prepare())

    assert service.store is not None
    assert len(told.problems) == 1
    assert told.ready == 1
    assert run_async(qtbot, service.record(a_run())) is not None
    run_async(qtbot, service.close(1.0))


def test_an_unusable_history_is_told_once_and_runs_go_unrecorded(
    qtbot: QtBot, qloop: Any, data_dir: Path
) -> None:
    (data_dir / HISTORY_FILE_NAME).mkdir()  # a folder where the database should be
    service = HistoryService(data_dir)
    told = Told(service)

    run_async(qtbot, service.prepare())
    assert service.open() is None
    assert run_async(qtbot, service.record(a_run())) is None

    assert len(told.problems) == 1
    assert told.problems[0].startswith("The history is not available: ")
    assert told.ready == 0
    assert (data_dir / HISTORY_FILE_NAME).is_dir(), "a history that may be fine is not moved"
    run_async(qtbot, service.close(1.0))


def test_the_last_answer_is_the_last_prompts_not_an_evaluation_cells(
    qtbot: QtBot, qloop: Any, data_dir: Path
) -> None:
    with HistoryStore(data_dir) as store:
        store.record(a_run("the window's answer"))
        store.record_many(
            [RunRecord(MODEL, "", f"cell {n}", "Wellington", source="evaluate") for n in range(5)]
        )
        # Comparison columns are listed, but are not the window's own last answer either,
        # even more of them than one page.
        store.record_many(
            [RunRecord(MODEL, "", f"col {n}", "Paris", source="compare") for n in range(60)]
        )
    service = HistoryService(data_dir)
    run_async(qtbot, service.prepare())
    latest = service.latest_run()
    assert latest is not None
    assert latest.answer == "the window's answer"
    run_async(qtbot, service.close(1.0))
