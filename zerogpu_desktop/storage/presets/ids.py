"""Presets' stable ids: new ones, which ones a file may bring, and ids for entries without one.

An id names the preset's versions file, so one from an imported file is used only if it is
a plain token (no ``/``, no ``..``, not too long). A ``presets.json`` written before ids
existed gets ids derived from each entry's name and creation time rather than random ones:
every process reading the same file (the window and a command in a terminal) then agrees on
them before any of them writes the file back, and nothing needs writing just to read.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import replace

from zerogpu_desktop.storage.presets.names import name_key
from zerogpu_desktop.storage.presets.types import Preset

_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
_LEGACY_NAMESPACE = uuid.UUID("5d0c6f53-58a4-4ab4-9d31-8f2b2f0c7a10")


def new_preset_id() -> str:
    """A fresh random id (32 hex digits)."""
    return uuid.uuid4().hex


def valid_preset_id(value: object) -> str:
    """``value`` if it can be an id (1-64 letters, digits, ``_`` or ``-``), else ""."""
    if isinstance(value, str) and _ID_PATTERN.fullmatch(value):
        return value
    return ""


def legacy_preset_id(preset: Preset) -> str:
    """The id of an entry written before ids existed: the same in every process."""
    return uuid.uuid5(_LEGACY_NAMESPACE, f"{name_key(preset.name)}\0{preset.created!r}").hex


def settle_ids(presets: Iterable[Preset]) -> list[Preset]:
    """``presets`` with an id each (kept, or derived when missing or repeated) and a version.

    An entry without a version number is at version 1: its content as it is now is the
    first version this app knows of.
    """
    seen: set[str] = set()
    settled: list[Preset] = []
    for preset in presets:
        preset_id = preset.preset_id
        if not preset_id or preset_id in seen:
            preset_id = legacy_preset_id(preset)
        while preset_id in seen:  # only a hand-made file can get here
            preset_id = new_preset_id()
        seen.add(preset_id)
        if preset_id != preset.preset_id or preset.version < 1:
            preset = replace(preset, preset_id=preset_id, version=max(preset.version, 1))
        settled.append(preset)
    return settled
