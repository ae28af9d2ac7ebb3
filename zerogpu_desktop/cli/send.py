"""`zerogpu-desktop send`: one prompt, the answer on stdout, the facts on stderr.

A thin adapter over `workbench.Runner`, the engine the window uses too: the arguments
become a `PromptSpec` and a `Connection`, the Runner sends, records and teaches, and this
module prints the outcome.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import replace
from typing import TextIO

from zerogpu_desktop.api.models import Response
from zerogpu_desktop.cli.context import CommandContext, UsageError
from zerogpu_desktop.cli.history_sink import StoreHistorySink
from zerogpu_desktop.cli.output import report, write_data
from zerogpu_desktop.cli.run_setup import command_connection, command_runner
from zerogpu_desktop.cli.stdin_text import StdinError, read_stdin_text
from zerogpu_desktop.exit_codes import ExitCode
from zerogpu_desktop.explain import Explanation
from zerogpu_desktop.safe_text import has_lone_surrogates, safe_for_display
from zerogpu_desktop.storage.presets.store import Preset, PresetError, PresetStore
from zerogpu_desktop.workbench.connection import Connection
from zerogpu_desktop.workbench.outcome import RunOutcome
from zerogpu_desktop.workbench.preflight import render_or_refuse
from zerogpu_desktop.workbench.runner import Runner
from zerogpu_desktop.workbench.spec import PromptSpec


def parse_vars(pairs: list[str]) -> dict[str, str]:
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


def chosen_preset(args: argparse.Namespace, presets: PresetStore) -> Preset | None:
    """The `--preset` asked for, as its `--version` was when one is given; None without one.

    Raises:
        UsageError: an unknown preset or version, or `--version` without `--preset`.
    """
    number = getattr(args, "preset_version", None)
    if not args.preset:
        if number is not None:
            raise UsageError("--version needs --preset NAME: the version of which preset?")
        return None
    preset = presets.get(args.preset)
    if preset is None:
        raise UsageError(
            f"No preset named “{args.preset}”. `zerogpu-desktop presets list` shows them."
        )
    if number is None:
        return presets.as_sent(preset.name)
    try:
        return presets.version(preset.name, number).as_preset(preset)
    except PresetError as exc:
        # A damaged versions file explains why the version is missing: said first.
        problem = presets.take_problem()
        raise UsageError(f"{problem} {exc}" if problem else str(exc)) from None


def prompt_spec(args: argparse.Namespace, presets: PresetStore, stdin: TextIO) -> PromptSpec:
    """The spec the arguments ask for: the preset, then the flags and `--var` over it.

    The spec names the preset's version only when it sends that version's content as
    stored: a run with `--system`, another prompt, `--model` or `--input-limit` came from
    no stored version.

    Raises:
        UsageError: an unknown preset or version, a bad `--var`, or no prompt to read.
    """
    preset = chosen_preset(args, presets)
    model = args.model or (preset.model if preset else "")
    values = dict(preset.variables) if preset else {}
    values.update(parse_vars(args.var))
    if not model.strip():  # asked before the prompt, so a missing model never waits on stdin
        return PromptSpec(model, variables=values)
    system = args.system if args.system is not None else (preset.system_prompt if preset else "")
    user = _read_prompt(args.text, stdin, preset.user_prompt if preset else None)
    spec = PromptSpec(
        model,
        system,
        user,
        values,
        input_limit=args.input_limit or (preset.input_token_limit if preset else None),
        response_format=args.response_format or (preset.response_format if preset else "text"),
    )
    if preset is None:
        return spec
    as_stored = (
        spec.model,
        spec.system_prompt,
        spec.user_prompt,
        spec.input_limit,
        spec.response_format,
    ) == (
        preset.model,
        preset.system_prompt,
        preset.user_prompt,
        preset.input_token_limit,
        preset.response_format,
    )
    return replace(
        spec,
        preset_name=preset.name,
        preset_id=preset.preset_id or None,
        preset_version=preset.version if as_stored and preset.version else None,
    )


def _remember_preset_values(spec: PromptSpec, presets: PresetStore) -> None:
    """Keeps the values the preset's variables were given, for the next run and the window."""
    if spec.preset_name is None:
        return
    preset = presets.get(spec.preset_name)
    if preset is None:
        return
    names = PromptSpec(preset.model, preset.system_prompt, preset.user_prompt).variable_names()
    given = {name: spec.variables[name] for name in names if name in spec.variables}
    if given:
        presets.remember_variables(preset.name, given)


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


def _refuse(words: Explanation, stderr: TextIO) -> int:
    report(words.as_line(), stderr)
    return words.exit_code


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
        presets = PresetStore(context.data_dir)
        spec = prompt_spec(args, presets, stdin)
    except UsageError as exc:
        report(str(exc), stderr)
        return ExitCode.USAGE
    if context.settings_problem:  # told once: the damaged file is moved aside now
        report(context.settings_problem, stderr)
    presets_problem = presets.take_problem()
    if presets_problem:  # a damaged presets or versions file met while reading the preset
        report(presets_problem, stderr)
    if spec.model and spec.variable_names() and not spec.missing_variables():
        _remember_preset_values(spec, presets)
    # Refused here, before the keyring is asked, in the order a person fixes things.
    sent = render_or_refuse(spec, "cli")
    if isinstance(sent, Explanation):
        return _refuse(sent, stderr)
    if has_lone_surrogates(sent.system_prompt + sent.user_prompt):  # an argument not UTF-8
        report("The prompt is not valid UTF-8 text: give it as UTF-8.", stderr)
        return ExitCode.USAGE
    connection = command_connection(args, context, stderr)
    if isinstance(connection, int):
        return connection
    runner = command_runner(context, StoreHistorySink(context.data_dir, stderr), stderr)
    try:
        outcome = asyncio.run(_run_once(runner, spec, connection))
    except KeyboardInterrupt:
        report("interrupted.", stderr)
        return ExitCode.INTERRUPTED
    return _print_outcome(outcome, stdout, stderr)


async def _run_once(runner: Runner, spec: PromptSpec, connection: Connection) -> RunOutcome:
    try:
        return await runner.run(spec, connection)
    finally:
        await runner.aclose()


def _print_outcome(outcome: RunOutcome, stdout: TextIO, stderr: TextIO) -> int:
    """The answer on stdout, the usage and the verdict on stderr; or the failure's sentence.

    The run is already recorded, so a reader that closes the pipe early loses nothing.
    """
    if outcome.response is None or outcome.cancelled:
        assert outcome.explanation is not None
        return _refuse(outcome.explanation, stderr)
    write_data(outcome.response.text, stdout)
    print(safe_for_display(_usage_line(outcome.response, outcome.seconds)), file=stderr)
    if outcome.assessment is not None:
        print(outcome.assessment.explanation, file=stderr)
    return ExitCode.OK
