"""An evaluation as one self-contained HTML page: summary per model, then a case × model grid.

Answers and dataset values may be hostile, so all outside text is escaped, the page has no
script and no link, and a Content-Security-Policy forbids both should escaping ever slip.
Each verdict is a mark *and* a word; colour only repeats it. Results stream case by case
(they come sorted by case); the grid goes to a spool (memory while small, then a temporary
file) so the summary, known only at the end, still comes first on the page.
"""

from __future__ import annotations

import html
import math
import shutil
import statistics
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from itertools import groupby
from typing import IO, TextIO

from zerogpu_desktop.api.tokens import TruncationStatus
from zerogpu_desktop.safe_text import safe_for_display
from zerogpu_desktop.workbench.evaluate.summary import ModelSummary, SummaryBuilder, case_verdict
from zerogpu_desktop.workbench.evaluate.types import (
    Case,
    CellResult,
    CellStatus,
    EvaluationInfo,
    EvaluationState,
)

__all__ = ["ANSWER_CHARS", "write_html"]

#: Answers longer than this are cut in the report (the CSV and JSONL hold them whole).
ANSWER_CHARS = 2_000
#: How much of an answer shows before "Show more": a few lines, or a few hundred characters.
_PREVIEW_LINES, _PREVIEW_CHARS = 6, 280
_PROMPT_CHARS = 20_000
_VALUE_CHARS = 300
_VARIABLES_SHOWN = _CHECKS_SHOWN = 8
_REASONS_SHOWN = 6
_SPOOL_CHARS = 1 << 20

_CSP = "default-src 'none'; style-src 'unsafe-inline'"

#: The page's look: light by default, dark when the system asks; readable at 800 px, where the
#: grid scrolls sideways under a header that stays put.
_CSS = """\
:root { color-scheme: light dark; --bg: #fff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0;
  --zebra: #f6f8fa; --head: #eaeef2; --code: rgba(128, 128, 128, .12); --pass: #116329;
  --pass-bg: #dafbe1; --fail: #a40e26; --fail-bg: #ffebe9; --error: #7d4e00; --error-bg: #fff1c2;
  --none-bg: #eaeef2; --bar: #1f883d; }
@media (prefers-color-scheme: dark) { :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1;
  --line: #30363d; --zebra: #151b23; --head: #1f2630; --pass: #56d364; --pass-bg: #12351f;
  --fail: #ff7b72; --fail-bg: #3d1418; --error: #e3b341; --error-bg: #3a2a0c; --none-bg: #262c36;
  --bar: #3fb950; } }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 40px; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
h1 { font-size: 1.7rem; margin: 0 0 .75rem; line-height: 1.25; overflow-wrap: anywhere; }
h2 { font-size: 1.15rem; margin: 2rem 0 .75rem; padding-bottom: .3rem;
  border-bottom: 1px solid var(--line); }
h3 { font-size: .8rem; margin: 1rem 0 .3rem; text-transform: uppercase; letter-spacing: .05em; }
h3, .kicker, .note, footer, .more, .meta, .repeats, .label, .empty, .muted { color: var(--muted); }
.kicker { margin: 0; font-size: .8rem; text-transform: uppercase; letter-spacing: .08em; }
pre, code { font: .85em ui-monospace, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace; }
pre { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1.25rem; margin: 0; }
.facts dt { color: var(--muted); } .facts dd { margin: 0; overflow-wrap: anywhere; }
.prompt pre { background: var(--code); border-radius: 6px; padding: .7rem .9rem; max-height: 18rem;
  overflow: auto; }
table { border-collapse: separate; border-spacing: 0; } .table-scroll { overflow-x: auto; }
.summary th, .summary td { padding: .45rem .9rem; border-bottom: 1px solid var(--line);
  text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.summary th:first-child { text-align: left; }
.summary thead th { background: var(--head); font-size: .85rem; }
.summary tbody tr:nth-child(even) > *, .grid tbody tr:nth-child(even) > * {
  background: var(--zebra); }
.bar { display: inline-block; width: 5rem; height: .5rem; margin-right: .5rem; border-radius: 4px;
  background: var(--code); vertical-align: middle; overflow: hidden; }
.bar > span { display: block; height: 100%; background: var(--bar); }
.grid-scroll { overflow: auto; max-height: 85vh; border-radius: 6px; border: 1px solid var(--line);}
.grid th, .grid td { padding: .6rem .75rem; text-align: left; vertical-align: top;
  border-bottom: 1px solid var(--line); border-right: 1px solid var(--line); }
.grid thead th { position: sticky; top: 0; z-index: 2; white-space: nowrap; background:var(--head)}
.grid thead th:first-child { left: 0; z-index: 3; }
.grid tbody th { position: sticky; left: 0; z-index: 1; min-width: 13rem; max-width: 18rem;
  font-weight: normal; background: var(--bg); overflow-wrap: anywhere; }
.grid td { min-width: 17rem; max-width: 28rem; background: var(--bg); }
.case-title { font-weight: 600; } .case-no { color: var(--muted); font-weight: normal; }
.vars { margin: .4rem 0 0; font-size: .85rem; } .vars dd { margin: 0; white-space: pre-wrap; }
.vars dt { color: var(--muted); font-size: .75rem; margin-top: .25rem; }
.checks, .reasons { margin: .4rem 0 0; padding-left: 1.1rem; font-size: .85rem; }
.verdict { display: inline-block; padding: .05rem .6rem; border-radius: 999px; font-weight: 600;
  font-size: .85rem; background: var(--none-bg); }
.passed .verdict { color: var(--pass); background: var(--pass-bg); }
.failed .verdict { color: var(--fail); background: var(--fail-bg); }
.error .verdict { color: var(--error); background: var(--error-bg); }
.cell p { margin: .35rem 0 0; font-size: .85rem; } .reason { overflow-wrap: anywhere; }
.answer { margin-top: .4rem; padding: .45rem .6rem; border-radius: 6px; background: var(--code);
  font-size: .8rem; }
details { margin-top: .25rem; font-size: .85rem; } summary { cursor: pointer; color: var(--muted); }
details pre.answer { max-height: 24rem; overflow: auto; } .truncation { color: var(--error); }
footer { margin-top: 2rem; font-size: .85rem; border-top: 1px solid var(--line); }
@media (max-width: 900px) { body { padding: 16px; } .bar { width: 2.5rem; }
  .summary th, .summary td { padding: .4rem .5rem; } }
@media print { .grid-scroll { max-height: none; overflow: visible; } }
"""

