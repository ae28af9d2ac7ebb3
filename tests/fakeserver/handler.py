"""The HTTP side of the fake server: read a request, check it, put the reply on the wire.

Everything that touches a socket is here: reading the body (also chunked),
recording it, running the contract checks and the chosen scenario, then
sending the reply, waiting for a slow reply while watching whether the client
is still there, or resetting the connection. Scenarios only *describe* replies
(see :mod:`tests.fakeserver.replies`).
"""

from __future__ import annotations

import contextlib
import enum
import selectors
import socket
import socketserver
import struct
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.fakeserver.contract import ContractError, check_auth, check_route, parse_body
from tests.fakeserver.names import UnknownScenarioError
from tests.fakeserver.replies import Delayed, Hangup, HttpReply, Reply, error_reply
from tests.fakeserver.state import ServerState

# How often a waiting slow reply looks at the stop flag: the bound on how long
# stop() can wait for it.
POLL_INTERVAL = 0.02
# An idle keep-alive connection is dropped after this long.
IDLE_TIMEOUT = 30.0


class _Wait(enum.StrEnum):
    ELAPSED = "elapsed"
    CLIENT_GONE = "client disconnected"
    STOPPING = "server stopping"


class HttpServer(ThreadingHTTPServer):
    """A threading HTTP server that carries the shared :class:`ServerState`.

    Handler threads are daemons, so a stuck client can never keep the test
    process alive; :class:`FakeServer` still joins them on stop so sockets are
    closed before ``stop()`` returns.
    """

    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], family: socket.AddressFamily, state: ServerState):
        self.address_family = family
        self.state = state
        super().__init__(address, RequestHandler)

    def server_bind(self) -> None:
        """Bind without ``HTTPServer``'s reverse DNS lookup (slow, useless on loopback)."""
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet when a client simply went away; print real bugs."""
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


class RequestHandler(BaseHTTPRequestHandler):
    """Handles each request on a keep-alive HTTP/1.1 connection."""

    protocol_version = "HTTP/1.1"
    server_version = "ZeroGPU-fake/1.0"
    sys_version = ""
    timeout = IDLE_TIMEOUT
    # Headers and body go out in separate writes; without TCP_NODELAY, Nagle's
    # algorithm and delayed ACKs add ~40 ms to every keep-alive request.
    disable_nagle_algorithm = True
    server: HttpServer

    @property
    def state(self) -> ServerState:
        return self.server.state

    def setup(self) -> None:
        super().setup()
        if not self.state.connection_opened(self.connection):
            self.close_connection = True
            self._shutdown_socket()

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.state.connection_closed(self.connection)

    def handle_one_request(self) -> None:
        """Read the next request; route *every* method to :meth:`_handle`.

        ``BaseHTTPRequestHandler`` would answer unknown methods with 501; the
        contract says anything but ``POST /v1/responses`` is a JSON 404.
        """
        if self.state.stopping.is_set():
            self.close_connection = True
            return
        try:
            self.raw_requestline = self.rfile.readline(65537)
        except OSError:  # idle timeout, reset by the client, or cut by stop()
            self.close_connection = True
            return
        if not self.raw_requestline:
            self.close_connection = True
            return
        if len(self.raw_requestline) > 65536:
            self.requestline = self.request_version = self.command = ""
            self.send_error(414)
            return
        if self.parse_request():
            self._handle()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Silence the default per-response log; :meth:`_handle` logs its own line."""

    def log_message(self, format: str, *args: Any) -> None:
        if self.state.log is not None:
            self.state.log(f"{self.client_address[0]} {format % args}")

    # --- one request -----------------------------------------------------

    def _handle(self) -> None:
        started = time.monotonic()
        body = self._read_body()
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        recorded = self.state.record(self.command, self.path, headers, body)
        label, reply = self._decide(headers, body)
        outcome = self._deliver(reply)
        if self.state.log is not None:
            elapsed = (time.monotonic() - started) * 1000
            model = recorded.json.get("model") if isinstance(recorded.json, dict) else None
            self.state.log(
                f"{self.client_address[0]} {self.command} {self.path} model={model!r} "
                f"scenario={label} -> {outcome} ({elapsed:.0f} ms)"
            )

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("transfer-encoding", "").lower():
            return self._read_chunked()
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        while True:
            size = int(self.rfile.readline(65537).split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline()

    def _decide(self, headers: dict[str, str], body: bytes) -> tuple[str, Reply]:
        """Run the contract checks, then the chosen scenario: ``(label for the log, reply)``."""
        try:
            check_route(self.command, self.path)
            check_auth(headers, self.state.api_key, self.state.project_id)
            request = parse_body(headers.get("content-type", ""), body)
            scenario = self.state.choose_scenario(request.model)
        except ContractError as rejection:
            return "contract", rejection.reply
        except UnknownScenarioError as exc:
            return "unknown", error_reply(400, "invalid_request", str(exc))
        return scenario.name, scenario.respond(request)

    def _deliver(self, reply: Reply) -> str:
        """Put ``reply`` on the wire; returns what happened, for the log."""
        if isinstance(reply, Hangup):
            self._reset_connection()
            return "connection reset"
        if isinstance(reply, Delayed):
            waited = self._wait_watching_client(reply.delay)
            if waited is not _Wait.ELAPSED:
                if waited is _Wait.CLIENT_GONE:
                    self.state.note_disconnect()
                self.close_connection = True
                return str(waited)
            reply = reply.reply
        return self._send(reply)

    def _send(self, reply: HttpReply) -> str:
        try:
            self.send_response(reply.status, reply.reason_phrase())
            if reply.content_type is not None:
                self.send_header("content-type", reply.content_type)
            self.send_header("content-length", str(len(reply.body)))
            for name, value in reply.headers:
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(reply.body)
            self.wfile.flush()
        except OSError:
            self.close_connection = True
            if self.state.stopping.is_set():
                return str(_Wait.STOPPING)
            self.state.note_disconnect()
            return str(_Wait.CLIENT_GONE)
        return str(reply.status)

    def _wait_watching_client(self, delay: float) -> _Wait:
        """Sleep up to ``delay`` s, returning early if the client leaves or the server stops.

        A readable socket with nothing to read (``recv`` with ``MSG_PEEK``
        returns no bytes) means the client closed its end: that is how a
        cancelled request shows up on the server.
        """
        deadline = time.monotonic() + delay
        with selectors.DefaultSelector() as selector:
            selector.register(self.connection, selectors.EVENT_READ)
            while True:
                if self.state.stopping.is_set():
                    return _Wait.STOPPING
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return _Wait.ELAPSED
                ready = selector.select(min(remaining, POLL_INTERVAL))
                if self.state.stopping.is_set():
                    return _Wait.STOPPING
                if ready:
                    if self._client_closed():
                        return _Wait.CLIENT_GONE
                    # The client sent more bytes (a pipelined request): not a
                    # disconnect; sleep instead of spinning on a readable socket.
                    self.state.stopping.wait(min(remaining, POLL_INTERVAL))

    def _client_closed(self) -> bool:
        sock: socket.socket = self.connection
        try:
            return sock.recv(1, socket.MSG_PEEK) == b""
        except (BlockingIOError, InterruptedError):
            return False
        except OSError:
            return True

    def _reset_connection(self) -> None:
        """Close with ``SO_LINGER`` 0, so the kernel sends RST instead of FIN.

        The buffered reader holds a reference to the socket, so it is closed
        first; otherwise ``close()`` would be deferred until after
        ``socketserver`` had already sent a FIN with ``shutdown()``.
        """
        self.close_connection = True
        linger = struct.pack("HH" if sys.platform == "win32" else "ii", 1, 0)
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
        self.rfile.close()
        self.wfile.close()
        self.connection.close()

    def _shutdown_socket(self) -> None:
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)
