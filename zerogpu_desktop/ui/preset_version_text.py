"""The words the versions list and the diff window show for a preset version.

Kept free of widgets so the list, the diff window and their tests word a version the same
way: "v3 · 2 Dec 14:05 · current", "model-x · changed: User prompt".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from zerogpu_desktop.safe_text import safe_for_display

if TYPE_CHECKING:
    from zerogpu_desktop.storage.presets.versions import PresetVersion
    from zerogpu_desktop.workbench.preset_diff import FieldDiff

__all__ = [
    "MODEL_CHARS",
    "changed_count",
    "changed_labels",
    "version_heading",
    "version_lines",
    "version_time",
    "version_title",
]

#: A model id longer than this is cut in the list (the tooltip has all of it).
MODEL_CHARS = 60

#: What counts as one changed "word" for the count a screen reader hears: a word or a
#: punctuation mark, as the word diff cuts texts.
_COUNTED = re.compile(r"\w+|[^\w\s]", re.UNICODE)


def version_time(created: float, now: datetime | None = None) -> str:
    """ "2 Dec 14:05", with the year when it is not this one.

    Always with the day, unlike the History's "14:05 today": two versions saved the same
    day are told apart by time, and the day says how old the newest one is.
    """
    moment = datetime.fromtimestamp(created)
    year = (now or datetime.now()).year
    if moment.year == year:
        return f"{moment.day} {moment.strftime('%b %H:%M')}"
    return f"{moment.day} {moment.strftime('%b %Y %H:%M')}"


def version_title(version: PresetVersion, current: int | None) -> str:
    """ "Version 3 · 2 Dec 14:05 · current": the heading over one side of a diff."""
    title = f"Version {version.number} · {version_time(version.created)}"
    return f"{title} · current" if version.number == current else title


def version_heading(version: PresetVersion, current: int | None) -> str:
    """ "v3 · 2 Dec 14:05 · current": a version as a list names it (Presets, Compare)."""
    heading = f"v{version.number} · {version_time(version.created)}"
    return f"{heading} · current" if version.number == current else heading


def changed_labels(diffs: Sequence[FieldDiff]) -> list[str]:
    """The labels of the fields that differ, in the order the fields are shown."""
    return [diff.label for diff in diffs if diff.changed]


def version_lines(
    version: PresetVersion, current: int | None, changed: Sequence[str] | None
) -> tuple[str, str]:
    """The two lines of a version's row in the list.

    Args:
        version: The version.
        current: The preset's current version number (that row says "current").
        changed: The labels of the fields changed since the version before it; None for
            the first version.
    """
    first = version_heading(version, current)
    model = safe_for_display(version.model) or "(no model)"
    if len(model) > MODEL_CHARS:
        model = model[: MODEL_CHARS - 1] + "…"
    # A restored version is told by where it came from: what it changed is that version.
    if version.restored_from is not None:
        what = f"restored from v{version.restored_from}"
    elif changed is None:
        what = "first version"
    else:
        what = "changed: " + ", ".join(changed) if changed else "no change"
    return first, f"{model} · {what}"


def changed_count(text: str, ranges: Sequence[tuple[int, int]]) -> int:
    """How many words (and punctuation marks) lie in the highlighted `ranges` of `text`."""
    return sum(len(_COUNTED.findall(text[start : start + length])) for start, length in ranges)
