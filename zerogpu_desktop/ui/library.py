"""The window's library: Presets, History and Usage docks, and what loading from them means.

The library reads and replaces what the editors hold only through `PromptEditing`, and tells
the window what to show through its signals; it never touches the window's widgets, so the
window and the library do not import each other.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QWidget

from zerogpu_desktop.storage.history.types import RunRecord
from zerogpu_desktop.storage.presets.store import Preset, PresetError, PresetStore
from zerogpu_desktop.templating import find_variables
from zerogpu_desktop.ui.controls import OpenDialogs
from zerogpu_desktop.ui.docks import name_tool_buttons
from zerogpu_desktop.ui.editors import PromptEditing
from zerogpu_desktop.ui.history_panel import HistoryPanel
from zerogpu_desktop.ui.history_service import HistoryService
from zerogpu_desktop.ui.preset_transfer import PresetTransfer
from zerogpu_desktop.ui.presets_panel import PresetsPanel
from zerogpu_desktop.ui.settings_holder import SettingsHolder
from zerogpu_desktop.ui.usage_view import UsageView
from zerogpu_desktop.ui.variables_dialog import VariablesDialog
from zerogpu_desktop.workbench.spec import PromptSpec


@dataclass(frozen=True, slots=True)
class LibraryDocks:
    """The docks the window made for its first frame; the library's panels move into them."""

    presets: QDockWidget
    history: QDockWidget
    usage: QDockWidget


