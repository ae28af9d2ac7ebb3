"""`zerogpu-desktop history list [--search TEXT] [--limit N]` and `history show ID`.

A row's model, preview, error and preset name came from a server or a file, so they are
printed escaped. The prompts and the answer of `history show` are data: unchanged into a
pipe or a file, escaped only on a terminal (see `cli.output`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from typing import TextIO

from zerogpu_desktop.cli.output import is_terminal, report
from zerogpu_desktop.exit_codes import ExitCode
from zerogpu_desktop.safe_text import replace_surrogates, safe_for_display
from zerogpu_desktop.storage import ensure_data_dir, resolve_data_dir
from zerogpu_desktop.storage.history.store import HistoryStore, open_history_store
from zerogpu_desktop.storage.history.types import HistoryError, RunRecord

MAX_LIST = 500


def _open(args: argparse.Namespace) -> HistoryStore:
    data_dir = ensure_data_dir(resolve_data_dir(getattr(args, "data_dir", None), os.environ))
    opened = open_history_store(data_dir)
    if opened.problem:
        report(opened.problem)
    return opened.value


def _when(created: float) -> str:
    return dt.datetime.fromtimestamp(created).strftime("%Y-%m-%d %H:%M")


def list_runs(args: argparse.Namespace, *, stdout: TextIO | None = None) -> int:
    stdout = stdout or sys.stdout
    limit = max(1, min(args.limit, MAX_LIST))
    try:
        with _open(args) as store:
            rows = store.page(0, limit, args.search, batch_runs=getattr(args, "evaluations", False))
    except HistoryError as exc:
        report(str(exc))
        return ExitCode.UNEXPECTED
    for row in rows:
        tokens = "-" if row.total_tokens is None else f"{row.total_tokens:,}"
        result = row.error_title or (row.truncation_status.value if row.truncation_status else "ok")
        model = f"{row.model} (demo)" if row.demo else row.model
        fields = (model, tokens, result, row.preview)
        shown = "\t".join(safe_for_display(field.replace("\t", " ")) for field in fields)
        print(f"{row.id}\t{_when(row.created)}\t{shown}", file=stdout)
    if not rows:
        print("No runs match." if args.search else "No runs yet.", file=sys.stderr)
    return ExitCode.OK


def format_run(run: RunRecord, *, terminal: bool = False) -> str:
    """The run as text; `terminal` escapes the prompts and the answer too (see module doc)."""
    lines = [
        f"Run {run.id} · {_when(run.created)} · {run.model} · from the {run.source}",
    ]
    if run.preset_name:
        lines.append(f"Preset: {run.preset_name}")
    if run.usage is not None:
        usage = run.usage
        lines.append(
            f"Tokens: {usage.input_tokens:,} in · {usage.output_tokens:,} out · "
            f"{usage.total_tokens:,} total"
        )
    if run.duration_seconds is not None:
        lines.append(f"Duration: {run.duration_seconds:.2f} s")
    if run.truncation_note:
        lines.append(run.truncation_note)
    if run.error_title:
        lines.append(f"Error: {run.error_title}: {run.error_message or ''}".rstrip())
    lines = [safe_for_display(line) for line in lines]
    data = safe_for_display if terminal else replace_surrogates
    if run.system_prompt:
        lines += ["", "--- system prompt ---", data(run.system_prompt)]
    lines += ["", "--- user prompt ---", data(run.user_prompt)]
    if run.answer:
        lines += ["", "--- answer ---", data(run.answer)]
    return "\n".join(lines) + "\n"


def show_run(args: argparse.Namespace, *, stdout: TextIO | None = None) -> int:
    stdout = stdout or sys.stdout
    try:
        with _open(args) as store:
            run = store.get(args.id)
    except HistoryError as exc:
        report(str(exc))
        return ExitCode.UNEXPECTED
    if run is None:
        report(f"no run with id {args.id}: `zerogpu-desktop history list` shows the IDs.")
        return ExitCode.USAGE
    stdout.write(format_run(run, terminal=is_terminal(stdout)))
    return ExitCode.OK
