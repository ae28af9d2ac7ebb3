"""Window geometry, splitter sizes and similar opaque blobs (``ui_state.json``).

Kept apart from ``settings.json`` because these values change on every resize, are not
something a person edits, and losing them costs nothing but a window position (or the folder
the Save dialog opens in). Values are
bytes (Qt's ``saveGeometry()`` output) stored as base64 so the file stays plain JSON; this
module never imports Qt.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path

from zerogpu_desktop.storage.atomic import load_json_or_quarantine, save_json
from zerogpu_desktop.storage.loaded import Loaded

UI_STATE_FILE_NAME = "ui_state.json"
UI_STATE_VERSION = 1


class UiStateStore:
    """A small name → bytes map persisted in ``<data dir>/ui_state.json``.

    The file is read by ``read()`` (or on first use), changed in memory by ``set``, and
    written by ``save()``, typically once when the window closes. Only ``read()`` says what
    was wrong with the file: the window calls it at start and tells the user; a read on first
    use has nobody to tell.

    Attributes:
        path: The state file.
    """

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / UI_STATE_FILE_NAME
        self._values: dict[str, str] | None = None

    def read(self) -> Loaded[dict[str, bytes]]:
        """(Re)read the file, dropping entries that are not valid base64 strings.

        Returns:
            A copy of every stored value, by name; ``get`` reads the same values.
        """
        result = load_json_or_quarantine(self.path, what="window layout")
        raw = result.data.get("values") if result.data is not None else None
        values: dict[str, str] = {}
        decoded: dict[str, bytes] = {}
        if isinstance(raw, dict):
            for name, encoded in raw.items():
                value = _decode(encoded) if isinstance(encoded, str) else None
                if value is not None:
                    values[name] = encoded
                    decoded[name] = value
        self._values = values
        return Loaded(decoded, result.problem)

    def get(self, name: str) -> bytes | None:
        """Return the bytes stored under ``name``, or None if there are none."""
        encoded = self._loaded().get(name)
        return _decode(encoded) if encoded is not None else None

    def set(self, name: str, value: bytes) -> None:
        """Remember ``value`` under ``name``; call ``save()`` to write it to disk."""
        self._loaded()[name] = base64.b64encode(bytes(value)).decode("ascii")

    def save(self) -> None:
        """Write all values atomically.

        Raises:
            OSError: The file could not be written, or the existing one cannot be read and
                is kept as it is (``UnreadableFileKeptError``); the previous file is intact.
        """
        save_json(
            self.path,
            {"version": UI_STATE_VERSION, "values": self._loaded()},
            what="window layout",
        )

    def _loaded(self) -> dict[str, str]:
        if self._values is None:
            self.read()
        assert self._values is not None
        return self._values


def _decode(encoded: str) -> bytes | None:
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return None
