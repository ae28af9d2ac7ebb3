"""Each preset's versions in ``<data dir>/preset-versions/<id>.json``, one file per preset.

One file per preset, not one for all and not inside ``presets.json``: the window's start-up
and every list of presets read ``presets.json`` only, which stays as small as the presets
themselves however long their histories grow; a save rewrites the history of the one preset
it changed; and a damaged versions file costs that preset's history, never the presets or
another preset's versions. Files are named by id, so renaming a preset touches none of them.

A file is written only when a preset has a history beyond its current content (see
``versions.history``): an import of a thousand unchanged presets writes ``presets.json``
alone. Deleting a preset leaves its file, so undoing the delete brings its versions back.

Reading follows the rules of every file in the data folder (``storage.atomic``): a file
that is not JSON, or not a versions document, is moved aside as ``<id>.json.corrupt-<time>``;
one whose entries are partly unreadable is used as far as it can be and a copy is kept,
since the next save writes only what was read. Each case is one sentence for the user, and
the preset's current content is still there as its version.

File format::

    {
      "format": "zerogpu-desktop-preset-versions",
      "version": 1,
      "id": "<the preset's id>",
      "versions": [ {number, created, name, model, system_prompt, user_prompt,
                     input_token_limit, response_format, restored_from}, ... ]
    }
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from zerogpu_desktop.api.json_limits import JSONLimitError, check_json_limits
from zerogpu_desktop.safe_text import safe_for_display
from zerogpu_desktop.storage.atomic import load_json_or_quarantine, save_json
from zerogpu_desktop.storage.loaded import Loaded
from zerogpu_desktop.storage.local_files import MAX_LOCAL_FILE_BYTES, check_readable, os_reason
from zerogpu_desktop.storage.presets.file import aside_name
from zerogpu_desktop.storage.presets.ids import valid_preset_id
from zerogpu_desktop.storage.presets.names import PresetError
from zerogpu_desktop.storage.presets.types import Preset
from zerogpu_desktop.storage.presets.version_json import (
    MAX_VERSIONS,
    read_versions,
    version_to_json,
)
from zerogpu_desktop.storage.presets.versions import PresetHistoryFullError, PresetVersion

_log = logging.getLogger(__name__)

VERSIONS_FOLDER = "preset-versions"
VERSIONS_FORMAT_ID = "zerogpu-desktop-preset-versions"
VERSIONS_FORMAT_VERSION = 1

__all__ = ["PresetHistoryFullError", "PresetVersionsUnreadableError", "VersionFiles"]


class PresetVersionsUnreadableError(PresetError):
    """A preset's versions file exists but cannot be read (no permission, a folder, a pipe).

    Raised only where going on without the history would mislead: an export with versions
    that silently missed it would be a backup that is not one.
    """

    def __init__(self, problem: str) -> None:
        super().__init__(problem)


class VersionFiles:
    """Reads and writes the versions files; holds nothing, so each read sees the disk.

    Attributes:
        folder: ``<data dir>/preset-versions``, created on the first write.
    """

    def __init__(self, data_dir: Path) -> None:
        self.folder = data_dir / VERSIONS_FOLDER
        # Partly readable files already copied aside and told about, by what identified
        # them then: every later read until a save would otherwise make one more copy.
        self._copied: dict[Path, tuple[int, int, int]] = {}

    def path(self, preset_id: str) -> Path:
        """The file of ``preset_id``; an id that could leave the folder is refused."""
        if not valid_preset_id(preset_id):
            raise ValueError(f"not a preset id: {preset_id!r}")
        return self.folder / f"{preset_id}.json"

    def read(self, preset: Preset, *, strict: bool = False) -> Loaded[list[PresetVersion]]:
        """The versions stored for ``preset`` (by its id), oldest first.

        ``problem`` is the sentence about a damaged or unreadable file, else None; a missing
        file is no problem (a preset never changed has none).

        Args:
            preset: Whose versions to read.
            strict: Raise instead of going on without a file that cannot be read at all.

        Raises:
            PresetVersionsUnreadableError: Only when ``strict``: the file is there but
                could not be read; the sentence says why and what to do.
        """
        path = self.path(preset.preset_id)
        shown = safe_for_display(preset.name)
        result = load_json_or_quarantine(path, what=f'versions of "{shown}"')
        if result.quarantined_to is not None:
            return Loaded([], _lost(shown, result.quarantined_to))
        if result.left_in_place:
            if strict:
                raise PresetVersionsUnreadableError(_not_exported(shown, path))
            return Loaded([], _unreadable(shown, path))
        if result.data is None:  # damaged, and moving it aside failed; or simply missing
            return Loaded([], result.problem and _stuck(shown, path))
        items = result.data.get("versions")
        marker = result.data.get("format", VERSIONS_FORMAT_ID)
        if marker != VERSIONS_FORMAT_ID or not isinstance(items, list):
            return Loaded([], _set_aside(path, shown))
        versions, skipped = read_versions(items)
        signature = _signature(path)
        if not skipped or (signature is not None and self._copied.get(path) == signature):
            return Loaded(versions)
        if signature is not None:
            self._copied[path] = signature
        return Loaded(versions, _keep_copy(path, shown, skipped))

    def write(self, preset: Preset, versions: Sequence[PresetVersion]) -> None:
        """Replace the file of ``preset`` with ``versions``, atomically.

        Raises:
            PresetHistoryFullError: The versions would be more than MAX_VERSIONS, or a file
                the app could not read back (too large); nothing was written.
            OSError: The file could not be written (``UnreadableFileKeptError`` when the file
                there could not be read); the old one is untouched.
        """
        document = self.check(preset, versions)
        path = self.path(preset.preset_id)
        self.folder.mkdir(mode=0o700, exist_ok=True)
        save_json(path, document, what="preset versions")

    @staticmethod
    def check(preset: Preset, versions: Sequence[PresetVersion]) -> dict[str, object]:
        """The document ``write`` would write, or why it would not fit; writes nothing.

        An import checks every file first, so one that cannot fit stops it before any
        other file is written.

        Raises:
            PresetHistoryFullError: See ``write``.
        """
        if len(versions) > MAX_VERSIONS:
            raise PresetHistoryFullError(preset.name, f"would be more than {MAX_VERSIONS:,}")
        document: dict[str, object] = {
            "format": VERSIONS_FORMAT_ID,
            "version": VERSIONS_FORMAT_VERSION,
            "id": preset.preset_id,
            "versions": [version_to_json(v) for v in versions],
        }
        _check_readable_back(preset.name, document)
        return document


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return (found.st_ino, found.st_size, found.st_mtime_ns)


def _check_readable_back(name: str, document: dict[str, object]) -> None:
    """Refuse a file that reading would set aside: as large as no local file may be."""
    encoded = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    if len(encoded) > MAX_LOCAL_FILE_BYTES:
        limit = MAX_LOCAL_FILE_BYTES // (1024 * 1024)
        raise PresetHistoryFullError(name, f"would take more than {limit} MiB")
    try:
        check_json_limits(encoded)
    except JSONLimitError as exc:
        raise PresetHistoryFullError(
            name, f"would be too large to read back ({exc.reason})"
        ) from None


def _lost(shown: str, target: Path) -> str:
    return (
        f'The versions of preset "{shown}" could not be read, so only its current version '
        f"is left; the damaged file was kept as {target}."
    )


def _unreadable(shown: str, path: Path) -> str:
    """A file that is there but cannot be read: its history may be whole, so it is not lost."""
    return (
        f'The versions file of preset "{shown}" ({path}) could not be read{_why(path)}, so '
        "only its current version is available and no change to it can be saved; it was "
        "left as it is: make it a readable file or move it away, then try again."
    )


def _why(path: Path) -> str:
    """The system's reason a file cannot be read, in brackets, or "" if it can be now."""
    try:
        check_readable(path)
    except OSError as exc:
        return f" ({os_reason(exc)})"
    return ""


