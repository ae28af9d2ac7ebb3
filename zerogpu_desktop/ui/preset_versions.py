"""The selected preset's versions: see what changed, diff two, restore one, compare answers.

Restoring never asks: it only adds a version (equal to the old one), so it is undone by
restoring the version that was current before, and the message says which one. Up to two
versions can be picked (Ctrl/Shift+click, Shift+arrows, Ctrl+arrows then Space): a third
pick drops the one picked first, and a Shift range keeps its two ends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QGridLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from zerogpu_desktop.storage.presets.names import PresetError
from zerogpu_desktop.ui.controls import FOCUS_RING, named_button
from zerogpu_desktop.ui.preset_diff_dialog import PresetDiffDialog
from zerogpu_desktop.ui.preset_version_text import changed_labels, version_lines
from zerogpu_desktop.workbench.preset_diff import field_diffs

if TYPE_CHECKING:
    from zerogpu_desktop.storage.presets.store import Preset, PresetStore
    from zerogpu_desktop.storage.presets.versions import PresetVersion

__all__ = ["LISTED_VERSIONS", "PresetVersionsView"]

#: The newest versions listed; older ones stay in the store (and `presets versions NAME`).
LISTED_VERSIONS = 500
#: Versions that can be picked at once: a diff and a comparison take a pair.
MAX_PICKED = 2


class PresetVersionsView(QWidget):
    """A collapsible list of one preset's versions, newest first, with Diff/Restore/Compare.

    Signals:
        message(str): a sentence for the status bar.
        problem(str): a sentence for the error banner.
        restored(Preset): the preset now holds an older version's content (as a new version).
        compare_requested(str, list): compare the answers of these two versions (numbers,
            older first) of the named preset.

    Attributes:
        dialog: The diff window opened last while it is open, else None.
    """

    message = Signal(str)
    problem = Signal(str)
    restored = Signal(object)
    compare_requested = Signal(str, list)

    def __init__(self, store: PresetStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.dialog: PresetDiffDialog | None = None
        self._name: str | None = None
        self._current: int | None = None
        self._versions: dict[int, PresetVersion] = {}
        self._picked: list[int] = []

        self._expanded = True
        # A flat header with an arrow, as sections fold in most apps (a checkable button
        # would be drawn pressed while open); its name says what pressing it does.
        self.toggle = QToolButton(self)
        self.toggle.setAutoRaise(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setAccessibleName("Show versions")
        self.body = QWidget(self)
        self.list = QListWidget(self.body)
        self.list.setAccessibleName("Versions")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        # Wrapped to the panel's width (which may be 180 px), never scrolled sideways; rows
        # in alternating colours, so where one version ends and the next begins is clear.
        self.list.setWordWrap(True)
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setAlternatingRowColors(True)
        self.list.setStyleSheet(FOCUS_RING)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.empty_label = QLabel("", self.body)
        self.empty_label.setWordWrap(True)
        self.empty_label.setEnabled(False)
        self.diff_button = named_button("Diff", "Diff versions", self.body)
        self.diff_button.setToolTip("Show two versions side by side (one: against the current)")
        self.restore_button = named_button("Restore", "Restore version", self.body)
        self.restore_button.setToolTip("Make this version current again, as a new version")
        self.compare_button = named_button("Compare answers", "Compare answers", self.body)
        self.compare_button.setToolTip("Send both versions and show their answers side by side")
        self.diff_action = self._action("&Diff", self.diff_selected)
        self.restore_action = self._action("&Restore", self.restore_selected)
        self.compare_action = self._action("&Compare answers", self.compare_selected)

        buttons = QGridLayout()
        buttons.addWidget(self.diff_button, 0, 0)
        buttons.addWidget(self.restore_button, 0, 1)
        buttons.addWidget(self.compare_button, 1, 0, 1, 2)
        body_layout = QVBoxLayout(self.body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addWidget(self.list, 1)
        body_layout.addWidget(self.empty_label)
        body_layout.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.toggle)
        layout.addWidget(self.body, 1)

        self.toggle.clicked.connect(lambda: self.set_expanded(not self._expanded))
        self.list.itemSelectionChanged.connect(self._on_selection)
        self.list.itemActivated.connect(lambda _item: self.diff_selected())
        self.diff_button.clicked.connect(self.diff_selected)
        self.restore_button.clicked.connect(self.restore_selected)
        self.compare_button.clicked.connect(self.compare_selected)
        self.set_expanded(True)

    def _action(self, text: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self.list)
        action.triggered.connect(slot)
        self.list.addAction(action)
        return action

    # -- showing ----------------------------------------------------------------------

    def show_preset(self, name: str | None) -> None:
        """Lists the versions of `name` (None: no preset selected), rereading the store.

        The picked versions stay picked when the same preset is shown again (after a save,
        or any refresh of the panel), and are dropped for another preset.
        """
        if name != self._name:
            self._picked = []
        self._name = name
        if self._expanded:
            self._reload()
        else:
            self._set_title(None)

    def _reload(self) -> None:
        name = self._name
        preset: Preset | None = None
        versions: list[PresetVersion] = []
        if name is not None:
            try:
                preset = self.store.get(name)
                versions = self.store.versions(name) if preset is not None else []
            except (PresetError, OSError) as exc:
                self.problem.emit(_sentence(exc))
        self._current = preset.version if preset is not None else None
        self._versions = {version.number: version for version in versions}
        self._fill(versions, preset)
        self._set_title(len(versions) if preset is not None else None)

    def _fill(self, versions: list[PresetVersion], preset: Preset | None) -> None:
        """One row per version, newest first, each saying what changed since the one before."""
        self._picked = [number for number in self._picked if number in self._versions]
        self.list.blockSignals(True)
        self.list.clear()
        first_listed = max(0, len(versions) - LISTED_VERSIONS)
        for index in range(len(versions) - 1, first_listed - 1, -1):
            version = versions[index]
            before = versions[index - 1] if index else None
            changed = changed_labels(field_diffs(before, version)) if before else None
            item = QListWidgetItem("\n".join(version_lines(version, self._current, changed)))
            item.setData(Qt.ItemDataRole.UserRole, version.number)
            item.setToolTip(item.text())
            if version.number == self._current:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            self.list.addItem(item)
            item.setSelected(version.number in self._picked)
        self.list.blockSignals(False)
        if preset is None:
            self.empty_label.setText("Select a preset to see its versions.")
        elif not versions:
            self.empty_label.setText("No versions yet: save the preset to keep one.")
        self.list.setVisible(bool(versions))
        self.empty_label.setVisible(not versions)
        # With nothing to act on, the buttons would only take height from the presets list
        # (squeezed flat when the Evaluate panel shares the window's height).
        for button in (self.diff_button, self.restore_button, self.compare_button):
            button.setVisible(bool(versions))
        self._set_growing()
        self._update_buttons()

    def _set_title(self, count: int | None) -> None:
        self.toggle.setText("Versions" if count is None else f"Versions ({count})")

    def is_expanded(self) -> bool:
        return self._expanded

    def set_expanded(self, expanded: bool) -> None:
        """Opens or folds the section; opening reads the store again (it was not followed)."""
        self._expanded = expanded
        self.body.setVisible(expanded)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.toggle.setAccessibleName("Hide versions" if expanded else "Show versions")
        self._set_growing()
        if expanded:
            self._reload()

    def _set_growing(self) -> None:
        """Only an open list takes height; folded or empty, the preset list gets the room."""
        grows = self._expanded and bool(self._versions)
        vertical = QSizePolicy.Policy.Expanding if grows else QSizePolicy.Policy.Maximum
        self.setSizePolicy(QSizePolicy.Policy.Preferred, vertical)

    # -- picking ----------------------------------------------------------------------

    def _on_selection(self) -> None:
        selected = {int(item.data(Qt.ItemDataRole.UserRole)) for item in self.list.selectedItems()}
        picked = [number for number in self._picked if number in selected]
        current = self.list.currentItem()
        focus = int(current.data(Qt.ItemDataRole.UserRole)) if current is not None else None
        # Newly picked ones join in list order, the one under the cursor last (the latest).
        picked += sorted(selected - set(picked), key=lambda n: (n == focus, -n))
        if len(picked) > MAX_PICKED:
            if QApplication.keyboardModifiers() & Qt.KeyboardModifier.ShiftModifier:
                # Shift picks a range: its two ends are the pair ("from there to here").
                picked = [picked[0], picked[-1]]
            else:
                picked = picked[-MAX_PICKED:]  # a third pick drops the first one
        dropped = selected - set(picked)
        if dropped:
            for row in range(self.list.count()):
                item = self.list.item(row)
                if item.data(Qt.ItemDataRole.UserRole) in dropped:
                    item.setSelected(False)
        self._picked = picked
        self._update_buttons()

    def selected_numbers(self) -> list[int]:
        """The picked version numbers, oldest first."""
        return sorted(self._picked)

    def pair(self) -> tuple[int, int] | None:
        """The two versions Diff and Compare act on: the picked pair, or one and the current."""
        numbers = self.selected_numbers()
        if len(numbers) == MAX_PICKED:
            return numbers[0], numbers[1]
        if len(numbers) == 1 and self._current is not None and numbers[0] != self._current:
            low, high = sorted((numbers[0], self._current))
            return low, high
        return None

    def _restorable(self) -> int | None:
        numbers = self.selected_numbers()
        if len(numbers) == 1 and numbers[0] != self._current:
            return numbers[0]
        return None

    def _update_buttons(self) -> None:
        pair = self.pair() is not None
        restorable = self._restorable() is not None
        for widget, enabled in (
            (self.diff_button, pair),
            (self.diff_action, pair),
            (self.compare_button, pair),
            (self.compare_action, pair),
            (self.restore_button, restorable),
            (self.restore_action, restorable),
        ):
            widget.setEnabled(enabled)

    # -- actions ----------------------------------------------------------------------

    def diff_selected(self) -> None:
        pair = self.pair()
        if pair is None or self._name is None:
            return
        first, second = (self._versions.get(number) for number in pair)
        if first is None or second is None:
            return
        dialog = PresetDiffDialog(self._name, first, second, self._current, self.window())
        # It deletes itself when closed: no reference to it may outlive that.
        dialog.finished.connect(lambda _result: self._forget(dialog))
        self.dialog = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    def _forget(self, dialog: PresetDiffDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def restore_selected(self) -> None:
        number = self._restorable()
        name, before = self._name, self._current
        if number is None or name is None:
            return
        try:
            preset = self.store.restore(name, number)
        except (PresetError, OSError) as exc:
            self.problem.emit(_sentence(exc))
            return
        if preset.version == before:
            self.message.emit(
                f"v{number} is the same as the current version (v{before}): nothing changed."
            )
            return
        self._picked = []
        self.restored.emit(preset)
        self.show_preset(preset.name)
        self.list.setCurrentRow(0)  # the new current version, with the keyboard on the list
        self.list.setFocus()
        undo = f" Restore v{before} to undo." if before is not None else ""
        self.message.emit(f"Restored v{number} as v{preset.version}.{undo}")

    def compare_selected(self) -> None:
        pair = self.pair()
        if pair is not None and self._name is not None:
            self.compare_requested.emit(self._name, list(pair))


def _sentence(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return (
            f"The preset versions could not be read or written ({exc.strerror or exc}). "
            "Check the data folder and its permissions, then try again."
        )
    return str(exc)
