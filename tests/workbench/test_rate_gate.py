"""`RateGate`: one pause for everyone, the longest asked for wins, nonsense is ignored."""

from __future__ import annotations

import asyncio
import math
import time

import pytest

from zerogpu_desktop.workbench.rate_gate import RateGate


def test_an_open_gate_does_not_wait() -> None:
    gate = RateGate()
    started = time.monotonic()
    asyncio.run(gate.wait())
    assert time.monotonic() - started < 0.05
    assert gate.remaining == 0.0


def test_every_waiter_waits_until_the_latest_moment_asked_for() -> None:
    gate = RateGate()

    async def go() -> list[float]:
        started = time.monotonic()
        gate.hold(0.1)
        gate.hold(0.05)  # a shorter pause never shortens the longer one

        async def waiter() -> float:
            await gate.wait()
            return time.monotonic() - started

        first = asyncio.ensure_future(waiter())
        await asyncio.sleep(0.02)
        gate.hold(0.15)  # lengthened while they wait: they wait it out too
        return list(await asyncio.gather(first, waiter(), waiter()))

    waited = asyncio.run(go())
    assert all(0.16 <= seconds < 0.5 for seconds in waited), waited


@pytest.mark.parametrize("seconds", [0.0, -1.0, math.nan, math.inf])
def test_a_pause_that_makes_no_sense_is_ignored(seconds: float) -> None:
    gate = RateGate()
    gate.hold(seconds)
    assert gate.remaining == 0.0
