"""Runs one of the suite's loopback servers in the foreground until Ctrl+C or SIGTERM.

The fake, hostile and benchmark servers are also started by hand (README "Trying it
offline") and by the benchmarks as child processes; all three stop the same way.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import Protocol


class LoopbackServer(Protocol):
    """What the three servers have in common."""

    @property
    def base_url(self) -> str: ...

    def start(self) -> object: ...

    def stop(self) -> None: ...


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """Turns SIGTERM into the same clean stop as Ctrl+C."""
    raise KeyboardInterrupt


def serve_until_stopped(server: LoopbackServer, banner: Callable[[str], str]) -> int:
    """Starts `server`, prints `banner(base_url)`, serves until stopped; the exit status.

    Everything after the signal handler is inside the try: a parent that reads the
    "listening" line and signals at once must still get a clean stop.
    """
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        try:
            server.start()
        except OSError as exc:
            print(f"cannot listen: {exc}", file=sys.stderr)
            return 1
        print(banner(server.base_url), flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):  # a second signal must not cut stop()
            signal.signal(signum, signal.SIG_IGN)
        server.stop()
    return 0
