"""How fast the history is with many runs: open, first page, search pages, counts.

Run: ``python -m tests.benchmarks.bench_history [--runs 100000] [--json out.json]``.

It builds a history of synthetic runs in a temporary folder (texts from a fixed random
vocabulary, so searches hit both very common and rare words), then times what the history
panel does. Figures are printed; ``--json`` also writes them for CI artefacts. Nothing is
pass/fail here: ``tests/storage/test_history_scale.py`` holds the asserted bounds.
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from zerogpu_desktop.api.tokens import TruncationStatus
from zerogpu_desktop.storage.history.store import HistoryStore, RunRecord

SEED = 20240601
DAY = 86_400.0
_SYSTEM_PROMPTS = (
    "You are a concise assistant.",
    "You are a careful reviewer of Python code. Point out bugs first.",
    "Answer in French, then give an English summary.",
    "",
)
_MODELS = ("zgpu-small", "zgpu-large", "zgpu-code")


def vocabulary(rng: random.Random, size: int = 4000) -> list[str]:
    """Pronounceable fake words, most frequent first (word i has weight 1 / (i + 1)).

    Shuffled after sorting (sorting makes the set deterministic) so that, as in real text,
    the most common words do not all share a prefix.
    """
    consonants, vowels = "bcdfghklmnprstvz", "aeiou"
    words: set[str] = set()
    while len(words) < size:
        syllables = rng.randint(1, 4)
        words.add("".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(syllables)))
    ordered = sorted(words)
    rng.shuffle(ordered)
    return ordered


def make_runs(count: int, *, answer_sentences: int = 4, seed: int = SEED) -> Iterator[RunRecord]:
    """Yield ``count`` varied runs spread over the last 60 days, oldest first."""
    rng = random.Random(seed)
    words = vocabulary(rng)
    weights = [1.0 / (rank + 1) for rank in range(len(words))]
    sentences = [
        " ".join(rng.choices(words, weights, k=rng.randint(6, 14))).capitalize() + "."
        for _ in range(3000)
    ]
    start = time.time() - 60 * DAY
    for number in range(count):
        user = " ".join(rng.choices(sentences, k=rng.randint(1, 3)))
        answer = " ".join(rng.choices(sentences, k=answer_sentences))
        failed = number % 50 == 0
        yield RunRecord(
            model=_MODELS[number % len(_MODELS)],
            system_prompt=_SYSTEM_PROMPTS[number % len(_SYSTEM_PROMPTS)],
            user_prompt=f"{user}\nTicket {number}",
            answer="" if failed else answer,
            created=start + number * (60 * DAY / max(count, 1)),
            input_tokens=None if failed else len(user) // 4,
            output_tokens=None if failed else len(answer) // 4,
            total_tokens=None if failed else (len(user) + len(answer)) // 4,
            truncation_status=None if failed else TruncationStatus.NOT_TRUNCATED,
            duration_seconds=rng.uniform(0.5, 20.0),
            error_title="Server error" if failed else None,
            error_message="The server answered 500." if failed else None,
            source="cli" if number % 7 == 0 else "window",
        )


def search_terms(count: int, seed: int = SEED) -> list[str]:
    """Searches a person might type: common, rare and half-typed words, pairs, odd input."""
    rng = random.Random(seed)
    words = vocabulary(rng)
    terms: list[str] = []
    for index in range(count):
        kind = index % 6
        if kind == 0:
            terms.append(rng.choice(words[:20]))  # in most runs
        elif kind == 1:
            terms.append(rng.choice(words[-500:]))  # rare
        elif kind == 2:
            terms.append(rng.choice(words[:50])[:2])  # half typed: prefix of a common word
        elif kind == 3:
            terms.append(f"{rng.choice(words[:200])} {rng.choice(words[:200])}")
        elif kind == 4:
            terms.append(f'"{rng.choice(words)} {rng.choice(words)}" AND *')
        else:
            terms.append(f"ticket {rng.randint(0, 99_999)}")
    return terms


def timed(action: Callable[[], object]) -> float:
    """Seconds ``action`` took."""
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


def percentile(samples: list[float], fraction: float) -> float:
    """The value below which ``fraction`` of ``samples`` lie (nearest rank)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def measure(data_dir: Path, runs: int, searches: int = 120) -> dict[str, Any]:
    """Build a history of ``runs`` runs in ``data_dir`` and time the panel's queries (ms)."""
    store = HistoryStore(data_dir)
    insert_s = timed(functools.partial(store.record_many, list(make_runs(runs))))
    store.close()
    figures: dict[str, Any] = {"runs": runs, "bulk_insert_s": round(insert_s, 2)}
    size = sum(p.stat().st_size for p in data_dir.iterdir())
    figures["db_mb"] = round(size / 1e6, 1)

    began = time.perf_counter()
    store = HistoryStore(data_dir)
    figures["open_ms"] = _ms(time.perf_counter() - began)
    figures["first_page_ms"] = _ms(timed(lambda: store.page(0, 50)))
    figures["count_ms"] = _ms(timed(store.count))
    figures["deep_offset_page_ms"] = _ms(timed(lambda: store.page(runs - 60, 50)))
    figures["keyset_deep_page_ms"] = _ms(timed(lambda: store.page(0, 50, before_id=60)))
    figures["usage_by_day_ms"] = _ms(timed(lambda: store.usage_by_day(30)))
    page_times: list[float] = []
    count_times: list[float] = []
    for term in search_terms(searches):
        page_times.append(timed(functools.partial(store.page, 0, 50, term)))
        count_times.append(timed(functools.partial(store.count, term)))
    store.close()
    for label, samples in (("search_page", page_times), ("search_count", count_times)):
        figures[f"{label}_p50_ms"] = _ms(statistics.median(samples))
        figures[f"{label}_p99_ms"] = _ms(percentile(samples, 0.99))
        figures[f"{label}_max_ms"] = _ms(max(samples))
    return figures


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the measurement in a temporary folder, print (and save) figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=100_000, help="runs to create (100000)")
    parser.add_argument("--searches", type=int, default=120, help="search queries to time")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="zerogpu-history-bench-") as folder:
        figures = measure(Path(folder), args.runs, args.searches)
    width = max(map(len, figures))
    for name, value in figures.items():
        print(f"{name:<{width}}  {value}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
