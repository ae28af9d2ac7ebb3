"""The entry point: a headless command, or the window.

Only the standard library and the argument parser are imported before
the decision, so `--version` and `send` never pay for Qt.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from zerogpu_desktop.cli import parse_command_line


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command named in `argv` (default: sys.argv), or opens the window."""
    args = parse_command_line(list(sys.argv[1:] if argv is None else argv))
    if args.command is None:
        from zerogpu_desktop.ui.entry import run_gui

        return run_gui(args)
    _log_to_stderr()
    from zerogpu_desktop.cli.output import flush_stdout, report, silence_stdout
    from zerogpu_desktop.exit_codes import ExitCode

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
        import logging

        from zerogpu_desktop.explain import explain

        logging.getLogger("zerogpu_desktop").debug("command failed", exc_info=True)
        report(explain(exc).as_line())
        return ExitCode.UNEXPECTED
    return result


def _log_to_stderr() -> None:
    """Commands print their own messages; the log adds only errors, redacted, on stderr."""
    import logging

    from zerogpu_desktop.api.redaction import install_log_redaction
    from zerogpu_desktop.cli.output import TerminalSafeFormatter

    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(TerminalSafeFormatter("zerogpu-desktop: %(levelname)s: %(message)s"))
        handler.setLevel(logging.ERROR)
        root.addHandler(handler)
    install_log_redaction()
