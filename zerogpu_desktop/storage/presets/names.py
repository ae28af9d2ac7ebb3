"""Preset names: what makes one valid, when two are the same, and how to find a free one.

Names are compared without regard to case ("Summary" and "summary" are the same preset)
because a person picking from a menu or typing ``--preset summary`` on the command line
does not expect two presets that differ only by capitals. The spelling the user chose is
still kept and shown.
"""

from __future__ import annotations

from collections.abc import Container

from zerogpu_desktop.safe_text import escape_controls, has_unsafe_characters, replace_surrogates

MAX_NAME_LENGTH = 200
"""Longer names cannot be shown in a menu anyway and are almost always a paste by mistake."""


class PresetError(Exception):
    """Base of every preset error; ``str(exc)`` is a sentence ready to show to a person."""


class InvalidPresetNameError(PresetError, ValueError):
    """A preset name is empty, too long, or not text."""


def clean_preset_name(name: object) -> str:
    """Return ``name`` without surrounding whitespace, or say why it cannot be a name.

    Args:
        name: What the user typed (or a file held).

    Returns:
        The trimmed name.

    Raises:
        InvalidPresetNameError: Not text, empty after trimming, longer than MAX_NAME_LENGTH,
            or holding a line break (it would break menus and ``presets list`` output).
    """
    if not isinstance(name, str):
        raise InvalidPresetNameError("A preset name must be text.")
    cleaned = name.strip()
    if not cleaned:
        raise InvalidPresetNameError("A preset needs a name.")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise InvalidPresetNameError(
            f"A preset name can be at most {MAX_NAME_LENGTH} characters long "
            f"(this one has {len(cleaned)})."
        )
    if any(char in cleaned for char in "\r\n\x00"):
        raise InvalidPresetNameError("A preset name must fit on one line.")
    return cleaned


def require_safe_name(name: str) -> str:
    """Return ``name`` unchanged, or refuse it if it holds characters that deceive a reader.

    Control characters (an ``ESC [2J`` clears the terminal that lists presets) and bidi
    overrides (``\\u202e`` shows "txt.exe" as "exe.txt") have no place in a name a person
    picks from a menu. Checked where a name is chosen (save, rename, import), not where an
    existing file is read: an older file holding such a name still loads, and the names are
    shown escaped.

    Raises:
        InvalidPresetNameError: The name holds such a character; the message shows it
            escaped (``\\x1b``, ``\\u202e``), never raw.
    """
    if has_unsafe_characters(name):
        shown = escape_controls(replace_surrogates(name))
        raise InvalidPresetNameError(
            "A preset name cannot hold control characters or text-direction overrides "
            f'("{shown}"); choose a name without them.'
        )
    return name


def name_key(name: str) -> str:
    """The form under which names are compared: trimmed and case-folded."""
    return name.strip().casefold()


def unique_name(base: str, taken: Container[str], label: str) -> str:
    """Return a name derived from ``base`` whose ``name_key`` is not in ``taken``.

    Produces ``"base (label)"``, then ``"base (label 2)"``, ``"base (label 3)"``... so the
    user can see where the new preset came from. ``base`` is shortened when needed to keep
    the result within MAX_NAME_LENGTH.

    Args:
        base: The name to start from (already valid).
        taken: Keys (see ``name_key``) of the names in use.
        label: The word in the brackets, e.g. "copy" or "imported".
    """
    number = 1
    while True:
        suffix = f" ({label})" if number == 1 else f" ({label} {number})"
        stem = base[: MAX_NAME_LENGTH - len(suffix)].rstrip()
        candidate = stem + suffix
        if name_key(candidate) not in taken:
            return candidate
        number += 1
