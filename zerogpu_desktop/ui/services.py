"""Everything the window needs from the outside world, built once and passed in.

Tests build the same object around a temp folder, a loopback server and
a test keyring backend; nothing in the UI reaches for a global.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from zerogpu_desktop.overrides import RunOverrides
from zerogpu_desktop.storage import DraftStore, SettingsStore, UiStateStore
from zerogpu_desktop.storage.calibration import CalibrationStore

if TYPE_CHECKING:
    from zerogpu_desktop.credentials import KeyStore
    from zerogpu_desktop.storage.presets.store import PresetStore


@dataclass
class AppServices:
    """The stores, the key store and the per-run overrides for one window."""

    data_dir: Path
    settings_store: SettingsStore
    draft_store: DraftStore
    ui_state: UiStateStore
    calibration_store: CalibrationStore
    key_store: KeyStore | None = None
    overrides: RunOverrides = field(default_factory=RunOverrides)

    _presets: PresetStore | None = field(default=None, repr=False)

    @property
    def preset_store(self) -> PresetStore:
        """Made on first use, after the window's first frame."""
        if self._presets is None:
            from zerogpu_desktop.storage.presets.store import PresetStore

            self._presets = PresetStore(self.data_dir)
        return self._presets

    def keys(self) -> KeyStore:
        """The key store, made on first use: importing keyring costs start-up time."""
        if self.key_store is None:
            from zerogpu_desktop.credentials import KeyStore

            self.key_store = KeyStore()
        return self.key_store

    @classmethod
    def for_data_dir(
        cls,
        data_dir: Path,
        *,
        key_store: KeyStore | None = None,
        overrides: RunOverrides | None = None,
    ) -> AppServices:
        return cls(
            data_dir=data_dir,
            settings_store=SettingsStore(data_dir),
            draft_store=DraftStore(data_dir),
            ui_state=UiStateStore(data_dir),
            calibration_store=CalibrationStore(data_dir),
            key_store=key_store,
            overrides=overrides or RunOverrides(),
        )
