"""A 100,000-run history stays fast to open, list and search (figures are printed).

Part of the normal suite (about 10 s): the history panel's promise is "fast with 100,000
runs", and a schema or query change that breaks it must fail here, not in a user's hands.
The bounds are loose (a noisy CI machine must pass; the measured figures are 5-20 times
lower) so that only a lost index or an accidental full scan trips them. For detailed
figures run ``python -m tests.benchmarks.bench_history``.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import pytest

from tests.benchmarks.bench_history import make_runs, percentile, search_terms
from zerogpu_desktop.storage.history.store import HistoryStore

RUNS = 100_000
SEARCH_PAGE_P99_LIMIT_MS = 50.0
FIRST_PAGE_LIMIT_MS = 200.0

pytestmark = pytest.mark.timeout(180)


@pytest.fixture(scope="module")
def big_history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("history-100k")
    runs = list(make_runs(RUNS, answer_sentences=2))
    began = time.perf_counter()
    with HistoryStore(folder) as store:
        assert store.record_many(runs) == RUNS
    print(f"\n[history 100k] inserted {RUNS} runs in {time.perf_counter() - began:.1f} s")
    return folder


def _ms(began: float) -> float:
    return (time.perf_counter() - began) * 1000


def test_open_and_first_page_are_fast(big_history: Path) -> None:
    began = time.perf_counter()
    store = HistoryStore(big_history)
    open_ms = _ms(began)
    try:
        began = time.perf_counter()
        page = store.page(0, 50)
        first_page_ms = _ms(began)
        began = time.perf_counter()
        total = store.count()
        count_ms = _ms(began)
    finally:
        store.close()

    print(
        f"\n[history 100k] open {open_ms:.1f} ms (includes quick_check), first page "
        f"{first_page_ms:.2f} ms, count {count_ms:.2f} ms"
    )
    assert len(page) == 50
    assert total == RUNS
    assert [s.id for s in page] == sorted((s.id for s in page), reverse=True)
    assert first_page_ms < FIRST_PAGE_LIMIT_MS


def test_search_pages_are_fast(big_history: Path) -> None:
    page_ms: list[float] = []
    count_ms: list[float] = []
    hits = 0
    with HistoryStore(big_history) as store:
        store.page(0, 50, "warm up")
        for term in search_terms(150):
            began = time.perf_counter()
            page = store.page(0, 50, term)
            page_ms.append(_ms(began))
            began = time.perf_counter()
            store.count(term)
            count_ms.append(_ms(began))
            hits += bool(page)

    page_p99 = percentile(page_ms, 0.99)
    print(
        f"\n[history 100k] search page p50 {statistics.median(page_ms):.2f} ms, "
        f"p99 {page_p99:.2f} ms, max {max(page_ms):.2f} ms; search count p50 "
        f"{statistics.median(count_ms):.2f} ms, p99 {percentile(count_ms, 0.99):.2f} ms"
    )
    assert hits > 100  # the searches really find runs (not trivially empty)
    assert page_p99 < SEARCH_PAGE_P99_LIMIT_MS


def test_deep_pages_and_usage_stay_cheap(big_history: Path) -> None:
    with HistoryStore(big_history) as store:
        newest = store.page(0, 1)[0].id
        began = time.perf_counter()
        keyset = store.page(0, 50, before_id=newest - RUNS + 101)
        keyset_ms = _ms(began)
        began = time.perf_counter()
        offset = store.page(RUNS - 100, 50)
        offset_ms = _ms(began)
        began = time.perf_counter()
        usage = store.usage_by_day(30)
        usage_ms = _ms(began)

    print(
        f"\n[history 100k] keyset deep page {keyset_ms:.2f} ms, offset deep page "
        f"{offset_ms:.2f} ms, usage by day (30 days) {usage_ms:.1f} ms"
    )
    assert [s.id for s in keyset] == [s.id for s in offset]
    assert usage
    assert keyset_ms < FIRST_PAGE_LIMIT_MS
    assert offset_ms < FIRST_PAGE_LIMIT_MS
