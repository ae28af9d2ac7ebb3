"""The command line: global options, and one subcommand per headless task.

Only argparse and the argument types (standard library only) are
imported here. Each command's code (httpx, SQLite, keyring…) is
imported when that command runs, so `--version` is instant and opening
the window never pays for the CLI.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable

from zerogpu_desktop import __version__
from zerogpu_desktop.cli import arg_types
from zerogpu_desktop.cli.eval_args import add_eval_arguments
from zerogpu_desktop.exit_codes import EXIT_CODE_HELP

Handler = Callable[[argparse.Namespace], int]


def lazy(module: str, function: str) -> Handler:
    """A handler that imports `zerogpu_desktop.cli.<module>` only when it runs."""

    def run(args: argparse.Namespace) -> int:
        handler: Handler = getattr(
            importlib.import_module(f"zerogpu_desktop.cli.{module}"), function
        )
        return handler(args)

    run.__qualname__ = f"{module}.{function}"
    return run


def _add_common(parser: argparse.ArgumentParser, *, suppress_defaults: bool) -> None:
    """Options accepted both before and after the subcommand name.

    Subparsers use SUPPRESS defaults so a value given before the
    subcommand is not overwritten by the subparser's default.
    """
    default = argparse.SUPPRESS if suppress_defaults else None
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=default,
        help="folder for settings, drafts and history (env ZEROGPU_DESKTOP_DATA_DIR)",
    )
    parser.add_argument(
        "--base-url",
        metavar="URL",
        type=arg_types.base_url,
        default=default,
        help="API base URL for this run only (env ZEROGPU_BASE_URL)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        default=default if suppress_defaults else False,
        help="use the built-in offline demo (models demo-markdown, demo-echo, "
        "demo-truncating, demo-slow, demo-json, demo-geography): no account, no network, "
        "your key unused",
    )


def _send_arguments(parser: argparse.ArgumentParser, *, compare: bool = False) -> None:
    """`send`'s arguments; `compare` takes `--model` several times and can print JSON."""
    if compare:
        parser.add_argument(
            "--model",
            "-m",
            action="append",
            default=[],
            help="a model to compare (repeatable, 2 to 6)",
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")
    else:
        parser.add_argument("--model", "-m", help="model ID from your dashboard (or the preset's)")
    parser.add_argument("--system", "-s", metavar="TEXT", help="system prompt")
    parser.add_argument("--preset", "-p", metavar="NAME", help="start from a saved preset")
    if compare:
        parser.add_argument(
            "--version",
            dest="preset_versions",
            type=int,
            action="append",
            default=[],
            metavar="V",
            help="a version of the --preset to compare (repeatable, 2 to 6), all on one model",
        )
    else:
        parser.add_argument(
            "--version",
            dest="preset_version",
            type=int,
            metavar="V",
            help="run this version of the --preset as it was (without restoring it); the run "
            "is recorded with this version unless --system, --model or --input-limit change "
            "what is sent",
        )
    parser.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a value for a {{NAME}} variable in the prompts (repeatable)",
    )
    parser.add_argument(
        "--format",
        dest="response_format",
        type=arg_types.response_format,
        metavar="TYPE",
        help="the response format sent as text.format.type (default: the preset's, else text)",
    )
    parser.add_argument(
        "--input-limit",
        type=arg_types.token_limit,
        metavar="N",
        help="the model's input token limit, to check for silent truncation "
        "(default: the preset's, else the limit saved in Settings for this model)",
    )
    parser.add_argument(
        "--timeout",
        type=arg_types.seconds,
        metavar="SECONDS",
        help="the deadline of each attempt, from connect to the last byte of the reply "
        "(default: Settings' Timeout per attempt); with retries the worst case is "
        "(retries + 1) × timeout + the back-off between attempts",
    )
    parser.add_argument(
        "--max-retries",
        type=arg_types.retries,
        metavar="N",
        help=f"retries of transient errors, 0 to {arg_types.MAX_RETRIES} "
        "(default: the Retries in Settings)",
    )
    parser.add_argument(
        "--max-response-mb",
        type=arg_types.response_megabytes,
        metavar="N",
        help=f"the largest reply to accept, in MiB, 1 to {arg_types.MAX_RESPONSE_MB}; a bigger "
        "reply fails the run instead of filling memory (default: Largest reply in Settings, 16)",
    )
    parser.add_argument(
        "text",
        nargs="?",
        default=None,
        help="the user prompt; '-' reads stdin; omitted: the preset's, else stdin",
    )
    parser.set_defaults(command=lazy("compare_cmd" if compare else "send", "run"))


def _presets_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="list the saved presets")
    listing.set_defaults(command=lazy("presets_cmd", "list_presets"))
    export = actions.add_parser("export", help="write presets to a file (no key is ever in it)")
    export.add_argument("name", nargs="?", help="one preset; omitted: all of them")
    export.add_argument("-o", "--output", required=True, metavar="FILE", help="where to write")
    export.add_argument(
        "--with-versions",
        action="store_true",
        help="also write every version (format version 2; older apps cannot import it)",
    )
    export.set_defaults(command=lazy("presets_cmd", "export_presets"))
    importing = actions.add_parser("import", help="add presets from an exported file")
    importing.add_argument("file", metavar="FILE")
    importing.add_argument(
        "--on-conflict",
        choices=("rename", "skip", "replace"),
        default="rename",
        help="what to do with a name that exists already (default: rename the imported one)",
    )
    importing.set_defaults(command=lazy("presets_cmd", "import_presets"))
    versions = actions.add_parser("versions", help="list a preset's versions")
    versions.add_argument("name", metavar="NAME")
    versions.set_defaults(command=lazy("presets_cmd", "list_versions"))
    diff = actions.add_parser("diff", help="what changed between two versions of a preset")
    diff.add_argument("name", metavar="NAME")
    diff.add_argument("old", type=int, metavar="V1")
    diff.add_argument("new", type=int, metavar="V2")
    diff.set_defaults(command=lazy("presets_cmd", "diff_versions"))
    restore = actions.add_parser("restore", help="make an earlier version current again")
    restore.add_argument("name", metavar="NAME")
    restore.add_argument("number", type=int, metavar="V")
    restore.set_defaults(command=lazy("presets_cmd", "restore_version"))
    for sub in (listing, export, importing, versions, diff, restore):
        _add_common(sub, suppress_defaults=True)


