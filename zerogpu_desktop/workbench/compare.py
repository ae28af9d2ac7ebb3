"""Compare: one prompt sent to several models at once, or several versions of a preset to one
model, each column finishing on its own.

A comparison is a list of columns, each a `PromptSpec` with a label; the `Runner` runs them
side by side (a slow column never holds back the others) and each is recorded as a history
run of source "compare". The window and `zerogpu-desktop compare` share this.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from zerogpu_desktop.storage.presets.types import Preset
from zerogpu_desktop.storage.presets.versions import PresetVersion
from zerogpu_desktop.workbench.connection import Connection
from zerogpu_desktop.workbench.outcome import RunOutcome
from zerogpu_desktop.workbench.runner import Runner
from zerogpu_desktop.workbench.spec import PromptSpec

__all__ = [
    "MAX_COLUMNS",
    "MIN_COLUMNS",
    "CompareColumn",
    "CompareError",
    "model_columns",
    "run_columns",
    "version_columns",
]

MIN_COLUMNS = 2
MAX_COLUMNS = 6


class CompareError(ValueError):
    """A comparison that cannot start; ``str(exc)`` says what to change, in one sentence."""


@dataclass(frozen=True, slots=True)
class CompareColumn:
    """One column: what it is called (its model, or its version) and what it sends."""

    label: str
    spec: PromptSpec


def model_columns(spec: PromptSpec, models: Sequence[str]) -> list[CompareColumn]:
    """`spec` once per model, each model once, in the order given.

    The spec's input limit belongs to its own model; another column's comes from Settings.

    Raises:
        CompareError: fewer than two models, or more than six.
    """
    chosen = list(dict.fromkeys(model.strip() for model in models if model.strip()))
    if not MIN_COLUMNS <= len(chosen) <= MAX_COLUMNS:
        raise CompareError(
            f"Compare {MIN_COLUMNS} to {MAX_COLUMNS} different models; "
            f"{len(chosen)} {'was' if len(chosen) == 1 else 'were'} given."
        )
    return [
        CompareColumn(
            model,
            replace(
                spec,
                model=model,
                input_limit=spec.input_limit if model == spec.model else None,
            ),
        )
        for model in chosen
    ]


def version_columns(
    base: PromptSpec,
    preset: Preset,
    versions: Sequence[PresetVersion],
    model: str | None = None,
) -> list[CompareColumn]:
    """Each version of `preset` once, in the order given, all on one model.

    Every column sends its version's prompts and format with `base`'s variables, and says
    which version it ran (`preset_version`), so each history run names its version. A
    version's input limit belongs to its own model; on another model, Settings' applies.

    Args:
        base: The spec the command line or the editors made (for the variables).
        preset: The preset now (its name and id label the columns).
        versions: The versions to compare.
        model: The model every column uses; None: the preset's current model.

    Raises:
        CompareError: fewer than two versions or more than six, or no model.
    """
    chosen = list({version.number: version for version in versions}.values())
    if not MIN_COLUMNS <= len(chosen) <= MAX_COLUMNS:
        raise CompareError(
            f"Compare {MIN_COLUMNS} to {MAX_COLUMNS} different versions; "
            f"{len(chosen)} {'was' if len(chosen) == 1 else 'were'} given."
        )
    target = (model or preset.model).strip()
    if not target:
        raise CompareError(f"The preset {preset.name} has no model: choose one to compare on.")
    return [
        CompareColumn(
            f"{preset.name} v{version.number}",
            PromptSpec(
                target,
                version.system_prompt,
                version.user_prompt,
                base.variables,
                input_limit=version.input_token_limit if version.model.strip() == target else None,
                response_format=version.response_format,
                preset_name=preset.name,
                preset_version=version.number,
                preset_id=preset.preset_id or None,
            ),
        )
        for version in chosen
    ]


async def run_columns(
    runner: Runner,
    columns: Sequence[CompareColumn],
    connection: Connection,
    *,
    on_done: Callable[[int, RunOutcome], None] | None = None,
    on_recorded: Callable[[int, RunOutcome], None] | None = None,
) -> list[RunOutcome]:
    """Runs every column at once; outcomes in order.

    `on_done(index, outcome)` is called as each column ends (before its history row exists),
    `on_recorded(index, outcome)` once that column is in the history (its `history_id` set,
    or None when the history could not take it), each column on its own. The runner's
    concurrency should be at least the number of columns, so none waits.
    """
    handles = [runner.submit(column.spec, connection) for column in columns]
    for index, handle in enumerate(handles):
        if on_done is not None:
            handle.answered.add_done_callback(_tell(on_done, index))
        if on_recorded is not None:
            handle.task.add_done_callback(_tell(on_recorded, index))
    try:
        return [await handle for handle in handles]
    except asyncio.CancelledError:  # Esc or Ctrl+C: every column stops, and is recorded
        for handle in handles:
            handle.cancel()
        await asyncio.wait([handle.task for handle in handles])
        raise


def _tell(
    on_done: Callable[[int, RunOutcome], None], index: int
) -> Callable[[asyncio.Future[RunOutcome]], None]:
    def told(future: asyncio.Future[RunOutcome]) -> None:
        if not future.cancelled():
            on_done(index, future.result())

    return told