def _not_exported(shown: str, path: Path) -> str:
    return (
        f'The versions file of preset "{shown}" ({path}) could not be read{_why(path)}, so no '
        "export with versions was made: make it a readable file or move it away and export "
        "again, or export without versions."
    )


def _stuck(shown: str, path: Path) -> str:
    """A damaged file that could not be moved aside either."""
    return (
        f'The versions file of preset "{shown}" is damaged and could not be moved aside, so '
        f"only its current version is available; move or fix {path} by hand."
    )


def _set_aside(path: Path, shown: str) -> str:
    """Move a file that is JSON but no versions document out of the way, like presets.json."""
    target = aside_name(path)
    try:
        os.rename(path, target)
    except OSError as exc:
        _log.warning("Could not move aside %s: %s", path, exc)
        return (
            f'The versions file of preset "{shown}" is not a versions file and could not be '
            f"moved aside ({exc.strerror or exc}); move or fix {path} by hand."
        )
    return _lost(shown, target)


def _keep_copy(path: Path, shown: str, skipped: list[str]) -> str:
    """Copy a partly readable file aside, since the next save writes only what was read."""
    target = aside_name(path)
    try:
        shutil.copy2(path, target)
    except OSError as exc:
        _log.warning("Could not copy %s aside: %s", path, exc)
        kept = f"a copy could not be kept ({exc.strerror or exc}); back up {path}"
    else:
        kept = f"the original file was kept as {target}"
    count = len(skipped)
    told = "1 version" if count == 1 else f"{count:,} versions"
    verb = "was" if count == 1 else "were"
    return f'{told} of preset "{shown}" could not be read and {verb} left out; {kept}. {skipped[0]}'
