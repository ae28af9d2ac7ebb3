"""The main window: model, prompts, Send, Output, and a status bar that tells the truth.

The window lays out the widgets and wires them to the window's working parts
(`WindowSession`); what a run shows, the Settings round trip, the draft and the layout each
live in a module of their own.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from zerogpu_desktop.api.tokens import estimate_tokens
from zerogpu_desktop.explain import Explanation
from zerogpu_desktop.storage import Settings
from zerogpu_desktop.ui.adaptive_row import AdaptiveRow, ElidedLabel
from zerogpu_desktop.ui.compare_entry import compare_key, compare_window_of
from zerogpu_desktop.ui.demo_mode import DemoMode
from zerogpu_desktop.ui.docks import create_library_docks
from zerogpu_desktop.ui.editors import EditorSet
from zerogpu_desktop.ui.error_banner import ErrorBanner, escape_markup
from zerogpu_desktop.ui.model_picker import ModelPicker
from zerogpu_desktop.ui.new_prompt import NewPrompt
from zerogpu_desktop.ui.output_view import OutputView
from zerogpu_desktop.ui.prompt_editor import PromptEditor
from zerogpu_desktop.ui.request_copy import RequestCopier
from zerogpu_desktop.ui.run_display import RunDisplay
from zerogpu_desktop.ui.session import WindowSession
from zerogpu_desktop.ui.settings_flow import SettingsFlow
from zerogpu_desktop.ui.status_bar import RunStatusBar
from zerogpu_desktop.ui.window_actions import (
    WindowActions,
    apply_window_theme,
    create_window_actions,
)
from zerogpu_desktop.ui.window_state import DraftKeeper, restore_layout, save_layout
from zerogpu_desktop.ui.window_title import window_title

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent
    from PySide6.QtWidgets import QDialog

    from zerogpu_desktop.ui.compare_window import CompareWindow
    from zerogpu_desktop.ui.evaluate_panel import EvaluatePanel
    from zerogpu_desktop.ui.library import Library
    from zerogpu_desktop.workbench.spec import PromptSpec


class MainWindow(QMainWindow, WindowActions):
    """Widgets and their wiring; every decision is the session's parts'."""

    def __init__(
        self,
        session: WindowSession,
        parent: QWidget | None = None,
        *,
        defer_library: bool = False,
    ) -> None:
        """Builds the window.

        Args:
            session: the key, settings, history and runs this window works with.
            parent: the Qt parent, if any.
            defer_library: leave the Presets/History/Usage panels empty until
                `attach_library()`; the app does this so the first frame comes sooner.
        """
        super().__init__(parent)
        self.library: Library | None = None
        self.evaluate: EvaluatePanel | None = None
        self.compare_window: CompareWindow | None = None
        self.session = session
        self.setWindowTitle(window_title())
        self.setObjectName("mainWindow")

        self.model_picker = ModelPicker(self)
        self.settings_button = QPushButton("Settings…", self)
        self.settings_button.setAccessibleName("Settings")
        self.settings_button.setToolTip("API key, project, base URL, timeouts (Ctrl+,)")
        self.banner = ErrorBanner(self)
        self.system_editor = PromptEditor(
            "S&ystem prompt", "System prompt", "Optional: how the model should behave", self
        )
        self.user_editor = PromptEditor(
            "&User prompt", "User prompt", "What you want to ask. Ctrl+Enter sends.", self
        )
        self.send_button = QPushButton("Send", self)
        self.send_button.setAccessibleName("Send")
        self.send_button.setDefault(False)
        self.send_button.setMinimumWidth(110)
        self.send_hint = ElidedLabel("Ctrl+Enter to send · Esc to cancel", self)
        self.send_hint.setEnabled(False)
        self.output = OutputView(self)
        self.status = RunStatusBar(self)
        self.setStatusBar(self.status)

        self.prompt_splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.prompt_splitter.setObjectName("promptSplitter")
        self.prompt_splitter.addWidget(self.system_editor)
        self.prompt_splitter.addWidget(self.user_editor)
        self.prompt_splitter.setStretchFactor(0, 1)
        self.prompt_splitter.setStretchFactor(1, 2)
        self.prompt_splitter.setChildrenCollapsible(False)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.prompt_splitter, 1)
        send_row = QHBoxLayout()
        send_row.addWidget(self.send_hint, 1)
        send_row.addWidget(self.send_button)
        left_layout.addLayout(send_row)

        self.main_splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.main_splitter.setObjectName("mainSplitter")
        self.main_splitter.addWidget(left)
        self.main_splitter.addWidget(self.output)
        self.main_splitter.setStretchFactor(0, 1)
        self.main_splitter.setStretchFactor(1, 1)
        self.main_splitter.setChildrenCollapsible(False)

        self.preset_label = QLabel("", self)
        self.preset_label.setAccessibleName("Loaded preset")
        # A long preset name must not widen the window past the screen: it is clipped.
        self.preset_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.preset_label.setMinimumWidth(0)
        beside_model = QWidget(self)
        beside_layout = QHBoxLayout(beside_model)
        beside_layout.setContentsMargins(0, 0, 0, 0)
        beside_layout.setSpacing(12)
        beside_layout.addWidget(self.preset_label, 1)
        beside_layout.addWidget(self.settings_button)
        # In a narrow window the preset and Settings go to a line under the model row.
        self.top_row = AdaptiveRow(self.model_picker, beside_model, self)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(12, 10, 12, 6)
        layout.setSpacing(8)
        layout.addWidget(self.top_row)
        layout.addWidget(self.banner)
        layout.addWidget(self.main_splitter, 1)
        self.setCentralWidget(central)

        self.editors = EditorSet(self.model_picker, self.system_editor, self.user_editor, self)
        self._drafts = DraftKeeper(session.services.draft_store, self.editors, self.status)
        self._create_actions()
        self.presets_dock, self.history_dock, self.usage_dock = create_library_docks(self)
        self.run_display = RunDisplay(
            self.send_button,
            self.send_action,
            self.cancel_action,
            self.status,
            self.output,
            self.banner,
            self.model_picker.model,
        )
        self.settings_flow = SettingsFlow(
            session.settings,
            session.keys,
            session.tasks,
            self.banner,
            self.status,
            self,
            overrides=session.services.overrides,
        )
        self.demo_mode = DemoMode(
            session.runs, self.settings_flow, self.status, self.banner, self.model_picker, self
        )
        self.view_menu.addSeparator()
        self.view_menu.addAction(self.demo_mode.action)
        if not defer_library:
            self.attach_library()
        self._connect()
        self._apply_settings(session.settings.current)
        draft_problem = self._drafts.restore(session.settings.current.last_model)
        self.demo_mode.start()
        self.update_estimate()
        layout_problem = restore_layout(
            self, session.services.ui_state, self.presets_dock, self._splitters()
        )
        self.user_editor.editor.setFocus()
        problems = [
            problem
            for problem in (
                session.settings.load_problem,
                draft_problem,
                layout_problem,
                session.calibration_problem,
            )
            if problem
        ]
        if problems:
            self.banner.warn("A file was damaged", " ".join(problems))

    # -- construction --------------------------------------------------------

    def _create_actions(self) -> None:
        """The menus and their keys live in `window_actions`; this window keeps the actions."""
        self.new_prompt = NewPrompt(self.editors, lambda: self.library, self)
        self.new_prompt.message.connect(self.status.set_state)
        self.request_copier = RequestCopier(
            self.editors,
            self.attach_library,
            lambda: self.session.runs.connection().base_url,
            self,
        )
        self.request_copier.copied.connect(self.status.set_state)
        self.request_copier.refused.connect(
            lambda words: self.banner.show_explanation(words, offer_settings=False)
        )
        self.help_dialogs: dict[str, QDialog] = {}
        create_window_actions(self, self.session.services.data_dir)

    def attach_library(self) -> Library:
        """Fills the docks with the Presets, History and Usage panels (once)."""
        if self.library is None:
            from zerogpu_desktop.ui.library import Library, LibraryDocks

            session = self.session
            library = Library(
                self.editors,
                LibraryDocks(self.presets_dock, self.history_dock, self.usage_dock),
                session.services.preset_store,
                session.history,
                session.settings,
                self,
            )
            first = self.file_menu.actions()[0]
            for act in library.actions["file"]:
                self.file_menu.insertAction(first, act)
            self.file_menu.insertSeparator(first)
            self.view_menu.addSeparator()
            for act in library.actions["view"]:
                self.view_menu.addAction(act)
            library.message.connect(self.status.set_state)
            library.problem.connect(lambda text: self.banner.warn("Library problem", text))
            library.preset_shown.connect(self._show_preset)
            library.run_opened.connect(self.run_display.show_record)
            library.last_run_found.connect(self.run_display.show_last_answer)
            library.send_requested.connect(self.send)
            for editor in (self.system_editor, self.user_editor):
                library.variables_known.connect(editor.set_known_variables)
            self.editors.settled.connect(library.update_title)
            session.runs.run_recorded.connect(library.on_run_recorded)
            library.presets.compare_versions_requested.connect(self.compare_versions)
            self.library = library
            library.start()
        return self.library

    def _connect(self) -> None:
        session = self.session
        runs, display = session.runs, self.run_display
        runs.running_changed.connect(display.on_running_changed)
        runs.succeeded.connect(display.on_succeeded)
        runs.failed.connect(display.on_failed)
        runs.cancelled.connect(display.on_cancelled)
        runs.succeeded.connect(self.status.announce_outcome)
        runs.failed.connect(self.status.announce_outcome)
        runs.retrying.connect(display.on_retrying)
        session.settings.changed.connect(self._apply_settings)
        session.history.problem.connect(
            lambda text: self.banner.warn("Something needs attention", text)
        )
        self.send_button.clicked.connect(self._on_send_button)
        self.settings_button.clicked.connect(self.open_settings)
        self.banner.settings_requested.connect(self.open_settings)
        self.editors.settled.connect(self.update_estimate)
        self.model_picker.limit_changed.connect(self._on_limit_changed)
        self.model_picker.forget_requested.connect(self._forget_model)
        self.output.markdown_toggled.connect(self._on_markdown_toggled)
        self.output.enable_with_answer(self.save_output_action, self.copy_output_action)
        self.output.remember_folders_in(session.services.ui_state)
        self.output.saved.connect(lambda path: self.status.set_state(f"Saved to {path}"))
        self.output.save_failed.connect(
            lambda text: self.banner.show_explanation(
                Explanation("Not saved", text, "Choose another folder."), offer_settings=False
            )
        )

    def _splitters(self) -> dict[str, QSplitter]:
        return {"main_splitter": self.main_splitter, "prompt_splitter": self.prompt_splitter}

    def _show_preset(self, name: str | None, unsaved: bool) -> None:
        self.setWindowTitle(window_title(name, unsaved=unsaved))
        if name is None:
            self.preset_label.setText("")
            return
        self.preset_label.setText(
            f"Preset: <b>{escape_markup(name)}</b>{' (unsaved changes)' if unsaved else ''}"
        )
        self.preset_label.setAccessibleDescription(
            f"Preset {name}{', unsaved changes' if unsaved else ''}"
        )

    # -- drafts, layout, estimate ------------------------------------------------------

    def save_draft(self) -> None:
        """Writes the editors to disk now (Send, quit); a failure is shown, never raised."""
        self._drafts.save_now()

    def save_layout(self) -> None:
        save_layout(self, self.session.services.ui_state, self._splitters())

    def update_estimate(self) -> None:
        text = self.editors.text()
        model = self.model_picker.model()
        calibration = self.session.runs.token_calibration
        estimated = calibration.estimate(text, model) if text else estimate_tokens(text)
        self.status.set_estimate(estimated, self.model_picker.input_limit())

    def _forget_model(self, model: str) -> None:
        problem = self.session.settings.forget_model(model)
        self.status.set_state(problem or f"Forgot the model “{model}”.")

    def _on_limit_changed(self, model: str, limit: int) -> None:
        self.session.settings.set_input_limit(model, limit or None)
        self.update_estimate()

    def _on_markdown_toggled(self, enabled: bool) -> None:
        settings = self.session.settings.current
        if settings.markdown_output != enabled:
            self.session.settings.update(replace(settings, markdown_output=enabled))

    def _apply_settings(self, settings: Settings) -> None:
        apply_window_theme(self, settings.theme)
        self.model_picker.set_settings(settings)
        self.system_editor.set_monospace(settings.monospace_editors)
        self.user_editor.set_monospace(settings.monospace_editors)
        if self.output.markdown_toggle.isChecked() != settings.markdown_output:
            self.output.set_markdown_enabled(settings.markdown_output)

    # -- running -----------------------------------------------------------------

    def _on_send_button(self) -> None:
        if self.session.runs.is_running:
            self.cancel()
        else:
            self.send()

    def send(self) -> None:
        """Starts a run unless one is already running (a second Ctrl+Enter does nothing)."""
        if self.session.runs.is_running:
            return
        self.save_draft()
        self.banner.hide()
        self.attach_library().send_with_variables(self.editors.spec(), self._send_now)

    def _send_now(self, spec: PromptSpec) -> None:
        self.session.runs.send(spec)

    def cancel(self) -> None:
        """Esc: the run in flight; else the evaluation, when the keyboard is in its panel."""
        if not self.session.runs.cancel() and self.evaluate is not None:
            self.evaluate.cancel_if_focused()

    def open_settings(self) -> None:
        self.settings_flow.open()

    def show_evaluate(self) -> None:
        """Ctrl+E: the Evaluate panel, made the first time it is asked for."""
        if self.evaluate is None:
            from zerogpu_desktop.ui.evaluate_dock import EvaluateParts, create_evaluate_panel

            services = self.session.services
            presets = self.attach_library().preset_store
            parts = EvaluateParts(
                self.session, self.editors, presets, services.data_dir, services.ui_state
            )
            self.evaluate = create_evaluate_panel(self, parts)
        self.evaluate.show_and_focus()

    def show_compare(self) -> None:
        """Ctrl+Shift+Enter: Compare (or the evaluation, from the Evaluate panel)."""
        compare_key(self, self)

    def compare_versions(self, preset_name: str, numbers: list[int]) -> None:
        compare_window_of(self, self).compare_versions(preset_name, numbers)

    # -- closing -------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        """Cancels a run, saves the draft and the layout, then lets the app quit."""
        self.session.runs.cancel()
        if self.evaluate is not None:
            self.evaluate.close_panel()
        if self.compare_window is not None:
            self.compare_window.close()
        self._drafts.close()
        self.save_layout()
        event.accept()
