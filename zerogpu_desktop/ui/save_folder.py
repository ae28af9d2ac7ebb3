"""Where the Save dialog opens: the folder the user last saved an answer to, else Documents.

The working directory the app was started from means nothing to someone who double-clicked
it, so it is never used. The last folder is kept in the window-layout store, so it survives
a restart; a folder that has since gone falls back to Documents, then home.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QStandardPaths

if TYPE_CHECKING:
    from zerogpu_desktop.storage.ui_state import UiStateStore

#: The name the last folder is kept under in `ui_state.json`.
SAVE_FOLDER_KEY = "save_folder"
#: A stored value longer than this is not a path anyone saved to; it is ignored.
MAX_PATH_BYTES = 4096


class SaveFolders:
    """The folder the next Save opens in, remembered in `state` when one is given."""

    def __init__(self, state: UiStateStore | None = None) -> None:
        self._state = state
        self._last: Path | None = None

    def folder(self) -> Path:
        """The last folder saved to, if it still exists; else Documents, else home."""
        last = self._last or self._stored()
        if last is not None and last.is_dir():
            return last
        documents = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        )
        if documents and Path(documents).is_dir():
            return Path(documents)
        return Path.home()

    def remember(self, folder: Path) -> None:
        """Makes `folder` the next Save's; written at once, as a save is rare and small."""
        self._last = folder = folder.absolute()
        if self._state is None:
            return
        self._state.set(SAVE_FOLDER_KEY, os.fsencode(folder))
        # Losing the folder costs one extra click next time; the answer itself was saved.
        with contextlib.suppress(OSError):
            self._state.save()

    def _stored(self) -> Path | None:
        raw = self._state.get(SAVE_FOLDER_KEY) if self._state is not None else None
        if not raw or len(raw) > MAX_PATH_BYTES or b"\0" in raw:
            return None
        path = Path(os.fsdecode(raw))
        return path if path.is_absolute() else None
