"""History with 100,000 runs: opening the History panel and full-text search, as the user waits.

    python -m tests.benchmarks.bench_history_panel [--quick] [--json FILE]

The history is built, and the store's own queries timed, by bench_history.measure (the
existing history benchmark, reused as is). Then, on the same database, what the user
waits for in the window:

- open: ``HistoryStore(data_dir)`` + ``HistoryPanel(store)`` + ``ensure_loaded()`` (the
  first page and the count), median and worst of several opens; if the panel cannot be
  built (the module is missing or changed), the store's open + first page instead;
- search: ``apply_search()`` (page + count, what runs when typing pauses) for
  bench_history.search_terms: common, rare and half-typed words, pairs, odd syntax.

- window start: the real window (tests/benchmarks/gui_harness.py) started on that data
  folder; the worst stall of its event loop in the first seconds, when it opens the
  history in the background of the first paint (the responsiveness goal: <= 50 ms).

The baseline is the same measurement on a 1,000-run history in the same run: it shows how
much of each figure is the history's size and how much the machine.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.benchmarks import bench_history
from tests.benchmarks.common import (
    Report,
    Row,
    display,
    module_main,
    ms,
    percentile,
    progress,
    verdict,
)
from tests.benchmarks.gui_harness import START_SETTLE_S

OPEN_GOAL_MS = 200.0
SEARCH_P99_GOAL_MS = 50.0
#: The responsiveness goal: no stall of the window's event loop longer than this.
STALL_GOAL_MS = 50.0
NOWHERE = "http://127.0.0.1:9"  # a base URL never contacted: nothing is sent


def panel_figures(data_dir: Path, opens: int, searches: int) -> dict[str, Any]:
    """Times opening the panel `opens` times and `searches` searches in it (ms)."""
    from PySide6.QtWidgets import QApplication

    from zerogpu_desktop.storage.history.store import HistoryStore

    app = QApplication.instance() or QApplication([sys.argv[0]])
    panel_class: Any = None
    try:
        from zerogpu_desktop.ui.history_panel import HistoryPanel
    except ImportError as exc:
        note = f"no HistoryPanel ({exc}); store open + first page"
    else:
        panel_class = HistoryPanel
        note = "HistoryStore + HistoryPanel + ensure_loaded()"

    open_times: list[float] = []
    panel: Any = None
    store: Any = None
    for _ in range(opens):
        if panel is not None:
            panel.deleteLater()
            panel = None
            app.processEvents()
        if store is not None:
            store.close()
        began = time.perf_counter()
        store = HistoryStore(data_dir)
        if panel_class is not None:
            try:
                panel = panel_class(store)
                panel.ensure_loaded()
            except TypeError as exc:  # the constructor changed
                panel_class, panel = None, None
                note = f"HistoryPanel(store) failed ({exc}); store open + first page"
                store.page(0, 50)
        else:
            store.page(0, 50)
        open_times.append(time.perf_counter() - began)
    figures: dict[str, Any] = {
        "what": note,
        "open_p50_ms": ms(statistics.median(open_times)),
        "open_worst_ms": ms(max(open_times)),
        "open_ms": [ms(t) for t in open_times],
    }
    search_times: list[float] = []
    for term in bench_history.search_terms(searches):
        if panel is not None:
            panel.search_edit.setText(term)
            began = time.perf_counter()
            panel.apply_search()
        else:
            began = time.perf_counter()
            store.page(0, 50, term)
            store.count(term)
        search_times.append(time.perf_counter() - began)
    figures.update(
        searches=len(search_times),
        search_p50_ms=ms(statistics.median(search_times)),
        search_p99_ms=ms(percentile(search_times, 0.99)),
        search_worst_ms=ms(max(search_times)),
    )
    if panel is not None:
        panel.deleteLater()
        app.processEvents()
    store.close()
    return figures


def window_start(data_dir: Path) -> dict[str, Any]:
    """The event loop's stalls in the first seconds of the real window on this history."""
    from tests.benchmarks import gui_harness

    async def nothing(window: Any) -> None:
        return None

    gui_harness.run_with_window(NOWHERE, nothing, data_dir=data_dir)
    return dict(gui_harness.startup_stalls)


def measure(runs: int, opens: int, searches: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="zerogpu-bench-history-") as folder:
        store_figures = bench_history.measure(Path(folder), runs, searches)
        figures = panel_figures(Path(folder), opens, searches)
        figures["window_start"] = window_start(Path(folder))
    figures["store"] = store_figures
    return figures


def run(quick: bool) -> Report:
    report = Report()
    runs = 20_000 if quick else 100_000
    searches = 60 if quick else 120
    opens = 3 if quick else 5
    with display() as where:
        progress("history: baseline, 1,000 runs")
        small = measure(1_000, opens, searches)
        progress(f"history: {runs:,} runs (building takes a while)")
        big = measure(runs, opens, searches)
    report.figures = {"display": where, "runs": runs, "large": big, "baseline_1000": small}
    label = f"{runs // 1000}k runs"
    report.rows.append(
        Row(
            f"history: open panel ({label})",
            f"p50 {big['open_p50_ms']:.0f} ms, worst {big['open_worst_ms']:.0f} ms",
            f"1k runs p50 {small['open_p50_ms']:.0f} ms",
            f"worst {big['open_worst_ms']:.0f} ms",
            f"<= {OPEN_GOAL_MS:.0f} ms",
            verdict(big["open_worst_ms"] <= OPEN_GOAL_MS),
        )
    )
    report.rows.append(
        Row(
            f"history: search ({label})",
            f"p50 {big['search_p50_ms']:.1f} ms, p99 {big['search_p99_ms']:.1f} ms",
            f"1k runs p99 {small['search_p99_ms']:.1f} ms",
            f"p99 {big['search_p99_ms']:.1f} ms",
            f"p99 <= {SEARCH_P99_GOAL_MS:.0f} ms",
            verdict(big["search_p99_ms"] <= SEARCH_P99_GOAL_MS),
        )
    )
    start, small_start = big["window_start"], small["window_start"]
    report.rows.append(
        Row(
            f"history: window start ({label})",
            f"worst stall {start['worst_ms']:.0f} ms in the first {START_SETTLE_S:g} s",
            f"1k runs worst {small_start['worst_ms']:.0f} ms",
            f"worst {start['worst_ms']:.0f} ms",
            f"worst <= {STALL_GOAL_MS:.0f} ms",
            verdict(start["worst_ms"] <= STALL_GOAL_MS),
        )
    )
    return report


def main(argv: list[str] | None = None) -> int:
    return module_main(__doc__.splitlines()[0] if __doc__ else "", run, argv)


if __name__ == "__main__":
    sys.exit(main())
