"""`zerogpu-desktop eval run` and `eval resume`: an evaluation from the command line, for CI.

A thin adapter over `workbench.evaluate`: the arguments become a plan, the `Evaluator` runs it
through the same `Runner` the window uses, and this module prints progress and the summary and
turns the end into an exit code (0 all passed, 10 a case did not, 11 the budget stopped it,
130 interrupted; a setup problem is refused with `send`'s codes before anything is sent).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TextIO

from zerogpu_desktop import background
from zerogpu_desktop.cli.context import CommandContext, UsageError
from zerogpu_desktop.cli.eval_print import ProgressLine, print_cases, print_summary
from zerogpu_desktop.cli.history_sink import WriterHistorySink
from zerogpu_desktop.cli.output import is_terminal, report
from zerogpu_desktop.cli.run_setup import command_connection, command_runner
from zerogpu_desktop.cli.send import parse_vars
from zerogpu_desktop.exit_codes import ExitCode
from zerogpu_desktop.storage import ensure_data_dir
from zerogpu_desktop.storage.history.types import HistoryError
from zerogpu_desktop.storage.history.writer import HistoryWriter
from zerogpu_desktop.storage.presets.store import PresetStore
from zerogpu_desktop.workbench.connection import Connection
from zerogpu_desktop.workbench.evaluate.dataset import load_dataset
from zerogpu_desktop.workbench.evaluate.engine import EvaluationReport, Evaluator
from zerogpu_desktop.workbench.evaluate.export import export_evaluation, export_format_for
from zerogpu_desktop.workbench.evaluate.plan import CURRENT_PROMPT, EvaluationPlan, PlanError
from zerogpu_desktop.workbench.evaluate.store import open_evaluation_store
from zerogpu_desktop.workbench.evaluate.summary import SummaryBuilder
from zerogpu_desktop.workbench.evaluate.types import CellKey, DatasetError, EvaluationState
from zerogpu_desktop.workbench.spec import PromptSpec

__all__ = ["resume_evaluation", "run_evaluation"]


def _plan(args: argparse.Namespace, presets: PresetStore) -> EvaluationPlan:
    """The plan the arguments ask for; refused with one sentence when it cannot run."""
    preset = presets.get(args.preset) if args.preset else None
    if args.preset and preset is None:
        raise UsageError(
            f"No preset named “{args.preset}”. `zerogpu-desktop presets list` shows them."
        )
    if preset is None and args.prompt is None:
        raise UsageError("Give the prompt to evaluate: --preset NAME, or --model M --prompt TEXT.")
    models = tuple(args.model) or ((preset.model,) if preset and preset.model else ())
    values = dict(preset.variables) if preset else {}
    values.update(parse_vars(args.var))
    system = args.system if args.system is not None else (preset.system_prompt if preset else "")
    user = args.prompt if args.prompt is not None else (preset.user_prompt if preset else "")
    prompt = PromptSpec(
        preset.model if preset else "",
        system,
        user,
        values,
        input_limit=preset.input_token_limit if preset else None,
        response_format=args.response_format or (preset.response_format if preset else "text"),
        preset_name=preset.name if preset else None,
        preset_id=preset.preset_id if preset else None,
        preset_version=preset.version if preset and not _overridden(args) else None,
    )
    dataset = load_dataset(Path(args.data))
    plan = EvaluationPlan(
        prompt,
        preset.name if preset else CURRENT_PROMPT,
        dataset,
        models,
        repeat=args.repeat,
        concurrency=args.concurrency,
        max_total_tokens=args.max_total_tokens,
    )
    plan.check()
    return plan


def _overridden(args: argparse.Namespace) -> bool:
    """Whether a flag replaced part of the preset's prompt: then no stored version ran."""
    return args.system is not None or args.prompt is not None or bool(args.response_format)


