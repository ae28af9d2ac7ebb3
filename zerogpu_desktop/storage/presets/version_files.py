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
from zerogpu_desktop.storage.local_files import MAX_LOCAL_FILE_BYTES
from zerogpu_desktop.storage.presets.file import aside_name
from zerogpu_desktop.storage.presets.ids import valid_preset_id
from zerogpu_desktop.storage.presets.names import PresetError
from zerogpu_desktop.storage.presets.types import Preset
from zerogpu_desktop.storage.presets.version_json import (
    MAX_VERSIONS,
    read_versions,
    version_to_json,
)
from zerogpu_desktop.storage.presets.versions import PresetVersion

_log = logging.getLogger(__name__)

VERSIONS_FOLDER = "preset-versions"
VERSIONS_FORMAT_ID = "zerogpu-desktop-preset-versions"
VERSIONS_FORMAT_VERSION = 1


class PresetHistoryFullError(PresetError):
    """A change was refused: its preset's versions would no longer fit in one readable file."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(
            f'The change to preset "{safe_for_display(name)}" was not saved: its versions '
            f"{reason}. Duplicate the preset (the copy starts a new history) and make the "
            "change there."
        )


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

    def read(self, preset: Preset) -> Loaded[list[PresetVersion]]:
        """The versions stored for ``preset`` (by its id), oldest first; never raises.

        ``problem`` is the sentence about a damaged or unreadable file, else None; a missing
        file is no problem (a preset never changed has none).
        """
        path = self.path(preset.preset_id)
        shown = safe_for_display(preset.name)
        result = load_json_or_quarantine(path, what=f'versions of "{shown}"')
        if result.quarantined_to is not None:
            return Loaded([], _lost(shown, result.quarantined_to))
        if result.data is None:
            return Loaded([], result.problem)
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
        if len(versions) > MAX_VERSIONS:
            raise PresetHistoryFullError(preset.name, f"would be more than {MAX_VERSIONS:,}")
        document = {
            "format": VERSIONS_FORMAT_ID,
            "version": VERSIONS_FORMAT_VERSION,
            "id": preset.preset_id,
            "versions": [version_to_json(v) for v in versions],
        }
        _check_readable_back(preset.name, document)
        path = self.path(preset.preset_id)
        self.folder.mkdir(mode=0o700, exist_ok=True)
        save_json(path, document, what="preset versions")


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
    noun = "version" if count == 1 else "versions"
    return (
        f'{count} {noun} of preset "{shown}" could not be read and were left out; {kept}. '
        f"{skipped[0]}"
    )
