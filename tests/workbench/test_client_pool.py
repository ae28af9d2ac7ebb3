"""`ClientPool`: one client per connection, and an evicted one closes only after its last run."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from tests.conftest import TEST_KEY, TEST_PROJECT
from zerogpu_desktop.api.client import ZeroGPUClient
from zerogpu_desktop.workbench.client_pool import ClientPool
from zerogpu_desktop.workbench.connection import Connection

BASE = Connection(TEST_KEY, TEST_PROJECT, "http://127.0.0.1:9", 1.0, 1.0, 0, 1024)


class RecordingClient(ZeroGPUClient):
    closed = 0

    async def aclose(self) -> None:
        self.closed += 1
        await super().aclose()


def _factory(connection: Connection) -> ZeroGPUClient:
    return RecordingClient(connection.api_key, connection.project_id, base_url=connection.base_url)


def test_equal_connections_share_a_client_and_others_get_their_own() -> None:
    pool = ClientPool(_factory)

    async def go() -> None:
        first = pool.acquire(BASE)
        again = pool.acquire(replace(BASE))
        other = pool.acquire(replace(BASE, timeout=2.0))
        assert first is again
        assert other is not first
        for client in (first, again, other):
            await pool.release(client)
        await pool.aclose()

    asyncio.run(go())


def test_an_evicted_client_closes_when_its_last_run_ends() -> None:
    pool = ClientPool(_factory, size=1)

    async def go() -> None:
        busy = pool.acquire(BASE)
        assert isinstance(busy, RecordingClient)
        newer = pool.acquire(replace(BASE, project_id="another-project"))  # evicts `busy`
        await asyncio.sleep(0)
        assert busy.closed == 0  # a run still reads through it
        await pool.release(busy)
        assert busy.closed == 1
        await pool.release(newer)
        assert len(pool) == 1
        await pool.aclose()
        assert len(pool) == 0

    asyncio.run(go())
