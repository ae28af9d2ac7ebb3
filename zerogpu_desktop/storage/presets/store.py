"""Named prompt presets in ``<data dir>/presets.json``, and their versions beside it.

The format is specified in ``docs/preset-format.md``. In short: ``{"format":
"zerogpu-desktop-presets", "version": 1, "presets": [...]}``, each entry with ``name``,
``model``, ``system_prompt``, ``user_prompt``, ``input_token_limit``, ``variables``,
``created``, ``updated`` and ``response_format``. ``presets.json`` adds each preset's stable
``id`` and current ``version`` number; an export with versions is format version 2 and adds
``versions``, every version oldest first. A plain export has the nine fields and nothing
else: there is no field for the API key, and none can be added by accident, as entries are
built field by field from a ``Preset``. Reading is tolerant: unknown fields are ignored, a
bad limit/variables/time falls back to "unknown", a missing or wrongly typed name or prompt
makes that one entry unreadable (reported and skipped; the others load). An entry without an
id (a file from before versions) gets one derived from its name and creation time, and
version 1.

Every save whose content (model, prompts, input limit, format) changed makes a new version,
numbered 1, 2, 3... per preset and never reused; so do a restore and a replace by import.
Versions live in ``<data dir>/preset-versions/<id>.json`` (see ``version_files``), written
before ``presets.json``: a crash between the two leaves a version the preset does not point
to yet, never a preset whose current version is lost, and reading rebuilds the current
version from ``presets.json`` whenever the file lacks it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path

from zerogpu_desktop.storage.atomic import atomic_write_text
from zerogpu_desktop.storage.local_files import NotARegularFileError, check_replaceable, os_reason
from zerogpu_desktop.storage.presets.format import (
    ImportBatch,
    check_importable,
    export_presets,
    export_with_versions,
    parse_import,
    read_import_file,
)
from zerogpu_desktop.storage.presets.ids import new_preset_id, valid_preset_id
from zerogpu_desktop.storage.presets.import_versions import settle_import
from zerogpu_desktop.storage.presets.lock import PresetsBusyError
from zerogpu_desktop.storage.presets.merge import (
    ConflictPolicy,
    ImportReport,
    conflicting_names,
    plan_import,
)
from zerogpu_desktop.storage.presets.names import (
    InvalidPresetNameError,
    PresetError,
    clean_preset_name,
    name_key,
    require_safe_name,
    unique_name,
)
from zerogpu_desktop.storage.presets.store_state import change
from zerogpu_desktop.storage.presets.store_versions import VersionedPresets
from zerogpu_desktop.storage.presets.types import (
    Preset,
    PresetExistsError,
    PresetExportTargetError,
    PresetFileReadError,
    PresetFormatError,
    PresetNotFoundError,
)
from zerogpu_desktop.storage.presets.version_files import (
    PresetHistoryFullError,
    PresetVersionsUnreadableError,
)
from zerogpu_desktop.storage.presets.versions import PresetVersion, PresetVersionNotFoundError

__all__ = [
    "ConflictPolicy",
    "ImportBatch",
    "ImportReport",
    "InvalidPresetNameError",
    "Preset",
    "PresetError",
    "PresetExistsError",
    "PresetExportTargetError",
    "PresetFileReadError",
    "PresetFormatError",
    "PresetHistoryFullError",
    "PresetNotFoundError",
    "PresetStore",
    "PresetVersion",
    "PresetVersionNotFoundError",
    "PresetVersionsUnreadableError",
    "PresetsBusyError",
    "export_presets",
    "parse_import",
    "read_import_file",
]

COPY_LABEL = "copy"
"""Duplicates are called "name (copy)", "name (copy 2)"..."""


class PresetStore(VersionedPresets):
    """Keeps the user's presets in ``<data dir>/presets.json``, written atomically on each change,
    and each preset's versions in its own file beside it.

    Listing and loading presets never reads a versions file; ``versions``, ``version``,
    ``restore``, a change of content and an export with versions read that one preset's.

    Every change (save, rename, duplicate, delete, remembered values, restore, import) is
    made under the data folder's presets lock (see ``lock``), on a fresh read of both files,
    so two processes never give one version number to two contents. Each may therefore also
    raise ``PresetsBusyError`` (an ``OSError``) when another process holds the lock too long.
    """

    @change
    def save(self, preset: Preset, *, touch: bool = True) -> Preset:
        """Insert ``preset``, or replace the one with the same name (ignoring case).

        A name with control characters or direction overrides is refused, except the exact
        name of a preset already stored (an older file may hold one; it stays editable) and
        a restore with ``touch=False`` (undo gives back what the store itself held).

        Replacing keeps the stored preset's id (whatever ``preset`` carries: a save by name
        is a save of that preset) and makes a new version when the content changed. A new
        name keeps the id ``preset`` carries when no other preset has it (undoing a delete
        brings back its versions), else gets a fresh one, at version 1.

        Args:
            preset: What to store.
            touch: Stamp ``updated`` with now, keep the replaced preset's ``created`` (or now
                for a new one). Pass False to store ``preset`` exactly as given, e.g. to undo
                a ``delete``.

        Returns:
            The preset as stored, with its id and version number.

        Raises:
            TypeError: ``preset`` is not a ``Preset``.
            InvalidPresetNameError: The name holds control characters or direction overrides.
            PresetHistoryFullError: Its versions would no longer fit in their file.
            OSError: A file could not be written; the store is unchanged.
        """
        if not isinstance(preset, Preset):
            raise TypeError(f"expected Preset, got {type(preset).__name__}")
        presets = self._current()
        existing = presets.get(name_key(preset.name))
        now: float | None = None
        if touch:
            if existing is None or existing.name != preset.name:
                require_safe_name(preset.name)
            now = self._clock()
            created = existing.created if existing else (preset.created or now)
            preset = replace(preset, created=created, updated=now)
        if existing is not None:
            return self._commit(replace(preset, preset_id=existing.preset_id), existing, now=now)
        kept_id = valid_preset_id(preset.preset_id)
        if kept_id and self.get_by_id(kept_id) is None:
            return self._commit(preset, replace(preset, version=max(preset.version, 1)))
        return self._commit(replace(preset, preset_id=new_preset_id(), version=1), None)

    @change
    def rename(self, old: str, new: str) -> Preset:
        """Give the preset ``old`` the name ``new``; changing only the capitals is allowed.

        The id, and so the versions, stay; renaming makes no version.

        Raises:
            PresetNotFoundError: No preset is called ``old``.
            InvalidPresetNameError: ``new`` is not a valid name (or holds control characters
                or direction overrides).
            PresetExistsError: Another preset is already called ``new``; nothing changed.
            OSError: The file could not be written.
        """
        current = self._find(old)
        new_name = require_safe_name(clean_preset_name(new))
        presets = dict(self._current())
        old_key, new_key = name_key(current.name), name_key(new_name)
        if new_key != old_key and new_key in presets:
            raise PresetExistsError(presets[new_key].name)
        renamed = replace(current, name=new_name, updated=self._clock())
        presets = {(new_key if k == old_key else k): v for k, v in presets.items()}
        presets[new_key] = renamed
        self._write(presets)
        return renamed

    @change
    def duplicate(self, name: str) -> Preset:
        """Store a copy of ``name`` as "name (copy)" (or "(copy 2)"...) and return it.

        The copy is another preset: a new id, and its current content as version 1.

        Raises:
            PresetNotFoundError: No preset is called ``name``.
            OSError: The file could not be written.
        """
        source = self._find(name)
        presets = dict(self._current())
        now = self._clock()
        copy = replace(
            source,
            name=unique_name(source.name, presets, COPY_LABEL),
            created=now,
            updated=now,
            preset_id=new_preset_id(),
            version=1,
        )
        presets[name_key(copy.name)] = copy
        self._write(presets)
        return copy

    @change
    def delete(self, name: str) -> Preset:
        """Remove the preset ``name`` and return it, so undo is ``save(deleted, touch=False)``.

        Its versions file stays, so that undo brings its versions back too; a preset created
        later under the same name is another preset, with another id and file.

        Raises:
            PresetNotFoundError: No preset is called ``name``.
            OSError: The file could not be written; nothing was removed.
        """
        victim = self._find(name)
        presets = dict(self._current())
        del presets[name_key(victim.name)]
        self._write(presets)
        return victim

    def remember_variables(self, name: str, values: Mapping[str, str]) -> Preset:
        """Store ``values`` as the preset's remembered variable values (replacing the old ones).

        ``updated`` is not changed: filling in a form is using a preset, not editing it. The
        file is not written when the values are unchanged.

        Raises:
            PresetNotFoundError: No preset is called ``name``.
            OSError: The file could not be written.
        """
        current = self._find(name)
        if dict(current.variables) == dict(values):
            return current  # no write, so no lock: a run with the same values stays quick
        with self._changing():
            current = self._find(name)
            updated = replace(current, variables=dict(values))
            presets = dict(self._current())
            presets[name_key(current.name)] = updated
            self._write(presets)
        return updated

    def export_text(
        self, names: Iterable[str] | None = None, *, with_versions: bool = False
    ) -> str:
        """The export of ``names`` (all presets, sorted, when None) in the documented format.

        Args:
            names: The presets to export, in this order.
            with_versions: Format 2, with each preset's id and versions; else format 1 (the
                nine plain fields, which every version of the app imports).

        Raises:
            PresetNotFoundError: One of ``names`` does not exist.
            PresetFormatError: With versions, the file would be larger than an import reads.
            PresetVersionsUnreadableError: With versions, a preset's versions file is there
                but cannot be read: an export without that history would be a backup that
                silently is not one, so none is made.
        """
        return self._export(self._select(names), with_versions)

    def export_to_file(
        self, path: Path, names: Iterable[str] | None = None, *, with_versions: bool = False
    ) -> int:
        """Write an export of ``names`` (all when None) to ``path`` atomically.

        Returns:
            How many presets were exported.

        Raises:
            PresetNotFoundError: One of ``names`` does not exist; no file is written.
            PresetFormatError, PresetVersionsUnreadableError: See ``export_text``; no file
                is written.
            PresetExportTargetError: ``path`` is a device, a named pipe, a folder or a
                symbolic link; it is left as it is.
            OSError: The file could not be written.
        """
        selected = self._select(names)
        text = self._export(selected, with_versions)
        try:
            check_replaceable(path)
        except NotARegularFileError as exc:
            raise PresetExportTargetError(path, os_reason(exc)) from None
        atomic_write_text(path, text)
        return len(selected)

    def conflicting_names(self, batch: ImportBatch) -> list[str]:
        """Names in ``batch`` that already exist here, so the UI can ask before importing."""
        return conflicting_names(list(self._current().values()), batch)

    @change
    def import_presets(
        self, batch: ImportBatch, on_conflict: ConflictPolicy = "rename"
    ) -> ImportReport:
        """Add ``batch`` (from ``parse_import``) in one atomic write.

        Args:
            batch: The presets to import.
            on_conflict: For a name that exists: "rename" (default, never loses anything),
                "skip", or "replace" (overwrites; only when the user chose it).

        New presets keep the versions (and, when free, the id) a format-2 file gave them; a
        replace keeps the existing preset's id and versions and makes the imported content
        its next version (see ``import_versions``).

        Returns:
            What was added, renamed to what, skipped and replaced.

        Raises:
            ValueError: Unknown ``on_conflict``.
            PresetHistoryFullError: A preset's versions (a replaced one's, or those an entry
                brought) would no longer fit in their file, or be numbered past the cap;
                nothing was imported. Its ``name`` is the preset's name here.
            OSError: A file could not be written; nothing was imported (a versions file
                written already belongs to no preset, or is one step ahead of it).
        """
        placements, report = plan_import(
            list(self._current().values()), batch, on_conflict, self._clock()
        )
        if not placements:
            return report
        settled = settle_import(self._current(), placements, batch, self._history, self._clock())
        for preset, versions in settled.version_files:  # all checked before any is written
            self._files.check(preset, versions)
        for preset, versions in settled.version_files:
            self._files.write(preset, versions)
        self._write(settled.presets)
        return report

    def import_file(self, path: Path, on_conflict: ConflictPolicy = "rename") -> ImportReport:
        """Read ``path`` and import it; see ``read_import_file`` and ``import_presets``.

        Raises:
            PresetFileReadError: ``path`` could not be read (a ``PresetFormatError``).
            PresetFormatError: ``path`` is too large or not a presets file.
            OSError: Only ever for writing: the presets file could not be written, and
                nothing was imported.
        """
        return self.import_presets(read_import_file(path), on_conflict)

    # -- internals ------------------------------------------------------------------------

    def _export(self, presets: list[Preset], with_versions: bool) -> str:
        if not with_versions:
            return export_presets(presets)
        text = export_with_versions((p, self._history(p, strict=True)[0]) for p in presets)
        check_importable(text)
        return text
