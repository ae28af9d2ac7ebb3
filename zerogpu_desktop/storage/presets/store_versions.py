"""The versions side of a ``PresetStore``: reading a preset's history, and committing a change.

Kept apart from the edits in ``store.py`` so that both a save and a restore (and an import's
replace, through ``import_versions``) make versions by one rule: a change of content gets the
next number and its versions file is written before ``presets.json``; an unchanged content
keeps its number and writes no versions file at all.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from zerogpu_desktop.storage.presets.names import name_key
from zerogpu_desktop.storage.presets.store_state import PresetsFileState, change
from zerogpu_desktop.storage.presets.types import Preset
from zerogpu_desktop.storage.presets.version_files import VersionFiles
from zerogpu_desktop.storage.presets.versions import (
    PresetVersion,
    current_number,
    find_version,
    history,
    next_number,
    version_of,
)

History = tuple[list[PresetVersion], int]
"""A preset's versions, oldest first, and the number of its current one."""


class VersionedPresets(PresetsFileState):
    """Presets with their versions: what ``PresetStore`` builds its edits on."""

    def __init__(self, data_dir: Path, *, clock: Callable[[], float] = time.time) -> None:
        """Create a store; nothing is read until the first call.

        Args:
            data_dir: The app's data folder (must exist).
            clock: Source of Unix times for ``created``/``updated`` and for versions; tests
                pass a fake one.
        """
        super().__init__(data_dir, clock=clock)
        self._files = VersionFiles(data_dir)

    def versions(self, name: str) -> list[PresetVersion]:
        """Every version of the preset ``name``, oldest first.

        The last is not always the current one (after a crash between two writes, a
        version may be ahead of the preset): the preset's ``version`` says which one is.
        A damaged versions file is moved aside (``take_problem`` tells it); the current
        content is still there as its version.

        Raises:
            PresetNotFoundError: No preset is called ``name``.
        """
        return self._history(self._find(name))[0]

    def as_sent(self, name: str) -> Preset:
        """The preset ``name`` whose ``version`` is the number of the content it holds now.

        Usually its own ``version``; after a hand edit of a file, or a crash between the two
        writes, the versions file may hold another content under that number, and a run
        recorded with it would point at a prompt it never sent (see ``current_number``).

        Raises:
            PresetNotFoundError: No preset is called ``name``.
        """
        preset = self._find(name)
        versions, _ = self._history(preset)
        return replace(preset, version=current_number(preset, versions))

    def version(self, name: str, number: int) -> PresetVersion:
        """The version ``number`` of the preset ``name``.

        Raises:
            PresetNotFoundError: No preset is called ``name``.
            PresetVersionNotFoundError: It has no such version; the sentence says which exist.
        """
        preset = self._find(name)
        return find_version(preset.name, self._history(preset)[0], number)

    @change
    def restore(self, name: str, number: int) -> Preset:
        """Make the content of version ``number`` current again, as a new version.

        The new version says which one it copies (``restored_from``); undoing a restore is
        restoring the version before it, so no number is ever reused. When the current
        content already equals that version, nothing changes.

        Returns:
            The preset as stored now (its ``version`` is the new number).

        Raises:
            PresetNotFoundError, PresetVersionNotFoundError: See ``version``.
            PresetHistoryFullError: Its versions would no longer fit in their file.
            OSError: A file could not be written; the store is unchanged.
        """
        current = self._find(name)
        known = self._history(current)
        target = find_version(current.name, known[0], number)
        if target.same_content(current):
            return current
        now = self._clock()
        restored = replace(target.as_preset(current), updated=now)
        return self._commit(restored, current, now=now, restored_from=number, known=known)

    def _history(self, preset: Preset, *, strict: bool = False) -> History:
        """The versions of ``preset`` and its current number; a damaged file is told later.

        Raises:
            PresetVersionsUnreadableError: Only when ``strict`` (see ``VersionFiles.read``).
        """
        loaded = self._files.read(preset, strict=strict)
        self._tell(loaded.problem)
        return history(preset, loaded.value)

    def _commit(
        self,
        preset: Preset,
        basis: Preset | None,
        *,
        now: float | None = None,
        restored_from: int | None = None,
        known: History | None = None,
    ) -> Preset:
        """Store ``preset`` (its id set) in place of ``basis``, with a version if it changed.

        Args:
            preset: What to store; its id is final.
            basis: The preset whose history it continues, or None for a new one (version 1).
            now: When the change is made (the time ``updated`` got), so a new version and
                the preset agree; None asks the clock.
            restored_from: For a restore, the version it copies.
            known: ``basis``'s history when the caller has just read it.
        """
        if basis is not None:
            versions, current = known or self._history(basis)
            if find_version(basis.name, versions, current).same_content(preset):
                preset = replace(preset, version=current)
            else:
                number = next_number(versions, basis)
                made = replace(
                    version_of(preset, number, self._clock() if now is None else now),
                    restored_from=restored_from,
                )
                preset = replace(preset, version=number)
                self._files.write(preset, [*versions, made])
        presets = dict(self._current())
        presets[name_key(preset.name)] = preset
        self._write(presets)
        return preset
