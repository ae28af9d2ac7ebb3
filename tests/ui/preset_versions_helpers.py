"""A Presets panel over a real store holding three versions of one preset, and ways to pick."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem
from pytestqt.qtbot import QtBot

from zerogpu_desktop.storage.presets.store import Preset, PresetStore
from zerogpu_desktop.ui.preset_diff_dialog import PresetDiffDialog
from zerogpu_desktop.ui.preset_versions import PresetVersionsView
from zerogpu_desktop.ui.presets_panel import PresetsPanel

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
NAME = "Summarise"
MODEL = "acme/tiny-chat-1"
OTHER_MODEL = "acme/translator-2"
SYSTEM = "You write short summaries."
FIRST = "Summarise the tides in three lines."
SECOND = "Summarise the tides in five short lines."
#: The first version's time (this year, so it shows without one); each stamp moves on a minute.
START = datetime(datetime.now().year, 12, 2, 14, 5).timestamp()


class Clock:
    """A clock that moves one minute each time the store asks, so versions are told apart."""

    def __init__(self) -> None:
        self.now = START - 60

    def __call__(self) -> float:
        self.now += 60
        return self.now


class Editors:
    """What the window's editors would hold; the panel's Save as takes a snapshot of it."""

    def __init__(self) -> None:
        self.model = MODEL
        self.system = SYSTEM
        self.user = FIRST

    def snapshot(self, name: str) -> Preset:
        return Preset(name, self.model, self.system, self.user)


def three_versions(data_dir: Path) -> PresetStore:
    """v1 (three lines), v2 (five short lines), v3 (v2 with another model)."""
    store = PresetStore(data_dir, clock=Clock())
    store.save(Preset(NAME, MODEL, SYSTEM, FIRST))
    store.save(Preset(NAME, MODEL, SYSTEM, SECOND))
    store.save(Preset(NAME, OTHER_MODEL, SYSTEM, SECOND))
    return store


def make_panel(qtbot: QtBot, store: PresetStore, editors: Editors | None = None) -> PresetsPanel:
    panel = PresetsPanel(store, (editors or Editors()).snapshot)
    qtbot.addWidget(panel, before_close_func=_close_diff_windows)
    panel.resize(320, 640)
    panel.show()
    qtbot.waitExposed(panel)
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow, timeout=2000)
    return panel


def select_preset(qtbot: QtBot, panel: PresetsPanel, name: str = NAME) -> PresetVersionsView:
    [item] = panel.list.findItems(name, Qt.MatchFlag.MatchExactly)
    qtbot.mouseClick(
        panel.list.viewport(),
        Qt.MouseButton.LeftButton,
        pos=panel.list.visualItemRect(item).center(),
    )
    assert panel.selected_name() == name
    return panel.versions


def rows(view: PresetVersionsView) -> list[str]:
    """The versions list as shown, top to bottom, one line per version ("v3 · … | model…")."""
    return [view.list.item(row).text().replace("\n", " | ") for row in range(view.list.count())]


def item_of(view: PresetVersionsView, number: int) -> QListWidgetItem:
    listed: QListWidget = view.list
    for row in range(listed.count()):
        if listed.item(row).data(Qt.ItemDataRole.UserRole) == number:
            return listed.item(row)
    raise AssertionError(f"v{number} is not listed: {rows(view)}")


def click_version(
    qtbot: QtBot,
    view: PresetVersionsView,
    number: int,
    modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    item = item_of(view, number)
    view.list.scrollToItem(item)
    qtbot.mouseClick(
        view.list.viewport(),
        Qt.MouseButton.LeftButton,
        modifier,
        view.list.visualItemRect(item).center(),
    )


def pick(qtbot: QtBot, view: PresetVersionsView, *numbers: int) -> None:
    """Clicks the first version, Ctrl+clicks the others, as a person picks a pair."""
    first, *others = numbers
    click_version(qtbot, view, first)
    for number in others:
        click_version(qtbot, view, number, CTRL)
    assert view.selected_numbers() == sorted(numbers)


def diff_window(qtbot: QtBot, view: PresetVersionsView) -> PresetDiffDialog:
    """The diff window `view` opened, once it is on screen (closed when the test ends)."""
    qtbot.waitUntil(lambda: view.dialog is not None and view.dialog.isVisible(), timeout=3000)
    dialog = view.dialog
    assert dialog is not None
    return dialog


def _close_diff_windows(panel: PresetsPanel) -> None:
    """Diff windows are the panel's children but windows of their own: close them too."""
    for dialog in panel.findChildren(PresetDiffDialog):
        dialog.close()
