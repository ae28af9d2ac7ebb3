"""Presets in and out of the app as files: export all or one, import with a choice on clashes.

Kept apart from the library's docks: it is about files and their failures (a FIFO, a full
disk, a malformed export), not about what the editors hold.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from zerogpu_desktop.safe_text import safe_for_display
from zerogpu_desktop.storage.presets.store import (
    ConflictPolicy,
    PresetError,
    PresetFileReadError,
    PresetFormatError,
    PresetStore,
    read_import_file,
)
from zerogpu_desktop.ui.controls import OpenDialogs
from zerogpu_desktop.ui.presets_panel import PresetsPanel

#: Names of clashing presets listed in the question before "and N more".
LISTED_CLASHES = 5


class PresetTransfer(QObject):
    """Export and import of presets, each ending in one status line or one problem sentence.

    Signals:
        message(str): a sentence for the status bar.
        problem(str): a sentence for the error banner.
    """

    message = Signal(str)
    problem = Signal(str)

    def __init__(
        self,
        store: PresetStore,
        panel: PresetsPanel,
        dialogs: OpenDialogs,
        dialog_parent: QWidget,
    ) -> None:
        super().__init__(dialog_parent)
        self.store = store
        self._panel = panel
        self._dialogs = dialogs
        self._dialog_parent = dialog_parent

    def ask_export(self, *, selected_only: bool = False) -> None:
        """Asks where to export all presets, or only the one selected in the panel."""
        selected = self._panel.selected_name()
        if selected_only and selected is None:
            self.message.emit("Select a preset in the Presets panel first.")
            return
        names = [selected] if selected_only and selected is not None else None
        dialog = QFileDialog(self._dialog_parent, "Export presets")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilters(["ZeroGPU Desktop presets (*.json)"])
        dialog.setDefaultSuffix("json")
        dialog.selectFile(f"{selected if names else 'presets'}.json")
        dialog.fileSelected.connect(lambda path: self.export_to(Path(path), names))
        self._dialogs.open(dialog)

    def export_to(self, path: Path, names: list[str] | None = None) -> None:
        try:
            count = self.store.export_to_file(path, names)
        except (PresetError, OSError) as exc:
            self.problem.emit(f"The presets were not exported: {exc}")
            return
        self.message.emit(f"Exported {count} presets to {path}.")

    def ask_import(self) -> None:
        dialog = QFileDialog(self._dialog_parent, "Import presets")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilters(["ZeroGPU Desktop presets (*.json)", "All files (*)"])
        dialog.fileSelected.connect(lambda path: self.import_from(Path(path)))
        self._dialogs.open(dialog)

    def import_from(self, path: Path, on_conflict: ConflictPolicy | None = None) -> None:
        """Imports a file; when names clash and no policy was chosen, asks first."""
        try:
            batch = read_import_file(path)  # bounded: /dev/zero or a FIFO is refused at once
        except PresetFileReadError as exc:
            self.problem.emit(f"{exc} Check the file and its permissions.")
            return
        except PresetFormatError as exc:
            self.problem.emit(f"{path.name}: {exc}")
            return
        clashes = self.store.conflicting_names(batch)
        if clashes and on_conflict is None:
            self._ask_conflict(path, clashes)
            return
        try:
            report = self.store.import_presets(batch, on_conflict or "rename")
        except OSError as exc:
            self.problem.emit(
                f"Could not write the presets ({exc.strerror or exc}), so nothing was "
                "imported: free some disk space or check the data folder, then import again."
            )
            return
        self._panel.refresh()
        self.message.emit(report.summary())

    def _ask_conflict(self, path: Path, clashes: list[str]) -> None:
        names = ", ".join(f"“{safe_for_display(name)}”" for name in clashes[:LISTED_CLASHES])
        more = f" and {len(clashes) - LISTED_CLASHES} more" if len(clashes) > LISTED_CLASHES else ""
        box = QMessageBox(self._dialog_parent)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Presets with the same name")
        box.setAccessibleName("Presets with the same name")
        box.setTextFormat(Qt.TextFormat.PlainText)  # names from a file are not markup
        box.setText(f"These presets exist already: {names}{more}.")
        box.setInformativeText(
            "Keep both (the imported ones get a new name), replace yours, or skip them?"
        )
        keep = box.addButton("Keep both", QMessageBox.ButtonRole.AcceptRole)
        replace = box.addButton("Replace", QMessageBox.ButtonRole.DestructiveRole)
        skip = box.addButton("Skip", QMessageBox.ButtonRole.RejectRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(keep)
        choices: dict[object, ConflictPolicy] = {keep: "rename", replace: "replace", skip: "skip"}

        def finished(_result: int) -> None:
            policy = choices.get(box.clickedButton())
            if policy is not None:
                self.import_from(path, policy)
            box.deleteLater()

        box.finished.connect(finished)
        self._dialogs.open(box)
