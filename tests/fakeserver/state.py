"""What the fake server remembers, shared by its handler threads under one lock.

The server answers on many threads at once while a test reads recordings on
its own thread, so every piece of mutable state lives here behind a single
:class:`threading.Condition`: the recorded requests, the scenario queue, the
default scenario, the disconnect count and the open connections. Waiters
(``wait_for_requests``, ``wait_for_disconnect``) sleep on the same condition
instead of polling.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.fakeserver.names import scenario_for_model
from tests.fakeserver.scenarios import Scenario

LogFunction = Callable[[str], None]


@dataclass(frozen=True)
class RecordedRequest:
    """One request as it arrived, recorded before any reply was sent.

    Attributes:
        method: the HTTP method, e.g. ``"POST"``.
        path: the request target, e.g. ``"/v1/responses"``.
        headers: header names in lower case; repeated headers joined with ", ".
        body: the raw body bytes.
        json: the body parsed as JSON, or None if it is not JSON.
        time: :func:`time.monotonic` when the request had been read, to check
            back-off delays between retries.
    """

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    json: Any
    time: float


class ServerState:
    """Thread-safe recordings and scenario choice for one :class:`FakeServer`.

    Attributes:
        api_key: the accepted ``x-api-key`` (None: any non-empty key).
        project_id: the accepted ``x-project-id`` (None: any non-empty id).
        log: called with one line per request, or None for silence.
        stopping: set while the server stops; slow replies give up when it is.
    """

    def __init__(self, api_key: str | None, project_id: str | None, log: LogFunction | None):
        self.api_key = api_key
        self.project_id = project_id
        self.log = log
        self.stopping = threading.Event()
        self._changed = threading.Condition()
        self._requests: list[RecordedRequest] = []
        self._queue: deque[Scenario] = deque()
        self._scenario: Scenario = Scenario.echo()
        self._disconnects = 0
        self._connections: dict[socket.socket, threading.Thread] = {}

    # --- scenarios -------------------------------------------------------

    @property
    def scenario(self) -> Scenario:
        with self._changed:
            return self._scenario

    @scenario.setter
    def scenario(self, scenario: Scenario) -> None:
        with self._changed:
            self._scenario = scenario

    def queue(self, scenarios: tuple[Scenario, ...]) -> None:
        with self._changed:
            self._queue.extend(scenarios)

    def choose_scenario(self, model: str) -> Scenario:
        """The next queued scenario, else the one the model names, else the default.

        Raises:
            UnknownScenarioError: nothing is queued and the model is
                ``scenario:<unknown>``.
        """
        with self._changed:
            if self._queue:
                return self._queue.popleft()
            default = self._scenario
        return scenario_for_model(model) or default

    # --- recordings ------------------------------------------------------

    def record(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> RecordedRequest:
        try:
            parsed = json.loads(body) if body else None
        except (ValueError, UnicodeDecodeError):
            parsed = None
        recorded = RecordedRequest(method, path, headers, body, parsed, time.monotonic())
        with self._changed:
            self._requests.append(recorded)
            self._changed.notify_all()
        return recorded

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._changed:
            return list(self._requests)

    def note_disconnect(self) -> None:
        with self._changed:
            self._disconnects += 1
            self._changed.notify_all()

    @property
    def disconnects(self) -> int:
        with self._changed:
            return self._disconnects

    def wait_for_requests(self, count: int, timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: len(self._requests) >= count, timeout)

    def wait_for_disconnects(self, count: int, timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: self._disconnects >= count, timeout)

    def reset(self) -> None:
        with self._changed:
            self._requests.clear()
            self._queue.clear()
            self._scenario = Scenario.echo()
            self._disconnects = 0

    # --- connections (so stop() can cut them) ----------------------------

    def connection_opened(self, connection: socket.socket) -> bool:
        """Track a connection; False means the server is stopping and it must close."""
        with self._changed:
            if self.stopping.is_set():
                return False
            self._connections[connection] = threading.current_thread()
            return True

    def connection_closed(self, connection: socket.socket) -> None:
        with self._changed:
            self._connections.pop(connection, None)

    def begin_stop(self) -> list[tuple[socket.socket, threading.Thread]]:
        """Mark the server as stopping and return the connections still open."""
        with self._changed:
            self.stopping.set()
            return list(self._connections.items())
