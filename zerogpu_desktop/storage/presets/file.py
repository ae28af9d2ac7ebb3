"""Reading ``presets.json`` without ever losing what it held.

Three outcomes besides "all fine", each told to the user once through a sentence:

- the file is not JSON, or JSON but not a presets document: it is moved aside as
  ``presets.json.corrupt-<timestamp>`` and the app starts with no presets;
- some entries are unreadable: the readable ones are used, and a copy of the original file
  is kept as ``presets.json.corrupt-<timestamp>`` because the next save will write only the
  readable ones;
- the file is missing: no presets, no problem (every first start).
"""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from zerogpu_desktop.storage.atomic import load_json_or_quarantine
from zerogpu_desktop.storage.presets.format import check_envelope, read_entries
from zerogpu_desktop.storage.presets.types import Preset, PresetFormatError

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PresetsFileContent:
    """What reading the presets file produced.

    Attributes:
        presets: The readable presets, in file order.
        problem: A sentence for the UI to show once, or None.
        readable: False when the file was broken and set aside (so an in-memory copy the
            app already holds is better than the empty list).
    """

    presets: tuple[Preset, ...]
    problem: str | None = None
    readable: bool = True


def read_presets_file(path: Path, now: datetime | None = None) -> PresetsFileContent:
    """Read ``path`` tolerantly; never raises for a missing or broken file.

    Args:
        path: The presets file.
        now: Time used in the names of set-aside files; injectable for tests.
    """
    result = load_json_or_quarantine(path, what="presets", now=now)
    if result.data is None:
        return PresetsFileContent((), result.problem, readable=result.problem is None)
    try:
        check_envelope(result.data, strict=False)
    except PresetFormatError as exc:
        return PresetsFileContent((), _set_aside(path, str(exc), now), readable=False)
    presets, skipped = read_entries(result.data["presets"])
    if not skipped:
        return PresetsFileContent(tuple(presets))
    return PresetsFileContent(tuple(presets), _keep_copy(path, skipped, now))


def _set_aside(path: Path, reason: str, now: datetime | None) -> str:
    """Move a presets file that is valid JSON but not a presets document out of the way."""
    target = aside_name(path, now)
    try:
        os.rename(path, target)
    except OSError as exc:
        _log.warning("Could not move aside %s: %s", path, exc)
        return (
            f"The presets file could not be used ({reason}) and could not be moved aside "
            f"({exc.strerror or exc}). No presets are loaded; move or fix {path} by hand."
        )
    _log.warning("Presets file unusable (%s); moved to %s", reason, target)
    return (
        f"The presets file could not be used ({reason}), so no presets are loaded. "
        f"The old file was kept as {target} in case you want to recover something from it."
    )


def _keep_copy(path: Path, skipped: list[str], now: datetime | None) -> str:
    """Copy a partly readable file aside, since the next save keeps only readable entries."""
    count = len(skipped)
    noun = "preset" if count == 1 else "presets"
    details = " ".join(skipped)
    target = aside_name(path, now)
    try:
        shutil.copy2(path, target)
    except OSError as exc:
        _log.warning("Could not copy %s aside: %s", path, exc)
        kept = f"A copy of the file could not be kept ({exc.strerror or exc}); back up {path}."
    else:
        kept = f"The original file was kept as {target}."
    lost = f"{count} {noun} in the presets file could not be read and were left out."
    return f"{lost} {kept} {details}"


def aside_name(path: Path, now: datetime | None = None) -> Path:
    """A free ``<name>.corrupt-<timestamp>`` path next to ``path`` (``-2``, ``-3``... if taken).

    The same pattern as ``atomic.load_json_or_quarantine``, so every set-aside file in the
    data folder is found the same way.
    """
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.name}.corrupt-{stamp}")
    number = 1
    while candidate.exists() or candidate.is_symlink():
        number += 1
        candidate = path.with_name(f"{path.name}.corrupt-{stamp}-{number}")
    return candidate
