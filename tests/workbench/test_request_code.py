"""The copied request is the request: curl, Python and the command line put on the wire what
the client sends, for text that tries every quoting trap, and never carry the key."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import subprocess_environment
from tests.conftest import TEST_KEY, TEST_PROJECT
from tests.fakeserver import FakeServer
from tests.fakeserver.state import RecordedRequest
from zerogpu_desktop.api.client import ZeroGPUClient
from zerogpu_desktop.explain import Explanation
from zerogpu_desktop.workbench.request_code import (
    command_line,
    curl_command,
    python_script,
    request_code,
    wire_body,
)
from zerogpu_desktop.workbench.spec import PromptSpec

AWKWARD_SYSTEM = 'Answer as "Ada" O\'Brien; never run `rm -rf $HOME` or $(id).\n\tTabs too.'
AWKWARD_USER = (
    "Quote: 'single' \"double\" \\backslash\\ $HOME ${PATH} `uname` !event\n"
    "EOF\nZEROGPU_REQUEST\nline three: emoji 🦜, accents é, CJK 漢字, {{topic}} filled, "
    "\\{{kept}} literal"
)
SPEC = PromptSpec("acme/tiny-chat-1", AWKWARD_SYSTEM, AWKWARD_USER).with_variables(
    {"topic": "$(echo owned) 'quoted' `tick`"}
)
VENV_BIN = Path(sys.executable).parent


def _client_request(server: FakeServer, spec: PromptSpec) -> RecordedRequest:
    """What the app's own client sends for `spec`."""

    async def send() -> None:
        client = ZeroGPUClient(TEST_KEY, TEST_PROJECT, base_url=server.base_url, max_retries=0)
        try:
            await client.create_response(
                spec.model, spec.rendered().messages(), response_format=spec.response_format
            )
        finally:
            await client.aclose()

    before = len(server.requests)
    asyncio.run(send())
    return server.requests[before]


def _run(args: list[str], server: FakeServer, tmp_path: Path, stdin: str | None = None) -> str:
    environment = subprocess_environment(server.base_url, tmp_path / "data")
    result = subprocess.run(
        args,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _assert_same_request(copied: RecordedRequest, sent: RecordedRequest) -> None:
    assert copied.path == sent.path == "/v1/responses"
    assert copied.method == "POST"
    assert copied.json == sent.json
    for header in ("x-api-key", "x-project-id", "content-type"):
        assert copied.headers.get(header) == sent.headers.get(header), header


@pytest.fixture
def sent(fake_server: FakeServer) -> RecordedRequest:
    return _client_request(fake_server, SPEC)


def test_the_body_is_the_clients_body_with_the_specs_format() -> None:
    rendered = SPEC.rendered()
    body = wire_body(rendered)
    assert body["model"] == "acme/tiny-chat-1"
    assert body["input"][1]["content"] == rendered.user_prompt
    assert "$(echo owned) 'quoted' `tick` filled" in body["input"][1]["content"]
    assert "{{kept}} literal" in body["input"][1]["content"]
    assert body["text"] == {"format": {"type": "text"}}


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl (.ci/run installs it)")
def test_curl_sends_what_the_client_sends(
    fake_server: FakeServer, sent: RecordedRequest, tmp_path: Path
) -> None:
    code = curl_command(SPEC.rendered(), fake_server.base_url)
    before = len(fake_server.requests)
    answer = _run(["bash", "-c", code], fake_server, tmp_path)
    _assert_same_request(fake_server.requests[before], sent)
    assert '"output_text"' in answer
    assert TEST_KEY not in code
    assert TEST_PROJECT not in code


def test_python_sends_what_the_client_sends_and_prints_the_answer(
    fake_server: FakeServer, sent: RecordedRequest, tmp_path: Path
) -> None:
    code = python_script(SPEC.rendered(), fake_server.base_url)
    script = tmp_path / "request.py"
    script.write_text(code, encoding="utf-8")
    before = len(fake_server.requests)
    answer = _run([sys.executable, str(script)], fake_server, tmp_path)
    _assert_same_request(fake_server.requests[before], sent)
    assert answer.strip()
    assert TEST_KEY not in code
    assert TEST_PROJECT not in code


def test_the_command_line_sends_what_the_client_sends(
    fake_server: FakeServer, sent: RecordedRequest, tmp_path: Path
) -> None:
    code = command_line(SPEC.rendered(), fake_server.base_url)
    assert code.startswith("zerogpu-desktop send ")
    runnable = str(VENV_BIN / "zerogpu-desktop") + code.removeprefix("zerogpu-desktop")
    before = len(fake_server.requests)
    _run(["bash", "-c", runnable], fake_server, tmp_path)
    _assert_same_request(fake_server.requests[before], sent)
    assert TEST_KEY not in code
    assert TEST_PROJECT not in code


@pytest.mark.parametrize("user", ["-", "--model=other", "-x"])
def test_a_prompt_that_looks_like_an_option_stays_the_prompt(
    fake_server: FakeServer, tmp_path: Path, user: str
) -> None:
    spec = PromptSpec("acme/tiny-chat-1", "-s", user)
    sent = _client_request(fake_server, spec)
    code = command_line(spec.rendered(), fake_server.base_url)
    runnable = code.replace("zerogpu-desktop", str(VENV_BIN / "zerogpu-desktop"), 1)
    before = len(fake_server.requests)
    _run(["bash", "-c", runnable], fake_server, tmp_path)
    _assert_same_request(fake_server.requests[before], sent)


def test_the_key_in_the_environment_never_reaches_the_text(fake_server: FakeServer) -> None:
    for kind in ("curl", "python", "command line"):
        code = request_code(kind, SPEC, fake_server.base_url)
        assert isinstance(code, str)
        assert TEST_KEY not in code
        assert TEST_PROJECT not in code
    curl = request_code("curl", SPEC, fake_server.base_url)
    assert isinstance(curl, str)
    assert '"x-api-key: $ZEROGPU_API_KEY"' in curl
    python = request_code("python", SPEC, fake_server.base_url)
    assert isinstance(python, str)
    assert 'os.environ["ZEROGPU_API_KEY"]' in python
    assert 'os.environ["ZEROGPU_PROJECT_ID"]' in python


def test_what_send_would_refuse_is_not_written() -> None:
    unfilled = PromptSpec("m", "", "Tell me about {{topic}}")
    refused = request_code("curl", unfilled, "https://api.zerogpu.ai")
    assert isinstance(refused, Explanation)
    assert "topic" in refused.sentence
    assert isinstance(request_code("python", PromptSpec("", "", "hi"), "https://x"), Explanation)
    assert isinstance(request_code("curl", PromptSpec("m", "sys", "  "), "https://x"), Explanation)


def test_the_base_url_is_written_without_a_trailing_slash() -> None:
    code = request_code("curl", PromptSpec("m", "", "hi"), "https://api.example.test/ ")
    assert isinstance(code, str)
    assert "https://api.example.test/v1/responses" in code


def test_the_command_line_carries_a_format_other_than_text(
    fake_server: FakeServer, tmp_path: Path
) -> None:
    from dataclasses import replace

    spec = replace(SPEC, response_format="json_object")
    expected = _client_request(fake_server, spec)
    code = command_line(spec.rendered(), fake_server.base_url)
    assert "--format=json_object" in code
    runnable = str(VENV_BIN / "zerogpu-desktop") + code.removeprefix("zerogpu-desktop")
    before = len(fake_server.requests)
    _run(["bash", "-c", runnable], fake_server, tmp_path)
    _assert_same_request(fake_server.requests[before], expected)
