"""A preset's versions: the value, and the rules that keep numbers and content consistent.

A version is the content of a preset (what a run sends: model, prompts, input limit,
format) at one moment, numbered 1, 2, 3... per preset. Numbers are never reused: the next
one is above every number known, from the versions file *and* from the preset itself, so
even a lost versions file cannot bring back a number a run was already recorded with.

The preset in ``presets.json`` always holds its current content and that version's number,
so the history can be rebuilt around it whatever happened to the versions file (lost,
damaged, or one step ahead after a crash between the two writes): ``history`` adds the
current content as a version whenever the file does not hold it under the preset's number.
A preset that was never changed therefore needs no versions file at all.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from zerogpu_desktop.response_format import is_valid_response_format
from zerogpu_desktop.safe_text import safe_for_display
from zerogpu_desktop.storage.presets.names import PresetError
from zerogpu_desktop.storage.presets.types import Preset, content_of

MAX_VERSION_NUMBER = 1_000_000_000
"""The highest version number; a bigger one in a file is an unreadable version.

A thousand times more versions than anyone makes by hand, yet far below 2**53, where JSON
readers stop keeping whole numbers exact: a file claiming a number near there could
otherwise leave a preset whose next number cannot be written or read back.
"""


@dataclass(frozen=True)
class PresetVersion:
    """One version of a preset; frozen and validated like ``Preset``.

    Attributes:
        number: 1, 2, 3... within its preset, never reused.
        created: When this version was made (Unix time).
        name: The preset's name when it was made (for display; renaming makes no version).
        model: The model id.
        system_prompt: The system prompt as written, ``{{variables}}`` and all.
        user_prompt: The user prompt as written.
        input_token_limit: The input limit the user set, or None.
        response_format: The `text.format.type` its runs ask for.
        restored_from: The version it copies when a restore made it, else None.
    """

    number: int
    created: float
    name: str
    model: str
    system_prompt: str
    user_prompt: str
    input_token_limit: int | None
    response_format: str
    restored_from: int | None = None

    def __post_init__(self) -> None:
        for label in ("number", "restored_from"):
            value = getattr(self, label)
            if value is None and label == "restored_from":
                continue
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"PresetVersion.{label} must be an int")
            if not 1 <= value <= MAX_VERSION_NUMBER:
                raise ValueError(f"PresetVersion.{label} is out of range: {value}")
        created = self.created
        if isinstance(created, bool) or not isinstance(created, int | float):
            raise TypeError("PresetVersion.created must be a number")
        if not math.isfinite(created) or created < 0:
            raise ValueError(f"PresetVersion.created must be a finite time, not {created!r}")
        object.__setattr__(self, "created", float(created))
        for label in ("name", "model", "system_prompt", "user_prompt"):
            if not isinstance(getattr(self, label), str):
                raise TypeError(f"PresetVersion.{label} must be a str")
        limit = self.input_token_limit
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)):
            raise TypeError("PresetVersion.input_token_limit must be an int or None")
        if limit is not None and limit <= 0:
            raise ValueError("PresetVersion.input_token_limit must be positive")
        if not is_valid_response_format(self.response_format):
            raise ValueError(f"PresetVersion.response_format is unusable: {self.response_format!r}")

    def as_preset(self, current: Preset) -> Preset:
        """``current`` (name, id, remembered values, times) holding this version's content."""
        return replace(
            current,
            model=self.model,
            system_prompt=self.system_prompt,
            user_prompt=self.user_prompt,
            input_token_limit=self.input_token_limit,
            response_format=self.response_format,
            version=self.number,
        )

    def same_content(self, other: Preset | PresetVersion) -> bool:
        """Whether ``other`` would send what this version sends (names and times aside)."""
        return content_of(self) == content_of(other)


class PresetVersionNotFoundError(PresetError, LookupError):
    """The preset exists but has no version with that number."""

    def __init__(self, name: str, number: int, numbers: Sequence[int]) -> None:
        self.name = name
        self.number = number
        super().__init__(
            f'Preset "{safe_for_display(name)}" has no version {number}; {_has(numbers)}.'
        )


