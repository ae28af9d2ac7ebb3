"""The ``Preset`` value and the errors preset operations raise.

Kept apart from the store and the file format so both can use them without importing each
other. A Preset has no field for the API key, on purpose: the key lives only in the OS
keyring, so no export or presets file can ever carry it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from zerogpu_desktop.response_format import DEFAULT_RESPONSE_FORMAT, is_valid_response_format
from zerogpu_desktop.safe_text import safe_for_display
from zerogpu_desktop.storage.presets.names import PresetError, clean_preset_name


class PresetNotFoundError(PresetError, LookupError):
    """No preset has the given name."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f'There is no preset named "{safe_for_display(name)}".')


class PresetExistsError(PresetError):
    """The target name already belongs to another preset; nothing was changed."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(
            f'A preset named "{safe_for_display(name)}" already exists. Choose another name.'
        )


class PresetExportTargetError(PresetError):
    """The export was refused: the chosen path is not a regular file (a device, a link…)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(
            f"Cannot export to {safe_for_display(str(path))}: {reason}. "
            "Choose a new file name or an ordinary file."
        )
        self.path = path


class PresetFormatError(PresetError, ValueError):
    """Text offered for import is not a presets file this version can read."""


class PresetFileReadError(PresetFormatError):
    """A file offered for import could not be read at all (missing, no permission, a FIFO).

    A ``PresetFormatError`` rather than an ``OSError`` on purpose: an import reads one file
    and writes another, and callers tell the two apart by type, so an ``OSError`` out of
    ``PresetStore.import_file`` always means the presets file could not be written.
    ``str(exc)`` is a full sentence naming the file and the system's reason.

    Attributes:
        path: The file offered for import.
        os_reason: The system's phrase, e.g. "Permission denied".
    """

    def __init__(self, path: object, os_reason: str) -> None:
        self.path = path
        self.os_reason = os_reason
        super().__init__(f"The file {path} could not be read ({os_reason}).")


@dataclass(frozen=True)
class Preset:
    """A named prompt setup the user can load with one click.

    Frozen so the UI can tell "unsaved changes" with ``==`` and hand presets around without
    fear of edits behind its back. ``__post_init__`` validates, so an invalid preset cannot
    exist at all.

    Attributes:
        name: Shown in menus and used by ``send --preset``; trimmed, 1-200 characters.
        model: The model id.
        system_prompt: The system prompt, possibly with ``{{variables}}``.
        user_prompt: The user prompt, possibly with ``{{variables}}``.
        input_token_limit: The model's input limit as the user set it, or None.
        response_format: The `text.format.type` its runs ask for ("text" by default).
        variables: The values last used for the prompts' variables, so the form can offer
            them again. Stored read-only (a ``MappingProxyType`` over a private copy).
        created: When the preset was first saved (Unix time); 0.0 until the store saves it.
        updated: When its content last changed (Unix time); 0.0 until the store saves it.
        preset_id: Its stable id, "" until the store saves it. Renaming keeps it, so its
            versions and its runs stay its own; a duplicate, or a name deleted and created
            again, is another preset with another id.
        version: The number of the version its content is (1, 2, 3...), 0 until saved.
    """

    name: str
    model: str
    system_prompt: str
    user_prompt: str
    input_token_limit: int | None = None
    variables: Mapping[str, str] = field(default_factory=dict, hash=False)
    created: float = 0.0
    updated: float = 0.0
    response_format: str = DEFAULT_RESPONSE_FORMAT
    preset_id: str = ""
    version: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", clean_preset_name(self.name))
        for label in ("model", "system_prompt", "user_prompt"):
            if not isinstance(getattr(self, label), str):
                raise TypeError(f"Preset.{label} must be a str")
        limit = self.input_token_limit
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)):
            raise TypeError("Preset.input_token_limit must be an int or None")
        if limit is not None and limit <= 0:
            raise ValueError("Preset.input_token_limit must be positive")
        if not is_valid_response_format(self.response_format):
            raise ValueError(f"Preset.response_format is not usable: {self.response_format!r}")
        values = dict(self.variables)
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in values.items()):
            raise TypeError("Preset.variables must map str to str")
        object.__setattr__(self, "variables", MappingProxyType(values))
        for label in ("created", "updated"):
            stamp = getattr(self, label)
            if isinstance(stamp, bool) or not isinstance(stamp, int | float):
                raise TypeError(f"Preset.{label} must be a number")
            if not math.isfinite(stamp) or stamp < 0:
                raise ValueError(f"Preset.{label} must be a finite time, not {stamp!r}")
            object.__setattr__(self, label, float(stamp))
        if not isinstance(self.preset_id, str):
            raise TypeError("Preset.preset_id must be a str")
        if isinstance(self.version, bool) or not isinstance(self.version, int):
            raise TypeError("Preset.version must be an int")
        if self.version < 0:
            raise ValueError(f"Preset.version cannot be negative, not {self.version}")

    def same_content(self, other: Preset) -> bool:
        """Whether ``other`` holds the same prompt setup, ignoring times and variable values.

        This is "unsaved changes" as a person means it: what would be sent differs.
        """
        return self.name == other.name and content_of(self) == content_of(other)


CONTENT_FIELDS = ("model", "system_prompt", "user_prompt", "input_token_limit", "response_format")
"""What a version is made of: what a run sends. Not the name (renaming is not an edit of the
prompt), nor the remembered values or the times."""


def content_of(item: object) -> tuple[object, ...]:
    """The CONTENT_FIELDS of a preset or of one of its versions, to compare the two."""
    return tuple(getattr(item, name) for name in CONTENT_FIELDS)
