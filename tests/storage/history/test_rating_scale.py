"""Filters by preset, version and rating, and searches that also read notes, stay fast at
100,000 runs (figures are printed).

As in ``test_scale``, the bounds are loose: the measured figures are 5-50 times lower, and
only a lost index or a plan that asks FTS5 about each run (seconds here) trips them.
"""

from __future__ import annotations

import dataclasses
import itertools
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.benchmarks.bench_history import make_runs, search_terms
from zerogpu_desktop.storage.history.store import HistoryStore, RunRecord
from zerogpu_desktop.storage.history.types import RunRating

RUNS = 100_000
PAGE_LIMIT_MS = 100.0
COUNT_LIMIT_MS = 300.0
NAMES_LIMIT_MS = 20.0
COMMON_ID = "common-preset-id"

pytestmark = pytest.mark.timeout(180)


def _runs() -> Iterator[RunRecord]:
    """30% of one preset over three versions, 0.5% of a rare one, 1% rated with a note."""
    for number, run in enumerate(make_runs(RUNS, answer_sentences=2)):
        if number % 10 < 3:
            run = dataclasses.replace(run, preset_name="Common", preset_version=number % 3 + 1)
            if number % 2:  # half of them recorded since runs know their preset's id
                run = dataclasses.replace(run, preset_id=COMMON_ID)
        elif number % 200 == 5:
            run = dataclasses.replace(run, preset_name="Rare", preset_version=1)
        if number % 100 == 7:
            rating: RunRating = "good" if number % 200 == 7 else "bad"
            note = f"walrus note on {run.user_prompt[:40]}"
            run = dataclasses.replace(run, rating=rating, rating_note=note)
        yield run


@pytest.fixture(scope="module")
def big_rated_history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("history-rated-100k")
    with HistoryStore(folder) as store:
        assert store.record_many(_runs()) == RUNS
    return folder


def _ms(action: Callable[[], object]) -> float:
    began = time.perf_counter()
    action()
    return (time.perf_counter() - began) * 1000


def test_every_filter_with_and_without_a_search_stays_fast(big_rated_history: Path) -> None:
    terms = ["", "walrus", "ba", *search_terms(4)]
    filters: list[dict[str, Any]] = [
        {"preset": preset, "preset_version": version, "rating": rating, "batch_runs": batch}
        for preset, version, rating, batch in itertools.product(
            (None, "common", "Rare"), (None, 2), (None, "good", "rated"), (True, False)
        )
        if preset is not None or version is None
    ]
    # The preset that exists now, by its id and by its name for the runs from before ids.
    filters += [{**where, "preset_id": COMMON_ID} for where in filters if where["preset"]]
    worst_page = worst_count = 0.0
    slowest = ""
    with HistoryStore(big_rated_history) as store:
        assert store.count(preset="Common") == 30_000
        assert store.count(preset="Common", preset_id=COMMON_ID) == 30_000
        assert store.count("walrus") == 1_000  # found by the notes alone
        for where, term in itertools.product(filters, terms):
            page_ms = _ms(lambda: store.page(0, 200, term, **where))  # noqa: B023
            count_ms = _ms(lambda: store.count(term, **where))  # noqa: B023
            if page_ms > worst_page:
                worst_page, slowest = page_ms, f"{where} {term!r}"
            worst_count = max(worst_count, count_ms)
        names_ms = _ms(store.preset_names)
        assert store.preset_names() == ["Common", "Rare"]
        assert store.preset_versions("COMMON") == [1, 2, 3]
    print(
        f"\n[history 100k] {len(filters) * len(terms)} filtered lists: worst page "
        f"{worst_page:.1f} ms ({slowest}), worst count {worst_count:.1f} ms; "
        f"preset names {names_ms:.2f} ms"
    )
    assert worst_page < PAGE_LIMIT_MS, slowest
    assert worst_count < COUNT_LIMIT_MS
    assert names_ms < NAMES_LIMIT_MS
