"""Each hostile behaviour, by name: what a broken proxy or a malicious server would send.

A scenario gets the request's headers (an echo scenario quotes the key back) and a
:class:`Wire` to write to; it may write forever, since :meth:`Wire.pause` and every write
end when the client leaves or the server stops.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, quote_plus

from tests.hostileserver import payloads

MODEL_PREFIX = "hostile:"
#: Where the client's error messages cut a quoted body (see api/errors.py).
EXCERPT_CHARS = 200
TRICKLE_INTERVAL = 0.2
HUGE_ERROR_BYTES = 100 * 1000 * 1000
_PIECE = 64 * 1024


class Wire:
    """The connection to one client, for exactly one reply."""

    def __init__(self, connection: socket.socket, stopping: threading.Event) -> None:
        self._connection = connection
        self._stopping = stopping

    def head(self, status: int, headers: list[tuple[str, str]], reason: str = "") -> None:
        lines = [f"HTTP/1.1 {status} {reason or _REASONS.get(status, '')}".rstrip()]
        lines += [f"{name}: {value}" for name, value in [*headers, ("connection", "close")]]
        self.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))

    def write(self, data: bytes) -> None:
        if self._stopping.is_set():
            raise ConnectionAbortedError("server stopping")
        self._connection.sendall(data)

    def chunk(self, data: bytes) -> None:
        self.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")

    def pause(self, seconds: float) -> None:
        if self._stopping.wait(seconds):
            raise ConnectionAbortedError("server stopping")

    def reply(
        self, status: int, body: bytes, content_type: str = "application/json", **extra: str
    ) -> None:
        headers = [("content-type", content_type), ("content-length", str(len(body)))]
        headers += [(name.replace("_", "-"), value) for name, value in extra.items()]
        self.head(status, headers)
        self.write(body)


_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 502: "Bad Gateway"}
_REASONS |= {503: "Service Unavailable"}

Run = Callable[[Wire, dict[str, str]], None]


@dataclass(frozen=True)
class Scenario:
    name: str
    help: str
    run: Run


def _ok(wire: Wire, headers: dict[str, str]) -> None:
    wire.reply(200, payloads.answer('"A normal answer."'))


def _endless(wire: Wire, headers: dict[str, str]) -> None:
    wire.head(200, [("content-type", "application/json"), ("transfer-encoding", "chunked")])
    wire.chunk(b'{"output": [{"type": "message", "content": [{"type": "output_text", "text": "')
    piece = b"endless " * (_PIECE // 8)
    while True:
        wire.chunk(piece)


def _bomb(encoding: str, body: Callable[[], bytes], status: int = 200) -> Run:
    def run(wire: Wire, headers: dict[str, str]) -> None:
        wire.reply(status, body(), content_encoding=encoding)

    return run


def _unknown_encoding(wire: Wire, headers: dict[str, str]) -> None:
    wire.reply(200, b"\x8b\x02\x80" + payloads.answer('"hidden"'), content_encoding="br")


def _trickle(wire: Wire, headers: dict[str, str]) -> None:
    body = payloads.answer('"' + "slow " * 200_000 + '"')
    wire.head(200, [("content-type", "application/json"), ("content-length", str(len(body)))])
    for byte in body:
        wire.write(bytes([byte]))
        wire.pause(TRICKLE_INTERVAL)


def _huge_error(wire: Wire, headers: dict[str, str]) -> None:
    piece = b"upstream exploded " * (_PIECE // 18)
    wire.head(502, [("content-type", "text/plain"), ("content-length", str(HUGE_ERROR_BYTES))])
    sent = 0
    while sent < HUGE_ERROR_BYTES:
        wire.write(piece[: HUGE_ERROR_BYTES - sent])
        sent += len(piece)


def _fixed(
    body: Callable[[], bytes], status: int = 200, content_type: str = "application/json"
) -> Run:
    def run(wire: Wire, headers: dict[str, str]) -> None:
        wire.reply(status, body(), content_type)

    return run


#: name -> raw JSON for usage counts and `created`: what no honest server sends.
NUMBERS = {
    "nan": "NaN",
    "infinity": "Infinity",
    "1e999": "1e999",
    "10e30": str(10**30),
    "5000-digits": "9" * 5000,
    "negative": "-5",
    "over-a-trillion": str(10**13),
}


def _numbers(value: str) -> Run:
    usage = f'{{"input_tokens": {value}, "output_tokens": 2, "total_tokens": {value}}}'
    return _fixed(lambda: payloads.answer('"Counted."', usage=usage, created=value))


def _surrogate(wire: Wire, headers: dict[str, str]) -> None:
    wire.reply(200, payloads.answer(r'"caf\ud800 lone"', ident=r'"resp_\udfff"'))


CONTROL_MESSAGE = "bad \x1b]0;pwned\x07title \x1b[2J cleared \u202eevil\u202c and\r over"


def _control_error(wire: Wire, headers: dict[str, str]) -> None:
    body = json.dumps({"error": {"code": "invalid_request", "message": CONTROL_MESSAGE}})
    wire.reply(400, body.encode())


def _echo_key(wire: Wire, headers: dict[str, str]) -> None:
    key = headers.get("x-api-key", "")
    message = (
        f"key {key} is not valid; as a query string ?key={quote(key, safe='')} "
        f"or a form key={quote_plus(key, safe='')}"
    )
    wire.reply(401, json.dumps({"error": {"code": "invalid_api_key", "message": message}}).encode())


def _echo_key_straddle(wire: Wire, headers: dict[str, str]) -> None:
    """The key starts a few characters before the cut of the client's excerpt."""
    key = headers.get("x-api-key", "")
    padding = "x" * (EXCERPT_CHARS - 6)
    wire.reply(401, f"{padding}{key} rest of the page".encode(), "text/plain")


