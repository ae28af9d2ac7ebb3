"""Where the key may travel, and through what.

- Plain `http://` only to a literal loopback address (127.0.0.0/8, ::1) or the exact name
  `localhost`: any other name may resolve anywhere, and the key would cross it in clear.
- A request to loopback never goes through a proxy (its client ignores the environment).
- A remote https request honours the system proxy settings.
- A proxy setting the client cannot use is a sentence naming the variable to fix.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import os
import ssl
from urllib.parse import urlsplit

import httpx

from zerogpu_desktop.api.errors import InsecureTransportError, RequestRefusedError
from zerogpu_desktop.safe_text import has_space_or_unprintable, safe_for_display

__all__ = ["is_loopback_host", "new_http_client", "validate_base_url"]

_PROXY_VARIABLES = ("all_proxy", "https_proxy", "http_proxy")
_USABLE_PROXY_SCHEMES = ("http", "https")
_SOCKS_SCHEMES = ("socks5", "socks5h")


def is_loopback_host(host: str) -> bool:
    """True for `localhost` and loopback IP literals; no other name counts."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def validate_base_url(base_url: str, *, allow_insecure_http: bool = False) -> str:
    """Returns the base URL without a trailing slash, or raises RequestRefusedError.

    Spaces around it are forgiven (a pasted value); a line break, a tab or any other
    control character anywhere is not. `allow_insecure_http` exists for tests only.
    """
    candidate = base_url.strip(" ")
    if has_space_or_unprintable(candidate):
        raise RequestRefusedError(
            "The base URL contains a space, a line break or another control character: "
            "enter it again on one line, like https://api.zerogpu.ai."
        )
    parts = urlsplit(candidate)
    shown = safe_for_display(candidate)[:100]
    try:
        host = parts.hostname
    except ValueError:
        host = None
    if parts.scheme not in ("http", "https") or not host:
        raise RequestRefusedError(
            f"The base URL must start with https:// and name a host (got {shown!r})."
        )
    try:
        parts.port  # noqa: B018 - a port that is not a number from 0 to 65535 raises here
    except ValueError:
        raise RequestRefusedError(
            f"The base URL's port is not a number from 1 to 65535 (got {shown!r})."
        ) from None
    if parts.query or parts.fragment or candidate.endswith(("?", "#")):
        # The request path is appended to the base URL: after a ? or # it would be lost.
        raise RequestRefusedError(
            f"The base URL must not have a ?query or #fragment (got {shown!r}): "
            "remove everything from the ? or # on."
        )
    if parts.scheme == "http" and not allow_insecure_http and not is_loopback_host(host):
        raise InsecureTransportError(
            f"Refusing to send the API key over plain http to {host}, which is not a "
            "loopback address: use https://, or 127.0.0.1, ::1 or localhost for a server on "
            "this machine."
        )
    return candidate.rstrip("/")


def _unusable_proxy_variable() -> tuple[str, str] | None:
    """(variable name, why) for the first proxy variable the client cannot use."""
    socks_available = importlib.util.find_spec("socksio") is not None
    for name, value in os.environ.items():
        if name.lower() not in _PROXY_VARIABLES or not value.strip():
            continue
        try:
            httpx.URL(value.strip() if "://" in value else f"http://{value.strip()}")
        except (httpx.InvalidURL, ValueError):
            return name, "its value is not a valid proxy address"
        scheme = value.strip().partition("://")[0].lower() if "://" in value else "http"
        if scheme in _USABLE_PROXY_SCHEMES or (scheme in _SOCKS_SCHEMES and socks_available):
            continue
        if scheme in _SOCKS_SCHEMES:
            return name, "SOCKS proxies need the optional package socksio"
        return name, f"a {safe_for_display(scheme)[:20]}:// proxy is not supported"
    return None


def new_http_client(
    base_url: str,
    *,
    timeout: httpx.Timeout,
    verify: ssl.SSLContext,
    headers: dict[str, str],
    transport: httpx.AsyncBaseTransport | None,
) -> httpx.AsyncClient:
    """An AsyncClient for `base_url` that follows the rules in this module's docstring.

    Raises:
        RequestRefusedError: a proxy setting in the environment cannot be used.
    """
    loopback = is_loopback_host(urlsplit(base_url).hostname or "")
    try:
        return httpx.AsyncClient(
            timeout=timeout,
            transport=transport,
            verify=verify,
            headers=headers,
            follow_redirects=False,
            trust_env=not loopback,
        )
    except (ImportError, ValueError, httpx.InvalidURL) as exc:
        found = _unusable_proxy_variable()
        if found is None:
            raise RequestRefusedError(
                "The system proxy settings cannot be used "
                f"({type(exc).__name__}): fix or remove the proxy, then send again."
            ) from None
        name, why = found
        raise RequestRefusedError(
            f"The proxy in {name} cannot be used ({why}): set {name} to an http:// proxy "
            "or unset it, then send again."
        ) from None
