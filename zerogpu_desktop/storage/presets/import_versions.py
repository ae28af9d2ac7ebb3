"""The ids and versions of imported presets, decided before anything is written.

- A new preset (added, or renamed because its name was taken) keeps the id its file gave it,
  unless that id is used here already (then it gets a fresh one: two presets must never
  share a versions file), and keeps the versions a format-2 file gave it, numbers and all.
- A replace keeps the existing preset's id and its whole history; the imported content
  becomes its next version (no new version when the content is the same). The versions in
  the file for that entry are not merged in: they are another preset's history, and mixing
  two histories would make numbers mean different things on each side.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from zerogpu_desktop.storage.presets.format import ImportBatch
from zerogpu_desktop.storage.presets.ids import new_preset_id
from zerogpu_desktop.storage.presets.merge import Placement
from zerogpu_desktop.storage.presets.names import name_key
from zerogpu_desktop.storage.presets.types import Preset
from zerogpu_desktop.storage.presets.versions import (
    PresetVersion,
    find_version,
    history,
    is_implicit,
    next_number,
    version_of,
)

History = Callable[[Preset], tuple[list[PresetVersion], int]]
"""A preset's versions and current number, as the store reads them."""


@dataclass(frozen=True)
class SettledImport:
    """What an import writes.

    Attributes:
        presets: Every preset after the import, by ``name_key``.
        version_files: The versions files to write first, with the preset each belongs to.
    """

    presets: dict[str, Preset]
    version_files: list[tuple[Preset, list[PresetVersion]]]


def settle_import(
    current: dict[str, Preset],
    placements: Sequence[Placement],
    batch: ImportBatch,
    history_of: History,
    now: float,
) -> SettledImport:
    """Give each placed preset its id and version number, and list the files that follow.

    Args:
        current: The store's presets by ``name_key``.
        placements: From ``plan_import``.
        batch: The parsed file (for the versions it brought).
        history_of: Reads the versions of a preset already here.
        now: When a replace's new version is made.
    """
    presets = dict(current)
    used_ids = {p.preset_id for p in presets.values()}
    files: list[tuple[Preset, list[PresetVersion]]] = []
    for placement in placements:
        if placement.replaces is not None:
            stored, versions = _replacing(placement.preset, placement.replaces, history_of, now)
        else:
            imported = batch.versions.get(placement.file_key, ())
            stored, versions = _arriving(placement.preset, imported, used_ids)
            used_ids.add(stored.preset_id)
        presets[name_key(stored.name)] = stored
        if versions is not None:
            files.append((stored, versions))
    return SettledImport(presets, files)


def _arriving(
    preset: Preset, imported: Sequence[PresetVersion], used_ids: set[str]
) -> tuple[Preset, list[PresetVersion] | None]:
    """A new preset: its own id if free, its own versions, the current one among them."""
    preset_id = preset.preset_id
    if not preset_id or preset_id in used_ids:
        preset_id = new_preset_id()
    number = preset.version or max((v.number for v in imported), default=1)
    arriving = replace(preset, preset_id=preset_id, version=number)
    versions, current = history(arriving, imported)
    arriving = replace(arriving, version=current)
    return arriving, None if is_implicit(arriving, versions) else versions


def _replacing(
    incoming: Preset, existing: Preset, history_of: History, now: float
) -> tuple[Preset, list[PresetVersion] | None]:
    """A replace: the existing id and history, the imported content as the next version."""
    versions, current = history_of(existing)
    kept = replace(incoming, preset_id=existing.preset_id)
    if find_version(existing.name, versions, current).same_content(incoming):
        return replace(kept, version=current), None
    number = next_number(versions, existing)
    return replace(kept, version=number), [*versions, version_of(kept, number, now)]
