"""What differs between two versions of a preset, field by field.

Qt-free so `zerogpu-desktop presets diff` and the window's side-by-side view compare the
same fields under the same labels: the window highlights words within each `FieldDiff`,
the command line prints `unified_diff_text`.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from zerogpu_desktop.storage.presets.versions import PresetVersion

__all__ = ["DIFF_FIELDS", "FieldDiff", "field_diffs", "unified_diff_text"]

DIFF_FIELDS: tuple[tuple[str, str], ...] = (
    ("model", "Model"),
    ("system_prompt", "System prompt"),
    ("user_prompt", "User prompt"),
    ("input_token_limit", "Input limit"),
    ("response_format", "Format"),
)
"""Every field a version is made of, as (attribute, label), in the order they are shown."""


@dataclass(frozen=True)
class FieldDiff:
    """One field of two versions, as text ("" for an empty prompt or an unknown limit)."""

    attribute: str
    label: str
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new


def field_diffs(old: PresetVersion, new: PresetVersion) -> list[FieldDiff]:
    """Every field of DIFF_FIELDS, changed or not, in that order."""
    return [
        FieldDiff(attribute, label, _text(getattr(old, attribute)), _text(getattr(new, attribute)))
        for attribute, label in DIFF_FIELDS
    ]


def unified_diff_text(name: str, old: PresetVersion, new: PresetVersion) -> str:
    """A unified diff of each changed field under its label, or "No differences." when equal.

    Lines are compared as they are (a prompt without a final line break gets no marker):
    the reader wants the words that changed, not patch-ready output.
    """
    before, after = f"{name} v{old.number}", f"{name} v{new.number}"
    parts: list[str] = []
    for diff in field_diffs(old, new):
        if not diff.changed:
            continue
        lines = list(
            difflib.unified_diff(
                diff.old.splitlines(),
                diff.new.splitlines(),
                fromfile=f"{before} {diff.label}",
                tofile=f"{after} {diff.label}",
                lineterm="",
            )
        )
        if not lines:  # "a\n" and "a", or "\r\n" and "\n": the lines are the same
            lines = ["(The same lines; only the line breaks differ.)"]
        parts.append(f"=== {diff.label} ===\n" + "\n".join(lines) + "\n")
    if not parts:
        return f"No differences. Versions {old.number} and {new.number} of {name} are the same.\n"
    return "\n".join(parts)


def _text(value: object) -> str:
    return "" if value is None else str(value)
