"""Everything the app keeps on disk, in one injected data folder. No Qt here.

Stores take the data folder in their constructor (never a global), write atomically, and
move broken files aside instead of deleting them. Each store's ``read()`` returns a
``Loaded``: the value, and the one sentence to tell the user when the file was not usable.
"""

from zerogpu_desktop.api.defaults import DEFAULT_BASE_URL
from zerogpu_desktop.storage.atomic import (
    LoadResult,
    UnreadableFileKeptError,
    atomic_write_json,
    atomic_write_text,
    load_json_or_quarantine,
    save_json,
)
from zerogpu_desktop.storage.datadir import (
    DATA_DIR_ENV,
    DataDirError,
    ensure_data_dir,
    resolve_data_dir,
)
from zerogpu_desktop.storage.drafts import Draft, DraftStore
from zerogpu_desktop.storage.loaded import Loaded
from zerogpu_desktop.storage.local_files import MAX_LOCAL_FILE_BYTES
from zerogpu_desktop.storage.settings import (
    MAX_MODELS,
    MAX_RESPONSE_MB_LIMIT,
    ModelEntry,
    Settings,
    SettingsStore,
)
from zerogpu_desktop.storage.ui_state import UiStateStore

__all__ = [
    "DATA_DIR_ENV",
    "DEFAULT_BASE_URL",
    "MAX_LOCAL_FILE_BYTES",
    "MAX_MODELS",
    "MAX_RESPONSE_MB_LIMIT",
    "DataDirError",
    "Draft",
    "DraftStore",
    "LoadResult",
    "Loaded",
    "ModelEntry",
    "Settings",
    "SettingsStore",
    "UiStateStore",
    "UnreadableFileKeptError",
    "atomic_write_json",
    "atomic_write_text",
    "ensure_data_dir",
    "load_json_or_quarantine",
    "resolve_data_dir",
    "save_json",
]
