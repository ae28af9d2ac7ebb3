"""Ratings written by the writer thread in order with the runs, and evaluations stored before
presets had versions linked to the version with the same content."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

import pytest

from zerogpu_desktop.storage.history.store import HistoryStore
from zerogpu_desktop.storage.history.types import (
    MAX_RATING_NOTE,
    HistoryError,
    RunRating,
    RunRecord,
)
from zerogpu_desktop.storage.history.writer import HistoryWriter
from zerogpu_desktop.workbench.evaluate.plan import prompt_fingerprint
from zerogpu_desktop.workbench.evaluate.store import open_evaluation_store
from zerogpu_desktop.workbench.evaluate.types import Case, EvaluationInfo, EvaluationState


def test_a_rating_given_as_soon_as_the_id_is_known_is_never_lost(tmp_path: Path) -> None:
    writer = HistoryWriter(tmp_path)
    rated: list[Future[bool]] = []
    lock = threading.Lock()

    def rate_at_once(number: int) -> Callable[[Future[int]], None]:
        def rate(recorded: Future[int]) -> None:
            # On the writer's thread the moment the id exists, while later runs of the
            # same burst are still queued behind it.
            rating: RunRating = "good" if number % 2 else "bad"
            future = writer.rate(recorded.result(), rating, f"n{number}")
            with lock:
                rated.append(future)

        return rate

    try:
        for number in range(40):
            recorded = writer.submit(RunRecord("m", "", f"run {number}"))
            recorded.add_done_callback(rate_at_once(number))
        deadline = time.monotonic() + 10
        while len(rated) < 40 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert all(future.result(timeout=10) for future in list(rated))
        assert len(rated) == 40
        # Two ratings of one run in a row: the last one wins.
        second = [writer.rate(40, "good", "first"), writer.rate(40, None, "")]
        assert [future.result(timeout=10) for future in second] == [True, True]
        assert writer.rate(140, "good").result(timeout=10) is False
        with pytest.raises(ValueError, match="shorten it"):
            writer.rate(40, "good", "x" * (MAX_RATING_NOTE + 1))
    finally:
        assert writer.close()
    with HistoryStore(tmp_path) as store:
        assert store.count(rating="good") == 19  # run 40 (number 39) was cleared
        assert store.count(rating="bad") == 20
        assert [row.preview for row in store.page(0, 5, '"n3"')] == ["run 3"]
    closed = writer.rate(1, "good")
    with pytest.raises(HistoryError, match="the rating was not saved"):
        closed.result(timeout=1)


def test_a_rating_the_history_cannot_take_fails_its_future(tmp_path: Path) -> None:
    writer = HistoryWriter(tmp_path / "not-there")
    try:
        with pytest.raises(HistoryError):
            writer.rate(1, "good").result(timeout=10)
    finally:
        assert writer.close()


def evaluation_info(
    title: str, system: str, user: str, version: int | None = None
) -> EvaluationInfo:
    """An evaluation as the store keeps it, of one model and one repeat."""
    return EvaluationInfo(
        id=None,
        created=0.0,
        title=title,
        system_prompt=system,
        user_prompt=user,
        response_format="text",
        prompt_fingerprint=prompt_fingerprint(system, user, "text"),
        prompt_version=version,
        dataset_name="d.csv",
        dataset_fingerprint="d" * 64,
        models=("m",),
        repeat=1,
        state=EvaluationState.FINISHED,
    )


def test_evaluations_without_a_version_are_linked_to_the_same_content(tmp_path: Path) -> None:
    store = open_evaluation_store(tmp_path)
    try:
        cases = [Case(0, {"x": "1"})]
        old_v1 = store.create(
            evaluation_info("Summarise", "", "Sum up {{x}}"), ["x"], cases, source="cli"
        )
        old_v2 = store.create(
            evaluation_info("summarise", "Be brief.", "Sum up {{x}}"), ["x"], cases, source="cli"
        )
        edited = store.create(
            evaluation_info("Summarise", "", "Something else"), ["x"], cases, source="cli"
        )
        other = store.create(
            evaluation_info("Translate", "", "Sum up {{x}}"), ["x"], cases, source="cli"
        )
        known = store.create(
            evaluation_info("Summarise", "", "Sum up {{x}}", version=7), ["x"], cases, source="cli"
        )
        versions = {
            prompt_fingerprint("", "Sum up {{x}}", "text"): 1,
            prompt_fingerprint("Be brief.", "Sum up {{x}}", "text"): 2,
        }
        assert store.link_versions("Summarise", "preset-id-1", versions) == 2
        assert store.link_versions("Summarise", "preset-id-1", versions) == 0  # done once

        def version(evaluation_id: int) -> int | None:
            info = store.info(evaluation_id)
            assert info is not None
            return info.prompt_version

        linked = {number: version(number) for number in (old_v1, old_v2, edited, other, known)}
        assert linked == {old_v1: 1, old_v2: 2, edited: None, other: None, known: 7}
    finally:
        store.close()
    conn = sqlite3.connect(tmp_path / "history.sqlite3")
    ids = dict(conn.execute("SELECT id, preset_id FROM evaluations").fetchall())
    conn.close()
    assert ids == {
        old_v1: "preset-id-1",
        old_v2: "preset-id-1",
        edited: None,
        other: None,
        known: None,
    }
