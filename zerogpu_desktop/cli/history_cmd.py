"""`zerogpu-desktop history list [--search TEXT] [--limit N] [--preset NAME [--version N]]
[--rating good|bad|rated]`, `history show ID` and `history rate ID good|bad|none [--note TEXT]`.

`--preset NAME` goes by the preset called NAME now, when there is one: its runs whatever it
was called when they ran (a rename keeps them), not those of an earlier preset deleted under
that name. A name no preset has now lists every run recorded under it.

A row's model, preview, error and preset name came from a server or a file, so they are
printed escaped. The prompts and the answer of `history show` are data: unchanged into a
pipe or a file, escaped only on a terminal (see `cli.output`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import TextIO

from zerogpu_desktop.cli.output import is_terminal, report
from zerogpu_desktop.exit_codes import ExitCode
from zerogpu_desktop.safe_text import replace_surrogates, safe_for_display
from zerogpu_desktop.storage import ensure_data_dir, resolve_data_dir
from zerogpu_desktop.storage.history.store import HistoryStore, open_history_store
from zerogpu_desktop.storage.history.types import (
    HistoryError,
    RunRecord,
    RunSummary,
    clean_note,
    preset_label,
)
from zerogpu_desktop.storage.history.values import SQLITE_MAX_INT

MAX_LIST = 500


def _data_dir(args: argparse.Namespace) -> Path:
    return ensure_data_dir(resolve_data_dir(getattr(args, "data_dir", None), os.environ))


def _open(args: argparse.Namespace) -> HistoryStore:
    opened = open_history_store(_data_dir(args))
    if opened.problem:
        report(opened.problem)
    return opened.value


def _preset_id(data_dir: Path, name: str | None) -> str | None:
    """The id of the preset called ``name`` now, or None (no such preset, or no name)."""
    if not name or not name.strip():
        return None
    from zerogpu_desktop.storage.presets.store import PresetStore

    presets = PresetStore(data_dir)
    preset = presets.get(name)
    problem = presets.take_problem()
    if problem:
        report(problem)
    return preset.preset_id or None if preset is not None else None


def _when(created: float) -> str:
    return dt.datetime.fromtimestamp(created).strftime("%Y-%m-%d %H:%M")


def list_runs(args: argparse.Namespace, *, stdout: TextIO | None = None) -> int:
    """One run a line: ID, time, model, tokens, result, preset, rating, prompt preview."""
    stdout = stdout or sys.stdout
    limit = max(1, min(args.limit, MAX_LIST))
    preset = getattr(args, "preset", None)
    version = getattr(args, "preset_version", None)
    rating = getattr(args, "rating", None)
    if version is not None and not preset:
        report("--version picks a version of a preset: give the preset too, with --preset NAME.")
        return ExitCode.USAGE
    if version is not None and not 1 <= version <= SQLITE_MAX_INT:
        report(f"--version must be a version number from 1 up (got {version}).")
        return ExitCode.USAGE
    filters = {"preset": preset, "preset_version": version, "rating": rating}
    try:
        preset_id = _preset_id(_data_dir(args), preset)
        with _open(args) as store:
            rows = store.page(
                0,
                limit,
                args.search,
                batch_runs=getattr(args, "evaluations", False),
                preset_id=preset_id,
                **filters,
            )
    except HistoryError as exc:
        report(str(exc))
        return ExitCode.UNEXPECTED
    for row in rows:
        print(_list_line(row), file=stdout)
    if not rows:
        filtered = args.search or any(value is not None for value in filters.values())
        print("No runs match." if filtered else "No runs yet.", file=sys.stderr)
    return ExitCode.OK


def _list_line(row: RunSummary) -> str:
    tokens = "-" if row.total_tokens is None else f"{row.total_tokens:,}"
    result = row.error_title or (row.truncation_status.value if row.truncation_status else "ok")
    model = f"{row.model} (demo)" if row.demo else row.model
    preset = preset_label(row.preset_name, row.preset_version) or "-"
    fields = (model, tokens, result, preset, row.rating or "-", row.preview)
    shown = "\t".join(safe_for_display(field.replace("\t", " ")) for field in fields)
    return f"{row.id}\t{_when(row.created)}\t{shown}"


def format_run(run: RunRecord, *, terminal: bool = False) -> str:
    """The run as text; `terminal` escapes the prompts and the answer too (see module doc)."""
    lines = [
        f"Run {run.id} · {_when(run.created)} · {run.model} · from the {run.source}",
    ]
    if run.preset_name:
        lines.append(f"Preset: {preset_label(run.preset_name, run.preset_version)}")
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
    if run.rating:
        lines.append(f"Rating: {run.rating}")
        if run.rating_note:
            lines.append(f"Note: {run.rating_note}")
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
        return _unknown_run(args.id)
    stdout.write(format_run(run, terminal=is_terminal(stdout)))
    return ExitCode.OK


def rate_run(args: argparse.Namespace) -> int:
    """Rates a run good or bad with an optional note, or clears its rating ("none")."""
    rating = None if args.rating == "none" else args.rating
    note = args.note or ""
    if rating is None and note.strip():
        report("a note goes with a rating: rate the run good or bad to keep a note.")
        return ExitCode.USAGE
    try:
        clean_note(note)
    except ValueError as exc:
        report(str(exc))
        return ExitCode.USAGE
    try:
        with _open(args) as store:
            found = store.rate(args.id, rating, note)
    except HistoryError as exc:
        report(str(exc))
        return ExitCode.UNEXPECTED
    if not found:
        return _unknown_run(args.id)
    report(f"Run {args.id} rated {rating}." if rating else f"Run {args.id} is no longer rated.")
    return ExitCode.OK


def _unknown_run(run_id: int) -> int:
    report(f"no run with id {run_id}: `zerogpu-desktop history list` shows the IDs.")
    return ExitCode.USAGE
