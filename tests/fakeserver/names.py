"""Picking a scenario by name: from the model field of a request, or the CLI's --scenario.

A request whose ``model`` is ``scenario:<name>`` is answered by that scenario
with default parameters, so a person (or a smoke test of the frozen app) can
try each failure by typing a model name. Names:

==================  ==========================================================
echo                200, ``Echo: <last user message>``
slow                answers after 2 s; a client that leaves counts as a disconnect
context-limit       420 ``context_length_exceeded`` if input > 100 tokens
truncate            input silently truncated to 100 tokens (``usage`` shows it)
rate-limited        429 ``rate_limit_exceeded`` with ``retry-after: 1``
status-NNN          that status with a fitting JSON error, e.g. ``status-503``
html-error          502 with an nginx HTML page
empty-error         500 with an empty body
malformed-json      200 with truncated JSON
wrong-shape         200 with JSON that is not the documented shape
connection-reset    reads the request, then resets the connection (no reply)
unicode             emoji (ZWJ), CJK, Arabic/Hebrew, combining marks
multi-part          reasoning item, two messages, several parts, unknown fields
no-usage            a normal answer without ``usage``
huge                about 3 MB of Markdown
markdown            a short Markdown answer (heading, list, table, code)
==================  ==========================================================
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tests.fakeserver.scenarios import Scenario

MODEL_PREFIX = "scenario:"


class UnknownScenarioError(ValueError):
    """A ``scenario:<name>`` model named no scenario."""


# name -> (constructor with default parameters, one-line description). Keep the
# module docstring's table in step: a test checks every name appears there.
_BY_NAME: dict[str, tuple[Callable[[], Scenario], str]] = {
    "echo": (Scenario.echo, "200, 'Echo: <last user message>'"),
    "slow": (Scenario.slow, "answers after 2 s; a client that leaves counts as a disconnect"),
    "context-limit": (Scenario.context_limit, "420 context_length_exceeded if input > 100 tokens"),
    "truncate": (Scenario.truncate, "input silently truncated to 100 tokens (usage shows it)"),
    "rate-limited": (Scenario.rate_limited, "429 rate_limit_exceeded with retry-after: 1"),
    "html-error": (Scenario.html_error, "502 with an nginx HTML page"),
    "empty-error": (Scenario.empty_error, "500 with an empty body"),
    "malformed-json": (Scenario.malformed_json, "200 with truncated JSON"),
    "wrong-shape": (Scenario.wrong_shape, "200 with JSON that is not the documented shape"),
    "connection-reset": (
        Scenario.connection_reset,
        "reads the request, then resets the connection",
    ),
    "unicode": (Scenario.unicode, "emoji (ZWJ), CJK, Arabic/Hebrew, combining marks"),
    "multi-part": (Scenario.multi_part, "reasoning item, two messages, parts, unknown fields"),
    "no-usage": (Scenario.no_usage, "a normal answer without usage"),
    "huge": (Scenario.huge, "about 3 MB of Markdown"),
    "markdown": (Scenario.markdown, "a short Markdown answer (heading, list, table, code)"),
}
_STATUS_NAME = re.compile(r"status-(\d{3})")

SCENARIO_HELP: dict[str, str] = {
    **{name: description for name, (_, description) in _BY_NAME.items()},
    "status-NNN": "that status with a fitting JSON error, e.g. status-503",
}
SCENARIO_NAMES: tuple[str, ...] = tuple(SCENARIO_HELP)


def scenario_by_name(name: str) -> Scenario:
    """The scenario called ``name`` (see the module docstring), with default parameters.

    Raises:
        UnknownScenarioError: no such name (the message lists the known ones).
    """
    if name in _BY_NAME:
        return _BY_NAME[name][0]()
    match = _STATUS_NAME.fullmatch(name)
    if match and 200 <= int(match.group(1)) <= 599:
        return Scenario.status(int(match.group(1)))
    known = ", ".join(SCENARIO_NAMES)
    raise UnknownScenarioError(f"Unknown scenario {name!r}; known scenarios: {known}.")


def scenario_for_model(model: str) -> Scenario | None:
    """The scenario a ``scenario:<name>`` model selects, or None for an ordinary model.

    Raises:
        UnknownScenarioError: the model has the prefix but names no scenario.
    """
    if not model.startswith(MODEL_PREFIX):
        return None
    return scenario_by_name(model.removeprefix(MODEL_PREFIX).strip())