def _history_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="the latest runs, newest first")
    listing.add_argument("--search", "-s", metavar="TEXT", default="", help="full-text search")
    listing.add_argument(
        "--limit", "-n", type=arg_types.row_count, default=20, metavar="N", help="at most N runs"
    )
    listing.add_argument(
        "--evaluations",
        action="store_true",
        help="include the runs of evaluations (`eval show` lists them by case)",
    )
    listing.add_argument(
        "--preset", "-p", metavar="NAME", help="only runs of this preset (ignoring case)"
    )
    listing.add_argument(
        "--version",
        dest="preset_version",
        type=int,
        metavar="N",
        help="only runs of this version of the --preset",
    )
    listing.add_argument(
        "--rating",
        choices=("good", "bad", "rated"),
        help="only runs rated good, bad, or either (rated)",
    )
    listing.set_defaults(command=lazy("history_cmd", "list_runs"))
    show = actions.add_parser("show", help="one run in full")
    show.add_argument("id", type=arg_types.run_id, help="the run's ID, as `history list` shows")
    show.set_defaults(command=lazy("history_cmd", "show_run"))
    rate = actions.add_parser("rate", help="rate a run's answer good or bad, with a note")
    rate.add_argument("id", type=arg_types.run_id, help="the run's ID, as `history list` shows")
    rate.add_argument("rating", choices=("good", "bad", "none"), help="the verdict; none clears it")
    rate.add_argument("--note", metavar="TEXT", help="why (at most 2,000 characters; searchable)")
    rate.set_defaults(command=lazy("history_cmd", "rate_run"))
    for sub in (listing, show, rate):
        _add_common(sub, suppress_defaults=True)


def parse_command_line(argv: list[str]) -> argparse.Namespace:
    """The parsed command line; `command` is None when the window should open."""
    return build_parser().parse_args(argv)


def build_parser() -> argparse.ArgumentParser:
    """The whole command line; with no subcommand the window opens."""
    parser = argparse.ArgumentParser(
        prog="zerogpu-desktop",
        description="ZeroGPU Desktop: prompt the ZeroGPU Responses API. "
        "Run without a command to open the window.",
        epilog=EXIT_CODE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"zerogpu-desktop {__version__}")
    _add_common(parser, suppress_defaults=False)
    parser.set_defaults(command=None)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    send_parser = commands.add_parser(
        "send",
        help="send one prompt and print the answer",
        description="Send one prompt and print the answer to stdout; token usage and the "
        "truncation check go to stderr. The run is added to the history.",
        epilog=EXIT_CODE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_common(send_parser, suppress_defaults=True)
    _send_arguments(send_parser)

    compare_parser = commands.add_parser(
        "compare",
        help="send one prompt to several models, or several versions of a preset, at once",
        description="Send one prompt to 2 to 6 models at once, or 2 to 6 versions of a preset "
        "(--preset NAME --version V --version W) to one model; each answer is printed under "
        "a header naming its model or version (or all as JSON with --json), and a summary "
        "table (tokens, seconds, truncation) goes to stderr. Every run is added to the "
        "history. Exits 0 when every column answered, otherwise with the send code of the "
        "first column, in command-line order, that did not; 2 for several models together "
        "with several versions.",
        epilog=EXIT_CODE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_common(compare_parser, suppress_defaults=True)
    _send_arguments(compare_parser, compare=True)

    diagnose_parser = commands.add_parser(
        "diagnose",
        help="check this installation and print what a bug report needs",
        description="Print versions, the data folder, what a first run needs (whether an API "
        "key is set and where it comes from, never the key itself; whether a project ID is "
        "set; the base URL and where it comes from), the keyring backend (with a "
        "store/read-back test), the TLS CA bundle and the Qt platform plugin. Exits 1 when "
        "something essential is broken.",
    )
    _add_common(diagnose_parser, suppress_defaults=True)
    diagnose_parser.add_argument("--json", action="store_true", help="print the report as JSON")
    diagnose_parser.add_argument("--qt-probe", action="store_true", help=argparse.SUPPRESS)
    diagnose_parser.set_defaults(command=lazy("diagnose", "run"))

    presets_parser = commands.add_parser(
        "presets",
        help="list, export and import prompt presets; list, diff and restore their versions",
    )
    _presets_arguments(presets_parser)
    history_parser = commands.add_parser("history", help="list, search and show earlier runs")
    _history_arguments(history_parser)
    eval_parser = commands.add_parser(
        "eval", help="evaluate a prompt over a dataset and models, with checks on each answer"
    )
    add_eval_arguments(eval_parser, lazy, lambda sub: _add_common(sub, suppress_defaults=True))
    return parser
