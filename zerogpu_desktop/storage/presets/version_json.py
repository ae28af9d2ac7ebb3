"""Versions as JSON: the one entry format of the versions files and of format-2 exports.

Reading is tolerant per version, like presets: a version that cannot be read costs that
version (with a sentence), never the others, and never the preset. Numbers must be
positive, at most ``MAX_VERSION_NUMBER``, and unique; at most ``MAX_VERSIONS`` are kept
from one list, which bounds what a hostile file can make the app hold and the versions
view list (the list itself is bounded by the JSON limits every local file is read with).
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
"""Versions kept from one list; older ones are left out, with a sentence."""
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


def read_versions(
    items: object, *, current: int | None = None
) -> tuple[list[PresetVersion], list[str]]:
    """The readable versions of a ``versions`` list, by number, and a sentence per left-out one.

    Numbers are what orders versions, not their place in the list: a hand-sorted or merged
    list (3, 1, 2) keeps all three. A number used twice keeps its first entry. Beyond
    ``MAX_VERSIONS`` the oldest are left out, since the newest are the ones still in use.

    Args:
        items: The parsed ``versions`` value; anything but a list is one problem.
        current: The number of the entry's current version (an import): kept whatever its
            age, beside the newest ``MAX_VERSIONS - 1``, so the preset fits in its file
            with its current content as a version.

    Returns:
        The versions (numbers increasing) and sentences such as "Version entry 3 was
        skipped: its number (2) is used by an earlier entry."
    """
    if not isinstance(items, list):
        return [], ['Its "versions" is not a list, so its earlier versions were left out.']
    by_number: dict[int, PresetVersion] = {}
    skipped: list[str] = []
    for position, item in enumerate(items, start=1):
        try:
            version = version_from_json(item)
        except PresetFormatError as exc:
            skipped.append(f"Version entry {position} was skipped: {exc}")
            continue
        if version.number in by_number:
            skipped.append(
                f"Version entry {position} was skipped: its number ({version.number}) is used "
                "by an earlier entry."
            )
            continue
        by_number[version.number] = version
    versions = [by_number[number] for number in sorted(by_number)]
    if len(versions) <= MAX_VERSIONS:
        return versions, skipped
    if current is None:
        kept = versions[-MAX_VERSIONS:]
        words = f"Only the newest {MAX_VERSIONS:,} versions were read"
    else:
        kept = versions[-(MAX_VERSIONS - 1) :]
        if current in by_number and by_number[current] not in kept:
            kept.insert(0, by_number[current])
        words = f"Only the newest {MAX_VERSIONS - 1:,} versions and the current one were kept"
    left = len(versions) - len(kept)
    noun = "version was" if left == 1 else "versions were"
    skipped.append(f"{words}; {left:,} older {noun} left out.")
    return kept, skipped


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
