"""Runs every benchmark, prints one table and optionally writes every figure as JSON.

    python -m tests.benchmarks.run_all [--quick] [--json FILE] [--markdown] [--only NAME ...]

Each benchmark runs in a fresh interpreter (python -m tests.benchmarks.bench_*), one after
another, under one private Xvfb started here (Qt's offscreen platform if Xvfb is missing).
Every figure is a ratio or a percentile against a baseline measured in the same run, so
the table means something on a shared, noisy machine; the load average before and after
is recorded to tell a quiet run from a busy one. Misses are reported, not failed: the exit
status is 1 only when a benchmark could not run at all.

A full run takes about 8 minutes on 2 cores, most of it the evaluation benchmarks (the first
one ~20 s more, to freeze the bare window and fill the bytecode cache in
~/.cache/zerogpu-desktop-bench); --quick about 3.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from tests.benchmarks.common import (
    REPO_ROOT,
    Report,
    Row,
    display,
    format_table,
    use_bytecode_cache,
)

#: (name for --only, module); the order of the table.
BENCHMARKS = (
    ("startup", "tests.benchmarks.bench_startup"),
    ("responsiveness", "tests.benchmarks.bench_responsiveness"),
    ("client", "tests.benchmarks.bench_client"),
    ("history", "tests.benchmarks.bench_history_panel"),
    ("memory", "tests.benchmarks.bench_memory"),
    ("evaluate", "tests.benchmarks.bench_evaluate"),
    ("evaluate-window", "tests.benchmarks.bench_evaluate_window"),
)
MODULE_TIMEOUT = 900


def run_module(module: str, quick: bool, scratch: Path) -> Report:
    """Runs one benchmark module in its own interpreter; an error becomes an "error" row."""
    out = scratch / f"{module.rsplit('.', 1)[1]}.json"
    command = [sys.executable, "-m", module, "--json", str(out)] + (["--quick"] if quick else [])
    try:
        result = subprocess.run(
            command,
            cwd=REPO_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,  # the module's own table; ours is printed at the end
            stderr=None,  # progress lines and tracebacks go straight to the terminal
            text=True,
            timeout=MODULE_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Report([Row(module, "-", "-", f"timed out after {MODULE_TIMEOUT} s", "", "error")])
    if result.returncode != 0 or not out.is_file():
        return Report([Row(module, "-", "-", f"failed (exit {result.returncode})", "", "error")])
    return Report.from_json(json.loads(out.read_text(encoding="utf-8")))


def environment() -> dict[str, Any]:
    found: dict[str, Any] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }
    for name in ("PySide6-Essentials", "qasync", "httpx"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "zerogpu_desktop"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        found["git"] = f"{commit}{' + uncommitted changes' if dirty else ''}"
    except OSError:
        found["git"] = None
    return found


def markdown_table(rows: list[Row]) -> str:
    lines = [
        "| benchmark | figure | baseline (same run) | result | goal | verdict |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        cells = (row.what, row.figure, row.baseline, row.result, row.goal, row.verdict.upper())
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.run_all",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    parser.add_argument("--quick", action="store_true", help="fewer, smaller runs")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write every figure here")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    names = [name for name, _ in BENCHMARKS]
    parser.add_argument("--only", nargs="+", choices=names, metavar="NAME", help=str(names))
    args = parser.parse_args(argv)
    use_bytecode_cache()

    began = time.monotonic()
    load_before = os.getloadavg()
    rows: list[Row] = []
    figures: dict[str, Any] = {}
    with display() as where, tempfile.TemporaryDirectory(prefix="zerogpu-bench-") as temp:
        print(f"Benchmarks ({'quick' if args.quick else 'full'} run) on {where}", file=sys.stderr)
        for name, module in BENCHMARKS:
            if args.only and name not in args.only:
                continue
            print(f"- {name}", file=sys.stderr, flush=True)
            report = run_module(module, args.quick, Path(temp))
            rows.extend(report.rows)
            figures[name] = report.figures
    load_after = os.getloadavg()
    duration = time.monotonic() - began

    print()
    print(markdown_table(rows) if args.markdown else format_table(rows))
    print(
        f"\n{'quick' if args.quick else 'full'} run, {duration:.0f} s; load average "
        f"{load_before[0]:.2f} before, {load_after[0]:.2f} after ({os.cpu_count()} CPUs)"
    )
    if args.json:
        data = {
            "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "quick": args.quick,
            "duration_s": round(duration, 1),
            "load_average_before": [round(v, 2) for v in load_before],
            "load_average_after": [round(v, 2) for v in load_after],
            "environment": environment(),
            "display": where,
            "rows": [row.__dict__ for row in rows],
            "figures": figures,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        print(f"figures written to {args.json}")
    return 1 if any(row.verdict == "error" for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
