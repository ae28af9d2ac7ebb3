"""`RateGate`: one pause shared by every run of a `Runner`.

When the server answers one run with 429 (or 503) and a retry-after, sending the other
runs meanwhile only earns more 429s and may count against the plan; so every run waits at
the gate, before each attempt, until the moment the server named.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable

__all__ = ["RATE_LIMIT_STATUSES", "RateGate"]

#: The statuses whose retry-after is taken as a pause for all runs, not just the one.
RATE_LIMIT_STATUSES = frozenset({429, 503})


class RateGate:
    """Holds every caller of `wait` until the latest moment any run was asked to wait for."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._open_at = 0.0

    def hold(self, seconds: float) -> None:
        """Closes the gate for `seconds` from now; a longer pause already asked for stays."""
        if not math.isfinite(seconds) or seconds <= 0:
            return
        self._open_at = max(self._open_at, self._clock() + seconds)

    @property
    def remaining(self) -> float:
        """Seconds until the gate opens (0.0 when it is open)."""
        return max(0.0, self._open_at - self._clock())

    async def wait(self) -> None:
        """Returns once the gate is open; a pause lengthened meanwhile is waited out too."""
        remaining = self.remaining
        if remaining > 0:
            await asyncio.sleep(remaining)
            await self.wait()
