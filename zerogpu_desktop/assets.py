"""Finds bundled files the same way from a checkout, an installed wheel and a frozen app."""

from __future__ import annotations

import sys
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def resources_dir() -> Path:
    """The folder holding icons and the .desktop file.

    Order: PyInstaller's bundle (`sys._MEIPASS/resources`), the package's
    own `resources/` (an installed wheel), then the checkout's top-level
    `resources/`.
    """
    frozen_root = getattr(sys, "_MEIPASS", None)
    candidates = []
    if frozen_root:
        candidates.append(Path(frozen_root) / "resources")
    candidates.append(_PACKAGE_DIR / "resources")
    candidates.append(_PACKAGE_DIR.parent / "resources")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return candidates[-1]


def resource_path(relative: str) -> Path:
    return resources_dir() / relative
