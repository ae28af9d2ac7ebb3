"""The demo endpoint: `POST /v1/responses` on 127.0.0.1, in a daemon thread of the app.

Standard-library HTTP only, so the demo costs no dependency and starts in a few
milliseconds, and only when a demo run needs it. Everything from the client is bounded: the
body size, the time to send it, the JSON's shape. It takes only its own placeholder key, and
refuses (and counts) any other, so a test can show that the real key never reaches it; it
never keeps the key it is sent.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from zerogpu_desktop.api.json_limits import load_json
from zerogpu_desktop.demo.answers import DEMO_MODELS, answer_for

__all__ = ["DEMO_KEY", "DEMO_PROJECT", "DemoServer", "shared_demo_server"]

#: The key and project every demo request carries instead of the user's.
DEMO_KEY = "demo-key"
DEMO_PROJECT = "demo-project"
#: The largest request body the demo reads.
MAX_REQUEST_BYTES = 1024 * 1024
#: Seconds a client may take to send its request.
REQUEST_TIMEOUT = 10.0
#: How often a slow answer checks whether the client went away (Esc).
_SLEEP_STEP = 0.05


class DemoServer:
    """The demo endpoint, started on an ephemeral loopback port."""

    def __init__(self) -> None:
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.demo = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="zerogpu-demo", daemon=True
        )
        self._lock = threading.Lock()
        self._foreign_keys = 0
        self._answered = 0
        self._thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_port}"

    @property
    def foreign_keys_seen(self) -> int:
        """How many requests came with a key other than `DEMO_KEY` (each was refused)."""
        with self._lock:
            return self._foreign_keys

    @property
    def answered(self) -> int:
        with self._lock:
            return self._answered

    def _count(self, *, foreign: bool) -> None:
        with self._lock:
            if foreign:
                self._foreign_keys += 1
            else:
                self._answered += 1

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=2)

    def __enter__(self) -> DemoServer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


_shared: DemoServer | None = None
_shared_lock = threading.Lock()


def shared_demo_server() -> DemoServer:
    """The process's demo server, started at the first demo run; it ends with the process."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = DemoServer()
        return _shared


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    demo: DemoServer


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = REQUEST_TIMEOUT
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the demo has nothing worth a log line, and a header must never be logged."""

    def do_POST(self) -> None:
        if self.path.rstrip("/") != "/v1/responses":
            self._error(404, "not_found", "The demo answers POST /v1/responses only.")
            return
        key = self.headers.get("x-api-key")
        if not key or not self.headers.get("x-project-id"):
            self._error(401, "unauthorized", "Send x-api-key and x-project-id headers.")
            return
        if key != DEMO_KEY:
            self.server.demo._count(foreign=True)
            self._error(401, "unauthorized", "The demo takes only its own placeholder key.")
            return
        request = self._read_json()
        if request is None:
            return
        model, prompt = request
        answer = answer_for(model, prompt)
        if answer is None:
            self._error(
                404,
                "model_not_found",
                f"The demo has no model {model!r}; try one of: {', '.join(DEMO_MODELS)}.",
            )
            return
        if answer.delay and not self._wait(answer.delay):
            return  # the client went away (Esc): nobody to answer
        self.server.demo._count(foreign=False)
        output_tokens = max(1, len(answer.text) // 4)
        self._send(
            200,
            {
                "id": f"resp_demo_{time.time_ns()}",
                "object": "response",
                "created": int(time.time()),
                "model": model,
                "output": [
                    {
                        "type": "message",
                        "role": "assistant",
                        "content": [{"type": "output_text", "text": answer.text}],
                    }
                ],
                "usage": {
                    "input_tokens": answer.input_tokens,
                    "output_tokens": output_tokens,
                    "total_tokens": answer.input_tokens + output_tokens,
                },
            },
        )

    def do_GET(self) -> None:
        self._error(405, "method_not_allowed", "The demo answers POST /v1/responses only.")

    def _read_json(self) -> tuple[str, str] | None:
        """(model, every message's text joined), or None after answering with an error."""
        try:
            length = int(self.headers.get("content-length", ""))
        except ValueError:
            self._error(411, "length_required", "Send a content-length header.")
            return None
        if length < 0 or length > MAX_REQUEST_BYTES:
            self._error(413, "too_large", "The demo takes requests of up to 1 MiB.")
            return None
        raw = self.rfile.read(length)
        try:
            body = load_json(raw)
        except ValueError:  # JSONLimitError is one too
            self._error(400, "invalid_request", "The body is not valid JSON.")
            return None
        model = body.get("model") if isinstance(body, dict) else None
        messages = body.get("input") if isinstance(body, dict) else None
        if not isinstance(model, str) or not isinstance(messages, list) or not messages:
            self._error(400, "invalid_request", "Send a model and a non-empty input list.")
            return None
        texts = [m.get("content") for m in messages if isinstance(m, dict)]
        if len(texts) != len(messages) or not all(isinstance(t, str) for t in texts):
            self._error(400, "invalid_request", "Each input message needs a text content.")
            return None
        return model, "\n".join(str(t) for t in texts)

    def _wait(self, seconds: float) -> bool:
        """Sleeps in small steps; False as soon as the client has closed the connection."""
        deadline = time.monotonic() + seconds
        connection = self.connection
        while time.monotonic() < deadline:
            time.sleep(_SLEEP_STEP)
            connection.setblocking(False)
            try:
                closed = connection.recv(1, 2) == b""  # MSG_PEEK: look, do not take
            except BlockingIOError:
                closed = False
            except OSError:
                closed = True
            finally:
                connection.setblocking(True)
            if closed:
                self.close_connection = True
                return False
        return True

    def _error(self, status: int, code: str, message: str) -> None:
        self._send(status, {"error": {"code": code, "message": message}})

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            self.close_connection = True
