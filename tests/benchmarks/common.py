"""What the benchmarks share: rows of the table, percentiles, RSS, a display, a loopback server.

Every figure is judged against a baseline measured in the same run (a ratio) or is a
percentile of a distribution measured in the same run, because the machines these run on
are shared and noisy. Each ``bench_*`` module runs on its own (``python -m
tests.benchmarks.bench_startup``) and through ``tests.benchmarks.run_all``, which runs
each one in a fresh interpreter and merges their reports.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tests.system_services import stop_process

REPO_ROOT = Path(__file__).resolve().parents[2]

#: run_all sets this once its Xvfb runs, so each module uses that display instead of its own.
DISPLAY_READY_ENV = "ZEROGPU_BENCH_DISPLAY_READY"

__all__ = [
    "REPO_ROOT",
    "Report",
    "Row",
    "bench_server",
    "display",
    "ms",
    "percentile",
    "read_rss_bytes",
    "stall_stats",
]


@dataclass
class Row:
    """One line of the table: what was measured, against what, and the verdict."""

    what: str
    figure: str
    baseline: str
    result: str
    goal: str
    verdict: str  # "pass", "miss", "skip", "info" or "error"


@dataclass
class Report:
    """What one benchmark module found: table rows and every figure behind them."""

    rows: list[Row] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"rows": [asdict(row) for row in self.rows], "figures": self.figures}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        return cls([Row(**row) for row in data.get("rows", [])], dict(data.get("figures", {})))


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The value below which `fraction` of `samples` lie (nearest rank, as bench_history)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def cache_dir() -> Path:
    """~/.cache/zerogpu-desktop-bench (or under $XDG_CACHE_HOME): kept between runs."""
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return home / "zerogpu-desktop-bench"


_BYTECODE_WARM_ENV = "ZEROGPU_BENCH_BYTECODE_WARM"
_IMPORT_EVERYTHING = """
import importlib, pkgutil, zerogpu_desktop
for name in ["httpcore", "anyio._backends._asyncio", "qasync", "keyring", "PySide6.QtTest",
             "tests.fakeserver", "tests.benchmarks.bench_history"] + [
        m.name for m in pkgutil.walk_packages(zerogpu_desktop.__path__, "zerogpu_desktop.")
        if not m.name.endswith("__main__")]:
    try:
        importlib.import_module(name)
    except Exception:
        pass
"""


def use_bytecode_cache() -> None:
    """Caches bytecode under cache_dir() for this process and its children, as installed.

    With PYTHONDONTWRITEBYTECODE set (as here and on some CI machines), the app's modules,
    which live in the checkout without __pycache__, would be compiled from source at every
    import, while PySide6 and the standard library load cached bytecode: the app would be
    measured slower than it is once installed. The cache stays outside the checkout.
    """
    prefix = str(cache_dir() / "pycache")
    sys.dont_write_bytecode = False
    sys.pycache_prefix = prefix
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = prefix
    if not os.environ.get(_BYTECODE_WARM_ENV):
        # Everything the app may import, compiled once now, so that no benchmark measures a
        # first-time compilation (a lazy import at the first Send would otherwise compile).
        subprocess.run([sys.executable, "-c", _IMPORT_EVERYTHING], cwd=REPO_ROOT, check=False)
        os.environ[_BYTECODE_WARM_ENV] = "1"


def verdict(ok: bool) -> str:
    return "pass" if ok else "miss"


def ms(seconds: float) -> float:
    """Seconds as milliseconds, rounded for the report."""
    return round(seconds * 1000, 2)


def stall_stats(ticks: Sequence[float], interval: float) -> dict[str, float]:
    """How late a heartbeat timer was: p50, p99 and worst lateness in ms, and tick count.

    `ticks` are time.perf_counter() values of consecutive timeouts of a timer that should
    fire every `interval` seconds; a gap of interval + x means the loop was blocked ~x.
    """
    gaps = [later - earlier for earlier, later in itertools.pairwise(ticks)]
    stalls = [max(0.0, gap - interval) for gap in gaps] or [0.0]
    return {
        "ticks": len(ticks),
        "p50_ms": ms(statistics.median(stalls)),
        "p99_ms": ms(percentile(stalls, 0.99)),
        "worst_ms": ms(max(stalls)),
    }


def read_rss_bytes(pid: int | str = "self") -> int:
    """The resident set size of a process (Linux /proc), in bytes."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def mb(size: float) -> float:
    return round(size / 1e6, 1)


def format_table(rows: Sequence[Row]) -> str:
    header = Row("benchmark", "figure", "baseline (same run)", "result", "goal", "verdict")
    lines = [header, *rows]
    cells = [[r.what, r.figure, r.baseline, r.result, r.goal, r.verdict.upper()] for r in lines]
    widths = [max(len(row[i]) for row in cells) for i in range(6)]
    out = []
    for index, row in enumerate(cells):
        out.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if index == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def progress(text: str) -> None:
    """A progress line on stderr (stdout carries the table)."""
    print(f"  [{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


# -- a display ---------------------------------------------------------------------------


@contextlib.contextmanager
def display() -> Iterator[str]:
    """An X display for Qt: run_all's, else a private Xvfb, else Qt's offscreen platform.

    Sets DISPLAY and QT_QPA_PLATFORM in os.environ (children inherit them) and yields a
    description for the report.
    """
    if os.environ.get(DISPLAY_READY_ENV):
        yield f"Xvfb {os.environ.get('DISPLAY', '?')} (xcb)"
        return
    from tests.system_services import SystemServices, start_xvfb

    services = SystemServices()
    try:
        if shutil.which("Xvfb") and start_xvfb(services):
            services.set_env(DISPLAY_READY_ENV, "1")
            yield f"Xvfb {os.environ['DISPLAY']} (xcb)"
        else:
            services.set_env("QT_QPA_PLATFORM", "offscreen")
            yield "no Xvfb: Qt offscreen platform (figures less meaningful)"
    finally:
        services.stop()


# -- the loopback server --------------------------------------------------------------------


@contextlib.contextmanager
def bench_server() -> Iterator[str]:
    """tests.benchmarks.bench_server in its own process; yields its base URL.

    A separate process, so the server's threads never hold the measured process's GIL:
    a real API is on another machine.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.benchmarks.bench_server", "--port", "0"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if "listening on " not in line:
            raise RuntimeError(f"the benchmark server did not start: {line!r}")
        yield line.split("listening on ", 1)[1].split()[0]
    finally:
        stop_process(process)


# -- module entry point -------------------------------------------------------------------


def module_main(
    description: str, run: Callable[[bool], Report], argv: list[str] | None = None
) -> int:
    """The command line every bench_* module shares: [--quick] [--json FILE]."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="fewer, smaller runs")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the report here")
    args = parser.parse_args(argv)
    use_bytecode_cache()
    report = run(args.quick)
    print(format_table(report.rows))
    if args.json:
        args.json.write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")
    return 0
