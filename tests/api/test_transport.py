"""Where the key may travel: loopback only over plain http, never through a proxy to loopback."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Iterator

import pytest

from tests.hostileserver import HostileServer
from zerogpu_desktop.api import (
    APIConnectionError,
    InsecureTransportError,
    Message,
    RequestRefusedError,
    RetryPolicy,
    ZeroGPUClient,
)
from zerogpu_desktop.explain import explain

KEY = "zg-transport-key-0123456789"
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy")


class PosingProxy:
    """A loopback listener that records every byte a client sends it, then hangs up."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.received = bytearray()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            with connection:
                connection.settimeout(2.0)
                with contextlib.suppress(OSError):
                    self.received += connection.recv(65536)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the accept()
        self._listener.close()
        self._thread.join(2.0)


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[PosingProxy]:
    posing = PosingProxy()
    for name in PROXY_VARIABLES:
        monkeypatch.setenv(name, posing.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    yield posing
    posing.close()


def send(base_url: str) -> str:
    client = ZeroGPUClient(
        KEY, "proj-1", base_url=base_url, timeout=3.0, retry_policy=RetryPolicy(max_retries=0)
    )

    async def go() -> str:
        async with client:
            return (await client.create_response("m", [Message("user", "hi")])).text

    return asyncio.run(go())


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_loopback_request_never_goes_through_the_proxy(proxy: PosingProxy, host: str) -> None:
    with HostileServer() as server:
        assert send(f"http://{host}:{server.port}") == "A normal answer."
        assert server.requests[0].headers["x-api-key"] == KEY
    assert proxy.received == b""


def test_a_remote_https_request_still_honours_the_proxy(proxy: PosingProxy) -> None:
    with pytest.raises(APIConnectionError):
        send("https://api.zerogpu.invalid")
    assert proxy.received.startswith(b"CONNECT api.zerogpu.invalid:443")
    assert KEY.encode() not in proxy.received  # the tunnel was never set up


@pytest.mark.parametrize(
    ("variable", "value", "words"),
    [
        ("ALL_PROXY", "socks5://127.0.0.1:1080", "SOCKS proxies need the optional package"),
        ("HTTPS_PROXY", "ftp://127.0.0.1:21", "a ftp:// proxy is not supported"),
        ("HTTPS_PROXY", "http://127.0.0.1:notaport", "not a valid proxy address"),
        ("HTTPS_PROXY", "http://127.0.0.1\x1b:3128", "not a valid proxy address"),
    ],
)
def test_a_proxy_setting_the_client_cannot_use_is_a_sentence(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, words: str
) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, value)
    with pytest.raises(RequestRefusedError) as caught:
        send("https://api.zerogpu.invalid")
    message = caught.value.message
    assert words in message
    assert f"The proxy in {variable} cannot be used" in message
    assert "unset it" in message
    assert "127.0.0.1" not in message  # a proxy URL may carry a password: never quoted


def test_an_unusable_proxy_does_not_matter_for_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALL_PROXY", "socks5://127.0.0.1:1080")
    with HostileServer() as server:
        assert send(server.base_url) == "A normal answer."


@pytest.mark.parametrize(
    "url",
    [
        "http://x.localhost",
        "http://api.localhost:8080",
        "http://localhost.localdomain",
        "http://127.0.0.1.nip.io",
        "http://10.0.0.5",
    ],
)
def test_plain_http_to_a_name_that_only_looks_local_is_refused(url: str) -> None:
    with pytest.raises(InsecureTransportError) as caught:
        ZeroGPUClient(KEY, "p", base_url=url)
    message = caught.value.message
    assert "which is not a loopback address: use https://" in message
    assert "allow" not in message.lower()
    assert "allow" not in explain(caught.value).as_line().lower()


@pytest.mark.parametrize(
    "url", ["http://127.0.0.2:9", "http://[::1]:9", "http://LOCALHOST:9", "https://x.localhost"]
)
def test_loopback_literals_and_localhost_are_accepted(url: str) -> None:
    ZeroGPUClient(KEY, "p", base_url=url)


@pytest.mark.parametrize(
    "url",
    [
        "https://api.zerogpu.ai\n",
        "https://api.zerogpu.ai\nX-Injected: 1",
        "https://api.zero gpu.ai",
        "https://api.zerogpu.ai/\t",
        "https://api.zerogpu.ai\x1b[2J",
    ],
)
def test_a_base_url_with_whitespace_or_controls_is_refused(url: str) -> None:
    with pytest.raises(RequestRefusedError, match="enter it again on one line") as caught:
        ZeroGPUClient(KEY, "p", base_url=url)
    assert "\x1b" not in caught.value.message
    assert "\n" not in caught.value.message


def test_spaces_around_a_pasted_base_url_are_forgiven() -> None:
    assert ZeroGPUClient(KEY, "p", base_url="  https://api.zerogpu.ai/ ").base_url == (
        "https://api.zerogpu.ai"
    )


@pytest.mark.parametrize("url", ["http://127.0.0.1:99999", "https://api.zerogpu.ai:0x50"])
def test_a_port_that_cannot_be_is_named_as_the_problem(url: str) -> None:
    with pytest.raises(RequestRefusedError, match="port is not a number from 1 to 65535"):
        ZeroGPUClient(KEY, "p", base_url=url)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8080/#frag", "http://127.0.0.1:8080/?q=1", "https://a.example?"]
)
def test_a_query_or_fragment_is_refused_since_the_path_would_be_lost(url: str) -> None:
    with pytest.raises(RequestRefusedError, match=r"must not have a \?query or #fragment"):
        ZeroGPUClient(KEY, "p", base_url=url)


def test_a_path_prefix_is_kept() -> None:
    client = ZeroGPUClient(KEY, "p", base_url="https://gateway.example/zerogpu/")
    assert client.base_url == "https://gateway.example/zerogpu"
