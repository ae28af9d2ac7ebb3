"""The arguments of `zerogpu-desktop eval …`: run, list, show, export, resume, compare.

Standard library only, like `parser.py`: the evaluation's code loads when a command runs.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from zerogpu_desktop.cli import arg_types

EVAL_EXIT_CODE_HELP = """\
exit codes of eval:
  0  every case ran and passed
  10 a case failed a check, was truncated or ended in an error (its reason says which)
  11 the token budget stopped the evaluation early (what ran is kept)
  2-9 as for send, when the evaluation could not start (nothing was sent)
  130 interrupted (what finished is kept; `eval resume ID` continues it)
exit codes of eval compare:
  0  no case went from pass to fail
  10 a case went from pass to fail
"""


def add_eval_arguments(
    parser: argparse.ArgumentParser,
    lazy: Callable[[str, str], Callable[[argparse.Namespace], int]],
    add_common: Callable[[argparse.ArgumentParser], None],
) -> None:
    """The `eval` actions; `lazy` imports each handler when it runs."""
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)
    run = actions.add_parser(
        "run",
        help="run a prompt over a dataset, on one or more models, with checks",
        description="Run a prompt (a preset, or --prompt) over every row of a dataset "
        "(CSV, TSV, JSONL or a JSON array; the header names the {{variables}}; __expected "
        "columns hold checks) on each --model. A progress line goes to stderr on a terminal, "
        "a summary table to stdout. Every call is kept in the history.",
        epilog=EVAL_EXIT_CODE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("--preset", "-p", metavar="NAME", help="the prompt of a saved preset")
    run.add_argument(
        "--model",
        "-m",
        action="append",
        default=[],
        metavar="M",
        help="a model to evaluate on (repeatable, up to 6; default: the preset's model)",
    )
    run.add_argument("--system", "-s", metavar="TEXT", help="system prompt (without a preset)")
    run.add_argument("--prompt", metavar="TEXT", help="user prompt (without a preset)")
    run.add_argument(
        "--data", "-d", required=True, metavar="FILE", help="the dataset: .csv, .tsv, .jsonl, .json"
    )
    run.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a value for a variable no dataset column gives (repeatable)",
    )
    run.add_argument(
        "--format",
        dest="response_format",
        type=arg_types.response_format,
        metavar="TYPE",
        help="the response format (default: the preset's, else text)",
    )
    _run_options(run)
    run.add_argument(
        "--output", "-o", metavar="FILE", help="also export the results (.csv, .jsonl or .html)"
    )
    run.set_defaults(command=lazy("eval_run", "run_evaluation"))

    listing = actions.add_parser("list", help="the latest evaluations, newest first")
    listing.add_argument(
        "--limit", "-n", type=arg_types.row_count, default=20, metavar="N", help="at most N"
    )
    listing.set_defaults(command=lazy("eval_view", "list_evaluations"))
    show = actions.add_parser("show", help="one evaluation: its summary and every case")
    show.add_argument("id", type=arg_types.evaluation_id)
    show.set_defaults(command=lazy("eval_view", "show_evaluation"))
    export = actions.add_parser("export", help="write an evaluation to .csv, .jsonl or .html")
    export.add_argument("id", type=arg_types.evaluation_id)
    export.add_argument("-o", "--output", required=True, metavar="FILE")
    export.set_defaults(command=lazy("eval_view", "export_evaluation"))
    resume = actions.add_parser(
        "resume",
        help="run the cells of an evaluation not done yet",
        epilog=EVAL_EXIT_CODE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    resume.add_argument("id", type=arg_types.evaluation_id)
    resume.add_argument(
        "--errors", action="store_true", help="also run again the cells that ended in an error"
    )
    _run_options(resume)
    resume.set_defaults(command=lazy("eval_run", "resume_evaluation"))
    compare = actions.add_parser(
        "compare",
        help="what changed since an earlier evaluation of the same dataset",
        description="Cases that went from pass to fail come first, then fail to pass, then "
        "the change in the prompt. Exits 10 when any case went from pass to fail.",
    )
    compare.add_argument("id", type=arg_types.evaluation_id, help="the newer evaluation")
    compare.add_argument(
        "old_id",
        type=arg_types.evaluation_id,
        nargs="?",
        help="the earlier one (default: the latest earlier one of the same dataset)",
    )
    compare.set_defaults(command=lazy("eval_view", "compare_evaluations_command"))
    for sub in (run, listing, show, export, resume, compare):
        add_common(sub)


def _run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--concurrency",
        "-j",
        type=arg_types.concurrency,
        default=4,
        metavar="N",
        help="requests in flight at once (default 4)",
    )
    parser.add_argument(
        "--repeat",
        type=arg_types.repeat,
        default=1,
        metavar="N",
        help="run every case N times; a case passes only when every repeat passes",
    )
    parser.add_argument(
        "--max-total-tokens",
        type=arg_types.token_budget,
        metavar="N",
        help="stop scheduling new cases once N tokens were used",
    )
    parser.add_argument(
        "--timeout", type=arg_types.seconds, metavar="SECONDS", help="the deadline of each attempt"
    )
    parser.add_argument(
        "--max-retries", type=arg_types.retries, metavar="N", help="retries of transient errors"
    )