class PresetHistoryFullError(PresetError):
    """A change was refused: its preset's versions would no longer fit in one readable file,
    or its next number would pass ``MAX_VERSION_NUMBER``.

    Attributes:
        name: The preset's name.
        reason: What would not fit, to follow "its versions " (e.g. "would be more than
            10,000"), so a caller can word the advice for its case.
    """

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason
        super().__init__(
            f'The change to preset "{safe_for_display(name)}" was not saved: its versions '
            f"{reason}. Duplicate the preset (the copy starts a new history) and make the "
            "change there."
        )


def _has(numbers: Sequence[int]) -> str:
    known = sorted(numbers)
    if len(known) == 1:
        return f"it has only version {known[0]}"
    if known[-1] - known[0] + 1 == len(known):
        return f"it has versions {known[0]} to {known[-1]}"
    return f"its versions are numbered from {known[0]} to {known[-1]}, with gaps"


def version_of(preset: Preset, number: int, created: float) -> PresetVersion:
    """The content of ``preset`` as the version ``number``, made at ``created``."""
    return PresetVersion(
        number=number,
        created=created,
        name=preset.name,
        model=preset.model,
        system_prompt=preset.system_prompt,
        user_prompt=preset.user_prompt,
        input_token_limit=preset.input_token_limit,
        response_format=preset.response_format,
    )


def history(preset: Preset, stored: Sequence[PresetVersion]) -> tuple[list[PresetVersion], int]:
    """Every version of ``preset``, oldest first, and the number of its current one.

    ``stored`` is what its versions file holds (numbers unique). The current content is
    the version numbered ``preset.version`` when the file holds it with that content; else
    the newest stored version with that content, when the number is another's; otherwise
    it is added: under that number if it is free, else under the next one. Its
    time is the preset's creation for version 1 (a preset never changed), else its last
    change.
    """
    versions = sorted(stored, key=lambda v: v.number)
    by_number = {v.number: v for v in versions}
    wanted = max(preset.version, 1)
    match = by_number.get(wanted)
    if match is not None and match.same_content(preset):
        return versions, wanted
    if match is not None:
        same = [v.number for v in versions if v.same_content(preset)]
        if same:  # a hand edit or a race moved the number: the content has its own already
            return versions, same[-1]
        wanted = _free_number(versions, preset)
    created = preset.created if wanted == 1 else (preset.updated or preset.created)
    versions.append(version_of(preset, wanted, created))
    versions.sort(key=lambda v: v.number)
    return versions, wanted


def current_number(preset: Preset, versions: Sequence[PresetVersion]) -> int:
    """Which of ``versions`` (from ``history``) is the current content of ``preset``.

    Its own number, unless the file held another content under it; then the newest version
    with the current content, which ``history`` added.
    """
    same = [v.number for v in versions if v.same_content(preset)]
    if preset.version in same or not same:
        return preset.version
    return same[-1]


def next_number(versions: Sequence[PresetVersion], preset: Preset) -> int:
    """The number a new version gets: above every number known, so none is ever reused.

    Raises:
        PresetHistoryFullError: That number would pass ``MAX_VERSION_NUMBER``.
    """
    number = max([preset.version, *(v.number for v in versions)]) + 1
    if number > MAX_VERSION_NUMBER:
        raise PresetHistoryFullError(preset.name, f"would be numbered above {MAX_VERSION_NUMBER:,}")
    return number


def _free_number(versions: Sequence[PresetVersion], preset: Preset) -> int:
    """``next_number``, or when that passes the cap the lowest unused one: reading never fails.

    Only a file edited by hand gets past the cap; its current content still needs a number
    to be shown under, and the next save refuses with ``PresetHistoryFullError``.
    """
    try:
        return next_number(versions, preset)
    except PresetHistoryFullError:
        used = {v.number for v in versions}
        return next(n for n in range(1, len(used) + 2) if n not in used)


def is_implicit(preset: Preset, versions: Sequence[PresetVersion]) -> bool:
    """Whether ``versions`` is only what ``history`` rebuilds from ``preset`` alone.

    Such a history needs no versions file (a preset never changed, a plain import).
    """
    return versions == history(preset, ())[0]


def find_version(name: str, versions: Sequence[PresetVersion], number: int) -> PresetVersion:
    """The version ``number`` of the preset ``name``.

    Raises:
        PresetVersionNotFoundError: There is no such version; the sentence says which exist.
    """
    for version in versions:
        if version.number == number:
            return version
    raise PresetVersionNotFoundError(name, number, [v.number for v in versions])
