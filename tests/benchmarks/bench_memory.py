"""Memory: RSS after start vs PySide6's floor, and whether 200 runs make the window grow.

    python -m tests.benchmarks.bench_memory [--quick] [--json FILE]

- at start: the app, tests/benchmarks/bare_window.py and the floor, the app's first-frame
  widgets in plain PySide6 on a qasync loop (``--same-widgets --qasync``), are started
  alternately (as in bench_startup) and their RSS is read 1.5 s after their first painted
  frame, once the post-frame warm-up has settled. The goal is the app over the floor (the
  ratio of the medians), since no window with those widgets on asyncio and qasync can use
  less; the bare window row is information.
- after 200 runs: the real window (tests/benchmarks/gui_harness.py) sends 200 prompts whose
  answers are 100 KB of Markdown, one after another, each shown in full, and RSS is read
  after every run. The first half is warm-up (allocator arenas, SQLite's page cache of up
  to 2 MB, qasync's cancelled timers, which it keeps until they would have fired); the
  baseline is the median RSS around the middle run, the figure the median of the last 20
  runs. "No leak" means the second 100 runs added at most LEAK_TOLERANCE: nothing beyond
  the one answer on screen and allocator noise. Python's allocated blocks and the window's
  QObject count at run 20 and at the end tell a Python leak from a Qt one.
"""

from __future__ import annotations

import gc
import statistics
import sys
from typing import Any

from tests.benchmarks.common import (
    Report,
    Row,
    bench_server,
    display,
    mb,
    module_main,
    progress,
    read_rss_bytes,
    verdict,
)

#: RSS after start of the app over the floor's (same widgets on asyncio + qasync).
FLOOR_RSS_GOAL = 1.25
ANSWER_BYTES = 100_000
#: Allowed RSS growth over the second half of the runs: allocator noise, ~10 answers' text.
LEAK_TOLERANCE = 1_000_000
SETTLE_S = 1.5


def slope(values: list[float]) -> float:
    """Least-squares slope of `values` against their index."""
    count = len(values)
    if count < 2:
        return 0.0
    mean_x = (count - 1) / 2
    mean_y = statistics.fmean(values)
    numerator = sum((x - mean_x) * (y - mean_y) for x, y in enumerate(values))
    denominator = sum((x - mean_x) ** 2 for x in range(count))
    return numerator / denominator


def many_runs(base_url: str, runs: int, warm: int) -> dict[str, Any]:
    from PySide6.QtCore import QObject

    from tests.benchmarks.gui_harness import RunWatcher, run_with_window

    async def body(window: Any) -> dict[str, Any]:
        watcher = RunWatcher(window)
        rss: list[int] = []
        idle = read_rss_bytes()
        marks: dict[str, Any] = {}
        for number in range(1, runs + 1):
            await watcher.send(f"bench-text-{ANSWER_BYTES}", f"Answer number {number}, please.")
            rss.append(read_rss_bytes())
            if number in (warm, runs):
                gc.collect()
                label = "warm" if number == warm else "end"
                marks[f"{label}_python_blocks"] = sys.getallocatedblocks()
                marks[f"{label}_qobjects"] = len(window.findChildren(QObject))
            if number % 50 == 0:
                progress(f"memory: {number} runs")
        return {"idle": idle, "rss": rss, **marks, "shown_chars": len(window.output.text())}

    return run_with_window(base_url, body)


def run(quick: bool) -> Report:
    from tests.benchmarks.bench_startup import rss_at_start

    report = Report()
    starts = 3 if quick else 5
    runs, warm = (60, 10) if quick else (200, 20)
    with display() as where:
        progress(f"memory at start: {starts} alternating pairs")
        app, bare, floor = rss_at_start(starts, SETTLE_S)
        progress(f"memory: {runs} runs with {ANSWER_BYTES // 1000} KB answers")
        with bench_server() as base_url:
            data = many_runs(base_url, runs, warm)

    app_rss, bare_rss = statistics.median(app.rss), statistics.median(bare.rss)
    floor_rss = statistics.median(floor.rss)
    ratio = app_rss / bare_rss
    rss = data["rss"]
    middle = len(rss) // 2
    baseline = statistics.median(rss[max(0, middle - 10) : middle + 10])
    end = statistics.median(rss[-20:])
    growth = end - baseline
    warm_rss = statistics.median(rss[max(0, warm - 5) : warm + 5])
    per_run = slope([float(value) for value in rss[middle:]])
    leak_free = growth <= LEAK_TOLERANCE
    report.figures = {
        "display": where,
        "start": {
            "app_rss_mb": [mb(v) for v in app.rss],
            "bare_rss_mb": [mb(v) for v in bare.rss],
            "same_widgets_qasync_rss_mb": [mb(v) for v in floor.rss],
            "ratio": round(ratio, 3),
            "same_widgets_qasync_vs_bare": round(floor_rss / bare_rss, 3),
            "app_vs_same_widgets_qasync": round(app_rss / floor_rss, 3),
            "floor_goal": FLOOR_RSS_GOAL,
            "settle_s": SETTLE_S,
        },
        "runs": {
            "runs": runs,
            "answer_bytes": ANSWER_BYTES,
            "idle_before_runs_mb": mb(data["idle"]),
            "after_first_run_mb": mb(rss[0]),
            f"after_{warm}_runs_mb": mb(warm_rss),
            f"baseline_around_run_{middle}_mb": mb(baseline),
            "end_mb": mb(end),
            f"growth_from_run_{warm}_mb": mb(end - warm_rss),
            "max_mb": mb(max(rss)),
            "growth_mb": mb(growth),
            "second_half_slope_bytes_per_run": round(per_run),
            "leak_tolerance_mb": mb(LEAK_TOLERANCE),
            "python_blocks_warm": data.get("warm_python_blocks"),
            "python_blocks_end": data.get("end_python_blocks"),
            "qobjects_warm": data.get("warm_qobjects"),
            "qobjects_end": data.get("end_qobjects"),
            "rss_every_10_runs_mb": [mb(v) for v in rss[9::10]],
        },
    }
    floor_ratio = app_rss / floor_rss
    report.rows.append(
        Row(
            "memory: RSS after start vs PySide6's floor",
            f"app {mb(app_rss)} MB",
            f"same widgets on qasync {mb(floor_rss)} MB ({floor_rss / bare_rss:.2f}x bare)",
            f"{floor_ratio:.2f}x",
            f"<= {FLOOR_RSS_GOAL}x",
            verdict(floor_ratio <= FLOOR_RSS_GOAL),
        )
    )
    report.rows.append(
        Row(
            "memory: RSS after start vs bare window",
            f"app {mb(app_rss)} MB",
            f"bare QMainWindow {mb(bare_rss)} MB",
            f"{ratio:.2f}x",
            "(information)",
            "info",
        )
    )
    report.rows.append(
        Row(
            f"memory: {runs} runs x 100 KB",
            f"end {mb(end)} MB ({mb(growth):+} MB over runs {middle + 1}-{len(rss)})",
            f"after {middle} runs {mb(baseline)} MB",
            "no leak" if leak_free else "grows",
            f"second half <= +{mb(LEAK_TOLERANCE)} MB",
            verdict(leak_free),
        )
    )
    return report


def main(argv: list[str] | None = None) -> int:
    return module_main(__doc__.splitlines()[0] if __doc__ else "", run, argv)


if __name__ == "__main__":
    sys.exit(main())
