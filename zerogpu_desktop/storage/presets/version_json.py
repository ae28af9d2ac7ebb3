"""Versions as JSON: the one entry format of the versions files and of format-2 exports.

Reading is tolerant per version, like presets: a version that cannot be read costs that
version (with a sentence), never the others, and never the preset. Numbers must be
positive, at most ``MAX_VERSION_NUMBER``, and increasing through the list (so unique); at
most ``MAX_VERSIONS`` are read from one list, which bounds what a hostile file can make
the app hold and the versions view list.
"""

from __future__ import annotations

from typing import Any

from zerogpu_desktop.safe_text import replace_surrogates
from zerogpu_desktop.storage.coerce import token_limit_or_none
from zerogpu_desktop.storage.presets.format_values import (
    format_or_default,
    time_or_zero,
    whole_number_or_zero,
)
from zerogpu_desktop.storage.presets.types import PresetFormatError
from zerogpu_desktop.storage.presets.versions import MAX_VERSION_NUMBER, PresetVersion

MAX_VERSIONS = 10_000
"""Versions read from one list; more are left out, with a sentence."""
VERSION_FIELDS = (
    "number",
    "created",
    "name",
    "model",
    "system_prompt",
    "user_prompt",
    "input_token_limit",
    "response_format",
    "restored_from",
)
"""Every field a version is written with; nothing else is ever written."""
_TEXT_FIELDS = ("name", "model", "system_prompt", "user_prompt")


def version_to_json(version: PresetVersion) -> dict[str, Any]:
    """One entry, built field by field from VERSION_FIELDS."""
    return {
        "number": version.number,
        "created": version.created,
        "name": version.name,
        "model": version.model,
        "system_prompt": version.system_prompt,
        "user_prompt": version.user_prompt,
        "input_token_limit": version.input_token_limit,
        "response_format": version.response_format,
        "restored_from": version.restored_from,
    }


def read_versions(items: object) -> tuple[list[PresetVersion], list[str]]:
    """The readable versions of a ``versions`` list, in order, and a sentence per left-out one.

    Args:
        items: The parsed ``versions`` value; anything but a list is one problem.

    Returns:
        The versions (numbers increasing) and sentences such as "Version entry 3 was
        skipped: its number is not above the one before."
    """
    if not isinstance(items, list):
        return [], ['Its "versions" is not a list, so its earlier versions were left out.']
    versions: list[PresetVersion] = []
    skipped: list[str] = []
    for position, item in enumerate(items, start=1):
        if len(versions) == MAX_VERSIONS:
            skipped.append(
                f"Only the first {MAX_VERSIONS:,} versions were read; "
                f"{len(items) - position + 1:,} more were left out."
            )
            break
        try:
            version = version_from_json(item)
        except PresetFormatError as exc:
            skipped.append(f"Version entry {position} was skipped: {exc}")
            continue
        if versions and version.number <= versions[-1].number:
            skipped.append(
                f"Version entry {position} was skipped: its number ({version.number}) is not "
                f"above the one before ({versions[-1].number})."
            )
            continue
        versions.append(version)
    return versions, skipped


def version_from_json(item: object) -> PresetVersion:
    """Build one version; the number and the texts must be right, the rest are hints.

    Raises:
        PresetFormatError: Why it cannot be a version, in lower case to follow "...skipped: ".
    """
    if not isinstance(item, dict):
        raise PresetFormatError("it is not a JSON object.")
    number = item.get("number")
    if isinstance(number, bool) or not isinstance(number, int):
        raise PresetFormatError('its "number" is missing or not a whole number.')
    if not 1 <= number <= MAX_VERSION_NUMBER:
        raise PresetFormatError(f'its "number" must be from 1 to {MAX_VERSION_NUMBER:,}.')
    texts: dict[str, str] = {}
    for label in _TEXT_FIELDS:
        value = item.get(label, "")
        if not isinstance(value, str):
            raise PresetFormatError(f'version {number} has a "{label}" that is not text.')
        texts[label] = replace_surrogates(value)
    restored = whole_number_or_zero(item.get("restored_from"), number - 1)
    return PresetVersion(
        number=number,
        created=time_or_zero(item.get("created")),
        name=texts["name"],
        model=texts["model"],
        system_prompt=texts["system_prompt"],
        user_prompt=texts["user_prompt"],
        input_token_limit=token_limit_or_none(item.get("input_token_limit")),
        response_format=format_or_default(item.get("response_format")),
        restored_from=restored or None,
    )
