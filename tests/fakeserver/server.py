"""FakeServer: the ZeroGPU API on a loopback port, in a background thread.

Tests start one (usually as a context manager), point the client under test at
``server.base_url``, choose how it answers (``server.scenario``,
``server.queue(...)``) and read back what the client really sent
(``server.requests``). Stopping is quick and leaves nothing behind: open
connections are cut, slow replies wake up, handler threads are joined.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
from types import TracebackType

from tests.fakeserver.handler import POLL_INTERVAL, HttpServer
from tests.fakeserver.scenarios import Scenario
from tests.fakeserver.state import LogFunction, RecordedRequest, ServerState

DEFAULT_API_KEY = "test-key"
DEFAULT_PROJECT_ID = "proj-123"
# stop() waits at most this long for handler threads to finish.
STOP_TIMEOUT = 2.0


def loopback_address(host: str) -> tuple[str, socket.AddressFamily]:
    """The address to bind for ``host`` and its family, if ``host`` is loopback.

    The fake server accepts any key, so it must never listen where another
    machine can reach it.

    Raises:
        ValueError: ``host`` is not ``localhost``, 127.0.0.0/8 or ::1.
    """
    if host.lower() == "localhost":
        return "127.0.0.1", socket.AF_INET
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        address = None
    if address is None or not address.is_loopback:
        raise ValueError(f"refusing to listen on {host!r}: only loopback addresses are allowed")
    family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
    return str(address), family


class FakeServer:
    """A real HTTP server on loopback implementing ``POST /v1/responses``.

    Args:
        api_key: the ``x-api-key`` to accept (None: any non-empty key).
        project_id: the ``x-project-id`` to accept (None: any non-empty id).
        host: a loopback address to listen on.
        port: the port; 0 picks a free one (see :attr:`port`).
        scenario: the default scenario (echo if None).
        log: called with one line per request (the CLI prints them).

    Example:
        >>> with FakeServer(api_key="k", project_id="p") as server:
        ...     server.queue(Scenario.status(503), Scenario.echo())
        ...     # the client posts to server.base_url + "/v1/responses"
    """

    def __init__(
        self,
        api_key: str | None = DEFAULT_API_KEY,
        project_id: str | None = DEFAULT_PROJECT_ID,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        scenario: Scenario | None = None,
        log: LogFunction | None = None,
    ) -> None:
        self._bind_host, self._family = loopback_address(host)
        self._requested_port = port
        self._state = ServerState(api_key, project_id, log)
        if scenario is not None:
            self._state.scenario = scenario
        self._httpd: HttpServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle -------------------------------------------------------

    def start(self) -> FakeServer:
        """Bind the port and start answering in a daemon thread; returns self."""
        if self._httpd is not None:
            raise RuntimeError("FakeServer is already running")
        self._state.stopping.clear()
        httpd = HttpServer((self._bind_host, self._requested_port), self._family, self._state)
        thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": POLL_INTERVAL},
            name=f"fakeserver:{httpd.server_port}",
            daemon=True,
        )
        thread.start()
        self._httpd, self._thread = httpd, thread
        return self

    def stop(self) -> None:
        """Stop answering, cut open connections and wait (briefly) for handler threads.

        Returns within a fraction of a second even with a slow reply in flight:
        the reply sees the stop flag and gives up, idle keep-alive connections
        are shut down. Calling it twice is harmless.
        """
        httpd, thread = self._httpd, self._thread
        if httpd is None or thread is None:
            return
        self._httpd = self._thread = None
        open_connections = self._state.begin_stop()
        for connection, _ in open_connections:
            with contextlib.suppress(OSError):  # already closed by its handler
                connection.shutdown(socket.SHUT_RDWR)
        httpd.shutdown()
        deadline = time.monotonic() + STOP_TIMEOUT
        for _, handler_thread in open_connections:
            handler_thread.join(max(0.0, deadline - time.monotonic()))
        httpd.server_close()
        thread.join(max(0.0, deadline - time.monotonic()))

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # --- where it listens ------------------------------------------------

    @property
    def port(self) -> int:
        """The port actually listened on (useful with ``port=0``)."""
        return self._running().server_port

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash); clients add ``/v1/responses``."""
        host = f"[{self._bind_host}]" if self._family == socket.AF_INET6 else self._bind_host
        return f"http://{host}:{self.port}"

    # --- choosing answers ------------------------------------------------

    @property
    def scenario(self) -> Scenario:
        """The scenario used when nothing is queued and the model names none."""
        return self._state.scenario

    @scenario.setter
    def scenario(self, scenario: Scenario) -> None:
        self._state.scenario = scenario

    def queue(self, *scenarios: Scenario) -> None:
        """Answer the next valid requests with ``scenarios``, in order, then fall back.

        Queued scenarios win over a ``scenario:<name>`` model, which wins over
        :attr:`scenario`. Requests rejected by the contract checks (404, 401,
        403, 400) do not use up a queued scenario.
        """
        self._state.queue(scenarios)

    # --- what happened ---------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of every request received since start or :meth:`reset`."""
        return self._state.requests

    @property
    def disconnects(self) -> int:
        """How many clients went away before their response was complete."""
        return self._state.disconnects

    def wait_for_requests(self, n: int, timeout: float = 5.0) -> bool:
        """Wait until at least ``n`` requests were received; False on timeout."""
        return self._state.wait_for_requests(n, timeout)

    def wait_for_disconnect(self, timeout: float = 5.0, *, count: int = 1) -> bool:
        """Wait until at least ``count`` disconnects were counted; False on timeout."""
        return self._state.wait_for_disconnects(count, timeout)

    def reset(self) -> None:
        """Forget requests and disconnects, empty the queue, go back to echo."""
        self._state.reset()

    def _running(self) -> HttpServer:
        if self._httpd is None:
            raise RuntimeError("FakeServer is not running; call start() or use it in a with block")
        return self._httpd
