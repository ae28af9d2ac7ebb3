"""The user's preferences and the file they live in (``settings.json``).

There is deliberately no field for the API key: it lives only in the OS keyring (see
``zerogpu_desktop.credentials``), so no code path can write it here by accident.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from zerogpu_desktop.api.defaults import DEFAULT_BASE_URL
from zerogpu_desktop.storage.atomic import load_json_or_quarantine, save_json
from zerogpu_desktop.storage.coerce import (
    read_bool,
    read_int_in_range,
    read_positive_float,
    read_str,
    token_limit_or_none,
)
from zerogpu_desktop.storage.loaded import Loaded

_log = logging.getLogger(__name__)

SETTINGS_FILE_NAME = "settings.json"
SETTINGS_VERSION = 1
MAX_MODELS = 50
"""How many recently used models are remembered; older ones fall off the end."""
MAX_RETRIES_LIMIT = 10
"""Above this a typo (``200``) would make a failing request hang for many minutes."""
MAX_RESPONSE_MB_LIMIT = 1024
"""The largest reply cap a user may set: beyond 1 GiB a hostile reply could exhaust memory."""
THEMES = ("system", "light", "dark")
"""The window's colour themes; "system" follows the desktop's palette."""


@dataclass(frozen=True)
class ModelEntry:
    """A model the user has used, with what we know about its input size.

    Attributes:
        id: The model id sent to the API.
        input_token_limit: Largest input the model accepts, or None when unknown.
    """

    id: str
    input_token_limit: int | None = None


@dataclass(frozen=True)
class Settings:
    """Everything the user can configure, except the API key (which is never stored here).

    Frozen so the UI edits by building a new value (``dataclasses.replace``), which makes
    "did anything change?" a plain ``==``.
    """

    project_id: str = ""
    base_url: str = DEFAULT_BASE_URL
    connect_timeout: float = 10.0
    read_timeout: float = 300.0
    max_retries: int = 2
    max_response_mb: int = 16
    models: tuple[ModelEntry, ...] = ()
    last_model: str = ""
    markdown_output: bool = True
    monospace_editors: bool = False
    theme: str = "system"

    def __post_init__(self) -> None:
        # A value from a hand edit or a newer version must not reach the theme code.
        if self.theme not in THEMES:
            object.__setattr__(self, "theme", "system")

    def with_model_used(self, model_id: str) -> Settings:
        """Remember that ``model_id`` was just used: first in the list, and the current model.

        Most-recently-used order lets the model box offer the likely choice first; the known
        input limit is kept because it is learned from the API and costly to rediscover.

        Args:
            model_id: The model id; surrounding whitespace is ignored.

        Returns:
            A new Settings (this one is unchanged). A blank id returns ``self``.
        """
        model_id = model_id.strip()
        if not model_id:
            return self
        existing = next((m for m in self.models if m.id == model_id), ModelEntry(model_id))
        others = tuple(m for m in self.models if m.id != model_id)
        models = (existing, *others)[:MAX_MODELS]
        return replace(self, models=models, last_model=model_id)

    def input_limit_for(self, model_id: str) -> int | None:
        """Return the known input token limit of ``model_id``, or None when unknown."""
        for entry in self.models:
            if entry.id == model_id:
                return entry.input_token_limit
        return None


class SettingsStore:
    """Loads and saves ``Settings`` in ``<data dir>/settings.json``.

    Attributes:
        path: The settings file.
    """

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / SETTINGS_FILE_NAME

    def read(self) -> Loaded[Settings]:
        """Read the settings; never fails for a missing, broken or odd file.

        Unknown keys are ignored and each wrong-typed value falls back to its own default, so
        a file from another version or a hand edit costs at most the fields that are wrong.
        """
        result = load_json_or_quarantine(self.path, what="settings")
        if result.data is None:
            return Loaded(Settings(), result.problem)
        return Loaded(settings_from_json(result.data), result.problem)

    def load(self) -> Settings:
        """Just the value of ``read()``, for a caller with nobody to tell about the file.

        The sentence about a broken file exists only in what ``read()`` returns.
        """
        return self.read().value

    def save(self, settings: Settings) -> None:
        """Write ``settings`` atomically; the old file survives any failure.

        Raises:
            TypeError: ``settings`` is not a ``Settings`` (a dict could smuggle in a key).
            OSError: The file could not be written, or could not be read at load and was
                left untouched (``UnreadableFileKeptError``).
        """
        if not isinstance(settings, Settings):
            raise TypeError(f"expected Settings, got {type(settings).__name__}")
        save_json(self.path, settings_to_json(settings), what="settings")


def settings_to_json(settings: Settings) -> dict[str, Any]:
    """Build the JSON object for ``settings``, field by field so nothing extra slips in."""
    return {
        "version": SETTINGS_VERSION,
        "project_id": settings.project_id,
        "base_url": settings.base_url,
        "connect_timeout": settings.connect_timeout,
        "read_timeout": settings.read_timeout,
        "max_retries": settings.max_retries,
        "max_response_mb": settings.max_response_mb,
        "models": [{"id": m.id, "input_token_limit": m.input_token_limit} for m in settings.models],
        "last_model": settings.last_model,
        "markdown_output": settings.markdown_output,
        "monospace_editors": settings.monospace_editors,
        "theme": settings.theme,
    }


def settings_from_json(data: dict[str, Any]) -> Settings:
    """Build Settings from a parsed file, taking the default for every unusable field."""
    default = Settings()
    version = data.get("version")
    if version != SETTINGS_VERSION:
        _log.info("settings.json has version %r; reading the fields this version knows", version)
    base_url = read_str(data, "base_url", default.base_url).strip() or default.base_url
    return Settings(
        project_id=read_str(data, "project_id", default.project_id).strip(),
        base_url=base_url,
        connect_timeout=read_positive_float(data, "connect_timeout", default.connect_timeout),
        read_timeout=read_positive_float(data, "read_timeout", default.read_timeout),
        max_retries=read_int_in_range(
            data, "max_retries", default.max_retries, low=0, high=MAX_RETRIES_LIMIT
        ),
        max_response_mb=read_int_in_range(
            data, "max_response_mb", default.max_response_mb, low=1, high=MAX_RESPONSE_MB_LIMIT
        ),
        models=_models_from_json(data.get("models")),
        last_model=read_str(data, "last_model", default.last_model).strip(),
        markdown_output=read_bool(data, "markdown_output", default.markdown_output),
        monospace_editors=read_bool(data, "monospace_editors", default.monospace_editors),
        theme=read_str(data, "theme", default.theme).strip().lower(),
    )


def _models_from_json(value: object) -> tuple[ModelEntry, ...]:
    """Read the model list, dropping bad entries one by one rather than the whole list.

    A bare string is accepted as an entry with an unknown limit, which is what a person
    would naturally type when editing the file by hand.
    """
    if not isinstance(value, list):
        return ()
    return _dedupe(entry for entry in map(_model_from_json, value) if entry is not None)


def _model_from_json(item: object) -> ModelEntry | None:
    if isinstance(item, str):
        return ModelEntry(item.strip()) if item.strip() else None
    if not isinstance(item, dict):
        return None
    model_id = item.get("id")
    if not isinstance(model_id, str) or not model_id.strip():
        return None
    return ModelEntry(model_id.strip(), token_limit_or_none(item.get("input_token_limit")))


def _dedupe(entries: Iterable[ModelEntry]) -> tuple[ModelEntry, ...]:
    """Keep the first entry per id (the most recent one) and at most MAX_MODELS entries."""
    seen: set[str] = set()
    kept: list[ModelEntry] = []
    for entry in entries:
        if entry.id not in seen:
            seen.add(entry.id)
            kept.append(entry)
    return tuple(kept[:MAX_MODELS])
