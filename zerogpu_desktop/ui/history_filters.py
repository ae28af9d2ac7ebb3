"""The History panel's filters: by preset, by that preset's version, and by rating.

The presets are offered by their current names (the preset store's), then the names the
history has runs under that belong to no current preset (see
``HistoryStore.preset_names_and_ids``), so a preset deleted since still has its runs found.
A current preset is filtered by its id: a rename keeps its runs, and a name deleted and
created again starts a new preset; a name only the history knows, by the name alone. A
chosen preset stays offered while the list is refreshed, even if its last run was deleted
meanwhile (the filter in force stays visible), and follows its preset through a rename.
Without a preset store (until the window hands it over) the names come from the history.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QSizePolicy, QWidget

from zerogpu_desktop.safe_text import safe_for_display
from zerogpu_desktop.storage.history.types import RatingFilter

if TYPE_CHECKING:
    from zerogpu_desktop.storage.history.store import HistoryStore
    from zerogpu_desktop.storage.presets.store import Preset, PresetStore

ALL_PRESETS = "All presets"
ALL_VERSIONS = "All versions"
#: The rating filter's choices, in menu order: what it shows, and the store's filter.
RATING_CHOICES: tuple[tuple[str, RatingFilter | None], ...] = (
    ("Any rating", None),
    ("Rated good", "good"),
    ("Rated bad", "bad"),
    ("Rated", "rated"),
)
#: Characters a combo keeps room for; longer preset names are cut in the box, whole in its list.
COMBO_CHARACTERS = 3


class HistoryFilters(QWidget):
    """Three combo boxes; `changed` is emitted when the user picks another filter.

    Raises (from `update_choices`):
        HistoryError: The history could not be read; the panel tells it.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preset_combo = _combo(self, "Filter by preset", "Only the runs of one preset")
        self.version_combo = _combo(
            self, "Filter by version", "Only the runs of one version of the chosen preset"
        )
        self.rating_combo = _combo(self, "Filter by rating", "Only the runs rated so")
        self.preset_combo.addItem(ALL_PRESETS, None)
        self.version_combo.addItem(ALL_VERSIONS, None)
        self.version_combo.setEnabled(False)
        for text, value in RATING_CHOICES:
            self.rating_combo.addItem(text, value)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.preset_combo, 0, 0, 1, 2)
        layout.addWidget(self.version_combo, 1, 0)
        layout.addWidget(self.rating_combo, 1, 1)
        self._store: HistoryStore | None = None
        self._presets: PresetStore | None = None
        #: The id of the preset chosen, when it is a current one: it is found again by its
        #: id after a rename.
        self._chosen_id: str | None = None
        self.preset_combo.activated.connect(self._preset_chosen)
        self.version_combo.activated.connect(lambda _index: self.changed.emit())
        self.rating_combo.activated.connect(lambda _index: self.changed.emit())

    # -- what is chosen ---------------------------------------------------------------

    @property
    def preset(self) -> str | None:
        value = self.preset_combo.currentData()
        return value if isinstance(value, str) else None

    @property
    def preset_id(self) -> str | None:
        """The id of the preset called `preset` now, if there is one (see module doc)."""
        name = self.preset
        if name is None:
            return None
        preset = next((p for p in self._current_presets() if _same(p.name, name)), None)
        return preset.preset_id or None if preset is not None else None

    @property
    def preset_version(self) -> int | None:
        value = self.version_combo.currentData()
        return value if isinstance(value, int) and self.preset is not None else None

    @property
    def rating(self) -> RatingFilter | None:
        value = self.rating_combo.currentData()
        return value if value in ("good", "bad", "rated") else None

    # -- choices ------------------------------------------------------------------------

    def set_store(self, store: HistoryStore | None) -> None:
        self._store = store

    def set_presets(self, presets: PresetStore | None) -> None:
        """The user's presets, whose current names and ids the preset filter goes by."""
        self._presets = presets

    def update_choices(self) -> None:
        """Offers the current presets and the names only the history knows, keeping the
        one chosen (by its id when it was renamed since)."""
        if self._store is None:
            return
        chosen = self.preset
        names = self._names()
        if self._chosen_id is not None and chosen is not None:
            renamed = self._current_by_id(self._chosen_id)
            if renamed is not None:
                chosen = renamed.name
        if chosen is not None and not any(_same(name, chosen) for name in names):
            names.append(chosen)
        _fill(self.preset_combo, ALL_PRESETS, [(safe_for_display(n), n) for n in names], chosen)
        self._chosen_id = self.preset_id
        self._update_versions()

    def _names(self) -> list[str]:
        """The current presets' names, then the names of runs of no current preset."""
        assert self._store is not None
        if self._presets is None:
            return self._store.preset_names()
        current = self._current_presets()
        names = [preset.name for preset in current]
        ids = {preset.preset_id for preset in current if preset.preset_id}
        # Spelled as the newest run of the latest version spells it (see `preset_names`).
        spelled = {name.casefold(): name for name in self._store.preset_names()}
        for name, preset_id in self._store.preset_names_and_ids():
            known = preset_id in ids or any(_same(name, other) for other in names)
            if not known:
                names.append(spelled.get(name.casefold(), name))
        return sorted(names, key=str.casefold)

    def _current_presets(self) -> list[Preset]:
        """The presets as the store has them now; none when their file cannot be read
        (the Presets panel says why)."""
        if self._presets is None:
            return []
        try:
            return self._presets.list()
        except OSError:
            return []

    def _current_by_id(self, preset_id: str) -> Preset | None:
        return next((p for p in self._current_presets() if p.preset_id == preset_id), None)

    def _preset_chosen(self, _index: int) -> None:
        self._chosen_id = self.preset_id
        self._update_versions(reset=True)
        self.changed.emit()

    def _update_versions(self, *, reset: bool = False) -> None:
        """The versions of the chosen preset, newest first; none to choose without a preset."""
        preset = self.preset
        kept = None if reset else self.version_combo.currentData()
        versions = (
            self._store.preset_versions(preset, self.preset_id) if preset and self._store else []
        )
        if isinstance(kept, int) and kept not in versions:
            versions.append(kept)
        choices = [(f"v{number}", number) for number in sorted(versions, reverse=True)]
        _fill(self.version_combo, ALL_VERSIONS, choices, kept)
        self.version_combo.setEnabled(preset is not None)


def _same(name: str, other: str) -> bool:
    """Whether two preset names are one (preset names are unique ignoring case)."""
    return name.casefold() == other.casefold()


def _combo(parent: QWidget, name: str, tip: str) -> QComboBox:
    combo = QComboBox(parent)
    combo.setAccessibleName(name)
    combo.setToolTip(tip)
    # Room for a few characters only, so a long preset name never widens the panel.
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(COMBO_CHARACTERS)
    combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return combo


def _fill(
    combo: QComboBox, first: str, choices: Sequence[tuple[str, object]], chosen: object
) -> None:
    """Replaces the items after the first ("All …"), selecting `chosen` again if offered."""
    combo.blockSignals(True)
    try:
        combo.clear()
        combo.addItem(first, None)
        selected = 0
        for text, value in choices:
            combo.addItem(text, value)
            same = value == chosen or (
                isinstance(value, str)
                and isinstance(chosen, str)
                and value.casefold() == chosen.casefold()
            )
            if chosen is not None and same:
                selected = combo.count() - 1
        combo.setCurrentIndex(selected)
    finally:
        combo.blockSignals(False)
