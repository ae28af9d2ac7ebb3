"""`zerogpu-desktop compare`: one prompt on several models at once, each answer under its name;
or, with `--preset NAME --version V --version W`, several versions of a preset on one model.

The answers go to stdout in command-line order, each under a header naming its model or
version (or as one JSON object with `--json`); a summary table (tokens, seconds, truncation)
goes to stderr.
Every column is a history run of source "compare". Exit 0 when every column answered,
otherwise the `send` code of the first column, in command-line order, that did not.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, TextIO

from zerogpu_desktop.cli.context import CommandContext, UsageError
from zerogpu_desktop.cli.history_sink import StoreHistorySink
from zerogpu_desktop.cli.output import report, write_data
from zerogpu_desktop.cli.run_setup import command_connection, command_runner
from zerogpu_desktop.cli.send import prompt_spec
from zerogpu_desktop.exit_codes import ExitCode
from zerogpu_desktop.explain import Explanation
from zerogpu_desktop.safe_text import replace_surrogates, safe_for_display
from zerogpu_desktop.storage.presets.store import PresetError, PresetStore
from zerogpu_desktop.workbench.compare import (
    CompareColumn,
    CompareError,
    model_columns,
    run_columns,
    version_columns,
)
from zerogpu_desktop.workbench.outcome import RunOutcome
from zerogpu_desktop.workbench.preflight import render_or_refuse
from zerogpu_desktop.workbench.spec import PromptSpec

__all__ = ["run"]


def _columns(
    args: argparse.Namespace, context: CommandContext, stdin: TextIO
) -> list[CompareColumn]:
    """The columns: `send`'s spec (preset, flags, `--var`) once per `--model`, or once per
    `--version` of the preset on one model.

    Raises:
        UsageError: `--version` without `--preset`, or with several models; and `send`'s.
        CompareError: too few or too many models or versions.
    """
    numbers: list[int] = args.preset_versions
    if numbers and not args.preset:
        raise UsageError("--version needs --preset NAME: the versions of which preset?")
    if numbers and len(args.model) > 1:
        raise UsageError("Compare several models or several versions, not both.")
    first_model = argparse.Namespace(
        **{**vars(args), "model": (args.model or [None])[0], "preset_version": None}
    )
    presets = PresetStore(context.data_dir)
    spec = prompt_spec(first_model, presets, stdin)
    if not numbers:
        models = args.model or ([spec.model] if spec.model else [])
        return model_columns(spec, models)
    preset = presets.get(args.preset)
    assert preset is not None  # prompt_spec found it
    try:
        versions = [presets.version(preset.name, number) for number in numbers]
    except PresetError as exc:
        raise UsageError(str(exc)) from None
    columns = version_columns(spec, preset, versions, args.model[0] if args.model else None)
    return [_with_flags(column, args, spec) for column in columns]


def _with_flags(column: CompareColumn, args: argparse.Namespace, spec: PromptSpec) -> CompareColumn:
    """A version's column with what the command line gave in its place (TEXT, `--system`,
    `--format`, `--input-limit`), the same in every column; like `send`, it names its
    version only while it sends that version's prompts and format."""
    given = column.spec
    if args.text is not None:
        given = replace(given, user_prompt=spec.user_prompt)
    if args.system is not None:
        given = replace(given, system_prompt=spec.system_prompt)
    if args.response_format:
        given = replace(given, response_format=spec.response_format)
    if args.input_limit:
        given = replace(given, input_limit=args.input_limit)
    as_stored = (given.system_prompt, given.user_prompt, given.response_format) == (
        column.spec.system_prompt,
        column.spec.user_prompt,
        column.spec.response_format,
    )
    return replace(
        column, spec=replace(given, preset_version=given.preset_version if as_stored else None)
    )


