"""Client overhead and concurrency: ZeroGPUClient against raw httpx, same loopback server.

    python -m tests.benchmarks.bench_client [--quick] [--json FILE]

- overhead: the latency of ``ZeroGPUClient.create_response`` against a raw
  ``httpx.AsyncClient.post`` of the same body and headers plus ``json.loads`` and picking the
  answer text, one request at a time, in alternating blocks of 50 (500 each in all); the
  figure is the ratio of the medians.
- concurrency: 50 requests at once through one client (``asyncio.gather``), all must
  succeed; rounds alternate between ZeroGPUClient and raw httpx; the figure is the ratio of
  the median throughputs.

The server (tests/benchmarks/bench_server.py) runs in its own process and answers at
once with a short echo, so what differs between the two is the client's own work.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from typing import Any

from tests.benchmarks.common import (
    Report,
    Row,
    bench_server,
    module_main,
    percentile,
    progress,
    verdict,
)

OVERHEAD_GOAL = 1.10
THROUGHPUT_GOAL = 0.9
BLOCK = 50
MODEL = "acme/bench-model"
API_KEY = "bench-key-0123456789"
PROJECT_ID = "bench-project"
SYSTEM = "You are a concise assistant."


class Raw:
    """What any client must do at least: post JSON, parse JSON, take the text."""

    def __init__(self, base_url: str) -> None:
        import httpx

        self.url = base_url + "/v1/responses"
        self.http = httpx.AsyncClient(timeout=httpx.Timeout(300.0, connect=10.0))
        self.headers = {
            "x-api-key": API_KEY,
            "x-project-id": PROJECT_ID,
            "content-type": "application/json",
            "accept": "application/json",
        }

    async def send(self, prompt: str) -> str:
        body = {
            "model": MODEL,
            "input": [
                {"role": "system", "content": SYSTEM},
                {"role": "user", "content": prompt},
            ],
            "text": {"format": {"type": "text"}},
        }
        reply = await self.http.post(
            self.url, content=json.dumps(body, ensure_ascii=False).encode(), headers=self.headers
        )
        reply.raise_for_status()
        data = json.loads(reply.content)
        return "".join(
            part["text"]
            for item in data["output"]
            if item.get("type") == "message"
            for part in item["content"]
            if part.get("type") == "output_text"
        )

    async def aclose(self) -> None:
        await self.http.aclose()


class Wrapped:
    """The same request through ZeroGPUClient."""

    def __init__(self, base_url: str) -> None:
        from zerogpu_desktop.api import Message, ZeroGPUClient

        self.client = ZeroGPUClient(API_KEY, PROJECT_ID, base_url=base_url, max_retries=0)
        self.message = Message

    async def send(self, prompt: str) -> str:
        messages = [self.message("system", SYSTEM), self.message("user", prompt)]
        response = await self.client.create_response(MODEL, messages)
        return response.text

    async def aclose(self) -> None:
        await self.client.aclose()


async def overhead(base_url: str, requests: int) -> dict[str, Any]:
    raw, wrapped = Raw(base_url), Wrapped(base_url)
    samples: dict[str, list[float]] = {"raw": [], "client": []}
    try:
        for sender in (raw, wrapped, raw, wrapped):  # warm up: connections, imports, caches
            for index in range(20):
                await sender.send(f"warm up {index}")
        blocks = max(1, requests // BLOCK)
        for block in range(blocks):
            order = ((raw, "raw"), (wrapped, "client"))
            for sender, name in order if block % 2 == 0 else order[::-1]:
                for index in range(BLOCK):
                    began = time.perf_counter()
                    text = await sender.send(f"Hello {block} {index}")
                    samples[name].append(time.perf_counter() - began)
                    if not text:
                        raise RuntimeError(f"{name}: empty answer")
    finally:
        await raw.aclose()
        await wrapped.aclose()
    figures: dict[str, Any] = {"requests_each": len(samples["raw"]), "block": BLOCK}
    for name, values in samples.items():
        figures[f"{name}_p50_us"] = round(statistics.median(values) * 1e6, 1)
        figures[f"{name}_p99_us"] = round(percentile(values, 0.99) * 1e6, 1)
    figures["ratio_p50"] = round(figures["client_p50_us"] / figures["raw_p50_us"], 3)
    return figures


async def concurrency(base_url: str, rounds: int, width: int = 50) -> dict[str, Any]:
    raw, wrapped = Raw(base_url), Wrapped(base_url)
    rates: dict[str, list[float]] = {"raw": [], "client": []}
    try:
        for sender in (raw, wrapped):  # warm up: the pool grows to its keep-alive size
            await asyncio.gather(*(sender.send(f"warm {i}") for i in range(width)))
        for round_number in range(rounds):
            order = ((raw, "raw"), (wrapped, "client"))
            for sender, name in order if round_number % 2 == 0 else order[::-1]:
                began = time.perf_counter()
                texts = await asyncio.gather(
                    *(sender.send(f"concurrent {round_number} {i}") for i in range(width))
                )
                elapsed = time.perf_counter() - began
                if len(texts) != width or not all(texts):
                    raise RuntimeError(f"{name}: not every request completed")
                rates[name].append(width / elapsed)
    finally:
        await raw.aclose()
        await wrapped.aclose()
    figures: dict[str, Any] = {"concurrent": width, "rounds": rounds, "all_completed": True}
    for name, values in rates.items():
        figures[f"{name}_median_rps"] = round(statistics.median(values), 1)
    figures["ratio"] = round(figures["client_median_rps"] / figures["raw_median_rps"], 3)
    return figures


def run(quick: bool) -> Report:
    report = Report()
    requests = 200 if quick else 500
    rounds = 6 if quick else 20
    with bench_server() as base_url:
        progress(f"client overhead: {requests} requests each, alternating blocks of {BLOCK}")
        over = asyncio.run(overhead(base_url, requests))
        progress(f"concurrency: {rounds} alternating rounds of 50 at once")
        conc = asyncio.run(concurrency(base_url, rounds))
    report.figures = {"overhead": over, "concurrency": conc}
    report.rows.append(
        Row(
            "client overhead",
            f"ZeroGPUClient p50 {over['client_p50_us'] / 1000:.2f} ms",
            f"raw httpx p50 {over['raw_p50_us'] / 1000:.2f} ms",
            f"{over['ratio_p50']:.3f}x ({over['requests_each']} each)",
            f"<= {OVERHEAD_GOAL}x",
            verdict(over["ratio_p50"] <= OVERHEAD_GOAL),
        )
    )
    report.rows.append(
        Row(
            "concurrency (50 at once)",
            f"ZeroGPUClient {conc['client_median_rps']:.0f} req/s, all completed",
            f"raw httpx {conc['raw_median_rps']:.0f} req/s",
            f"{conc['ratio']:.3f}x",
            f">= {THROUGHPUT_GOAL}x",
            verdict(conc["ratio"] >= THROUGHPUT_GOAL),
        )
    )
    return report


def main(argv: list[str] | None = None) -> int:
    return module_main(__doc__.splitlines()[0] if __doc__ else "", run, argv)


if __name__ == "__main__":
    sys.exit(main())
