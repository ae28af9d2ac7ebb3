"""Where the Save dialog opens: the folder the user last saved an answer to, else Documents.

Kept for the session: the working directory the app was started from means nothing to
someone who double-clicked it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths

_last_folder: Path | None = None


def save_folder() -> Path:
    """The last folder an answer was saved to, if it still exists; else Documents, else home."""
    if _last_folder is not None and _last_folder.is_dir():
        return _last_folder
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if documents and Path(documents).is_dir():
        return Path(documents)
    return Path.home()


def remember_save_folder(folder: Path) -> None:
    global _last_folder
    _last_folder = folder
