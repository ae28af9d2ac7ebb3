"""The unsent prompt (``draft.json``), so a crash or a closed window loses no typing.

The UI calls ``DraftStore.save`` after every debounced edit, so saving must stay cheap for a
few hundred KB of text: one serialisation, one write, and nothing at all when the draft has
not changed since the last save.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zerogpu_desktop.response_format import DEFAULT_RESPONSE_FORMAT
from zerogpu_desktop.storage.atomic import load_json_or_quarantine, save_json
from zerogpu_desktop.storage.coerce import read_str
from zerogpu_desktop.storage.loaded import Loaded

DRAFT_FILE_NAME = "draft.json"
DRAFT_VERSION = 1


@dataclass(frozen=True)
class Draft:
    """What is in the editors right now.

    Attributes:
        model: The model id chosen for the next request.
        system_prompt: The system prompt text.
        user_prompt: The user prompt text.
        response_format: The Format box as typed; a draft written before the box existed
            reads as "text", the format every request used then.
    """

    model: str = ""
    system_prompt: str = ""
    user_prompt: str = ""
    response_format: str = DEFAULT_RESPONSE_FORMAT


class DraftStore:
    """Loads and saves the ``Draft`` in ``<data dir>/draft.json``.

    Attributes:
        path: The draft file.
    """

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / DRAFT_FILE_NAME
        self._last_written: Draft | None = None

    def read(self) -> Loaded[Draft]:
        """Read the draft; a missing or broken file gives an empty draft, never an error."""
        result = load_json_or_quarantine(self.path, what="draft")
        if result.data is None:
            self._last_written = None
            return Loaded(Draft(), result.problem)
        draft = _draft_from_json(result.data)
        self._last_written = draft
        return Loaded(draft, result.problem)

    def load(self) -> Draft:
        """Just the value of ``read()``, for a caller with nobody to tell about the file.

        The sentence about a broken file exists only in what ``read()`` returns.
        """
        return self.read().value

    def save(self, draft: Draft) -> bool:
        """Write ``draft`` atomically unless it equals what this store last wrote or read.

        Skipping unchanged drafts matters because debounced saves also fire for cursor-only
        changes, and each real write costs an fsync.

        Returns:
            True if the file was written, False if it was already up to date.

        Raises:
            OSError: The file could not be written, or the existing one cannot be read and
                is kept as it is (``UnreadableFileKeptError``); the previous file is intact.
        """
        if draft == self._last_written and self.path.exists():
            return False
        save_json(self.path, _draft_to_json(draft), what="draft", indent=None)
        self._last_written = draft
        return True


def _draft_to_json(draft: Draft) -> dict[str, Any]:
    return {
        "version": DRAFT_VERSION,
        "model": draft.model,
        "system_prompt": draft.system_prompt,
        "user_prompt": draft.user_prompt,
        "response_format": draft.response_format,
    }


def _draft_from_json(data: dict[str, Any]) -> Draft:
    return Draft(
        model=read_str(data, "model", ""),
        system_prompt=read_str(data, "system_prompt", ""),
        user_prompt=read_str(data, "user_prompt", ""),
        response_format=read_str(data, "response_format", DEFAULT_RESPONSE_FORMAT),
    )
