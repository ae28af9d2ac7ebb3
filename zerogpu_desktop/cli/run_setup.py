"""What every command that sends needs: the connection (or its refusal) and a Runner.

`send`, `compare` and `eval` refuse a missing key or project the same way, with the same
exit code, before anything is sent, and build their Runner over the same learning files.
"""

from __future__ import annotations

import argparse
from typing import TextIO

from zerogpu_desktop.cli.context import CommandContext
from zerogpu_desktop.cli.output import report
from zerogpu_desktop.storage.calibration import CalibrationStore
from zerogpu_desktop.storage.history.types import RunSource
from zerogpu_desktop.storage.settings import SettingsStore
from zerogpu_desktop.workbench.connection import Connection, resolve_connection
from zerogpu_desktop.workbench.learning import CalibrationBook, ModelMemory
from zerogpu_desktop.workbench.preflight import missing_configuration
from zerogpu_desktop.workbench.runner import HistorySink, Runner

__all__ = ["command_connection", "command_runner"]


def command_connection(
    args: argparse.Namespace, context: CommandContext, stderr: TextIO
) -> Connection | int:
    """The connection the flags, environment and settings give; or the exit code of a refusal
    (no key, no project), whose sentence is already on stderr."""
    key, key_problem = context.load_api_key()
    connection = resolve_connection(
        context.settings,
        context.overrides,
        api_key=key,
        timeout=getattr(args, "timeout", None),
        max_retries=getattr(args, "max_retries", None),
        max_response_mb=getattr(args, "max_response_mb", None),
    )
    missing = missing_configuration(connection, "cli", key_problem=key_problem)
    if missing is not None:
        report(missing.as_line(), stderr)
        return missing.exit_code
    return connection


def command_runner(
    context: CommandContext,
    history: HistorySink,
    stderr: TextIO,
    *,
    concurrency: int = 1,
    history_source: RunSource | None = None,
) -> Runner:
    """A Runner for a command: the data folder's calibration and remembered models."""
    calibration_store = CalibrationStore(context.data_dir)
    calibration = calibration_store.read()
    if calibration.problem:
        report(calibration.problem, stderr)
    return Runner(
        source="cli",
        history_source=history_source,
        calibration=CalibrationBook(calibration_store, calibration=calibration.value),
        models=ModelMemory(SettingsStore(context.data_dir), settings=context.settings),
        history=history,
        concurrency=concurrency,
    )
