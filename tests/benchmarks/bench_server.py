"""The fake ZeroGPU server with benchmark answers, chosen by the model name.

    python -m tests.benchmarks.bench_server [--port 0]

Prints one ``listening on URL`` line, then serves until SIGTERM. Models:

================================  ==================================================
``bench-text-N``                  a Markdown answer of about N bytes, then the prompt
``bench-slow-MS-N``               the same, after MS milliseconds
anything else                     the fake server's usual scenarios (echo by default)
================================  ==================================================

Usage figures are made up (no token counting): the server's own cost must stay small
and constant, it is the client that is measured.
"""

from __future__ import annotations

import argparse
import functools
import re
import sys

from tests.fakeserver import FakeServer, Scenario, huge_markdown
from tests.fakeserver.contract import ResponsesRequest
from tests.fakeserver.handler import HttpServer
from tests.fakeserver.replies import Delayed, Reply, json_reply, message_item, response_object
from tests.serve_forever import serve_until_stopped

_MODEL = re.compile(r"bench-(?:text-(?P<size>\d+)|slow-(?P<delay_ms>\d+)-(?P<slow_size>\d+))")


@functools.lru_cache(maxsize=8)
def answer_text(size: int) -> str:
    """A deterministic Markdown answer of about `size` bytes (the fake server's own text)."""
    return huge_markdown(size) if size > 0 else ""


class BenchScenario(Scenario):
    """Answers ``bench-*`` models as described above; echoes every other model."""

    _echo = Scenario.echo()

    @property
    def name(self) -> str:
        return "bench"

    def respond(self, request: ResponsesRequest) -> Reply:
        match = _MODEL.fullmatch(request.model)
        if match is None:
            return self._echo.respond(request)
        size = int(match["size"] or match["slow_size"])
        text = answer_text(size) + "\n\n" + request.last_user_content
        body = response_object(
            request.model, [message_item(text)], (request.input_tokens, len(text) // 4)
        )
        reply = json_reply(200, body)
        if match["delay_ms"]:
            return Delayed(int(match["delay_ms"]) / 1000, reply)
        return reply


def main(argv: list[str] | None = None) -> int:
    # socketserver listens with a backlog of 5; 50 clients connecting at once would see
    # dropped handshakes and resets. A real server's backlog is in the hundreds.
    HttpServer.request_queue_size = 256
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    args = parser.parse_args(argv)
    server = FakeServer(None, None, port=args.port, scenario=BenchScenario())
    return serve_until_stopped(server, lambda url: f"bench server listening on {url}")


if __name__ == "__main__":
    sys.exit(main())
