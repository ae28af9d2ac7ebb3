"""`ClientPool`: one `ZeroGPUClient` (one connection pool) per distinct `Connection`.

Runs with the same connection share TCP and TLS connections; a client whose connection is
no longer used (the key or the base URL changed) is closed once its last run ends, never
under a run that is still reading.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from zerogpu_desktop.api.client import ZeroGPUClient
from zerogpu_desktop.workbench.connection import Connection

__all__ = ["ClientPool"]

#: Seconds `aclose` gives each client to close its connections.
CLOSE_GRACE_SECONDS = 1.0


@dataclass(slots=True)
class _Entry:
    client: ZeroGPUClient
    users: int = 0
    retired: bool = False


class ClientPool:
    """Lends clients by connection, keeping the `size` most recently used ones open.

    Args:
        factory: Builds the client of a connection; may raise `RequestRefusedError` (a key
            that cannot be sent, an insecure base URL), which `acquire` passes on.
        size: How many idle clients stay open.
    """

    def __init__(self, factory: Callable[[Connection], ZeroGPUClient], *, size: int = 4) -> None:
        self._factory = factory
        self._size = max(1, size)
        self._entries: OrderedDict[Connection, _Entry] = OrderedDict()
        self._retired: dict[int, _Entry] = {}

    def __len__(self) -> int:
        """Clients open now, retired ones still serving runs included."""
        return len(self._entries) + len(self._retired)

    def acquire(self, connection: Connection) -> ZeroGPUClient:
        """The client for `connection`, built on first use; give it back with `release`."""
        entry = self._entries.get(connection)
        if entry is None:
            entry = _Entry(self._factory(connection))
            self._entries[connection] = entry
            self._evict_beyond_size()
        self._entries.move_to_end(connection)
        entry.users += 1
        return entry.client

    async def release(self, client: ZeroGPUClient) -> None:
        """Ends one run's use of `client`; a retired client closes with its last run."""
        for entry in (*self._entries.values(), *self._retired.values()):
            if entry.client is client:
                entry.users -= 1
                if entry.retired and entry.users <= 0:
                    self._retired.pop(id(client), None)
                    await _close(client)
                return

    def _evict_beyond_size(self) -> None:
        while len(self._entries) > self._size:
            _connection, entry = self._entries.popitem(last=False)
            entry.retired = True
            if entry.users > 0:
                self._retired[id(entry.client)] = entry
            else:
                _close_soon(entry.client)

    async def aclose(self) -> None:
        """Closes every client; runs still using one are expected to be cancelled first."""
        entries = [*self._entries.values(), *self._retired.values()]
        self._entries.clear()
        self._retired.clear()
        for entry in entries:
            await _close(entry.client)


async def _close(client: ZeroGPUClient) -> None:
    with contextlib.suppress(Exception):  # closing is best effort: the sockets go anyway
        await asyncio.wait_for(client.aclose(), CLOSE_GRACE_SECONDS)


_closing: set[asyncio.Task[None]] = set()


def _close_soon(client: ZeroGPUClient) -> None:
    try:
        task = asyncio.ensure_future(_close(client))
    except RuntimeError:  # no running loop: nothing was opened on one either
        return
    _closing.add(task)  # a strong reference until it is done
    task.add_done_callback(_closing.discard)
