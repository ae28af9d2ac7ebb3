"""Run the fake ZeroGPU server in the foreground: ``python -m tests.fakeserver --port 8080``.

For trying the app by hand and for smoke tests of the frozen app: point the app
at the printed URL and pick failures per request with a ``scenario:<name>``
model. Prints one "listening on" line to stdout (flushed, so a parent process
can read the port), one line per request to stderr, and stops on Ctrl+C or
SIGTERM.
"""

from __future__ import annotations

import argparse
import sys

from tests.fakeserver.names import (
    MODEL_PREFIX,
    SCENARIO_HELP,
    UnknownScenarioError,
    scenario_by_name,
)
from tests.fakeserver.server import FakeServer
from tests.serve_forever import serve_until_stopped


def _epilog() -> str:
    width = max(map(len, SCENARIO_HELP))
    lines = [f"  {name:<{width}}  {text}" for name, text in SCENARIO_HELP.items()]
    return (
        f"scenarios (--scenario NAME, or per request with the model '{MODEL_PREFIX}NAME'):\n"
        + "\n".join(lines)
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tests.fakeserver",
        description="A fake ZeroGPU Responses API (POST /v1/responses) on a loopback port.",
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="loopback address (default: %(default)s)"
    )
    parser.add_argument(
        "--port", type=int, default=8080, help="0 picks a free port (default: %(default)s)"
    )
    parser.add_argument("--api-key", help="the only x-api-key accepted (default: any)")
    parser.add_argument("--project-id", help="the only x-project-id accepted (default: any)")
    parser.add_argument(
        "--scenario", default="echo", help="default scenario (default: %(default)s)"
    )
    return parser


def _log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv``, serve until interrupted; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        scenario = scenario_by_name(args.scenario)
        server = FakeServer(
            args.api_key,
            args.project_id,
            host=args.host,
            port=args.port,
            scenario=scenario,
            log=_log,
        )
    except (UnknownScenarioError, ValueError) as exc:
        parser.error(str(exc))
    key = "any key" if args.api_key is None else f"key {args.api_key!r}"
    project = "any project" if args.project_id is None else f"project {args.project_id!r}"
    status = serve_until_stopped(
        server,
        lambda url: f"ZeroGPU fake server listening on {url} ({key}, {project})",
    )
    if status:
        return status
    _log("ZeroGPU fake server stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
