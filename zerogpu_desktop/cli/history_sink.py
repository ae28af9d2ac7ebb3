"""The command line's history: each run is added to the SQLite history, like a window run.

A command records one run, so the store is opened for it and closed after; the work runs on
a worker thread (SQLite blocks) and any problem is one line on stderr, never fatal.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TextIO

from zerogpu_desktop import background
from zerogpu_desktop.cli.output import report
from zerogpu_desktop.storage import ensure_data_dir
from zerogpu_desktop.storage.history.store import open_history_store
from zerogpu_desktop.storage.history.types import HistoryError, RunRecord
from zerogpu_desktop.storage.history.writer import HistoryWriter

__all__ = ["StoreHistorySink", "WriterHistorySink"]


class StoreHistorySink:
    """A `workbench.HistorySink` over the history database of a data folder.

    Args:
        data_dir: The data folder.
        stderr: Where a history problem is reported.
    """

    def __init__(self, data_dir: Path, stderr: TextIO) -> None:
        self.data_dir = data_dir
        self.stderr = stderr

    async def record(self, record: RunRecord) -> int | None:
        history_id, problems = await background.run(
            self._record_blocking, record, timeout=None, name="zerogpu-history-writer"
        )
        for problem in problems:
            report(problem, self.stderr)
        return history_id

    def _record_blocking(self, record: RunRecord) -> tuple[int | None, list[str]]:
        problems: list[str] = []
        try:
            ensure_data_dir(self.data_dir)
            opened = open_history_store(self.data_dir)
            if opened.problem:
                problems.append(opened.problem)
            with opened.value as history:
                return history.record(record), problems
        except (HistoryError, OSError) as exc:
            problems.append(f"the run was not saved to the history: {exc}")
            return None, problems


class WriterHistorySink:
    """A `workbench.HistorySink` over a `HistoryWriter`: many runs, committed in batches.

    For `eval`, whose thousands of runs must not each open the database and commit alone.
    """

    def __init__(self, writer: HistoryWriter, stderr: TextIO) -> None:
        self.writer = writer
        self.stderr = stderr
        self._told = False

    async def record(self, record: RunRecord) -> int | None:
        try:
            return await asyncio.wrap_future(self.writer.submit(record))
        except HistoryError as exc:
            if not self._told:  # one line, not one per run
                self._told = True
                report(f"runs are not being saved to the history: {exc}", self.stderr)
            return None
