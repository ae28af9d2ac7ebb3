"""What `eval` prints: the progress line on stderr, the summary table and the cases on stdout.

Model names, descriptions and reasons come from a dataset or a server, so every such text is
printed through `safe_for_display` (no escape sequence reaches the terminal).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import TextIO

from zerogpu_desktop.safe_text import safe_for_display
from zerogpu_desktop.workbench.evaluate.engine import EvaluationProgress
from zerogpu_desktop.workbench.evaluate.summary import CaseVerdict, ModelSummary
from zerogpu_desktop.workbench.evaluate.types import Case, CellStatus, EvaluationInfo

__all__ = ["ProgressLine", "print_cases", "print_summary"]

#: At most this many failing cases are listed after the table; `eval show` lists them all.
MAX_LISTED = 20
_STATE_WORDS = {
    "finished": "finished",
    "cancelled": "stopped before the end",
    "budget": "stopped by the token budget",
    "running": "running",
}


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s"


class ProgressLine:
    """One line on a terminal's stderr, rewritten at most ten times a second."""

    def __init__(self, stream: TextIO, *, enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled
        self._shown_at = 0.0
        self._width = 0

    def update(self, progress: EvaluationProgress) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._shown_at < 0.1 and progress.done < progress.total:
            return
        self._shown_at = now
        share = progress.done / progress.total if progress.total else 1.0
        eta = progress.eta_seconds
        line = (
            f"[{progress.done:,}/{progress.total:,}] {share:.0%} · {progress.passed:,} passed · "
            f"{progress.failed:,} failed · {progress.errors:,} errors · "
            f"{progress.tokens:,} tokens" + (f" · ETA {_duration(eta)}" if eta else "")
        )
        self.stream.write("\r" + line.ljust(self._width))
        self._width = len(line)
        self.stream.flush()

    def clear(self) -> None:
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0


def _latency(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:,.0f} ms"


def print_summary(
    info: EvaluationInfo, cases: int, summaries: Sequence[ModelSummary], out: TextIO
) -> None:
    """The heading and one row per model: pass rate, counts, truncated, tokens, latency."""
    state = _STATE_WORDS.get(info.state.value, info.state.value)
    repeat = f" × {info.repeat} repeats" if info.repeat > 1 else ""
    print(
        f"Evaluation {info.id} · {safe_for_display(info.title)} · "
        f"{safe_for_display(info.dataset_name)} · {cases:,} cases × {len(info.models)} "
        f"models{repeat} · {state}",
        file=out,
    )
    header = ("model", "pass rate", "passed", "failed", "errors", "truncated", "tokens", "latency")
    rows = [header]
    for summary in summaries:
        rate = "-" if summary.pass_rate is None else f"{summary.pass_rate:.1%}"
        rows.append(
            (
                safe_for_display(summary.model),
                rate,
                f"{summary.passed:,}",
                f"{summary.failed:,}",
                f"{summary.errors:,}",
                f"{summary.truncated:,}",
                f"{summary.tokens:,}",
                _latency(summary.latency_median_seconds),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        print("  ".join(cells).rstrip(), file=out)


def print_cases(
    verdicts: Iterable[CaseVerdict],
    cases: Sequence[Case],
    models: Sequence[str],
    out: TextIO,
    *,
    limit: int | None = MAX_LISTED,
    repeat: int = 1,
) -> int:
    """The cases that did not pass (and, with repeats, those whose answers differ).

    Returns:
        How many cases did not pass.
    """
    by_index = {case.index: case for case in cases}
    not_passed = listed = 0
    for verdict in verdicts:
        disagree = repeat > 1 and verdict.distinct_answers > 1
        if verdict.status is CellStatus.PASSED and not disagree:
            continue
        if verdict.status is not CellStatus.PASSED:
            not_passed += 1
        if limit is not None and listed >= limit:
            continue
        listed += 1
        case = by_index.get(verdict.case_index)
        title = safe_for_display(case.title()) if case else ""
        model = safe_for_display(models[verdict.model_index])
        line = f"case {verdict.case_index + 1} ({title}) on {model}: {verdict.status.value}"
        if verdict.reason:
            line += f": {safe_for_display(verdict.reason)}"
        if repeat > 1:
            line += (
                f" [{verdict.distinct_answers} distinct answers, {verdict.agreement:.0%} agreement]"
            )
        print(line, file=out)
    if limit is not None and listed >= limit and not_passed > listed:
        print("… and more: `zerogpu-desktop eval show` lists every case.", file=out)
    return not_passed
