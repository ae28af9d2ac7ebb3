"""Presets as JSON: the one format used by ``presets.json``, exports and imports.

The format is specified in the ``zerogpu_desktop.storage.presets.store`` docstring and in
``docs/preset-format.md``. One format for the store and for exchange means a plain export
(format 1) can be dropped into another data folder as ``presets.json`` and a
``presets.json`` can be imported. A format-2 export must be imported to keep its versions:
as ``presets.json`` it would be read as its presets alone.

Reading is tolerant per entry (one bad preset costs that preset, reported, never the others)
and strict about the envelope when importing (a file that is not a presets file is refused
with a sentence saying why, instead of importing nothing silently).

Format version 1 is a plain export (and ``presets.json``, whose entries also carry ``id`` and
``version``); version 2, written only on request, adds each preset's versions. A plain export
stays version 1 so that every older app still imports it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zerogpu_desktop.api.json_limits import JSONLimitError, check_json_limits
from zerogpu_desktop.safe_text import replace_surrogates, safe_for_display
from zerogpu_desktop.storage.coerce import token_limit_or_none
from zerogpu_desktop.storage.local_files import (
    MAX_LOCAL_FILE_BYTES,
    FileContentError,
    os_reason,
    parse_json,
    read_capped,
)
from zerogpu_desktop.storage.presets.format_values import (
    format_or_default,
    string_pairs,
    time_or_zero,
    whole_number_or_zero,
)
from zerogpu_desktop.storage.presets.ids import valid_preset_id
from zerogpu_desktop.storage.presets.names import (
    PresetError,
    clean_preset_name,
    name_key,
    require_safe_name,
)
from zerogpu_desktop.storage.presets.types import Preset, PresetFileReadError, PresetFormatError
from zerogpu_desktop.storage.presets.version_json import read_versions, version_to_json
from zerogpu_desktop.storage.presets.versions import MAX_VERSION_NUMBER, PresetVersion

FORMAT_ID = "zerogpu-desktop-presets"
FORMAT_VERSION = 1
"""A plain export, and ``presets.json``."""
FORMAT_VERSION_WITH_VERSIONS = 2
"""An export with every preset's versions; the highest version this app reads."""
PRESET_FIELDS = (
    "name",
    "model",
    "system_prompt",
    "user_prompt",
    "input_token_limit",
    "variables",
    "created",
    "updated",
    "response_format",
)
"""Every field a preset entry is written with; nothing else is ever exported."""
STORE_FIELDS = (*PRESET_FIELDS, "id", "version")
"""An entry of ``presets.json``, and of a format-2 export before its ``versions``."""
_TEXT_FIELDS = ("model", "system_prompt", "user_prompt")
_SNIFF_CHARS = 200
"""How far into a file its ``format`` marker is looked for (an export writes it first)."""


