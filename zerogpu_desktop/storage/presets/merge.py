"""Merging imported presets into the user's own, with name conflicts resolved as asked.

A pure function over lists so every conflict rule can be tested without files, and so the
store writes the merged result in one atomic save (an import is all or nothing on disk).
Overwriting is never the default: "replace" must be passed explicitly. What the merge
decides per entry (a new preset, or the replacement of which one) is kept in a
``Placement``, because ids and versions follow from it (``import_versions``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal, get_args

from zerogpu_desktop.storage.presets.format import ImportBatch
from zerogpu_desktop.storage.presets.names import name_key, unique_name
from zerogpu_desktop.storage.presets.types import Preset

ConflictPolicy = Literal["rename", "skip", "replace"]
"""What to do with an imported preset whose name is already taken."""
CONFLICT_POLICIES: tuple[str, ...] = get_args(ConflictPolicy)
RENAME_LABEL = "imported"
"""Renamed imports are called "name (imported)", "name (imported 2)"..."""


#: How many unreadable entries a summary explains; the rest are counted.
_REASONS_SHOWN = 3


@dataclass(frozen=True)
class ImportReport:
    """What an import did, for a message to the user.

    Attributes:
        added: Names added as they were in the file.
        renamed: ``(name in the file, name given)`` pairs for conflicts resolved by renaming.
        skipped: Names not imported because the name was taken and "skip" was chosen.
        replaced: Names whose existing preset was overwritten ("replace" was chosen).
        unreadable: One sentence per entry of the file that could not be read at all.
        notes: One sentence per version left out of an entry that was read.
    """

    added: tuple[str, ...] = ()
    renamed: tuple[tuple[str, str], ...] = ()
    skipped: tuple[str, ...] = ()
    replaced: tuple[str, ...] = ()
    unreadable: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def imported_count(self) -> int:
        """How many presets are now in the store because of this import."""
        return len(self.added) + len(self.renamed) + len(self.replaced)

    def summary(self) -> str:
        """Sentences for a status bar or the CLI: "Imported 3 presets (…)", then why not more."""
        parts = [f"{len(self.added)} added"] if self.added else []
        if self.renamed:
            parts.append(f"{len(self.renamed)} renamed because the name was taken")
        if self.replaced:
            parts.append(f"{len(self.replaced)} replaced")
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped because the name was taken")
        if self.unreadable:
            parts.append(f"{len(self.unreadable)} unreadable")
        count = self.imported_count
        noun = "preset" if count == 1 else "presets"
        detail = f" ({', '.join(parts)})" if parts else ""
        reasons = " ".join([_first(self.unreadable), _first(self.notes)]).strip()
        return f"Imported {count} {noun}{detail}." + (f" {reasons}" if reasons else "")


def _first(sentences: Sequence[str]) -> str:
    """The first few sentences, and how many more there are."""
    text = " ".join(sentences[:_REASONS_SHOWN])
    if len(sentences) > _REASONS_SHOWN:
        text += f" ({len(sentences) - _REASONS_SHOWN} more like these.)"
    return text


@dataclass(frozen=True)
class Placement:
    """Where one imported preset goes.

    Attributes:
        preset: The preset as it will be stored: its name here, times filled in (its id
            and version number are still the file's).
        file_key: ``name_key`` of its name in the file, to find the versions it brought.
        replaces: The existing preset it replaces ("replace"), or None for a new preset.
    """

    preset: Preset
    file_key: str
    replaces: Preset | None = None


def conflicting_names(existing: Sequence[Preset], batch: ImportBatch) -> list[str]:
    """Names in ``batch`` already used in ``existing``; lets the UI ask before importing."""
    taken = {name_key(p.name) for p in existing}
    return [p.name for p in batch.presets if name_key(p.name) in taken]


def plan_import(
    existing: Sequence[Preset],
    batch: ImportBatch,
    on_conflict: ConflictPolicy,
    now: float,
) -> tuple[list[Placement], ImportReport]:
    """Decide where each preset of ``batch`` goes, and report what happens to each one.

    Args:
        existing: The store's presets.
        batch: Parsed import (names already unique within it).
        on_conflict: "rename" gives a free "name (imported)" name, "skip" leaves the
            existing preset alone, "replace" overwrites it.
        now: Unix time for presets whose file gave no times.

    Returns:
        A placement per preset that is added, renamed or replaces another, in file order.

    Raises:
        ValueError: ``on_conflict`` is not one of CONFLICT_POLICIES (a typo must not fall
            through to an overwrite).
    """
    if on_conflict not in CONFLICT_POLICIES:
        raise ValueError(f"on_conflict must be one of {CONFLICT_POLICIES}, not {on_conflict!r}")
    present = {name_key(p.name): p for p in existing}
    # Names a renamed import must avoid: every existing name, and every name in the batch
    # (a later entry may be called exactly "x (imported)").
    taken = set(present) | {name_key(p.name) for p in batch.presets}
    placements: list[Placement] = []
    added: list[str] = []
    renamed: list[tuple[str, str]] = []
    skipped: list[str] = []
    replaced: list[str] = []
    for incoming in batch.presets:
        preset = _with_times(incoming, now)
        key = name_key(preset.name)
        if key not in present:
            present[key] = preset
            placements.append(Placement(preset, key))
            added.append(preset.name)
        elif on_conflict == "skip":
            skipped.append(preset.name)
        elif on_conflict == "replace":
            placements.append(Placement(preset, key, present[key]))
            replaced.append(preset.name)
        else:
            new_name = unique_name(preset.name, taken, RENAME_LABEL)
            taken.add(name_key(new_name))
            placements.append(Placement(replace(preset, name=new_name), key))
            renamed.append((preset.name, new_name))
    report = ImportReport(
        added=tuple(added),
        renamed=tuple(renamed),
        skipped=tuple(skipped),
        replaced=tuple(replaced),
        unreadable=batch.skipped,
        notes=batch.notes,
    )
    return placements, report


def _with_times(preset: Preset, now: float) -> Preset:
    created = preset.created or now
    return replace(preset, created=created, updated=preset.updated or created)
