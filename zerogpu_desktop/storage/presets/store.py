"""Named prompt presets in ``<data dir>/presets.json``: list, save, rename, import, export.

File format (also ``docs/preset-format.md``); the store's file and every export are the same::

    {
      "format": "zerogpu-desktop-presets",   // required in imports; marks the file's kind
      "version": 1,                          // integer; imports refuse versions above 1
      "presets": [
        {
          "name": "Summarise",               // required; trimmed, 1-200 chars, one line,
                                             // unique ignoring case
          "model": "some-model-id",          // text; missing means ""
          "system_prompt": "You are ...",    // text; may hold {{variables}}
          "user_prompt": "Summarise {{topic}}",
          "input_token_limit": 8192,         // positive integer or null (unknown)
          "variables": {"topic": "tides"},   // remembered values, text to text
          "created": 1718000000.0,           // Unix time, seconds
          "updated": 1718000100.0
        }
      ]
    }

Those eight entry fields are the only ones ever written. There is no field for the API key,
and none can be added by accident: entries are built field by field from a ``Preset``.
Reading is tolerant: unknown fields are ignored, a bad limit/variables/time falls back to
"unknown", a missing or wrongly typed name or prompt makes that one entry unreadable (it is
reported and skipped; the others load). Strings are UTF-8 JSON, written unescaped.

Several processes may use one data folder (the window and ``zerogpu-desktop presets import``),
so the store notices when the file changed on disk and rereads it before the next read or
change, instead of overwriting another process's edit with a stale copy.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path

from zerogpu_desktop.storage.atomic import atomic_write_text, save_json
from zerogpu_desktop.storage.loaded import Loaded
from zerogpu_desktop.storage.local_files import NotARegularFileError, check_replaceable, os_reason
from zerogpu_desktop.storage.presets.file import read_presets_file
from zerogpu_desktop.storage.presets.format import (
    ImportBatch,
    export_presets,
    parse_import,
    presets_document,
    read_import_file,
)
from zerogpu_desktop.storage.presets.merge import (
    ConflictPolicy,
    ImportReport,
    conflicting_names,
    merge_import,
)
from zerogpu_desktop.storage.presets.names import (
    InvalidPresetNameError,
    PresetError,
    clean_preset_name,
    name_key,
    require_safe_name,
    unique_name,
)
from zerogpu_desktop.storage.presets.types import (
    Preset,
    PresetExistsError,
    PresetExportTargetError,
    PresetFileReadError,
    PresetFormatError,
    PresetNotFoundError,
)

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
    "PresetNotFoundError",
    "PresetStore",
    "export_presets",
    "parse_import",
    "read_import_file",
]

PRESETS_FILE_NAME = "presets.json"
COPY_LABEL = "copy"
"""Duplicates are called "name (copy)", "name (copy 2)"..."""

_Signature = tuple[int, int, int]


class PresetStore:
    """Keeps the user's presets in ``<data dir>/presets.json``, written atomically on each change.

    Reads happen lazily on first use (or ``read()``) and again whenever the file changed on
    disk. Every change is one atomic write of the whole file, so a crash leaves the old or the
    new set, never a mix.

    A lazy reread happens inside whatever call needed the presets (``list``, ``save``...),
    which has no room in its result for a sentence about the file. So the sentence waits in
    the store until ``take_problem()`` hands it over, once (a later clean reread does not
    erase it: the file was still moved aside); ``read()`` returns it with its value instead.

    Attributes:
        path: The presets file.
    """

    def __init__(self, data_dir: Path, *, clock: Callable[[], float] = time.time) -> None:
        """Create a store; nothing is read until the first call.

        Args:
            data_dir: The app's data folder (must exist).
            clock: Source of Unix times for ``created``/``updated``; tests pass a fake one.
        """
        self.path = data_dir / PRESETS_FILE_NAME
        self._clock = clock
        self._untold_problem: str | None = None
        self._presets: dict[str, Preset] | None = None
        self._signature: _Signature | None = None

    def read(self) -> Loaded[list[Preset]]:
        """Read the file now: the presets sorted by name; never fails for a bad file.

        ``problem`` says when the file was broken (moved aside) or partly unreadable (a copy
        kept). It also hands over a sentence an earlier lazy reread left untold, when this
        read has none of its own, so nothing is lost by reading instead of taking.
        """
        problem = self._read() or self._untold_problem
        self._untold_problem = None
        return Loaded(self._sorted(self._current().values()), problem)

    def load(self) -> list[Preset]:
        """Just the value of ``read()``, for a caller with nobody to tell about the file.

        The sentence about a broken file exists only in what ``read()`` returns.
        """
        return self.read().value

    def take_problem(self) -> str | None:
        """The newest sentence the lazy rereads found about the file, once; then None.

        Call it after any operation to tell the user what happened to the file meanwhile
        (another process broke it, and it was moved aside or partly skipped).
        """
        problem, self._untold_problem = self._untold_problem, None
        return problem

    def get(self, name: str) -> Preset | None:
        """Return the preset called ``name`` (ignoring case and surrounding spaces), or None."""
        return self._current().get(name_key(name))

    def save(self, preset: Preset, *, touch: bool = True) -> Preset:
        """Insert ``preset``, or replace the one with the same name (ignoring case).

        A name with control characters or direction overrides is refused, except the exact
        name of a preset already stored (an older file may hold one; it stays editable) and
        a restore with ``touch=False`` (undo gives back what the store itself held).

        Args:
            preset: What to store.
            touch: Stamp ``updated`` with now, keep the replaced preset's ``created`` (or now
                for a new one). Pass False to store ``preset`` exactly as given, e.g. to undo
                a ``delete``.

        Returns:
            The preset as stored.

        Raises:
            TypeError: ``preset`` is not a ``Preset``.
            InvalidPresetNameError: The name holds control characters or direction overrides.
            OSError: The file could not be written; the store is unchanged.
        """
        if not isinstance(preset, Preset):
            raise TypeError(f"expected Preset, got {type(preset).__name__}")
        presets = dict(self._current())
        key = name_key(preset.name)
        existing = presets.get(key)
        if touch:
            if existing is None or existing.name != preset.name:
                require_safe_name(preset.name)
            now = self._clock()
            created = existing.created if existing else (preset.created or now)
            preset = replace(preset, created=created, updated=now)
        presets[key] = preset
        self._write(presets)
        return preset

    def rename(self, old: str, new: str) -> Preset:
        """Give the preset ``old`` the name ``new``; changing only the capitals is allowed.

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

    def duplicate(self, name: str) -> Preset:
        """Store a copy of ``name`` as "name (copy)" (or "(copy 2)"...) and return it.

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
        )
        presets[name_key(copy.name)] = copy
        self._write(presets)
        return copy

    def delete(self, name: str) -> Preset:
        """Remove the preset ``name`` and return it, so undo is ``save(deleted, touch=False)``.

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
            return current
        updated = replace(current, variables=dict(values))
        presets = dict(self._current())
        presets[name_key(current.name)] = updated
        self._write(presets)
        return updated

    def export_text(self, names: Iterable[str] | None = None) -> str:
        """The export of ``names`` (all presets, sorted, when None) in the documented format.

        Raises:
            PresetNotFoundError: One of ``names`` does not exist.
        """
        return export_presets(self._select(names))

    def export_to_file(self, path: Path, names: Iterable[str] | None = None) -> int:
        """Write an export of ``names`` (all when None) to ``path`` atomically.

        Returns:
            How many presets were exported.

        Raises:
            PresetNotFoundError: One of ``names`` does not exist; no file is written.
            PresetExportTargetError: ``path`` is a device, a named pipe, a folder or a
                symbolic link; it is left as it is.
            OSError: The file could not be written.
        """
        selected = self._select(names)
        try:
            check_replaceable(path)
        except NotARegularFileError as exc:
            raise PresetExportTargetError(path, os_reason(exc)) from None
        atomic_write_text(path, export_presets(selected))
        return len(selected)

    def conflicting_names(self, batch: ImportBatch) -> list[str]:
        """Names in ``batch`` that already exist here, so the UI can ask before importing."""
        return conflicting_names(list(self._current().values()), batch)

    def import_presets(
        self, batch: ImportBatch, on_conflict: ConflictPolicy = "rename"
    ) -> ImportReport:
        """Add ``batch`` (from ``parse_import``) in one atomic write.

        Args:
            batch: The presets to import.
            on_conflict: For a name that exists: "rename" (default, never loses anything),
                "skip", or "replace" (overwrites; only when the user chose it).

        Returns:
            What was added, renamed to what, skipped and replaced.

        Raises:
            ValueError: Unknown ``on_conflict``.
            OSError: The file could not be written; nothing was imported.
        """
        merged, report = merge_import(
            list(self._current().values()), batch, on_conflict, self._clock()
        )
        if report.added or report.renamed or report.replaced:
            self._write({name_key(p.name): p for p in merged})
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

    def _find(self, name: str) -> Preset:
        preset = self.get(name)
        if preset is None:
            raise PresetNotFoundError(name.strip())
        return preset

    def _select(self, names: Iterable[str] | None) -> list[Preset]:
        if names is None:
            return self._sorted(self._current().values())
        return [self._find(name) for name in names]

    def _current(self) -> dict[str, Preset]:
        """The presets, reread first if the file changed since this store last saw it."""
        if self._presets is None or _signature(self.path) != self._signature:
            self._untold_problem = self._read() or self._untold_problem
        assert self._presets is not None
        return self._presets

    def _read(self) -> str | None:
        """Reread the file; return the sentence about it, if any."""
        content = read_presets_file(self.path)
        if content.readable or self._presets is None:
            self._presets = {name_key(p.name): p for p in content.presets}
        # else: the file was broken and moved aside; what this store holds is the best copy
        # left, and the next change writes it back.
        self._signature = _signature(self.path)
        return content.problem

    def _write(self, presets: dict[str, Preset]) -> None:
        save_json(self.path, presets_document(presets.values()), what="presets")
        self._presets = presets
        self._signature = _signature(self.path)

    @staticmethod
    def _sorted(presets: Iterable[Preset]) -> list[Preset]:
        return sorted(presets, key=lambda p: (name_key(p.name), p.name))

    def list(self, filter_text: str = "") -> list[Preset]:
        """Presets sorted by name (ignoring case) whose name contains ``filter_text``.

        Args:
            filter_text: Matched case-insensitively anywhere in the name; blank lists all.
        """
        wanted = filter_text.strip().casefold()
        return [p for p in self._sorted(self._current().values()) if wanted in p.name.casefold()]


def _signature(path: Path) -> _Signature | None:
    """What identifies one version of the file: inode, size and modification time."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)
