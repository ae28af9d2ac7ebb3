"""The request Send would make, written out as curl, a Python script or a command line.

A user who wants the same request in a script, a notebook or a bug report gets exactly what
goes on the wire: the base URL in force, the model, both prompts with their variables filled
and the response format. The key and the project are never written into the text, only the
names of the environment variables that hold them, so a copied request can be pasted anywhere.
"""

from __future__ import annotations

import json
import pprint
import re
import shlex
from typing import Any, Literal

from zerogpu_desktop.api.models import request_body
from zerogpu_desktop.explain import Explanation
from zerogpu_desktop.overrides import ENV_API_KEY, ENV_PROJECT_ID
from zerogpu_desktop.workbench.preflight import render_or_refuse
from zerogpu_desktop.workbench.spec import PromptSpec, RenderedPrompt

__all__ = [
    "CODE_KINDS",
    "CodeKind",
    "command_line",
    "curl_command",
    "python_script",
    "request_code",
    "wire_body",
]

CodeKind = Literal["curl", "python", "command line"]
#: Every kind of code, in menu order.
CODE_KINDS: tuple[CodeKind, ...] = ("curl", "python", "command line")

RESPONSES_PATH = "/v1/responses"
#: The heredoc's end line; the JSON is indented, so no line of it can be this word alone.
_HEREDOC_END = "ZEROGPU_REQUEST"
_DEFAULT_FORMAT = "text"
_BRACES = re.compile(r"(\\*)\{\{")


def wire_body(rendered: RenderedPrompt) -> dict[str, Any]:
    """The JSON body the client sends for `rendered`, with the spec's response format."""
    body = request_body(rendered.model, rendered.messages())
    body["text"]["format"]["type"] = rendered.spec.response_format
    return body


def request_code(kind: CodeKind, spec: PromptSpec, base_url: str) -> str | Explanation:
    """The code of `kind` for `spec`, or why it cannot be written (what Send would refuse).

    Args:
        kind: "curl", "python" or "command line".
        spec: the spec Send would send, its variable values already given.
        base_url: the base URL in force (settings, environment and flags merged).
    """
    prepared = render_or_refuse(spec, "window")
    if isinstance(prepared, Explanation):
        return prepared
    url = base_url.strip().rstrip("/")
    if kind == "curl":
        return curl_command(prepared, url)
    if kind == "python":
        return python_script(prepared, url)
    return command_line(prepared, url)


def curl_command(rendered: RenderedPrompt, base_url: str) -> str:
    """A POSIX-shell curl command; the body is a quoted heredoc, so no text is expanded."""
    body = json.dumps(wire_body(rendered), ensure_ascii=False, indent=2)
    url = shlex.quote(base_url + RESPONSES_PATH)
    return (
        f"curl -sS {url} \\\n"
        f'  -H "x-api-key: ${ENV_API_KEY}" \\\n'
        f'  -H "x-project-id: ${ENV_PROJECT_ID}" \\\n'
        "  -H 'content-type: application/json' \\\n"
        "  -H 'accept: application/json' \\\n"
        # Without this, curl waits for a "100 Continue" some servers never send.
        "  -H 'Expect:' \\\n"
        f"  --data-binary @- <<'{_HEREDOC_END}'\n"
        f"{body}\n"
        f"{_HEREDOC_END}\n"
    )


def python_script(rendered: RenderedPrompt, base_url: str) -> str:
    """A self-contained httpx script that prints the answer's text (or the error) ."""
    body = pprint.pformat(wire_body(rendered), indent=1, width=88, sort_dicts=False)
    return f'''"""One request to the ZeroGPU Responses API; prints the answer's text.

Needs httpx (pip install httpx) and {ENV_API_KEY} and {ENV_PROJECT_ID} in the environment.
"""

import os
import sys

import httpx

URL = {base_url + RESPONSES_PATH!r}
BODY = {body}

reply = httpx.post(
    URL,
    json=BODY,
    headers={{
        "x-api-key": os.environ["{ENV_API_KEY}"],
        "x-project-id": os.environ["{ENV_PROJECT_ID}"],
        "content-type": "application/json",
        "accept": "application/json",
    }},
    timeout=300,
)
if reply.status_code >= 400:
    sys.exit(f"HTTP {{reply.status_code}}: {{reply.text[:2000]}}")
answer = reply.json()
print(
    "".join(
        part.get("text", "")
        for item in answer.get("output", [])
        if item.get("type") == "message"
        for part in item.get("content", [])
        if part.get("type") == "output_text"
    )
)
'''


def command_line(rendered: RenderedPrompt, base_url: str) -> str:
    """`zerogpu-desktop send …` with the prompts as sent.

    The command line fills `{{variables}}` itself, so the already-filled text is escaped to
    reach the server unchanged; `--name=value` and `--` keep a prompt that starts with a dash
    from being read as an option.
    """
    words = [
        "zerogpu-desktop",
        "send",
        "--base-url=" + shlex.quote(base_url),
        "--model=" + shlex.quote(rendered.model),
    ]
    if rendered.response_format != _DEFAULT_FORMAT:
        words.append("--format=" + shlex.quote(rendered.response_format))
    if rendered.system_prompt:
        words.append("--system=" + shlex.quote(_literal(rendered.system_prompt)))
    user = _literal(rendered.user_prompt)
    if user == "-":
        # A lone dash means "read standard input"; give it that way.
        return "printf '%s' - | " + " ".join([*words, "--", "-"]) + "\n"
    return " ".join([*words, "--", shlex.quote(user)]) + "\n"


def _literal(text: str) -> str:
    """`text` escaped so that filling its variables gives back `text` exactly."""
    return _BRACES.sub(lambda match: match.group(1) * 2 + "\\{{", text)
