"""`zerogpu-desktop send`: one prompt, the answer on stdout, the facts on stderr.

A run is recorded in the history like a run from the window, and teaches
the per-model token calibration the same way.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import time
from dataclasses import dataclass
from typing import TextIO

import httpx

from zerogpu_desktop.api import ContextLengthExceededError, Message, ZeroGPUClient, ZeroGPUError
from zerogpu_desktop.api.models import Response
from zerogpu_desktop.api.tokens import (
    TruncationStatus,
    assess_truncation,
    rejected_assessment,
)
from zerogpu_desktop.cli.context import CommandContext, UsageError
from zerogpu_desktop.cli.output import report, write_data
from zerogpu_desktop.cli.stdin_text import StdinError, read_stdin_text
from zerogpu_desktop.exit_codes import ExitCode, exit_code_for
from zerogpu_desktop.explain import NOTHING_TO_SEND, explain
from zerogpu_desktop.run_records import failed_run, succeeded_run
from zerogpu_desktop.safe_text import safe_for_display
from zerogpu_desktop.storage import ensure_data_dir
from zerogpu_desktop.storage.calibration import CalibrationStore
from zerogpu_desktop.storage.history.store import HistoryStore
from zerogpu_desktop.storage.history.types import HistoryError, RunRecord
from zerogpu_desktop.storage.presets.store import Preset, PresetStore
from zerogpu_desktop.templating import MissingVariablesError, find_variables, render


@dataclass(frozen=True)
class PreparedPrompt:
    """What will be sent, after the preset and the variables are applied."""

    model: str
    system_prompt: str
    user_prompt: str
    input_limit: int | None
    preset_name: str | None

    def messages(self) -> list[Message]:
        messages = [Message("system", self.system_prompt)] if self.system_prompt else []
        messages.append(Message("user", self.user_prompt))
        return messages

    def text_sent(self) -> str:
        return "\n".join(part for part in (self.system_prompt, self.user_prompt) if part)


def _parse_vars(pairs: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--var takes NAME=VALUE, not {pair!r}.")
        values[name.strip()] = value
    return values


def _read_prompt(text: str | None, stdin: TextIO, fallback: str | None) -> str:
    if text is not None and text != "-":
        return text
    if text is None and fallback is not None:
        return fallback
    if text is None and stdin.isatty():
        raise UsageError("No prompt: give it as an argument or pipe it on stdin ('-').")
    try:
        return read_stdin_text(stdin)
    except StdinError as exc:
        raise UsageError(str(exc)) from None


def prepare(args: argparse.Namespace, context: CommandContext, stdin: TextIO) -> PreparedPrompt:
    """Applies the preset, the arguments and the variables; raises UsageError for gaps."""
    preset: Preset | None = None
    if args.preset:
        preset = PresetStore(context.data_dir).get(args.preset)
        if preset is None:
            raise UsageError(
                f"No preset named “{args.preset}”. `zerogpu-desktop presets list` shows them."
            )
    model = (args.model or (preset.model if preset else "")).strip()
    if not model:
        raise UsageError("No model: give --model (or a --preset that has one).")
    system = args.system if args.system is not None else (preset.system_prompt if preset else "")
    user = _read_prompt(args.text, stdin, preset.user_prompt if preset else None)
    values = dict(preset.variables) if preset else {}
    values.update(_parse_vars(args.var))
    if find_variables(system, user):
        try:
            system, user = render(system, values), render(user, values)
        except MissingVariablesError as exc:
            raise UsageError(f"{exc}. Give them with --var NAME=VALUE.") from None
        if preset is not None:
            given = {
                name: values[name]
                for name in find_variables(preset.system_prompt, preset.user_prompt)
                if name in values
            }
            PresetStore(context.data_dir).remember_variables(preset.name, given)
    if not user.strip():
        raise UsageError(NOTHING_TO_SEND.as_line())
    if _has_lone_surrogate(system + user):  # an argument that was not UTF-8
        raise UsageError("The prompt is not valid UTF-8 text: give it as UTF-8.")
    limit = args.input_limit or (preset.input_token_limit if preset else None)
    limit = limit or context.settings.input_limit_for(model)
    return PreparedPrompt(model, system, user, limit, preset.name if preset else None)


def _has_lone_surrogate(text: str) -> bool:
    return any("\ud800" <= char <= "\udfff" for char in text)


def _usage_line(response: Response, seconds: float) -> str:
    if response.usage_problem:
        return f"usage unknown ({response.usage_problem}) · {seconds:.2f} s"
    if response.usage is None:
        return f"usage not reported · {seconds:.2f} s"
    usage = response.usage
    return (
        f"tokens: {usage.input_tokens:,} in · {usage.output_tokens:,} out · "
        f"{usage.total_tokens:,} total · {seconds:.2f} s"
    )


def run(
    args: argparse.Namespace,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Sends the prompt, records the run, and returns the exit code."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        context = CommandContext.from_args(args)
        prompt = prepare(args, context, stdin)
        settings = context.settings
        client = ZeroGPUClient(
            context.api_key(),
            context.project_id(),
            base_url=context.base_url,
            timeout=httpx.Timeout(
                args.timeout or settings.read_timeout, connect=settings.connect_timeout
            ),
            max_retries=args.max_retries if args.max_retries is not None else settings.max_retries,
            max_response_bytes=(args.max_response_mb or settings.max_response_mb) * 1024 * 1024,
        )
    except UsageError as exc:
        report(str(exc), stderr)
        return ExitCode.USAGE
    except ZeroGPUError as exc:
        report(explain(exc).as_line(), stderr)
        return exit_code_for(exc)

    calibration_store = CalibrationStore(context.data_dir)
    calibration = calibration_store.load()
    started = time.monotonic()
    try:
        response = asyncio.run(_send(client, prompt.model, prompt.messages()))
    except KeyboardInterrupt:
        report("interrupted.", stderr)
        return ExitCode.INTERRUPTED
    except ZeroGPUError as exc:
        explanation = explain(exc)
        report(explanation.as_line(), stderr)
        rejected = (
            rejected_assessment(prompt.text_sent(), prompt.input_limit)
            if isinstance(exc, ContextLengthExceededError)
            else None
        )
        failure = failed_run(prompt, explanation, time.monotonic() - started, "cli", rejected)
        _record(context, failure, stderr)
        return exit_code_for(exc)
    seconds = time.monotonic() - started

    counted = response.usage.input_tokens if response.usage else None
    assessment = assess_truncation(
        prompt.text_sent(),
        counted,
        limit=prompt.input_limit,
        model=prompt.model,
        calibration=calibration,
    )
    if (
        counted is not None
        and assessment.status is TruncationStatus.NOT_TRUNCATED
        and calibration.record(prompt.model, prompt.text_sent(), counted)
    ):
        # Calibration only sharpens warnings; never fail a run over it.
        with contextlib.suppress(OSError):
            ensure_data_dir(context.data_dir)
            calibration_store.save(calibration)
    # Recorded before printing: a reader that closes the pipe early loses nothing.
    _record(context, succeeded_run(prompt, response, assessment, seconds, "cli"), stderr)
    write_data(response.text, stdout)
    print(safe_for_display(_usage_line(response, seconds)), file=stderr)
    print(assessment.explanation, file=stderr)
    return ExitCode.OK


def _record(context: CommandContext, record: RunRecord, stderr: TextIO) -> None:
    """Adds the run to the history; a history problem is reported, never fatal."""
    try:
        ensure_data_dir(context.data_dir)
        with HistoryStore(context.data_dir) as history:
            if history.last_problem:
                report(history.last_problem, stderr)
            history.record(record)
    except (HistoryError, OSError) as exc:
        report(f"the run was not saved to the history: {exc}", stderr)


async def _send(client: ZeroGPUClient, model: str, messages: list[Message]) -> Response:
    async with client:
        return await client.create_response(model, messages)