_MARKS = {
    CellStatus.PASSED: ("passed", "✓", "Passed"),
    CellStatus.FAILED: ("failed", "✗", "Failed"),
    CellStatus.ERROR: ("error", "!", "Error"),
}

_STATES = {
    EvaluationState.RUNNING: "Running: these are the results so far",
    EvaluationState.FINISHED: "Finished",
    EvaluationState.CANCELLED: "Cancelled: the cells that did not run are missing",
    EvaluationState.BUDGET: "Stopped at the token budget: the cells that did not run are missing",
}

_TRUNCATION_WORDS = {
    TruncationStatus.TRUNCATED: "Input truncated",
    TruncationStatus.POSSIBLY_TRUNCATED: "Input possibly truncated",
    TruncationStatus.REJECTED: "Input rejected as too long",
}


def write_html(
    out: TextIO, info: EvaluationInfo, cases: Sequence[Case], results: Iterable[CellResult]
) -> int:
    """Write the report and return how many results it shows (sorted by case, as they come)."""
    summary = SummaryBuilder(info.models)
    by_index = {case.index: case for case in cases}
    with tempfile.SpooledTemporaryFile(
        max_size=_SPOOL_CHARS, mode="w+", encoding="utf-8", newline=""
    ) as grid:
        count = _write_grid(grid, info.models, by_index, results, summary)
        out.write(_head(info))
        out.write(_summary_section(summary.per_model()))
        grid.seek(0)
        shutil.copyfileobj(grid, out)
    out.write(_footer(count))
    return count


def _write_grid(
    grid: IO[str],
    models: Sequence[str],
    by_index: Mapping[int, Case],
    results: Iterable[CellResult],
    summary: SummaryBuilder,
) -> int:
    """Write one row per case, holding only the current case's results."""
    grid.write('<section>\n<h2>Results</h2>\n<div class="grid-scroll">\n<table class="grid">\n')
    grid.write('<thead><tr><th scope="col">Case</th>')
    grid.writelines(f'<th scope="col">{_shown(model, 200)}</th>' for model in models)
    grid.write("</tr></thead>\n<tbody>\n")
    order = sorted(by_index)
    position = count = 0
    for case_index, grouped in groupby(results, key=lambda result: result.key.case_index):
        group = list(grouped)
        for result in group:
            summary.add(result)
        count += len(group)
        while position < len(order) and order[position] < case_index:
            grid.write(_case_row(order[position], by_index[order[position]], len(models), []))
            position += 1
        if position < len(order) and order[position] == case_index:
            position += 1
        grid.write(_case_row(case_index, by_index.get(case_index), len(models), group))
    for case_index in order[position:]:
        grid.write(_case_row(case_index, by_index[case_index], len(models), []))
    if not order and not count:
        grid.write(f'<tr><td colspan="{len(models) + 1}">No results yet.</td></tr>\n')
    grid.write("</tbody>\n</table>\n</div>\n</section>\n")
    return count


