"""One TLS context for every client, built once (loading the CA bundle takes ~50 ms).

Building it off the GUI thread before the first send (see `warm_up`)
keeps that cost out of the moment the user presses Send.
"""

from __future__ import annotations

import ssl
import threading

import httpx

__all__ = ["shared_ssl_context", "warm_up"]

_lock = threading.Lock()
_context: ssl.SSLContext | None = None


def shared_ssl_context() -> ssl.SSLContext:
    """httpx's default verification context (certifi, or SSL_CERT_FILE/SSL_CERT_DIR)."""
    global _context
    with _lock:
        if _context is None:
            _context = httpx.create_ssl_context(trust_env=True)
        return _context


def warm_up() -> None:
    """Imports the client and builds the TLS context; meant for a background thread.

    httpx imports httpcore only when the first AsyncClient is built, and httpcore loads
    anyio's asyncio backend at its first request: ~80 ms on the GUI thread at the first
    Send unless they are imported here.
    """
    import zerogpu_desktop.api.client  # noqa: F401 - the import is the work

    try:
        import anyio._backends._asyncio  # noqa: F401
        import httpcore  # noqa: F401
    except ImportError:  # another httpx/httpcore layout: the first Send pays, nothing breaks
        pass
    shared_ssl_context()