class Library(QObject):
    """Owns the three panels, the loaded preset and the variable values typed this session.

    Signals:
        message(str): a sentence for the status bar.
        problem(str): a sentence for the warning banner.
        preset_shown(object, bool): the loaded preset's name (or None) and whether the
            editors hold unsaved changes to it; the window shows it in its title.
        run_opened(RunRecord): a run from the history is back in the editors; the window
            shows its answer and figures.
        send_requested(): "Run again" wants the editors sent.
        variables_known(frozenset): the variables that have a value now (typed this
            session or kept in the loaded preset); the editors mark the others.
        last_run_found(RunRecord): the newest run, once the history is open at start-up;
            the window shows its answer unless something newer is on screen.

    Attributes:
        loaded_preset: the preset last loaded or saved, to tell unsaved changes.
        actions: the library's menu actions by menu ("file", "view"), in order.
    """

    message = Signal(str)
    problem = Signal(str)
    preset_shown = Signal(object, bool)
    run_opened = Signal(object)
    send_requested = Signal()
    variables_known = Signal(object)
    last_run_found = Signal(object)

    def __init__(
        self,
        editors: PromptEditing,
        docks: LibraryDocks,
        preset_store: PresetStore,
        history: HistoryService,
        settings: SettingsHolder,
        dialog_parent: QWidget,
    ) -> None:
        super().__init__(dialog_parent)
        self._editors = editors
        self._history_service = history
        self._settings = settings
        self._dialog_parent = dialog_parent
        self.preset_store = preset_store
        self.loaded_preset: Preset | None = None
        self._variable_values: dict[str, str] = {}
        self._dialogs = OpenDialogs()
        self._told_last_run = False

        self.presets = PresetsPanel(preset_store, self.snapshot, dialog_parent)
        self.history = HistoryPanel(None, dialog_parent)
        self.history.use_service(history)
        self.history.set_presets(preset_store)
        self.usage = UsageView(None, dialog_parent)
        self.transfer = PresetTransfer(preset_store, self.presets, self._dialogs, dialog_parent)
        # The docks exist from the window's first frame; the panels move in now, so nothing
        # shifts on screen.
        self.presets_dock = _fill(docks.presets, self.presets)
        self.history_dock = _fill(docks.history, self.history)
        self.usage_dock = _fill(docks.usage, self.usage)

        self.presets.load_requested.connect(self.load_preset)
        self.presets.saved.connect(self._on_preset_saved)
        self.presets.renamed.connect(self._on_preset_renamed)
        self.presets.deleted.connect(self._on_preset_deleted)
        self.presets.restored.connect(self._on_preset_restored)
        for changed in (self.presets.saved, self.presets.renamed, self.presets.deleted):
            changed.connect(lambda *_: self.history.refresh_if_loaded())  # its preset filter
        for source in (self.presets, self.history, self.transfer):
            source.message.connect(self.message.emit)
            source.problem.connect(self.problem.emit)
        self.history.open_requested.connect(self.open_run)
        self.history.rerun_requested.connect(self.rerun)
        self.history_dock.visibilityChanged.connect(self._on_history_visible)
        self.usage_dock.visibilityChanged.connect(self._on_usage_visible)
        history.ready.connect(self._on_history_ready)
        self.actions = self._create_actions()

    def start(self) -> None:
        """Tells what was found at start-up, once the window listens to the signals."""
        self.presets.report_problem()  # a presets file found broken while the list filled
        if self._history_service.store is not None:
            self._on_history_ready()
        self.update_title()

    # -- construction -----------------------------------------------------------------

    def _create_actions(self) -> dict[str, list[QAction]]:
        parent = self._dialog_parent

        def action(text: str, shortcut: str, slot: Callable[[], object]) -> QAction:
            act = QAction(text, parent)
            if shortcut:
                act.setShortcut(QKeySequence(shortcut))
                act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(slot)
            parent.addAction(act)
            return act

        self.save_preset_action = action("Save &preset", "Ctrl+Shift+S", self.save_preset)
        self.import_action = action("&Import presets…", "", self.transfer.ask_import)
        self.export_action = action("&Export all presets…", "", self.transfer.ask_export)
        self.export_one_action = action(
            "Export the &selected preset…",
            "",
            lambda: self.transfer.ask_export(selected_only=True),
        )
        self.show_presets_action = action(
            "&Presets",
            "Ctrl+Shift+P",
            lambda: _show(self.presets_dock, self.presets.filter_edit),
        )
        self.show_history_action = action(
            "&History", "Ctrl+H", lambda: _show(self.history_dock, self.history.search_edit)
        )
        self.show_usage_action = action(
            "&Usage", "Ctrl+Shift+U", lambda: _show(self.usage_dock, self.usage.table)
        )
        return {
            "file": [
                self.save_preset_action,
                self.import_action,
                self.export_one_action,
                self.export_action,
            ],
            "view": [self.show_presets_action, self.show_history_action, self.show_usage_action],
        }

    # -- presets -----------------------------------------------------------------------

    def snapshot(self, name: str) -> Preset:
        """The editors as a preset called `name`, keeping the remembered variable values."""
        spec = self._editors.spec()
        base = self.loaded_preset
        return Preset(
            name=name,
            model=spec.model,
            system_prompt=spec.system_prompt,
            user_prompt=spec.user_prompt,
            input_token_limit=spec.input_limit,
            response_format=spec.response_format or "text",
            variables=_values_for(
                spec, dict(base.variables) if base is not None else dict(self._variable_values)
            ),
            created=base.created if base is not None and base.name == name else 0.0,
        )

    def load_preset(self, preset: Preset, *, focus: bool = True) -> None:
        if preset.input_token_limit is not None:
            self._settings.set_input_limit(preset.model, preset.input_token_limit)
        self._editors.load(
            PromptSpec(
                preset.model,
                preset.system_prompt,
                preset.user_prompt,
                response_format=preset.response_format,
            )
        )
        self.loaded_preset = preset
        self.update_title()
        self._tell_known_variables()
        self.message.emit(
            f"Loaded preset “{preset.name}”. Ctrl+Z in an editor brings back what was there."
        )
        if focus:
            self._editors.focus_prompt()

    def save_preset(self) -> None:
        """Saves over the loaded preset, or asks for a name when none is loaded."""
        if self.loaded_preset is None:
            _show(self.presets_dock, self.presets.list)
            self.presets.ask_save_as()
            return
        self.presets.save_as(self.loaded_preset.name, replace_existing=True)

    def _on_preset_restored(self, preset: Preset) -> None:
        """The loaded preset restored to an old version: the editors show what it holds now,
        or a save would make the replaced text current again. The keyboard stays in the
        versions list; Ctrl+Z in an editor brings back what was there."""
        loaded = self.loaded_preset
        if loaded is not None and loaded.preset_id == preset.preset_id:
            self.load_preset(preset, focus=False)

    def _on_preset_saved(self, preset: Preset) -> None:
        self.loaded_preset = preset
        self.update_title()

    def _on_preset_renamed(self, old: str, new: str) -> None:
        if self.loaded_preset is not None and self.loaded_preset.name == old:
            self.loaded_preset = self.preset_store.get(new)
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

    def swap_loaded_preset(self, preset: Preset | None) -> Preset | None:
        """Makes `preset` the loaded one (None: none) and returns the one it replaces.

        New prompt drops the association and its undo puts it back; a preset deleted in
        between is not brought back.
        """
        previous = self.loaded_preset
        if preset is not None and self.preset_store.get(preset.name) is None:
            preset = None
        self.loaded_preset = preset
        self.update_title()
        return previous

    def update_title(self) -> None:
        preset = self.loaded_preset
        self.preset_shown.emit(
            None if preset is None else preset.name,
            preset is not None and self.has_unsaved_changes(),
        )

    # -- variables and sending -----------------------------------------------------------

    def send_with_variables(self, spec: PromptSpec, send: Callable[[PromptSpec], object]) -> None:
        """Asks for the values of any `{{variables}}`, then sends the spec with them."""
        preset = self.loaded_preset
        if preset is not None:
            # Edited prompts came from no stored version: the run names the preset only.
            edited = self.has_unsaved_changes()
            spec = replace(
                spec,
                preset_name=preset.name,
                preset_id=preset.preset_id or None,
                preset_version=None if edited or not preset.version else preset.version,
            )
        names = spec.variable_names()
        if not names:
            send(spec)
            return
        remembered = dict(self._variable_values)
        if preset is not None:
            remembered.update(preset.variables)
        remembered.update(spec.variables)  # values the caller already has (Compare's preset)
        dialog = VariablesDialog(names, remembered, self._dialog_parent)

        def submitted(values: dict[str, str]) -> None:
            self._variable_values.update(values)
            self._remember(values)
            self._tell_known_variables()
            send(spec.with_variables(values))

        dialog.submitted.connect(submitted)
        dialog.finished.connect(dialog.deleteLater)
        self._dialogs.open(dialog)

    def _tell_known_variables(self) -> None:
        preset = self.loaded_preset
        known = set(self._variable_values) | (set(preset.variables) if preset else set())
        self.variables_known.emit(frozenset(known))

    def _remember(self, values: dict[str, str]) -> None:
        preset = self.loaded_preset
        if preset is None or self.preset_store.get(preset.name) is None:
            return
        # Remembering values is a convenience; the send goes ahead without it.
        with contextlib.suppress(PresetError, OSError):
            self.loaded_preset = self.preset_store.remember_variables(preset.name, values)

    # -- history --------------------------------------------------------------------------

    def _on_history_ready(self) -> None:
        store = self._history_service.store
        self.history.set_store(store)
        self.usage.set_store(store)
        if not self.history_dock.visibleRegion().isEmpty():
            self.history.ensure_loaded()
        if not self._told_last_run:
            self._told_last_run = True
            latest = self._history_service.latest_run()
            if latest is not None:
                self.last_run_found.emit(latest)

    def _on_history_visible(self, visible: bool) -> None:
        if visible:
            self._history_service.open()
            self.history.ensure_loaded()

    def _on_usage_visible(self, visible: bool) -> None:
        if visible and self._history_service.open() is not None:
            problem = self.usage.refresh()
            if problem:
                self.problem.emit(problem)

    def on_run_recorded(self, _run_id: int) -> None:
        self.history.refresh_if_loaded()
        # isVisible() is also true behind another tab; the tab's visibilityChanged refreshes.
        if not self.usage.visibleRegion().isEmpty():
            self.usage.refresh()

    def open_run(self, record: RunRecord) -> None:
        """Puts a run back: its prompts in the editors; the window shows its answer."""
        # The run holds the text as sent; written back with `\{{`, sending it again from
        # the editors (or Run again) sends exactly that, not a form for its "variables".
        self._editors.load(
            PromptSpec(record.model, _literal(record.system_prompt), _literal(record.user_prompt))
        )
        self.run_opened.emit(record)
        self.loaded_preset = None
        self.update_title()
        self._tell_known_variables()

    def rerun(self, record: RunRecord) -> None:
        self.open_run(record)
        self.send_requested.emit()


def _values_for(spec: PromptSpec, values: dict[str, str]) -> dict[str, str]:
    """Only the remembered values of variables these prompts actually use."""
    used = set(find_variables(spec.system_prompt, spec.user_prompt))
    return {name: value for name, value in values.items() if name in used}


def _show(dock: QDockWidget, focus: QWidget) -> None:
    dock.show()
    dock.raise_()
    focus.setFocus()


def _fill(dock: QDockWidget, widget: QWidget) -> QDockWidget:
    placeholder = dock.widget()
    dock.setWidget(widget)
    if placeholder is not None:
        placeholder.deleteLater()
    name_tool_buttons(dock, dock.windowTitle())
    return dock


_BRACES = re.compile(r"(\\*)\{\{")


def _literal(text: str) -> str:
    """`text` escaped so that `render(_literal(text), {})` gives back `text` exactly."""
    return _BRACES.sub(lambda match: match.group(1) * 2 + "\\{{", text)