def _echo_key_cut(wire: Wire, headers: dict[str, str]) -> None:
    """The server itself cut its echo of the key after 12 characters."""
    key = headers.get("x-api-key", "")
    wire.reply(401, f"Invalid key: {key[:12]}".encode(), "text/plain")


def unknown_scenario(wire: Wire, name: str) -> None:
    names = ", ".join(SCENARIOS)
    message = f"no hostile scenario {name!r}; try one of: {names}"
    wire.reply(400, json.dumps({"error": {"code": "invalid_request", "message": message}}).encode())


_ALL = [
    Scenario("ok", "200 with a short, normal answer", _ok),
    Scenario("endless", "200, chunked JSON that never ends", _endless),
    Scenario(
        "gzip-bomb",
        "200, gzip: ~1 MB that inflates to 1 GiB of zeros",
        _bomb("gzip", payloads.gzip_bomb),
    ),
    Scenario(
        "stacked-bomb",
        "200, 'gzip, gzip': a few KB that inflate to 1 GiB",
        _bomb("gzip, gzip", payloads.stacked_gzip_bomb),
    ),
    Scenario(
        "error-bomb",
        "503 whose gzip body inflates to 1 GiB",
        _bomb("gzip", payloads.gzip_bomb, 503),
    ),
    Scenario(
        "unknown-encoding", "200 with content-encoding: br (never asked for)", _unknown_encoding
    ),
    Scenario("trickle", f"200, one byte every {TRICKLE_INTERVAL:g} s, forever", _trickle),
    Scenario("huge-error", "502 with a 100 MB text body", _huge_error),
    Scenario(
        "nested",
        f"200, JSON nested {payloads.NESTING_DEPTH:,} deep",
        _fixed(payloads.deeply_nested),
    ),
    Scenario("huge-array", "200, 16 MiB of [{},{},…]", _fixed(payloads.huge_array)),
    Scenario(
        "many-objects",
        "200, ~15 MiB of 500,000 one-key objects: under the value limit",
        _fixed(payloads.many_objects),
    ),
    *(
        Scenario(f"numbers-{name}", f"200, usage counts and created are {name}", _numbers(value))
        for name, value in NUMBERS.items()
    ),
    Scenario("surrogate", "200, a lone surrogate (\\ud800) in the answer and its id", _surrogate),
    Scenario(
        "control-error", "400 whose message has terminal escapes and bidi overrides", _control_error
    ),
    Scenario("echo-key", "401 quoting the x-api-key raw and URL-encoded", _echo_key),
    Scenario(
        "echo-key-straddle",
        "401 text with the key across the client's excerpt cut",
        _echo_key_straddle,
    ),
    Scenario("echo-key-cut", "401 text ending in the key's first 12 characters", _echo_key_cut),
]
SCENARIOS: dict[str, Scenario] = {scenario.name: scenario for scenario in _ALL}