def run(
    args: argparse.Namespace,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Sends the prompt to every model at once, prints each answer, returns the exit code."""
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    try:
        context = CommandContext.from_args(args)
        columns = _columns(args, context, stdin)
    except (UsageError, CompareError) as exc:
        report(str(exc), stderr)
        return ExitCode.USAGE
    for column in columns:  # versions differ in their prompts: each must be sendable
        sent = render_or_refuse(column.spec, "cli")
        if isinstance(sent, Explanation):
            report(sent.as_line(), stderr)
            return sent.exit_code
    connection = command_connection(args, context, stderr)
    if isinstance(connection, int):
        return connection
    history = StoreHistorySink(context.data_dir, stderr)
    runner = command_runner(
        context, history, stderr, concurrency=len(columns), history_source="compare"
    )

    async def go() -> list[RunOutcome]:
        try:
            return await run_columns(runner, columns, connection)
        finally:
            await runner.aclose()

    try:
        outcomes = asyncio.run(go())
    except KeyboardInterrupt:
        report("interrupted: the columns that answered are in the history.", stderr)
        return ExitCode.INTERRUPTED
    if args.json:
        write_data(json.dumps(_as_json(columns, outcomes), ensure_ascii=False, indent=2), stdout)
    else:
        _print_answers(columns, outcomes, stdout)
    _print_summary(columns, outcomes, stderr, "version" if args.preset_versions else "model")
    failed = [outcome for outcome in outcomes if not outcome.succeeded]
    if failed:
        words = failed[0].explanation
        return words.exit_code if words else ExitCode.UNEXPECTED
    return ExitCode.OK


def _print_answers(
    columns: Sequence[CompareColumn], outcomes: Sequence[RunOutcome], out: TextIO
) -> None:
    for number, (column, outcome) in enumerate(zip(columns, outcomes, strict=True)):
        if number:
            out.write("\n")
        out.write(f"== {safe_for_display(column.label)} ==\n")
        if outcome.response is not None and outcome.succeeded:
            write_data(outcome.response.text, out)
        else:
            words = outcome.explanation
            out.write(f"(no answer) {safe_for_display(words.as_line()) if words else ''}\n")


def _result_word(outcome: RunOutcome) -> str:
    if not outcome.succeeded:
        return outcome.explanation.title if outcome.explanation else "failed"
    return outcome.assessment.status.value.replace("_", " ") if outcome.assessment else "answered"


def _print_summary(
    columns: Sequence[CompareColumn], outcomes: Sequence[RunOutcome], err: TextIO, heading: str
) -> None:
    rows = [(heading, "in", "out", "total", "seconds", "result")]
    for column, outcome in zip(columns, outcomes, strict=True):
        usage = outcome.response.usage if outcome.response else None
        counts = (
            (f"{usage.input_tokens:,}", f"{usage.output_tokens:,}", f"{usage.total_tokens:,}")
            if usage
            else ("-", "-", "-")
        )
        rows.append(
            (
                safe_for_display(column.label),
                *counts,
                f"{outcome.seconds:.2f}",
                safe_for_display(_result_word(outcome)),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = [
            row[0].ljust(widths[0]),
            *(c.rjust(w) for c, w in zip(row[1:5], widths[1:5], strict=True)),
        ]
        print("  ".join([*cells, row[5]]), file=err)


def _as_json(columns: Sequence[CompareColumn], outcomes: Sequence[RunOutcome]) -> dict[str, Any]:
    results = []
    for column, outcome in zip(columns, outcomes, strict=True):
        response = outcome.response if outcome.succeeded else None
        usage = response.usage if response else None
        words = outcome.explanation
        results.append(
            {
                "label": column.label,
                "model": column.spec.model,
                "preset_version": column.spec.preset_version,
                "answered": response is not None,
                "answer": replace_surrogates(response.text) if response else None,
                "error": words.as_line() if words and response is None else None,
                "exit_code": int(words.exit_code) if words and response is None else 0,
                "input_tokens": usage.input_tokens if usage else None,
                "output_tokens": usage.output_tokens if usage else None,
                "total_tokens": usage.total_tokens if usage else None,
                "seconds": round(outcome.seconds, 3),
                "truncation": outcome.assessment.status.value if outcome.assessment else None,
                "truncation_note": outcome.assessment.explanation if outcome.assessment else None,
                "history_id": outcome.history_id,
            }
        )
    return {"results": results}
