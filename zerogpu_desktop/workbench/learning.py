"""What runs teach, kept in memory and written at most once a second.

Every run used to read, change and atomically rewrite `calibration.json` and `settings.json`
(two fsyncs each); a batch of a thousand runs would spend its time in fsync. Here the token
calibration and the remembered models live in memory, all updates happen on the event loop
(so concurrent runs never lose one), and a `CoalescingWriter` saves the latest state at most
once a second, plus once at `flush()`, on a worker thread of `background`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

from zerogpu_desktop import background
from zerogpu_desktop.api.tokens import TokenCalibration
from zerogpu_desktop.storage.calibration import CalibrationStore
from zerogpu_desktop.storage.datadir import ensure_data_dir
from zerogpu_desktop.storage.settings import ModelEntry, Settings, SettingsStore

__all__ = ["WRITE_INTERVAL_SECONDS", "CalibrationBook", "CoalescingWriter", "ModelMemory"]

log = logging.getLogger(__name__)

#: The least time between two writes of the same file.
WRITE_INTERVAL_SECONDS = 1.0
#: A write still running after this long (a hung network drive) is abandoned, not waited on.
SAVE_TIMEOUT_SECONDS = 10.0


class CoalescingWriter:
    """Saves the latest state of one file, at most once per interval, off the event loop.

    `changed()` only marks the state dirty and makes sure a write is due; the write takes a
    snapshot on the loop (so it is consistent) and saves it on a worker thread. A change
    that arrives while a write runs is saved by the next one.

    Args:
        snapshot: Called on the loop: the value to save, detached from later changes.
        save: Called on a worker thread with the snapshot; may raise OSError.
        what: The file's name for people, for the log.
        interval: The least seconds between two writes.
    """

    def __init__(
        self,
        snapshot: Callable[[], object],
        save: Callable[[object], None],
        *,
        what: str,
        interval: float = WRITE_INTERVAL_SECONDS,
    ) -> None:
        self._snapshot = snapshot
        self._save = save
        self._what = what
        self._thread_name = f"zerogpu-{what.replace(' ', '-')}-writer"
        self._interval = interval
        self._dirty = False
        self._last_write = -float("inf")
        self._timer: asyncio.TimerHandle | None = None
        self._writing: asyncio.Task[None] | None = None
        self.writes = 0

    def changed(self) -> None:
        """Notes a change; the write follows at once or when the interval has passed."""
        self._dirty = True
        if self._timer is not None or self._writing is not None:
            return  # a write is due already; it will take this change too
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop (a plain script): write now
            self._write_now()
            return
        delay = max(0.0, self._last_write + self._interval - time.monotonic())
        self._timer = loop.call_later(delay, self._start_write)

    def _start_write(self) -> None:
        self._timer = None
        if self._dirty and self._writing is None:
            self._writing = asyncio.ensure_future(self._write())

    async def _write(self) -> None:
        try:
            await self._save_snapshot()
        finally:
            self._writing = None
        if self._dirty:
            self.changed()  # changes that came during the write: the next interval saves them

    def _take_snapshot(self) -> object:
        self._dirty = False
        self._last_write = time.monotonic()
        self.writes += 1
        return self._snapshot()

    def _save_logged(self, value: object) -> None:
        # What runs teach only sharpens later warnings: never fail anything over it.
        try:
            self._save(value)
        except OSError as exc:  # DataDirError included
            log.warning("could not save the %s: %s", self._what, exc)

    def _write_now(self) -> None:
        self._save_logged(self._take_snapshot())

    async def flush(self) -> None:
        """Writes what is pending now, and waits for any write in progress."""
        if self._writing is not None:
            with contextlib.suppress(Exception):
                await asyncio.shield(self._writing)
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._dirty:
            await self._save_snapshot()

    async def _save_snapshot(self) -> None:
        value = self._take_snapshot()
        try:
            await background.run(
                self._save_logged, value, timeout=SAVE_TIMEOUT_SECONDS, name=self._thread_name
            )
        except TimeoutError:
            log.warning("the %s was not saved within %g s", self._what, SAVE_TIMEOUT_SECONDS)


class _StoreOfOneValue(Protocol):
    @property
    def path(self) -> Path: ...

    def save(self, value: Any, /) -> None: ...


class _CoalescedFile:
    """What both books share: one value in memory, its file written through a
    `CoalescingWriter` (at once on the first change, then at most once an interval)."""

    def __init__(
        self,
        store: _StoreOfOneValue,
        snapshot: Callable[[], object],
        *,
        what: str,
        interval: float,
    ) -> None:
        self._store = store
        self._writer = CoalescingWriter(snapshot, self._save, what=what, interval=interval)

    @property
    def writes(self) -> int:
        """How many times the file was written (for tests and benchmarks)."""
        return self._writer.writes

    def _save(self, snapshot: object) -> None:
        ensure_data_dir(self._store.path.parent)
        self._store.save(snapshot)

    async def flush(self) -> None:
        """Writes a change that is not on disk yet, now."""
        await self._writer.flush()

    async def aclose(self) -> None:
        await self.flush()


class CalibrationBook(_CoalescedFile):
    """The per-model token calibration, learned from clean runs and saved coalesced.

    Args:
        store: Where the calibration is loaded from and saved to.
        calibration: The calibration to start from; loaded from `store` when None.
        interval: The least seconds between two writes.
    """

    def __init__(
        self,
        store: CalibrationStore,
        *,
        calibration: TokenCalibration | None = None,
        interval: float = WRITE_INTERVAL_SECONDS,
    ) -> None:
        self.store = store
        self.calibration = store.read().value if calibration is None else calibration
        super().__init__(
            store,
            lambda: TokenCalibration.from_json(self.calibration.to_json()),
            what="token calibration",
            interval=interval,
        )

    def learn(self, model: str, text_sent: str, counted_input_tokens: int) -> bool:
        """Learns from a run judged not truncated; returns whether the sample was used."""
        used = self.calibration.record(model, text_sent, counted_input_tokens)
        if used:
            self._writer.changed()
        return used


class ModelMemory(_CoalescedFile):
    """The models the user ran and their input limits, as kept in Settings.

    `settings` is the current Settings: whoever changes Settings elsewhere (the Settings
    dialog) hands the new value to `replace`, so a pending write never brings back an old one.

    Args:
        settings_store: Where the settings are loaded from and saved to.
        on_change: Called on the loop with the new Settings after each change.
        settings: The settings to start from; loaded from `settings_store` when None.
        interval: The least seconds between two writes.
    """

    def __init__(
        self,
        settings_store: SettingsStore,
        on_change: Callable[[Settings], None] | None = None,
        *,
        settings: Settings | None = None,
        interval: float = WRITE_INTERVAL_SECONDS,
    ) -> None:
        self.store = settings_store
        self.on_change = on_change
        self.settings = settings_store.read().value if settings is None else settings
        super().__init__(settings_store, lambda: self.settings, what="settings", interval=interval)

    def input_limit_for(self, model_id: str) -> int | None:
        return self.settings.input_limit_for(model_id.strip())

    def remember(self, model_id: str) -> None:
        """Puts `model_id` first in the list of used models and makes it the current one."""
        self.replace(self.settings.with_model_used(model_id))

    def set_input_limit(self, model_id: str, limit: int | None) -> None:
        """Keeps the model's input limit (None forgets it); the model is remembered if new."""
        model_id = model_id.strip()
        if not model_id or self.settings.input_limit_for(model_id) == limit:
            return
        settings = self.settings
        if all(entry.id != model_id for entry in settings.models):
            settings = settings.with_model_used(model_id)
        models = tuple(
            ModelEntry(entry.id, limit) if entry.id == model_id else entry
            for entry in settings.models
        )
        self.replace(replace(settings, models=models))

    def replace(self, settings: Settings, *, save: bool = True) -> None:
        """Adopts `settings` as the current value; `save=False` when it is already saved."""
        if settings == self.settings:
            return
        self.settings = settings
        if save:
            self._writer.changed()
        if self.on_change is not None:
            self.on_change(settings)
