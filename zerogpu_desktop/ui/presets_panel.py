"""The Presets panel: filter, load with one click or Enter, save, rename, duplicate, delete.

Deleting is undoable from the panel's own bar, so no confirmation box
interrupts the work. Every dialog is opened with `open()`, never
`exec()`, so the qasync loop keeps running.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from zerogpu_desktop.safe_text import safe_for_display
from zerogpu_desktop.storage.presets.names import name_key, unique_name
from zerogpu_desktop.storage.presets.store import Preset, PresetError, PresetStore
from zerogpu_desktop.ui.controls import FOCUS_RING, confirm_box, named_button, widget_key
from zerogpu_desktop.ui.preset_versions import PresetVersionsView

#: Builds a preset named `name` from what is in the editors now.
Snapshot = Callable[[str], Preset]


class PresetsPanel(QWidget):
    """Lists presets from a `PresetStore` and edits them in place.

    Signals:
        load_requested(Preset): the user chose a preset to load into the editors.
        saved(Preset): a preset was saved from the editors.
        message(str): a sentence for the status bar.
        problem(str): a sentence for the error banner.
        restored(Preset): a version was restored: the preset holds that content now.
        compare_versions_requested(str, list): compare the answers of two versions (their
            numbers, older first) of the named preset.
    """

    load_requested = Signal(object)
    saved = Signal(object)
    deleted = Signal(str)
    renamed = Signal(str, str)
    message = Signal(str)
    problem = Signal(str)
    restored = Signal(object)
    compare_versions_requested = Signal(str, list)

    def __init__(
        self, store: PresetStore, snapshot: Snapshot, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self._snapshot = snapshot
        self._deleted: Preset | None = None
        self._dialog: QInputDialog | None = None
        self._refreshing = False

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter presets")
        self.filter_edit.setAccessibleName("Filter presets")
        self.filter_edit.setClearButtonEnabled(True)
        self.list = QListWidget(self)
        self.list.setAccessibleName("Presets")
        self.list.setUniformItemSizes(True)
        self.list.setStyleSheet(FOCUS_RING)
        self.empty_label = QLabel(
            "No presets yet. Write a prompt, then press “Save as…” to keep it.", self
        )
        self.empty_label.setWordWrap(True)
        self.empty_label.setEnabled(False)

        self.load_button = named_button("&Load", "Load preset", self)
        self.save_button = named_button("Save as…", "Save as preset", self)
        self.rename_button = named_button("Rename…", "Rename preset", self)
        self.duplicate_button = named_button("Duplicate", "Duplicate preset", self)
        self.delete_button = named_button("Delete", "Delete preset", self)
        self.undo_label = QLabel("", self)
        self.undo_label.setWordWrap(True)
        self.undo_button = named_button("Undo", "Undo delete", self)
        self.versions = PresetVersionsView(store, self)

        # Two buttons a line, so the panel can be as narrow as two buttons (about 180 px).
        buttons = QGridLayout()
        for number, button in enumerate(
            (
                self.load_button,
                self.save_button,
                self.rename_button,
                self.duplicate_button,
                self.delete_button,
            )
        ):
            buttons.addWidget(button, number // 2, number % 2)
        undo_row = QHBoxLayout()
        undo_row.addWidget(self.undo_label, 1)
        undo_row.addWidget(self.undo_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty_label)
        layout.addLayout(buttons)
        layout.addLayout(undo_row)
        layout.addWidget(self.versions, 1)
        self._show_undo(False)

        self.filter_edit.textChanged.connect(lambda _text: self.refresh())
        self.filter_edit.returnPressed.connect(self._load_match)
        widget_key("Down", self.filter_edit, self._focus_first)
        self.list.itemActivated.connect(lambda _item: self.load_selected())
        # One click loads, as in a launcher; selection alone would need a second step.
        self.list.itemClicked.connect(lambda _item: self.load_selected())
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.list.currentItemChanged.connect(lambda *_: self._show_versions())
        self.versions.message.connect(self.message)
        self.versions.problem.connect(self.problem)
        self.versions.restored.connect(self._on_restored)
        self.versions.compare_requested.connect(self.compare_versions_requested)
        self.load_button.clicked.connect(self.load_selected)
        self.save_button.clicked.connect(self.ask_save_as)
        self.rename_button.clicked.connect(self.ask_rename)
        self.duplicate_button.clicked.connect(self.duplicate_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.undo_button.clicked.connect(self.undo_delete)
        widget_key(QKeySequence.StandardKey.Delete, self.list, self.delete_selected)
        widget_key("F2", self.list, self.ask_rename)
        # Not reported yet: nobody is connected to `problem` before __init__ returns, so a
        # broken presets file found now is told by `report_problem()` once the owner is.
        self.refresh(report=False)

    # -- list ------------------------------------------------------------------

    def refresh(self, select: str | None = None, *, report: bool = True) -> None:
        """Re-reads the store (it notices edits by other processes) and keeps the selection."""
        keep = select or self.selected_name()
        self._refreshing = True  # the versions are read once, below, not per row
        self.list.clear()
        for preset in self.store.list(self.filter_edit.text()):
            item = QListWidgetItem(preset.name, self.list)
            item.setData(Qt.ItemDataRole.UserRole, preset.name)
            item.setToolTip(f"{preset.name}\nModel: {preset.model or '(none)'}")
            if preset.name == keep:
                self.list.setCurrentItem(item)
        self._refreshing = False
        self.versions.show_preset(self.selected_name())
        self.empty_label.setVisible(self.list.count() == 0 and not self.filter_edit.text())
        self._update_buttons()
        if report:
            self.report_problem()

    def report_problem(self) -> None:
        """Emits `problem` once for what the store found wrong with the file (if anything)."""
        problem = self.store.take_problem()
        if problem:
            self.problem.emit(problem)

    def selected_name(self) -> str | None:
        item = self.list.currentItem()
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    def _show_versions(self) -> None:
        if not self._refreshing:
            self.versions.show_preset(self.selected_name())
            self.report_problem()  # a damaged versions file, moved aside while reading

    def _on_restored(self, preset: Preset) -> None:
        self.refresh(select=preset.name)
        self.restored.emit(preset)

    def _focus_first(self) -> None:
        """Down in the filter goes on into the list, as in a launcher's search box."""
        if self.list.count():
            if self.list.currentRow() < 0:
                self.list.setCurrentRow(0)
            self.list.setFocus()

    def _load_match(self) -> None:
        """Enter in the filter loads the selected match, or the first one."""
        if not self.list.count():
            return
        if self.list.currentRow() < 0:
            self.list.setCurrentRow(0)
        self.load_selected()

    def _update_buttons(self) -> None:
        has = self.selected_name() is not None
        for button in (
            self.load_button,
            self.rename_button,
            self.duplicate_button,
            self.delete_button,
        ):
            button.setEnabled(has)

    # -- actions ---------------------------------------------------------------

    def load_selected(self) -> None:
        name = self.selected_name()
        preset = self.store.get(name) if name else None
        if preset is not None:
            self.load_requested.emit(preset)

    def ask_save_as(self, suggested: str = "") -> None:
        self._ask_name(
            "Save as preset",
            "Name of the new preset:",
            suggested or self.selected_name() or "",
            self.save_as,
        )

    def save_as(self, name: str, *, replace_existing: bool = False) -> Preset | None:
        """Saves the editors as `name`; an existing preset is replaced only after asking."""
        existing = self.store.get(name)
        if existing is not None and not replace_existing:
            confirm_box(
                self,
                "Replace preset?",
                f"A preset named “{existing.name}” already exists. Replace it with what is "
                "in the editors now?",
                lambda: self.save_as(name, replace_existing=True),
            )
            return None
        try:
            preset = self.store.save(self._snapshot(name))
        except (PresetError, ValueError, OSError) as exc:
            self.problem.emit(_sentence(exc))
            return None
        self.refresh(select=preset.name)
        self.message.emit(f"Saved preset “{preset.name}”.")
        self.saved.emit(preset)
        return preset

    def ask_rename(self) -> None:
        old = self.selected_name()
        if old is None:
            return
        self._ask_name(
            "Rename preset", f"New name for “{old}”:", old, lambda new: self.rename(old, new)
        )

    def rename(self, old: str, new: str) -> None:
        try:
            preset = self.store.rename(old, new)
        except (PresetError, ValueError, OSError) as exc:
            self.problem.emit(_sentence(exc))
            return
        self.refresh(select=preset.name)
        self.renamed.emit(old, preset.name)
        self.message.emit(f"Renamed “{old}” to “{preset.name}”.")

    def duplicate_selected(self) -> None:
        name = self.selected_name()
        if name is None:
            return
        try:
            copy = self.store.duplicate(name)
        except (PresetError, OSError) as exc:
            self.problem.emit(_sentence(exc))
            return
        self.refresh(select=copy.name)
        self.message.emit(f"Duplicated as “{copy.name}”.")

    def delete_selected(self) -> None:
        name = self.selected_name()
        if name is None:
            return
        try:
            self._deleted = self.store.delete(name)
        except (PresetError, OSError) as exc:
            self.problem.emit(_sentence(exc))
            return
        self.refresh()
        self.deleted.emit(self._deleted.name)
        self.undo_label.setText(f"Deleted “{safe_for_display(name)}”.")
        self._show_undo(True)
        self.message.emit(f"Deleted preset “{name}”. Undo is in the Presets panel.")

    def undo_delete(self) -> None:
        deleted, self._deleted = self._deleted, None
        self._show_undo(False)
        if deleted is None:
            return
        if self.store.get(deleted.name) is not None:
            # The name was taken again meanwhile: restore beside it, never over it.
            taken = {name_key(p.name) for p in self.store.list()}
            deleted = replace(deleted, name=unique_name(deleted.name, taken, "restored"))
        try:
            self.store.save(deleted, touch=False)
        except (PresetError, OSError) as exc:
            self.problem.emit(_sentence(exc))
            return
        self.refresh(select=deleted.name)
        self.message.emit(f"Restored preset “{deleted.name}”.")

    def _show_undo(self, visible: bool) -> None:
        self.undo_label.setVisible(visible)
        self.undo_button.setVisible(visible)

    def _ask_name(
        self, title: str, label: str, value: str, accept: Callable[[str], object]
    ) -> None:
        dialog = QInputDialog(self)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setTextValue(value)
        dialog.setAccessibleName(title)
        dialog.textValueSelected.connect(lambda text: accept(text) if text.strip() else None)
        dialog.finished.connect(dialog.deleteLater)
        self._dialog = dialog
        dialog.open()


def _sentence(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return f"The presets file could not be written ({exc.strerror or exc})."
    return str(exc)
