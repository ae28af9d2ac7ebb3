"""Compare: one prompt sent to several models at once, each column finishing on its own.

A comparison is a list of columns, each a `PromptSpec` with a label; the `Runner` runs them
side by side (a slow column never holds back the others) and each is recorded as a history
run of source "compare". The window and `zerogpu-desktop compare` share this.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

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


async def run_columns(
    runner: Runner,
    columns: Sequence[CompareColumn],
    connection: Connection,
    *,
    on_done: Callable[[int, RunOutcome], None] | None = None,
) -> list[RunOutcome]:
    """Runs every column at once; `on_done(index, outcome)` as each ends; outcomes in order.

    The runner's concurrency should be at least the number of columns, so none waits.
    """
    handles = [runner.submit(column.spec, connection) for column in columns]
    if on_done is not None:
        for index, handle in enumerate(handles):
            handle.answered.add_done_callback(_tell(on_done, index))
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
