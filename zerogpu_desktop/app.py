"""The entry point: a headless command, or the window.

Nothing here imports Qt: `--version` and `send` never pay for it; the window's modules
load only when it opens.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from zerogpu_desktop.api.redaction import install_log_redaction
from zerogpu_desktop.cli import parse_command_line
from zerogpu_desktop.cli.output import (
    TerminalSafeFormatter,
    flush_stdout,
    report,
    silence_stdout,
    stand_in_for_closed_streams,
)
from zerogpu_desktop.exit_codes import ExitCode
from zerogpu_desktop.explain import explain


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command named in `argv` (default: sys.argv), or opens the window."""
    args = parse_command_line(list(sys.argv[1:] if argv is None else argv))
    if args.command is None:
        from zerogpu_desktop.ui.entry import run_gui

        return run_gui(args)
    stand_in_for_closed_streams()
    _log_to_stderr()

    try:
        result: int = args.command(args)
        flush_stdout()
    except BrokenPipeError:
        # The reader has all it wanted (`| head`): end quietly, as other Unix tools do.
        silence_stdout()
        return ExitCode.BROKEN_PIPE
    except KeyboardInterrupt:
        report("interrupted.")
        return ExitCode.INTERRUPTED
    except Exception as exc:  # a bug must still end in a sentence, never a traceback
        logging.getLogger("zerogpu_desktop").debug("command failed", exc_info=True)
        report(explain(exc).as_line())
        return ExitCode.UNEXPECTED
    return result


def _log_to_stderr() -> None:
    """Commands print their own messages; the log adds only errors, redacted, on stderr."""
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(TerminalSafeFormatter("zerogpu-desktop: %(levelname)s: %(message)s"))
        handler.setLevel(logging.ERROR)
        root.addHandler(handler)
    install_log_redaction()
