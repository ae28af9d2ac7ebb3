"""`eval list`, `eval show ID`, `eval export ID -o FILE`, `eval compare ID [OLD_ID]`.

Read-only views of stored evaluations: no key, no network. Texts from datasets and servers are
printed through `safe_for_display`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from zerogpu_desktop.cli.eval_print import print_cases, print_summary
from zerogpu_desktop.cli.output import report
from zerogpu_desktop.exit_codes import ExitCode
from zerogpu_desktop.safe_text import safe_for_display
from zerogpu_desktop.storage import ensure_data_dir, resolve_data_dir
from zerogpu_desktop.storage.history.types import HistoryError
from zerogpu_desktop.storage.presets.store import PresetStore
from zerogpu_desktop.workbench.evaluate.export import export_evaluation as write_export
from zerogpu_desktop.workbench.evaluate.export import export_format_for
from zerogpu_desktop.workbench.evaluate.regression import CaseChange, compare_evaluations
from zerogpu_desktop.workbench.evaluate.store import EvaluationStore, open_evaluation_store
from zerogpu_desktop.workbench.evaluate.summary import SummaryBuilder
from zerogpu_desktop.workbench.evaluate.types import titled
from zerogpu_desktop.workbench.evaluate.version_links import link_to_versions

__all__ = [
    "compare_evaluations_command",
    "export_evaluation",
    "list_evaluations",
    "show_evaluation",
]

MAX_LIST = 500


def _with_store(
    args: argparse.Namespace, stderr: TextIO, action: Callable[[EvaluationStore], int]
) -> int:
    try:
        data_dir = ensure_data_dir(resolve_data_dir(getattr(args, "data_dir", None), os.environ))
        store = open_evaluation_store(data_dir)
    except (HistoryError, OSError) as exc:
        report(str(exc), stderr)
        return ExitCode.UNEXPECTED
    try:
        link_to_versions(store, PresetStore(data_dir))
        return action(store)
    except HistoryError as exc:
        report(str(exc), stderr)
        return ExitCode.UNEXPECTED
    finally:
        store.close()


def _no_such(evaluation_id: int, stderr: TextIO) -> int:
    report(f"No evaluation {evaluation_id}: `zerogpu-desktop eval list` shows them.", stderr)
    return ExitCode.USAGE


def list_evaluations(
    args: argparse.Namespace, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr

    def action(store: EvaluationStore) -> int:
        rows = store.listing(max(1, min(args.limit, MAX_LIST)))
        for row in rows:
            info = row.info
            when = dt.datetime.fromtimestamp(info.created).strftime("%Y-%m-%d %H:%M")
            rate = f"{row.passed / row.results:.0%}" if row.results else "-"
            fields = (
                titled(info),
                info.dataset_name,
                ", ".join(info.models),
                f"{row.results:,}/{row.cases * len(info.models) * info.repeat:,} done",
                f"{rate} passed",
                info.state.value,
            )
            shown = "\t".join(safe_for_display(text.replace("\t", " ")) for text in fields)
            print(f"{info.id}\t{when}\t{shown}", file=stdout)
        if not rows:
            print("No evaluations yet: `zerogpu-desktop eval run --help` starts one.", file=stderr)
        return ExitCode.OK

    return _with_store(args, stderr, action)


def show_evaluation(
    args: argparse.Namespace, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr

    def action(store: EvaluationStore) -> int:
        info = store.info(args.id)
        if info is None:
            return _no_such(args.id, stderr)
        cases = store.cases(args.id)
        summary = SummaryBuilder(info.models)
        for result in store.results(args.id):
            summary.add(result)
        print_summary(info, len(cases), summary.per_model(), stdout)
        print(f"prompt: {safe_for_display(info.user_prompt[:200])}", file=stdout)
        print_cases(summary.verdicts(), cases, info.models, stdout, limit=None, repeat=info.repeat)
        return ExitCode.OK

    return _with_store(args, stderr, action)


def export_evaluation(
    args: argparse.Namespace, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    stderr = stderr or sys.stderr
    path = Path(args.output)
    try:
        export_format_for(path)
    except ValueError as exc:
        report(str(exc), stderr)
        return ExitCode.USAGE

    def action(store: EvaluationStore) -> int:
        info = store.info(args.id)
        if info is None:
            return _no_such(args.id, stderr)
        try:
            rows = write_export(path, info, store.cases(args.id), store.results(args.id))
        except OSError as exc:
            report(f"{path} could not be written ({exc.strerror or exc}).", stderr)
            return ExitCode.UNEXPECTED
        report(f"exported {rows:,} results to {path}", stderr)
        return ExitCode.OK

    return _with_store(args, stderr, action)


def _change_line(change: CaseChange) -> str:
    line = (
        f"  case {change.case_index + 1} ({safe_for_display(change.title)}) on "
        f"{safe_for_display(change.model)}: {change.old.value} → {change.new.value}"
    )
    return line + (f": {safe_for_display(change.reason)}" if change.reason else "")


def compare_evaluations_command(
    args: argparse.Namespace, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr

    def action(store: EvaluationStore) -> int:
        old_id = args.old_id or store.earlier_of_same_dataset(args.id)
        if old_id is None:
            if store.info(args.id) is None:
                return _no_such(args.id, stderr)
            report(
                f"Evaluation {args.id} has no earlier evaluation of the same dataset: "
                "give the one to compare with as OLD_ID.",
                stderr,
            )
            return ExitCode.USAGE
        regression = compare_evaluations(store, args.id, old_id)
        if regression is None:
            return _no_such(args.id if store.info(args.id) is None else old_id, stderr)
        print(
            f"Evaluation {args.id} against {old_id}: {regression.matched:,} cases matched, "
            f"{len(regression.broke):,} went from pass to fail, "
            f"{len(regression.fixed):,} from fail to pass.",
            file=stdout,
        )
        if not regression.same_dataset:
            print("(different dataset files: cases are matched by their variables)", file=stdout)
        for title, changes in (
            ("pass → fail:", regression.broke),
            ("fail → pass:", regression.fixed),
            ("other changes:", regression.other),
        ):
            if changes:
                print(title, file=stdout)
                for change in changes:
                    print(_change_line(change), file=stdout)
        if regression.prompt_diff:
            print("what changed in the prompt:", file=stdout)
            for line in regression.prompt_diff:
                print(safe_for_display(line), file=stdout)
        else:
            print("the prompt is the same.", file=stdout)
        return ExitCode.CHECK_FAILED if regression.broke else ExitCode.OK

    return _with_store(args, stderr, action)
