"""Refusals: what a run lacks before anything can be sent, in the words of where it started.

The window and the command line ask for the same things in their own terms (the window has a
Settings dialog, a script has flags and environment variables), so each refusal has both
wordings; the exit code and whether Settings is the fix are the same.
"""

from __future__ import annotations

from zerogpu_desktop.exit_codes import ExitCode
from zerogpu_desktop.explain import NOTHING_TO_SEND, Explanation
from zerogpu_desktop.overrides import ENV_API_KEY, ENV_PROJECT_ID
from zerogpu_desktop.response_format import RESPONSE_FORMAT_FIX, response_format_problem
from zerogpu_desktop.storage.history.types import RunSource
from zerogpu_desktop.templating import MissingVariablesError
from zerogpu_desktop.workbench.connection import Connection
from zerogpu_desktop.workbench.spec import PromptSpec, RenderedPrompt

__all__ = ["KEY_NOT_LOADED", "missing_configuration", "render_or_refuse"]

#: The window reads the key from the keyring after its first frame; a Send before that waits.
KEY_NOT_LOADED = Explanation(
    "Key not loaded yet",
    "The API key is still being read from the system keyring.",
    "Try again in a moment.",
    ExitCode.USAGE,
    needs_settings=True,
)


def _no_model(source: RunSource) -> Explanation:
    if source == "cli":
        return Explanation(
            "No model", "give --model (or a --preset that has one).", "", ExitCode.USAGE
        )
    return Explanation("No model", "Choose or type a model ID first.", "", ExitCode.USAGE)


def _bad_format(problem: str, source: RunSource) -> Explanation:
    what = "The --format value" if source == "cli" else "The response format"
    return Explanation(
        "Response format not usable",
        f"{what} {problem}; nothing was sent.",
        RESPONSE_FORMAT_FIX,
        ExitCode.USAGE,
    )


def _missing_variables(exc: MissingVariablesError, source: RunSource) -> Explanation:
    names = ", ".join(exc.names)
    fix = (
        "Give them with --var NAME=VALUE."
        if source == "cli"
        else "Give each a value, then send again."
    )
    return Explanation("Fill in the variables", f"{names}.", fix, ExitCode.USAGE)


def _no_key(source: RunSource, key_problem: str | None) -> Explanation:
    if source == "cli":
        hint = f" ({key_problem})" if key_problem else ""
        return Explanation(
            "No API key",
            f"set {ENV_API_KEY} or save the key in the app's Settings{hint}.",
            "",
            ExitCode.USAGE,
            needs_settings=True,
        )
    return Explanation(
        "No API key",
        "The app has no API key yet.",
        "Add it in Settings (Ctrl+,).",
        ExitCode.USAGE,
        needs_settings=True,
    )


def _no_project(source: RunSource) -> Explanation:
    if source == "cli":
        return Explanation(
            "No project ID",
            f"set {ENV_PROJECT_ID} or enter it in the app's Settings.",
            "",
            ExitCode.USAGE,
            needs_settings=True,
        )
    return Explanation(
        "No project ID",
        "The app has no project ID yet.",
        "Add it in Settings (Ctrl+,).",
        ExitCode.USAGE,
        needs_settings=True,
    )


def render_or_refuse(spec: PromptSpec, source: RunSource) -> RenderedPrompt | Explanation:
    """The prompts as they will be sent, or why they cannot be: no model, a response format
    the rule refuses, a variable without a value, or an empty user prompt once rendered."""
    if not spec.model:
        return _no_model(source)
    if (problem := response_format_problem(spec.response_format)) is not None:
        return _bad_format(problem, source)
    try:
        sent = spec.rendered()
    except MissingVariablesError as exc:
        return _missing_variables(exc, source)
    if not sent.user_prompt.strip():
        return NOTHING_TO_SEND
    return sent


def missing_configuration(
    connection: Connection, source: RunSource, *, key_problem: str | None = None
) -> Explanation | None:
    """Why `connection` cannot send yet (no key, no project), or None when it can.

    `key_problem` is why the keyring gave no key, if it said; the command line adds it.
    """
    if not connection.api_key:
        return _no_key(source, key_problem)
    if not connection.project_id:
        return _no_project(source)
    return None
