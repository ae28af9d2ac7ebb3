"""The command line: global options, and one subcommand per headless task."""

from __future__ import annotations

import argparse

from zerogpu_desktop import __version__
from zerogpu_desktop.cli import diagnose, history_cmd, presets_cmd, send
from zerogpu_desktop.exit_codes import EXIT_CODE_HELP


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
        default=default,
        help="API base URL for this run only (env ZEROGPU_BASE_URL)",
    )


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
        "truncation check go to stderr.",
        epilog=EXIT_CODE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_common(send_parser, suppress_defaults=True)
    send.configure(send_parser)
    diagnose_parser = commands.add_parser(
        "diagnose",
        help="check this installation and print what a bug report needs",
        description="Print versions, the keyring backend (with a store/read-back test), the "
        "data folder, the TLS CA bundle and the Qt platform plugin. Exits 1 when something "
        "essential is broken.",
    )
    _add_common(diagnose_parser, suppress_defaults=True)
    diagnose.configure(diagnose_parser)
    presets_parser = commands.add_parser("presets", help="list, export and import prompt presets")
    presets_cmd.configure(presets_parser, _add_common)
    history_parser = commands.add_parser("history", help="list, search and show earlier runs")
    history_cmd.configure(history_parser, _add_common)
    return parser
