"""The window's library: Presets, History and Usage docks, and what loading from them means.

Kept out of `main_window.py` so that file stays about the editors and a
run; this module is about the prompts and runs kept on disk. It talks
to the window only through its public editors, output and status bar.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLineEdit,
    QMessageBox,
    QToolButton,
    QWidget,
)

from zerogpu_desktop.api.models import Usage
from zerogpu_desktop.api.tokens import TruncationAssessment, estimate_tokens
from zerogpu_desktop.explain import Explanation
from zerogpu_desktop.safe_text import safe_for_display
from zerogpu_desktop.storage.history.types import RunRecord
from zerogpu_desktop.storage.presets.store import (
    ConflictPolicy,
    Preset,
    PresetError,
    PresetFileReadError,
    PresetFormatError,
    read_import_file,
)
from zerogpu_desktop.templating import find_variables, render
from zerogpu_desktop.ui.history_panel import HistoryPanel
from zerogpu_desktop.ui.outcome import PromptRequest
from zerogpu_desktop.ui.presets_panel import PresetsPanel
from zerogpu_desktop.ui.usage_view import UsageView
from zerogpu_desktop.ui.variables_dialog import VariablesDialog

if TYPE_CHECKING:
    from zerogpu_desktop.ui.main_window import MainWindow


class Library(QObject):
    """Owns the three docks and the loaded preset.

    Attributes:
        loaded_preset: the preset last loaded or saved, to tell unsaved changes.
    """

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.controller = window.controller
        self.loaded_preset: Preset | None = None
        self._variable_values: dict[str, str] = {}
        self._dialogs: list[QWidget] = []

        store = self.controller.services.preset_store
        self.presets = PresetsPanel(store, self.snapshot, window)
        self.history = HistoryPanel(None, window)
        self.usage = UsageView(None, window)
        # The docks exist from the window's first frame (see MainWindow); the panels
        # move in now, so nothing shifts on screen.
        self.presets_dock = self._fill(window.presets_dock, self.presets)
        self.history_dock = self._fill(window.history_dock, self.history)
        self.usage_dock = self._fill(window.usage_dock, self.usage)

        self.presets.load_requested.connect(self.load_preset)
        self.presets.saved.connect(self._on_preset_saved)
        self.presets.renamed.connect(self._on_preset_renamed)
        self.presets.deleted.connect(self._on_preset_deleted)
        self.presets.message.connect(window.status.set_state)
        self.presets.problem.connect(self._show_problem)
        self.presets.report_problem()  # a presets file found broken while the list filled
        self.history.open_requested.connect(self.open_run)
        self.history.rerun_requested.connect(self.rerun)
        self.history.message.connect(window.status.set_state)
        self.history.problem.connect(self._show_problem)
        self.history_dock.visibilityChanged.connect(self._on_history_visible)
        self.usage_dock.visibilityChanged.connect(self._on_usage_visible)
        self.controller.history_ready.connect(self._on_history_ready)
        self.controller.run_recorded.connect(self._on_run_recorded)
        self._create_actions()

    # -- construction -----------------------------------------------------------------

    @staticmethod
    def _fill(dock: QDockWidget, widget: QWidget) -> QDockWidget:
        placeholder = dock.widget()
        dock.setWidget(widget)
        if placeholder is not None:
            placeholder.deleteLater()
        _name_tool_buttons(dock, dock.windowTitle())
        return dock

    def _create_actions(self) -> None:
        window = self.window

        def action(text: str, shortcut: str, slot: Callable[[], object]) -> QAction:
            act = QAction(text, window)
            if shortcut:
                act.setShortcut(QKeySequence(shortcut))
                act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(slot)
            window.addAction(act)
            return act

        self.save_preset_action = action("Save &preset", "Ctrl+Shift+S", self.save_preset)
        self.import_action = action("&Import presets…", "", self.ask_import)
        self.export_action = action("&Export all presets…", "", self.ask_export)
        self.export_one_action = action(
            "Export the &selected preset…", "", lambda: self.ask_export(selected_only=True)
        )
        self.show_presets_action = action(
            "&Presets",
            "Ctrl+Shift+P",
            lambda: self._show(self.presets_dock, self.presets.filter_edit),
        )
        self.show_history_action = action(
            "&History", "Ctrl+H", lambda: self._show(self.history_dock, self.history.search_edit)
        )
        self.show_usage_action = action(
            "&Usage", "Ctrl+Shift+U", lambda: self._show(self.usage_dock, self.usage.table)
        )
        file_menu = window.file_menu
        first = file_menu.actions()[0]
        file_menu.insertAction(first, self.save_preset_action)
        file_menu.insertAction(first, self.import_action)
        file_menu.insertAction(first, self.export_one_action)
        file_menu.insertAction(first, self.export_action)
        file_menu.insertSeparator(first)
        view_menu = window.view_menu
        view_menu.addSeparator()
        for act in (self.show_presets_action, self.show_history_action, self.show_usage_action):
            view_menu.addAction(act)

    def _show(self, dock: QDockWidget, focus: QWidget) -> None:
        dock.show()
        dock.raise_()
        focus.setFocus()

    def _show_problem(self, text: str) -> None:
        self.window.banner.show_explanation(
            Explanation("Library problem", text, ""), offer_settings=False, severity="warn"
        )

    # -- presets -----------------------------------------------------------------------

    def snapshot(self, name: str) -> Preset:
        """The editors as a preset called `name`, keeping the remembered variable values."""
        window = self.window
        model = window.model_picker.model()
        base = self.loaded_preset
        return Preset(
            name=name,
            model=model,
            system_prompt=window.system_editor.text(),
            user_prompt=window.user_editor.text(),
            input_token_limit=window.model_picker.input_limit(),
            variables=self._values_for(
                window.system_editor.text(),
                window.user_editor.text(),
                dict(base.variables) if base is not None else dict(self._variable_values),
            ),
            created=base.created if base is not None and base.name == name else 0.0,
        )

    @staticmethod
    def _values_for(system: str, user: str, values: dict[str, str]) -> dict[str, str]:
        """Only the remembered values of variables these prompts actually use."""
        used = set(find_variables(system, user))
        return {name: value for name, value in values.items() if name in used}

    def load_preset(self, preset: Preset) -> None:
        window = self.window
        window.model_picker.set_model(preset.model)
        if preset.input_token_limit is not None:
            self.controller.set_input_limit(preset.model, preset.input_token_limit)
        window.system_editor.set_text(preset.system_prompt)
        window.user_editor.set_text(preset.user_prompt)
        self.loaded_preset = preset
        self.update_title()
        window.status.set_state(
            f"Loaded preset “{preset.name}”. Ctrl+Z in an editor brings back what was there."
        )
        window.user_editor.editor.setFocus()

    def save_preset(self) -> None:
        """Saves over the loaded preset, or asks for a name when none is loaded."""
        if self.loaded_preset is None:
            self._show(self.presets_dock, self.presets.list)
            self.presets.ask_save_as()
            return
        self.presets.save_as(self.loaded_preset.name, replace_existing=True)

    def _on_preset_saved(self, preset: Preset) -> None:
        self.loaded_preset = preset
        self.update_title()

    def _on_preset_renamed(self, old: str, new: str) -> None:
        if self.loaded_preset is not None and self.loaded_preset.name == old:
            self.loaded_preset = self.controller.services.preset_store.get(new)
            self.update_title()

    def _on_preset_deleted(self, name: str) -> None:
        """The editors keep their text, but it no longer belongs to a preset."""
        if self.loaded_preset is not None and self.loaded_preset.name == name:
            self.loaded_preset = None
            self.update_title()

    def has_unsaved_changes(self) -> bool:
        preset = self.loaded_preset
        if preset is None:
            return False
        current = self.snapshot(preset.name)
        if preset.input_token_limit is None:
            # A preset without a limit uses whatever the model has in Settings: not an edit.
            current = replace(current, input_token_limit=None)
        return not preset.same_content(current)

    def update_title(self) -> None:
        preset = self.loaded_preset
        title = "ZeroGPU Desktop"
        if preset is None:
            self.window.preset_label.setText("")
            self.window.setWindowTitle(title)
            return
        dirty = self.has_unsaved_changes()
        self.window.setWindowTitle(f"{preset.name}{' *' if dirty else ''} — {title}")
        self.window.preset_label.setText(
            f"Preset: <b>{_escape(preset.name)}</b>{' (unsaved changes)' if dirty else ''}"
        )
        self.window.preset_label.setAccessibleDescription(
            f"Preset {preset.name}{', unsaved changes' if dirty else ''}"
        )

    # -- import / export ------------------------------------------------------------------

    def ask_export(self, *, selected_only: bool = False) -> None:
        """Asks where to export all presets, or only the one selected in the panel."""
        selected = self.presets.selected_name()
        if selected_only and selected is None:
            self.window.status.set_state("Select a preset in the Presets panel first.")
            return
        names = [selected] if selected_only and selected is not None else None
        dialog = QFileDialog(self.window, "Export presets")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilters(["ZeroGPU Desktop presets (*.json)"])
        dialog.setDefaultSuffix("json")
        dialog.selectFile(f"{selected if names else 'presets'}.json")
        dialog.fileSelected.connect(lambda path: self.export_to(Path(path), names))
        self._open(dialog)

    def export_to(self, path: Path, names: list[str] | None = None) -> None:
        store = self.controller.services.preset_store
        try:
            count = store.export_to_file(path, names)
        except (PresetError, OSError) as exc:
            self._show_problem(f"The presets were not exported: {exc}")
            return
        self.window.status.set_state(f"Exported {count} presets to {path}.")

    def ask_import(self) -> None:
        dialog = QFileDialog(self.window, "Import presets")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilters(["ZeroGPU Desktop presets (*.json)", "All files (*)"])
        dialog.fileSelected.connect(lambda path: self.import_from(Path(path)))
        self._open(dialog)

    def import_from(self, path: Path, on_conflict: ConflictPolicy | None = None) -> None:
        """Imports a file; when names clash and no policy was chosen, asks first."""
        store = self.controller.services.preset_store
        try:
            batch = read_import_file(path)  # bounded: /dev/zero or a FIFO is refused at once
        except PresetFileReadError as exc:
            self._show_problem(f"{exc} Check the file and its permissions.")
            return
        except PresetFormatError as exc:
            self._show_problem(f"{path.name}: {exc}")
            return
        clashes = store.conflicting_names(batch)
        if clashes and on_conflict is None:
            self._ask_conflict(path, clashes)
            return
        try:
            report = store.import_presets(batch, on_conflict or "rename")
        except OSError as exc:
            self._show_problem(
                f"Could not write the presets ({exc.strerror or exc}), so nothing was "
                "imported: free some disk space or check the data folder, then import again."
            )
            return
        self.presets.refresh()
        self.window.status.set_state(report.summary())

    def _ask_conflict(self, path: Path, clashes: list[str]) -> None:
        names = ", ".join(f"“{safe_for_display(name)}”" for name in clashes[:5])
        more = f" and {len(clashes) - 5} more" if len(clashes) > 5 else ""
        box = QMessageBox(self.window)
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
        self._open(box)

    def _open(self, dialog: QWidget) -> None:
        # A finished dialog deletes itself (deleteLater): its wrapper must not be touched.
        self._dialogs = [d for d in self._dialogs if shiboken6.isValid(d) and d.isVisible()]
        self._dialogs.append(dialog)
        dialog.open()  # type: ignore[attr-defined]

    # -- variables and sending -----------------------------------------------------------

    def send_with_variables(
        self, request: PromptRequest, send: Callable[[PromptRequest], object]
    ) -> None:
        """Fills `{{variables}}` (asking for their values) and then sends.

        Escaped braces (`\\{{`) are unescaped even when there are no variables.
        """
        names = find_variables(request.system_prompt, request.user_prompt)
        preset_name = self.loaded_preset.name if self.loaded_preset else None
        if not names:
            send(self._filled(request, {}, preset_name))
            return
        remembered = dict(self._variable_values)
        if self.loaded_preset is not None:
            remembered.update(self.loaded_preset.variables)
        dialog = VariablesDialog(names, remembered, self.window)

        def submitted(values: dict[str, str]) -> None:
            self._variable_values.update(values)
            self._remember(values)
            send(self._filled(request, values, preset_name))

        dialog.submitted.connect(submitted)
        dialog.finished.connect(dialog.deleteLater)
        self._open(dialog)

    @staticmethod
    def _filled(
        request: PromptRequest, values: dict[str, str], preset: str | None
    ) -> PromptRequest:
        return PromptRequest(
            request.model,
            render(request.system_prompt, values),
            render(request.user_prompt, values),
            preset,
        )

    def _remember(self, values: dict[str, str]) -> None:
        preset = self.loaded_preset
        if preset is None or self.controller.services.preset_store.get(preset.name) is None:
            return
        # Remembering values is a convenience; the send goes ahead without it.
        with contextlib.suppress(PresetError, OSError):
            self.loaded_preset = self.controller.services.preset_store.remember_variables(
                preset.name, values
            )

    # -- history --------------------------------------------------------------------------

    def _on_history_ready(self) -> None:
        store = self.controller.history
        self.history.set_store(store)
        self.usage.set_store(store)
        if not self.history_dock.visibleRegion().isEmpty():
            self.history.ensure_loaded()

    def _on_history_visible(self, visible: bool) -> None:
        if visible:
            self.controller.open_history()
            self.history.ensure_loaded()

    def _on_usage_visible(self, visible: bool) -> None:
        if visible and self.controller.open_history() is not None:
            problem = self.usage.refresh()
            if problem:
                self._show_problem(problem)

    def _on_run_recorded(self, _run_id: int) -> None:
        self.history.refresh_if_loaded()
        # isVisible() is also true behind another tab; the tab's visibilityChanged refreshes.
        if not self.usage.visibleRegion().isEmpty():
            self.usage.refresh()

    def open_run(self, record: RunRecord) -> None:
        """Puts a run back: its prompts in the editors, its answer and figures on screen."""
        window = self.window
        window.model_picker.set_model(record.model)
        # The run holds the text as sent; written back with `\{{`, sending it again from
        # the editors (or Run again) sends exactly that, not a form for its "variables".
        window.system_editor.set_text(_literal(record.system_prompt))
        window.user_editor.set_text(_literal(record.user_prompt))
        window.output.set_text(record.answer)
        if record.usage is not None:
            window.status.set_usage(record.usage)
        else:
            window.status.set_usage(None if not record.failed else Usage(0, 0, 0))
            if record.failed:
                window.status.clear_usage()
        if record.truncation_status is not None:
            window.status.set_truncation(
                TruncationAssessment(
                    record.truncation_status,
                    record.truncation_note or "",
                    estimate_tokens(record.system_prompt + record.user_prompt),
                    record.input_tokens,
                )
            )
        else:
            window.status.set_truncation(None)
        when = record.error_title or "answered"
        window.status.set_state(f"Opened run {record.id} ({when}) from the history.")
        self.loaded_preset = None
        self.update_title()

    def rerun(self, record: RunRecord) -> None:
        self.open_run(record)
        self.window.send()


def _name_tool_buttons(dock: QDockWidget, title: str) -> None:
    """Qt's own small buttons (dock close/float, line-edit clear) come without names."""
    for button in dock.findChildren(QToolButton):
        if button.accessibleName():
            continue
        if button.objectName() == "qt_dockwidget_closebutton":
            button.setAccessibleName(f"Close the {title} panel")
        elif button.objectName() == "qt_dockwidget_floatbutton":
            button.setAccessibleName(f"Detach the {title} panel")
        elif isinstance(button.parent(), QLineEdit):
            button.setAccessibleName("Clear")


_BRACES = re.compile(r"(\\*)\{\{")


def _literal(text: str) -> str:
    """`text` escaped so that `render(_literal(text), {})` gives back `text` exactly."""
    return _BRACES.sub(lambda match: match.group(1) * 2 + "\\{{", text)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