def _case_row(index: int, case: Case | None, width: int, results: Sequence[CellResult]) -> str:
    per_model: list[list[CellResult]] = [[] for _ in range(width)]
    for result in results:
        per_model[result.key.model_index].append(result)
    cells = "".join(
        _cell(sorted(repeats, key=lambda item: item.key.repeat_index)) for repeats in per_model
    )
    return f"<tr>{_case_header(index, case)}{cells}</tr>\n"


def _case_header(case_index: int, case: Case | None) -> str:
    title = case.title() if case else f"Case {case_index + 1}"
    parts = [
        f'<th scope="row"><div class="case-title"><span class="case-no">#{case_index + 1}</span> '
        f"{_shown(title, _VALUE_CHARS)}</div>"
    ]
    if case and case.variables:
        items = list(case.variables.items())
        parts.append('<dl class="vars">')
        parts.extend(
            f"<dt>{_shown(name, 80)}</dt><dd>{_shown(value, _VALUE_CHARS)}</dd>"
            for name, value in items[:_VARIABLES_SHOWN]
        )
        parts.append("</dl>")
        if len(items) > _VARIABLES_SHOWN:
            parts.append(f'<p class="more">and {len(items) - _VARIABLES_SHOWN} more variables</p>')
    if case and case.checks:
        parts.append('<ul class="checks">')
        parts.extend(
            f"<li><code>{_shown(check, 200)}</code></li>" for check in case.checks[:_CHECKS_SHOWN]
        )
        parts.append("</ul>")
    parts.append("</th>")
    return "".join(parts)


def _cell(repeats: Sequence[CellResult]) -> str:
    """One case on one model: the verdict over its repeats and the answer that explains it."""
    if not repeats:
        return _cell_start("not-run", "–", "Not run") + "</td>"
    verdict = case_verdict(repeats)
    shown = next((item for item in repeats if item.status is verdict.status), repeats[0])
    parts = [_cell_start(*_MARKS[verdict.status])]
    if len(repeats) > 1:
        answers = "answer" if verdict.distinct_answers == 1 else "answers"
        parts.append(
            f'<p class="repeats">{len(repeats)} repeats · {round(verdict.agreement * 100)}% '
            f"agree · {verdict.distinct_answers} distinct {answers}</p>"
        )
        if verdict.distinct_answers > 1 or not shown.passed:
            parts.append(f'<p class="label">Repeat {shown.key.repeat_index + 1}:</p>')
    if shown.status is CellStatus.ERROR:
        parts.append(f'<p class="reason">{_shown(shown.reason, _VALUE_CHARS)}</p>')
    else:
        parts.append(_answer(shown.answer))
        parts.append(_reasons(shown))
    if shown.truncation_status in _TRUNCATION_WORDS:
        note = f": {shown.truncation_note}" if shown.truncation_note else ""
        words = _TRUNCATION_WORDS[shown.truncation_status]
        parts.append(f'<p class="truncation">{_shown(words + note, _VALUE_CHARS)}</p>')
    parts.append(f"{_meta(repeats)}</td>")
    return "".join(parts)


def _cell_start(kind: str, mark: str, word: str) -> str:
    badge = f'<span class="verdict"><span aria-hidden="true">{mark}</span> {word}</span>'
    return f'<td class="cell {kind}">{badge}'


def _answer(answer: str) -> str:
    text = _display(answer)
    cut = len(text) > ANSWER_CHARS
    text = text[:ANSWER_CHARS]
    if not text.strip():
        return '<p class="empty">(empty answer)</p>'
    preview = "\n".join(text.split("\n", _PREVIEW_LINES)[:_PREVIEW_LINES])[:_PREVIEW_CHARS]
    rest = text[len(preview) :]
    ending = "…" if cut else ""
    if not rest:
        return f'<pre class="answer">{_esc(preview + ending)}</pre>'
    label = f"Show more, cut at {ANSWER_CHARS:,} characters" if cut else "Show the whole answer"
    return (
        f'<pre class="answer">{_esc(preview)}…</pre>'
        f'<details><summary>{label}</summary><pre class="answer">'
        f"{_esc(text + ending)}</pre></details>"
    )


def _reasons(result: CellResult) -> str:
    failed = [outcome for outcome in result.checks if not outcome.passed]
    if not failed:
        if result.reason and result.truncation_status not in _TRUNCATION_WORDS:
            return f'<p class="reason">{_shown(result.reason, _VALUE_CHARS)}</p>'
        return ""
    items = "".join(
        f"<li><code>{_shown(outcome.check, 120)}</code> {_shown(outcome.reason, _VALUE_CHARS)}</li>"
        for outcome in failed[:_REASONS_SHOWN]
    )
    more = len(failed) - _REASONS_SHOWN
    extra = f"<li>and {more} more failed checks</li>" if more > 0 else ""
    return f'<ul class="reasons">{items}{extra}</ul>'