def run_evaluation(
    args: argparse.Namespace, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """`eval run`: checks everything, runs every cell, prints, exports, exits."""
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    try:
        context = CommandContext.from_args(args)
        plan = _plan(args, PresetStore(context.data_dir))
        if args.output:
            export_format_for(Path(args.output))
    except (UsageError, DatasetError, PlanError, ValueError, OSError) as exc:
        report(str(exc), stderr)
        return ExitCode.USAGE
    return _evaluate(args, context, plan, None, (), stdout, stderr)


def resume_evaluation(
    args: argparse.Namespace, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """`eval resume ID [--errors]`: runs the cells without a result (and errored ones)."""
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    try:
        context = CommandContext.from_args(args)
        ensure_data_dir(context.data_dir)
        store = open_evaluation_store(context.data_dir)
    except (UsageError, HistoryError, OSError) as exc:
        report(str(exc), stderr)
        return ExitCode.USAGE
    try:
        info = store.info(args.id)
        if info is None:
            report(f"No evaluation {args.id}: `zerogpu-desktop eval list` shows them.", stderr)
            return ExitCode.USAGE
        cases = store.cases(args.id)
        plan = EvaluationPlan.from_stored(
            info,
            store.columns(args.id),
            cases,
            concurrency=args.concurrency,
            max_total_tokens=args.max_total_tokens,
        )
        skip = store.done_cells(args.id, errors_too=not args.errors)
    finally:
        store.close()
    if args.repeat != 1 and args.repeat != plan.repeat:
        report(f"A resumed evaluation keeps its repeat count ({plan.repeat}).", stderr)
    return _evaluate(args, context, plan, args.id, skip, stdout, stderr)


def _evaluate(
    args: argparse.Namespace,
    context: CommandContext,
    plan: EvaluationPlan,
    evaluation_id: int | None,
    skip: set[CellKey] | tuple[()],
    stdout: TextIO,
    stderr: TextIO,
) -> int:
    if context.settings_problem:
        report(context.settings_problem, stderr)
    connection = command_connection(args, context, stderr)
    if isinstance(connection, int):
        return connection
    ensure_data_dir(context.data_dir)
    writer = HistoryWriter(context.data_dir)
    runner = command_runner(
        context,
        WriterHistorySink(writer, stderr),
        stderr,
        concurrency=plan.concurrency,
        history_source="evaluate",
    )
    worker = background.Worker("zerogpu-evaluation-store")
    try:
        store = worker.run_blocking(open_evaluation_store, context.data_dir)
    except HistoryError as exc:
        report(str(exc), stderr)
        worker.close()
        return ExitCode.UNEXPECTED
    line = ProgressLine(stderr, enabled=is_terminal(stderr))
    evaluator = Evaluator(runner, worker, store, on_progress=line.update)
    started: list[int] = [] if evaluation_id is None else [evaluation_id]
    try:
        outcome = asyncio.run(_go(evaluator, plan, connection, started, skip, stderr))
    except KeyboardInterrupt:
        line.clear()
        where = f" `zerogpu-desktop eval resume {started[0]}` continues it." if started else ""
        report(f"interrupted: what finished is kept.{where}", stderr)
        return ExitCode.INTERRUPTED
    finally:
        writer.close(timeout=10.0)
        worker.run_blocking(store.close)
        worker.close()
    line.clear()
    return _finish(args, context, outcome, stdout, stderr)


async def _go(
    evaluator: Evaluator,
    plan: EvaluationPlan,
    connection: Connection,
    started: list[int],
    skip: set[CellKey] | tuple[()],
    stderr: TextIO,
) -> EvaluationReport:
    try:
        if not started:
            started.append(await evaluator.start(plan, connection))
            calls = plan.estimate()
            report(
                f"evaluation {started[0]}: {calls.calls:,} calls "
                f"(about {calls.input_tokens:,} input tokens)",
                stderr,
            )
        return await evaluator.run(started[0], plan, connection, skip=skip)
    finally:
        await evaluator.runner.aclose()


def _finish(
    args: argparse.Namespace,
    context: CommandContext,
    outcome: EvaluationReport,
    stdout: TextIO,
    stderr: TextIO,
) -> int:
    """Prints the whole evaluation (a resumed one includes the earlier cells), exports it."""
    store = open_evaluation_store(context.data_dir)
    try:
        info = store.info(outcome.evaluation_id)
        assert info is not None
        cases = store.cases(outcome.evaluation_id)
        summary = SummaryBuilder(info.models)
        for result in store.results(outcome.evaluation_id):
            summary.add(result)
        print_summary(info, len(cases), summary.per_model(), stdout)
        not_passed = print_cases(summary.verdicts(), cases, info.models, stdout, repeat=info.repeat)
        output = getattr(args, "output", None)
        if output:
            rows = export_evaluation(
                Path(output), info, cases, store.results(outcome.evaluation_id)
            )
            report(f"exported {rows:,} results to {output}", stderr)
    except OSError as exc:
        report(f"the results could not be exported: {exc}", stderr)
        return ExitCode.UNEXPECTED
    finally:
        store.close()
    if outcome.state is EvaluationState.BUDGET:
        return ExitCode.BUDGET_REACHED
    if outcome.state is EvaluationState.CANCELLED:
        return ExitCode.INTERRUPTED
    done = sum(s.cases for s in summary.per_model())
    if not_passed or done < len(cases) * len(info.models):
        return ExitCode.CHECK_FAILED
    return ExitCode.OK
