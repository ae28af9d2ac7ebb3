"""Run the hostile server in the foreground: ``python -m tests.hostileserver --port 8081``.

Point the app at the printed URL and pick a misbehaviour per request with a
``hostile:<name>`` model. Stops on Ctrl+C or SIGTERM.
"""

from __future__ import annotations

import argparse
import sys

from tests.hostileserver.scenarios import MODEL_PREFIX, SCENARIOS
from tests.hostileserver.server import HostileServer
from tests.serve_forever import serve_until_stopped


def _epilog() -> str:
    width = max(map(len, SCENARIOS))
    lines = [f"  {name:<{width}}  {scenario.help}" for name, scenario in SCENARIOS.items()]
    return f"scenarios (the model '{MODEL_PREFIX}NAME' picks one per request):\n" + "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tests.hostileserver",
        description="A hostile ZeroGPU Responses API (POST /v1/responses) on a loopback port.",
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="loopback address (default: %(default)s)"
    )
    parser.add_argument(
        "--port", type=int, default=8081, help="0 picks a free port (default: %(default)s)"
    )
    parser.add_argument(
        "--scenario",
        default="ok",
        choices=sorted(SCENARIOS),
        metavar="NAME",
        help="for a model that names none (default: %(default)s)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        server = HostileServer(host=args.host, port=args.port, scenario=args.scenario)
    except ValueError as exc:
        parser.error(str(exc))
    return serve_until_stopped(server, lambda url: f"ZeroGPU hostile server listening on {url}")


if __name__ == "__main__":
    sys.exit(main())