@dataclass(frozen=True)
class ImportBatch:
    """Presets read from an import file, before they touch the store.

    Parsing and applying are separate steps so the UI can show what will happen (and ask
    about name conflicts) before anything is written.

    Attributes:
        presets: The readable presets, in file order, names unique (case-insensitively).
        skipped: One sentence per entry that could not be read, e.g.
            ``'Entry 3 was skipped: its "name" is missing.'``
        versions: The versions a format-2 file gave each preset, by ``name_key`` of its
            name in the file, oldest first.
        notes: One sentence per version (or list of versions) left out of a readable entry.
    """

    presets: tuple[Preset, ...]
    skipped: tuple[str, ...] = ()
    versions: Mapping[str, tuple[PresetVersion, ...]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


def preset_to_json(preset: Preset) -> dict[str, Any]:
    """Build one entry field by field from PRESET_FIELDS, so nothing extra can slip in."""
    return {
        "name": preset.name,
        "model": preset.model,
        "system_prompt": preset.system_prompt,
        "user_prompt": preset.user_prompt,
        "input_token_limit": preset.input_token_limit,
        "variables": dict(preset.variables),
        "created": preset.created,
        "updated": preset.updated,
        "response_format": preset.response_format,
    }


def store_entry(preset: Preset) -> dict[str, Any]:
    """An entry of ``presets.json``: the exported fields plus the id and version number."""
    return {**preset_to_json(preset), "id": preset.preset_id, "version": preset.version}


def presets_document(presets: Iterable[Preset], *, with_ids: bool = False) -> dict[str, Any]:
    """The whole JSON object for ``presets``: the envelope plus one entry each.

    Args:
        presets: What to write.
        with_ids: Also write each id and version number (``presets.json``, not exports).
    """
    entry = store_entry if with_ids else preset_to_json
    return {
        "format": FORMAT_ID,
        "version": FORMAT_VERSION,
        "presets": [entry(p) for p in presets],
    }


def export_presets(presets: Iterable[Preset]) -> str:
    """Serialise ``presets`` in the documented format, ready to write to a file.

    Args:
        presets: What to export; order is kept.

    Returns:
        Pretty-printed UTF-8-safe JSON text ending in a newline.
    """
    return _json_text(presets_document(presets))


def export_with_versions(items: Iterable[tuple[Preset, Sequence[PresetVersion]]]) -> str:
    """Serialise presets with their versions as format version 2.

    Args:
        items: Each preset (with its id and current number) and its versions, oldest first.
    """
    document = {
        "format": FORMAT_ID,
        "version": FORMAT_VERSION_WITH_VERSIONS,
        "presets": [
            {**store_entry(preset), "versions": [version_to_json(v) for v in versions]}
            for preset, versions in items
        ],
    }
    return _json_text(document)


def check_importable(text: str) -> None:
    """Refuse an export that no import could read back (too large, or too many values).

    Raises:
        PresetFormatError: The sentence, saying how to make the export smaller.
    """
    encoded = text.encode("utf-8")
    problem = None
    if len(encoded) > MAX_LOCAL_FILE_BYTES:
        problem = f"would be larger than {MAX_LOCAL_FILE_BYTES // (1024 * 1024)} MiB"
    else:
        try:
            check_json_limits(encoded)
        except JSONLimitError as exc:
            problem = f"would be too large to import ({exc.reason})"
    if problem:
        raise PresetFormatError(
            f"This export with versions {problem}: export fewer presets at a time, or "
            "export without versions."
        )


def _json_text(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def read_import_file(path: Path) -> ImportBatch:
    """Read and parse a file offered for import, with the size and file-type limits.

    The file must be a regular file of at most ``MAX_LOCAL_FILE_BYTES``: ``/dev/zero`` or a
    FIFO is refused at once instead of being read until memory runs out or forever.

    Raises:
        PresetFileReadError: The file could not be read (missing, no permission, not a
            regular file); the message gives the system's reason.
        PresetFormatError: The file is too large or not a presets file (see
            ``parse_import``).
    """
    try:
        content = read_capped(path)
    except OSError as exc:
        raise PresetFileReadError(path, os_reason(exc)) from None
    except FileContentError as exc:
        raise PresetFormatError(f"This is not a presets file: it {exc.reason}.") from None
    return parse_import(content)


def _not_importable(text: str | bytes, reason: str) -> PresetFormatError:
    """Why ``text`` cannot be imported: a presets file too large, or no presets file at all.

    A file whose beginning names this format is a presets file (a long export with
    versions, most likely) that hit a bound: saying it is not one would send the user
    looking for another file instead of splitting this one.
    """
    head = text[:_SNIFF_CHARS]
    marker = f'"{FORMAT_ID}"'
    named = marker.encode() in head if isinstance(head, bytes) else marker in head
    prefix = "is not usable JSON (it holds more than "
    if named and reason.startswith(prefix) and reason.endswith(")"):
        count = reason[len(prefix) : -1]
        return PresetFormatError(
            f"This presets file is too large to import: it holds more than {count}. Export "
            "fewer presets at a time (or without versions) and import each file."
        )
    return PresetFormatError(f"This is not a presets file: it {reason}.")


def parse_import(text: str | bytes) -> ImportBatch:
    """Read presets offered for import, refusing anything that is not a presets file.

    Entries whose name holds control characters or text-direction overrides are skipped
    (each with a sentence), not cleaned: a silently changed name would no longer match what
    the sender called it, and the rest of the file still imports.

    Args:
        text: The file content.

    Returns:
        The readable presets and a sentence per unreadable entry.

    Raises:
        PresetFormatError: Not UTF-8, not JSON (however the parser failed: bad syntax, too
            deep, a number too long), not an object, wrong ``format``, a ``version`` this
            app cannot read, or no ``presets`` list. The message says which.
    """
    try:
        data = parse_json(text, encoding="utf-8-sig")
    except FileContentError as exc:
        raise _not_importable(text, exc.reason) from None
    check_envelope(data, strict=True)
    assert isinstance(data, dict)
    kept, skipped = _kept_entries(data["presets"], strict_names=True)
    if data["version"] < FORMAT_VERSION_WITH_VERSIONS:
        return ImportBatch(tuple(preset for _, preset in kept), tuple(skipped))
    versions: dict[str, tuple[PresetVersion, ...]] = {}
    notes: list[str] = []
    for item, preset in kept:
        found, left_out = read_versions(item.get("versions", []), current=preset.version or None)
        versions[name_key(preset.name)] = tuple(found)
        shown = safe_for_display(preset.name)
        notes.extend(f'In "{shown}": {sentence}' for sentence in left_out)
    return ImportBatch(tuple(preset for _, preset in kept), tuple(skipped), versions, tuple(notes))


def check_envelope(data: object, *, strict: bool) -> None:
    """Check that ``data`` is a presets document whose entries this version can read.

    Args:
        data: Parsed JSON.
        strict: Also require the ``format`` marker and a known ``version`` (imports). The
            app's own ``presets.json`` is read without them so a hand-written file works.

    Raises:
        PresetFormatError: The reason, as a sentence.
    """
    if not isinstance(data, dict):
        raise PresetFormatError("This is not a presets file: it is not a JSON object.")
    if strict and data.get("format") != FORMAT_ID:
        raise PresetFormatError(
            f'This is not a ZeroGPU Desktop presets file: its "format" should be "{FORMAT_ID}".'
        )
    if "format" in data and data["format"] != FORMAT_ID:
        raise PresetFormatError(f'This is not a presets file: its "format" is {data["format"]!r}.')
    version = data.get("version")
    if strict and (isinstance(version, bool) or not isinstance(version, int) or version < 1):
        raise PresetFormatError('This presets file has no valid "version" number.')
    if strict and isinstance(version, int) and version > FORMAT_VERSION_WITH_VERSIONS:
        raise PresetFormatError(
            f"This presets file has format version {version}, but this version of ZeroGPU "
            f"Desktop reads versions up to {FORMAT_VERSION_WITH_VERSIONS}. Update the app to "
            "import it."
        )
    if not isinstance(data.get("presets"), list):
        raise PresetFormatError('This is not a presets file: it has no "presets" list.')


def read_entries(items: list[Any], *, strict_names: bool = False) -> tuple[list[Preset], list[str]]:
    """Read every entry that is usable; describe each one that is not.

    Later entries whose name equals an earlier one (ignoring case) are skipped, so names
    stay unique. Unknown fields are ignored.

    Args:
        items: The ``presets`` list.
        strict_names: Skip entries whose name holds control characters or direction
            overrides (imports). The app's own file is read without it, so a name saved by
            an older version still loads.

    Returns:
        The presets in order, and one sentence per skipped entry.
    """
    kept, skipped = _kept_entries(items, strict_names=strict_names)
    return [preset for _, preset in kept], skipped


def _kept_entries(
    items: list[Any], *, strict_names: bool
) -> tuple[list[tuple[dict[str, Any], Preset]], list[str]]:
    """``read_entries``, keeping each entry's JSON object beside its preset."""
    kept: list[tuple[dict[str, Any], Preset]] = []
    skipped: list[str] = []
    seen: set[str] = set()
    for number, item in enumerate(items, start=1):
        try:
            preset = preset_from_json(item, strict_name=strict_names)
        except PresetError as exc:
            skipped.append(f"Entry {number} was skipped: {exc}")
            continue
        key = name_key(preset.name)
        if key in seen:
            skipped.append(
                f'Entry {number} was skipped: the name "{safe_for_display(preset.name)}" is '
                "already used by an earlier entry."
            )
            continue
        seen.add(key)
        kept.append((item, preset))
    return kept, skipped


def preset_from_json(item: object, *, strict_name: bool = False) -> Preset:
    """Build a Preset from one entry.

    The name and the prompt texts must be right (a wrong-typed prompt is refused rather than
    replaced by an empty one, which would lose what the user wrote); the limit, the
    remembered values and the times are hints and fall back quietly when odd. Lone
    surrogates (valid in JSON as ``"\\ud800"``, not encodable as UTF-8) become U+FFFD in
    every text, so the preset can be saved and printed.

    Args:
        item: One entry of the ``presets`` list.
        strict_name: Refuse a name with control characters or direction overrides.

    Raises:
        PresetFormatError: The entry cannot be a preset; the message says why (in lower case,
            to follow "Entry 3 was skipped: ").
    """
    if not isinstance(item, dict):
        raise PresetFormatError("it is not a JSON object.")
    if "name" not in item:
        raise PresetFormatError('its "name" is missing.')
    try:
        name = clean_preset_name(item["name"])
        if strict_name:
            require_safe_name(name)
    except PresetError as exc:
        raise PresetFormatError(f'its "name" is not usable. {exc}') from None
    name = replace_surrogates(name)
    shown = safe_for_display(name)
    texts: dict[str, str] = {}
    for label in _TEXT_FIELDS:
        value = item.get(label, "")
        if not isinstance(value, str):
            raise PresetFormatError(f'"{shown}" has a "{label}" that is not text.')
        texts[label] = replace_surrogates(value)
    return Preset(
        name=name,
        model=texts["model"],
        system_prompt=texts["system_prompt"],
        user_prompt=texts["user_prompt"],
        input_token_limit=token_limit_or_none(item.get("input_token_limit")),
        response_format=format_or_default(item.get("response_format")),
        variables=string_pairs(item.get("variables")),
        created=time_or_zero(item.get("created")),
        updated=time_or_zero(item.get("updated")),
        preset_id=valid_preset_id(item.get("id")),
        version=whole_number_or_zero(item.get("version"), MAX_VERSION_NUMBER),
    )
