"""Evaluate: throughput against raw httpx, and memory over 10,000 results.

    python -m tests.benchmarks.bench_evaluate [--quick] [--json FILE]

- throughput: 1,000 cases × 2 models (2,000 calls) through the whole evaluation (dataset
  plan, Runner with retries and the rate gate, a `contains:` check judged off the loop on
  every answer, each call recorded as a history run by the writer thread, results committed
  to SQLite in batches) at concurrency 8, against a raw ``httpx.AsyncClient`` loop posting the
  same bodies at the same concurrency with nothing else. Rounds alternate; the figure is the
  ratio of the median throughputs. The server runs in its own process, on the same cores:
  answering at once, the figure compares CPU per call (an evaluation also checks, records
  and stores each call); with SERVER_LATENCY_MS per answer, as from a real API, it compares
  what a user waits for.
- memory: an evaluation of 10,000 cells whose answers are about 2 KB each; RSS is read
  after the first 500 cells (warm: pools, SQLite's cache, the allocator) and at the end. The
  results stream to SQLite and nothing keeps the answers, so the growth must stay small.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.benchmarks.common import (
    Report,
    Row,
    bench_server,
    mb,
    module_main,
    progress,
    read_rss_bytes,
    verdict,
)

THROUGHPUT_GOAL = 0.9
#: A real API answers in tens of milliseconds at best; at once, only the CPU is compared.
SERVER_LATENCY_MS = 50
MEMORY_GOAL_MB = 50.0
CONCURRENCY = 8
API_KEY = "bench-key-0123456789"
PROJECT_ID = "bench-project"
SYSTEM = "Answer briefly."
PROMPT = "What is the capital of {{country}}?"


def _dataset(cases: int) -> Any:
    from zerogpu_desktop.workbench.evaluate.dataset import parse_dataset

    rows = "".join(f"country {i},contains:country\n" for i in range(cases))
    return parse_dataset(f"country,__expected\n{rows}".encode(), "bench.csv")


async def _raw(base_url: str, bodies: list[bytes]) -> float:
    import httpx

    headers = {
        "x-api-key": API_KEY,
        "x-project-id": PROJECT_ID,
        "content-type": "application/json",
    }
    slots = asyncio.Semaphore(CONCURRENCY)
    async with httpx.AsyncClient(timeout=httpx.Timeout(300.0, connect=10.0)) as http:

        async def one(body: bytes) -> str:
            async with slots:
                reply = await http.post(f"{base_url}/v1/responses", content=body, headers=headers)
                reply.raise_for_status()
                data = json.loads(reply.content)
                return str(data["output"][0]["content"][0]["text"])

        began = time.perf_counter()
        texts = await asyncio.gather(*(one(body) for body in bodies))
        elapsed = time.perf_counter() - began
    if not all(texts):
        raise RuntimeError("raw httpx: an empty answer")
    return len(bodies) / elapsed


class _Evaluation:
    """A real evaluation setup over a temp data folder, as `eval run` builds it."""

    def __init__(self, base_url: str, data_dir: Path) -> None:
        from zerogpu_desktop import background
        from zerogpu_desktop.cli.history_sink import WriterHistorySink
        from zerogpu_desktop.overrides import RunOverrides
        from zerogpu_desktop.storage.calibration import CalibrationStore
        from zerogpu_desktop.storage.history.writer import HistoryWriter
        from zerogpu_desktop.storage.settings import Settings, SettingsStore
        from zerogpu_desktop.workbench.connection import resolve_connection
        from zerogpu_desktop.workbench.evaluate.store import open_evaluation_store
        from zerogpu_desktop.workbench.learning import CalibrationBook, ModelMemory

        self.data_dir = data_dir
        self.writer = HistoryWriter(data_dir)
        self.sink = WriterHistorySink(self.writer, sys.stderr)
        self.calibration = CalibrationBook(CalibrationStore(data_dir))
        self.models = ModelMemory(SettingsStore(data_dir))
        self.worker = background.Worker("bench-evaluation-store")
        self.store = self.worker.run_blocking(open_evaluation_store, data_dir)
        settings = Settings(base_url=base_url, project_id=PROJECT_ID, max_retries=0)
        self.connection = resolve_connection(settings, RunOverrides(), api_key=API_KEY)

    async def run(self, models: tuple[str, ...], cases: int, rss: list[int] | None = None) -> float:
        from zerogpu_desktop.workbench.evaluate.engine import EvaluationProgress, Evaluator
        from zerogpu_desktop.workbench.evaluate.plan import EvaluationPlan
        from zerogpu_desktop.workbench.runner import Runner
        from zerogpu_desktop.workbench.spec import PromptSpec

        runner = Runner(
            source="cli",
            history_source="evaluate",
            calibration=self.calibration,
            models=self.models,
            history=self.sink,
            concurrency=CONCURRENCY,
        )

        def follow(done: EvaluationProgress) -> None:
            if rss is not None and done.done in (500, done.total):
                rss.append(read_rss_bytes())

        evaluator = Evaluator(runner, self.worker, self.store, on_progress=follow)
        plan = EvaluationPlan(
            PromptSpec("", SYSTEM, PROMPT),
            "bench",
            _dataset(cases),
            models,
            concurrency=CONCURRENCY,
        )
        began = time.perf_counter()
        try:
            evaluation_id = await evaluator.start(plan, self.connection)
            report = await evaluator.run(evaluation_id, plan, self.connection)
        finally:
            await runner.aclose()
        elapsed = time.perf_counter() - began
        if report.progress.done != plan.cells_total or report.progress.errors:
            raise RuntimeError(f"the evaluation did not complete: {report.progress}")
        return plan.cells_total / elapsed

    def close(self) -> None:
        self.writer.close(timeout=30)
        self.worker.run_blocking(self.store.close)
        self.worker.close()


def _raw_bodies(models: tuple[str, ...], cases: int) -> list[bytes]:
    return [
        json.dumps(
            {
                "model": model,
                "input": [
                    {"role": "system", "content": SYSTEM},
                    {"role": "user", "content": PROMPT.replace("{{country}}", f"country {i}")},
                ],
                "text": {"format": {"type": "text"}},
            }
        ).encode()
        for i in range(cases)
        for model in models
    ]


def throughput(base_url: str, cases: int, rounds: int, latency_ms: int = 0) -> dict[str, Any]:
    models = (
        (f"bench-slow-{latency_ms}-200", f"bench-slow-{latency_ms}-300")
        if latency_ms
        else ("acme/model-a", "acme/model-b")
    )
    bodies = _raw_bodies(models, cases)
    rates: dict[str, list[float]] = {"raw": [], "evaluate": []}
    with tempfile.TemporaryDirectory(prefix="bench-evaluate-") as folder:
        evaluation = _Evaluation(base_url, Path(folder))
        try:
            asyncio.run(evaluation.run(models, 50))  # warm up: imports, SQLite, pools
            asyncio.run(_raw(base_url, bodies[:100]))
            for round_number in range(rounds):
                order = ("raw", "evaluate") if round_number % 2 == 0 else ("evaluate", "raw")
                for name in order:
                    if name == "raw":
                        rates[name].append(asyncio.run(_raw(base_url, bodies)))
                    else:
                        rates[name].append(asyncio.run(evaluation.run(models, cases)))
        finally:
            evaluation.close()
    figures: dict[str, Any] = {
        "calls": len(bodies),
        "concurrency": CONCURRENCY,
        "rounds": rounds,
        "server_latency_ms": latency_ms,
    }
    for name, values in rates.items():
        figures[f"{name}_median_cps"] = round(statistics.median(values), 1)
    figures["ratio"] = round(figures["evaluate_median_cps"] / figures["raw_median_cps"], 3)
    return figures


def memory(base_url: str, cells: int) -> dict[str, Any]:
    rss: list[int] = []
    with tempfile.TemporaryDirectory(prefix="bench-evaluate-memory-") as folder:
        evaluation = _Evaluation(base_url, Path(folder))
        try:
            rate = asyncio.run(evaluation.run(("bench-text-2048",), cells, rss))
        finally:
            evaluation.close()
    return {
        "cells": cells,
        "answer_bytes": 2048,
        "rss_after_500_mb": round(mb(rss[0]), 1),
        "rss_end_mb": round(mb(rss[-1]), 1),
        "growth_mb": round(mb(rss[-1] - rss[0]), 1),
        "cells_per_second": round(rate, 1),
    }


def run(quick: bool) -> Report:
    report = Report()
    cases, rounds = (300, 4) if quick else (1000, 6)
    cells = 3000 if quick else 10_000
    with bench_server() as base_url:
        progress(f"evaluate throughput: {cases} cases × 2 models, {rounds} alternating rounds")
        speed = throughput(base_url, cases, rounds)
        slow_cases, slow_rounds = (100, 2) if quick else (400, 3)
        progress(f"the same with {SERVER_LATENCY_MS} ms per answer: {slow_cases} cases")
        real = throughput(base_url, slow_cases, slow_rounds, SERVER_LATENCY_MS)
        progress(f"evaluate memory: {cells} cells with 2 KB answers")
        held = memory(base_url, cells)
    report.figures = {"throughput": speed, "throughput_with_latency": real, "memory": held}
    for figures, server in (
        (speed, "answers at once"),
        (real, f"{SERVER_LATENCY_MS} ms per answer"),
    ):
        report.rows.append(
            Row(
                f"evaluate, {figures['calls'] // 2:,} cases × 2 models at concurrency "
                f"{CONCURRENCY}, server {server}",
                f"{figures['evaluate_median_cps']:.0f} calls/s, checked and stored",
                f"raw httpx {figures['raw_median_cps']:.0f} calls/s",
                f"{figures['ratio']:.3f}x",
                f">= {THROUGHPUT_GOAL}x",
                verdict(figures["ratio"] >= THROUGHPUT_GOAL),
            )
        )
    report.rows.append(
        Row(
            f"evaluate memory, {cells:,} results with 2 KB answers",
            f"+{held['growth_mb']:.1f} MB after the first 500",
            f"RSS after 500 cells {held['rss_after_500_mb']:.0f} MB",
            f"+{held['growth_mb']:.1f} MB",
            f"<= {MEMORY_GOAL_MB:.0f} MB",
            verdict(held["growth_mb"] <= MEMORY_GOAL_MB),
        )
    )
    return report


def main(argv: list[str] | None = None) -> int:
    return module_main(__doc__.splitlines()[0] if __doc__ else "", run, argv)


if __name__ == "__main__":
    sys.exit(main())
