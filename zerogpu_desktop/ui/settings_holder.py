"""The window's Settings, one value shared by the Settings dialog, the model picker and runs.

Runs remember the models they used through the run engine's `ModelMemory`, which writes at
most once a second; the Settings dialog and the Markdown switch replace the whole value. Both
go through this holder, so neither brings back a value the other replaced. The memory is
made on first use: it needs asyncio, which loads only after the first frame.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from zerogpu_desktop.storage import Settings, SettingsStore

if TYPE_CHECKING:
    from zerogpu_desktop.workbench.learning import ModelMemory

log = logging.getLogger(__name__)


class SettingsHolder(QObject):
    """The current Settings and the one way to change them.

    Signals:
        changed(Settings): the settings were replaced (by the user or by a run).
    """

    changed = Signal(object)

    def __init__(self, store: SettingsStore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        loaded = store.read()
        self._initial = loaded.value
        #: What was wrong with the file at start (moved aside), to tell once; else None.
        self.load_problem = loaded.problem
        self._memory: ModelMemory | None = None

    def __repr__(self) -> str:
        return f"SettingsHolder(path={str(self.store.path)!r})"

    @property
    def current(self) -> Settings:
        return self._initial if self._memory is None else self._memory.settings

    @property
    def models(self) -> ModelMemory:
        """The remembered models, shared with the run engine."""
        if self._memory is None:
            from zerogpu_desktop.workbench.learning import ModelMemory

            self._memory = ModelMemory(self.store, self.changed.emit, settings=self._initial)
        return self._memory

    def update(self, settings: Settings) -> str | None:
        """Adopts and saves `settings` now; a sentence when the file could not be written.

        Saved at once rather than coalesced: the person who pressed OK is told if it failed.
        """
        problem: str | None = None
        try:
            self.store.save(settings)
        except OSError as exc:
            from zerogpu_desktop.explain import explain

            problem = explain(exc).as_line()
        if settings != self.current:
            if self._memory is None:
                self._initial = settings
                self.changed.emit(settings)
            else:
                self._memory.replace(settings, save=problem is not None)
        return problem

    def forget_model(self, model: str) -> str | None:
        """Drops a remembered model (and the input limit kept with it); saved at once."""
        from dataclasses import replace

        current = self.current
        kept = tuple(entry for entry in current.models if entry.id != model)
        if len(kept) == len(current.models):
            return None
        last = "" if current.last_model == model else current.last_model
        return self.update(replace(current, models=kept, last_model=last))

    def set_input_limit(self, model: str, limit: int | None) -> None:
        """Remembers a model's input-token limit (None: unknown) for truncation checks."""
        self.models.set_input_limit(model, limit)

    async def flush(self) -> None:
        """Writes what runs taught and is not on disk yet (at quit)."""
        if self._memory is not None:
            await self._memory.flush()
