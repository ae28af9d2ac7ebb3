"""HostileServer: a loopback HTTP server that answers the way a broken or malicious one would.

It speaks just enough HTTP/1.1 to be believed — one request per connection, then the
scenario owns the socket and may send an endless body, a byte at a time, a bomb or a
header the client must refuse. Every connection runs on its own daemon thread; ``stop()``
cuts them all and returns at once, whatever a scenario is doing.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from types import TracebackType

from tests.fakeserver.server import loopback_address
from tests.hostileserver.scenarios import MODEL_PREFIX, SCENARIOS, Wire, unknown_scenario

#: A request larger than this is not one the client under test sends.
_MAX_REQUEST_BYTES = 4 * 1024 * 1024
_READ_TIMEOUT = 10.0


@dataclass(frozen=True)
class RecordedRequest:
    """What the client sent: lower-cased headers, the body, and the model it named."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    model: str = ""


@dataclass
class _State:
    stopping: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: list[RecordedRequest] = field(default_factory=list)
    connections: set[socket.socket] = field(default_factory=set)
    threads: list[threading.Thread] = field(default_factory=list)


def _read_request(sock: socket.socket) -> RecordedRequest | None:
    sock.settimeout(_READ_TIMEOUT)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk or len(data) > _MAX_REQUEST_BYTES:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = [*lines[0].split(" "), "", ""][:3]
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0") or 0)
    while len(body) < min(length, _MAX_REQUEST_BYTES):
        chunk = sock.recv(65536)
        if not chunk:
            return None
        body += chunk
    model = ""
    with contextlib.suppress(ValueError, AttributeError):
        model = str(json.loads(body).get("model", ""))
    return RecordedRequest(method, path, headers, body, model)


class HostileServer:
    """A real HTTP server on loopback; the model ``hostile:NAME`` picks the misbehaviour.

    Args:
        host: a loopback address to listen on.
        port: the port; 0 picks a free one.
        scenario: the scenario for a model that names none (default ``ok``).

    Example:
        >>> with HostileServer() as server:
        ...     # post to server.base_url + "/v1/responses" with model "hostile:endless"
        ...     pass
    """

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, scenario: str = "ok") -> None:
        if scenario not in SCENARIOS:
            raise ValueError(f"unknown scenario {scenario!r}")
        self._host, self._family = loopback_address(host)
        self._port = port
        self._default = scenario
        self._state = _State()
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> HostileServer:
        if self._listener is not None:
            raise RuntimeError("HostileServer is already running")
        listener = socket.socket(self._family, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self._host, self._port))
        listener.listen(64)
        self._listener = listener
        self._state.stopping.clear()
        self._thread = threading.Thread(target=self._accept_loop, name="hostileserver", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Cut every connection and stop listening; returns within a fraction of a second."""
        listener, self._listener = self._listener, None
        if listener is None:
            return
        self._state.stopping.set()
        with contextlib.suppress(OSError):
            listener.shutdown(socket.SHUT_RDWR)
        listener.close()
        with self._state.lock:
            connections = list(self._state.connections)
            threads = list(self._state.threads)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        for thread in threads:
            thread.join(1.0)
        if self._thread is not None:
            self._thread.join(1.0)

    def __enter__(self) -> HostileServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._listener is None:
            raise RuntimeError("HostileServer is not running")
        return int(self._listener.getsockname()[1])

    @property
    def base_url(self) -> str:
        host = f"[{self._host}]" if self._family == socket.AF_INET6 else self._host
        return f"http://{host}:{self.port}"

    def wait_until_no_connections(self, timeout: float = 3.0) -> bool:
        """True once every client connection is closed (a cancelled client has hung up)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._state.lock:
                if not self._state.connections:
                    return True
            time.sleep(0.02)
        return False

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._state.lock:
            return list(self._state.requests)

    def _accept_loop(self) -> None:
        assert self._listener is not None
        listener = self._listener
        while not self._state.stopping.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            thread = threading.Thread(
                target=self._serve, args=(connection,), name="hostileserver-conn", daemon=True
            )
            with self._state.lock:
                self._state.connections.add(connection)
                self._state.threads = [t for t in self._state.threads if t.is_alive()]
                self._state.threads.append(thread)
            thread.start()

    def _serve(self, connection: socket.socket) -> None:
        try:
            request = _read_request(connection)
            if request is None:
                return
            with self._state.lock:
                self._state.requests.append(request)
            name = request.model.removeprefix(MODEL_PREFIX)
            if not request.model.startswith(MODEL_PREFIX):
                name = self._default
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            wire = Wire(connection, self._state.stopping)
            scenario = SCENARIOS.get(name)
            if scenario is None:
                unknown_scenario(wire, name)
            else:
                scenario.run(wire, request.headers)
        except OSError:
            pass  # the client went away (or stop() cut the connection): that is the point
        finally:
            with self._state.lock:
                self._state.connections.discard(connection)
            with contextlib.suppress(OSError):
                connection.close()
