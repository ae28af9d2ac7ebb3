"""The window's title, in one place: the app's name, after the loaded preset's when there is one."""

from __future__ import annotations

APP_TITLE = "ZeroGPU Desktop"


def window_title(preset_name: str | None = None, *, unsaved: bool = False) -> str:
    """ "Name * — ZeroGPU Desktop" while a preset with unsaved edits is loaded."""
    if preset_name is None:
        return APP_TITLE
    return f"{preset_name}{' *' if unsaved else ''} — {APP_TITLE}"