def _meta(repeats: Sequence[CellResult]) -> str:
    """Tokens and the median time, where the server counted and the run was timed."""
    parts = []
    if any(item.total_tokens is not None or item.input_tokens is not None for item in repeats):
        parts.append(f"{sum(item.tokens_used for item in repeats):,} tokens")
    times = [item.latency_seconds for item in repeats if item.latency_seconds is not None]
    latencies = [value for value in times if math.isfinite(value) and value >= 0]
    if latencies:
        parts.append(_seconds(statistics.median(latencies)))
    return f'<p class="meta">{" · ".join(parts)}</p>' if parts else ""


def _head(info: EvaluationInfo) -> str:
    title = _display(info.title) or "Evaluation"
    facts = [
        ("Dataset", _display(info.dataset_name)),
        ("Models", ", ".join(_display(model) for model in info.models) or "none"),
        ("Repeats", str(info.repeat)),
        ("Date", _date(info.created)),
        ("State", _STATES[info.state]),
        ("Response format", _display(info.response_format)),
    ]
    if info.prompt_version is not None:
        facts.append(("Prompt version", str(info.prompt_version)))
    rows = "".join(f"<dt>{name}</dt><dd>{_esc(value)}</dd>" for name, value in facts)
    system = _display(info.system_prompt)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light dark">\n'
        f"<title>{_esc(_cut(title, 200))} · {_shown(info.dataset_name, 200)}"
        f"</title>\n<style>\n{_CSS}</style>\n</head>\n<body>\n"
        f'<header>\n<p class="kicker">Evaluation report</p>\n<h1>{_esc(_cut(title, 200))}</h1>\n'
        f'<dl class="facts">{rows}</dl>\n</header>\n'
        '<section class="prompt">\n<h2>Prompt</h2>\n'
        f"<h3>System</h3>\n<pre>{_esc(_cut(system, _PROMPT_CHARS) or '(none)')}</pre>\n"
        f"<h3>User</h3>\n<pre>{_shown(info.user_prompt, _PROMPT_CHARS)}</pre>\n"
        "</section>\n"
    )


def _summary_section(summaries: Sequence[ModelSummary]) -> str:
    rows = []
    for item in summaries:
        rate = item.pass_rate
        if rate is None:
            shown_rate = '<span class="muted">—</span>'
        else:
            percent = round(rate * 100)
            shown_rate = (
                f'<span class="bar" aria-hidden="true"><span style="width:{percent}%"></span>'
                f"</span>{percent}%"
            )
        latency = item.latency_median_seconds
        rows.append(
            f'<tr><th scope="row">{_esc(_display(item.model))}</th><td>{shown_rate}</td>'
            f"<td>{item.passed}</td><td>{item.failed}</td><td>{item.errors}</td>"
            f"<td>{item.cases}</td><td>{item.tokens:,}</td><td>{item.truncated}</td>"
            f"<td>{_seconds(latency) if latency is not None else '—'}</td></tr>\n"
        )
    names = "Model|Pass rate|Passed|Failed|Errors|Cases|Tokens|Truncated|Median latency"
    header = "".join(f'<th scope="col">{name}</th>' for name in names.split("|"))
    return (
        '<section>\n<h2>Summary</h2>\n<div class="table-scroll"><table class="summary">\n'
        f"<thead><tr>{header}</tr></thead>\n<tbody>\n{''.join(rows)}</tbody>\n</table></div>\n"
        '<p class="note">A case passes on a model only when every repeat passed.</p>\n'
        "</section>\n"
    )


def _footer(count: int) -> str:
    results = "result" if count == 1 else "results"
    return (
        f"<footer>\n<p>{count:,} {results}. Answers are cut at {ANSWER_CHARS:,} characters in "
        "this report; the CSV and JSONL exports hold them in full. Control characters in "
        "answers and data are shown as escapes such as \\x1b.</p>\n"
        "<p>Made with ZeroGPU Desktop.</p>\n</footer>\n</body>\n</html>\n"
    )


def _display(text: str) -> str:
    """Outside text as it may be shown: one kind of line break, controls and bidi escaped."""
    return safe_for_display(text.replace("\r\n", "\n").replace("\r", "\n"))


def _shown(text: str, limit: int) -> str:
    """Outside text made safe to show, cut to ``limit`` characters, escaped for HTML."""
    return _esc(_cut(_display(text), limit))


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _seconds(seconds: float) -> str:
    if seconds < 1:
        return f"{round(seconds * 1000)} ms"
    return f"{seconds:.1f} s" if seconds < 100 else f"{round(seconds):,} s"


def _date(created: float) -> str:
    try:
        return datetime.fromtimestamp(created).astimezone().strftime("%Y-%m-%d %H:%M %Z")
    except (OverflowError, OSError, ValueError):
        return "unknown"
