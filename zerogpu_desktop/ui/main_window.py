"""The main window: model, prompts, Send, Output, and a status bar that tells the truth."""

from __future__ import annotations

import contextlib
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
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
from zerogpu_desktop.storage import Draft, Settings
from zerogpu_desktop.storage.draft_saver import DraftSaver
from zerogpu_desktop.ui.controller import SendController

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent

    from zerogpu_desktop.ui.library import Library
    from zerogpu_desktop.ui.settings_dialog import SettingsDialog, SettingsSubmission
from zerogpu_desktop.ui.error_banner import ErrorBanner
from zerogpu_desktop.ui.model_picker import ModelPicker
from zerogpu_desktop.ui.outcome import PromptRequest, RunFailed, RunSucceeded
from zerogpu_desktop.ui.output_view import OutputView
from zerogpu_desktop.ui.prompt_editor import PromptEditor
from zerogpu_desktop.ui.status_bar import RunStatusBar

WINDOW_TITLE = "ZeroGPU Desktop"
#: Typing pauses this long before the draft is written to disk.
DRAFT_SAVE_DELAY_MS = 400
#: The library docks' width on a first start.
DEFAULT_DOCK_WIDTH = 270
#: Typing pauses this long before the token estimate is recomputed.
ESTIMATE_DELAY_MS = 150


class MainWindow(QMainWindow):
    """Widgets and their wiring; every decision is the controller's."""

    def __init__(
        self,
        controller: SendController,
        parent: QWidget | None = None,
        *,
        defer_library: bool = False,
    ) -> None:
        """Builds the window.

        Args:
            controller: runs the requests; every decision is its.
            parent: the Qt parent, if any.
            defer_library: leave the Presets/History/Usage panels empty until
                `attach_library()`; the app does this so the first frame comes sooner.
        """
        super().__init__(parent)
        self.library: Library | None = None
        self.controller = controller
        self.setWindowTitle(WINDOW_TITLE)
        self.setObjectName("mainWindow")
        self._run_started = 0.0
        self._retry_note = ""
        self._settings_dialog: SettingsDialog | None = None

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
        self.send_hint = QLabel("Ctrl+Enter to send · Esc to cancel", self)
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
        send_row.addWidget(self.send_hint)
        send_row.addStretch(1)
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
        self.preset_label.setMinimumWidth(80)
        top_row = QHBoxLayout()
        top_row.addWidget(self.model_picker, 1)
        top_row.addSpacing(12)
        top_row.addWidget(self.preset_label, 1)
        top_row.addSpacing(12)
        top_row.addWidget(self.settings_button)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(12, 10, 12, 6)
        layout.setSpacing(8)
        layout.addLayout(top_row)
        layout.addWidget(self.banner)
        layout.addWidget(self.main_splitter, 1)
        self.setCentralWidget(central)

        self._elapsed_timer = QTimer(self)
        self._elapsed_timer.setInterval(100)
        self._elapsed_timer.timeout.connect(self._show_elapsed)
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_SAVE_DELAY_MS)
        self._draft_saver = DraftSaver(controller.services.draft_store)
        self._draft_timer.timeout.connect(self._save_draft_soon)
        self._estimate_timer = QTimer(self)
        self._estimate_timer.setSingleShot(True)
        self._estimate_timer.setInterval(ESTIMATE_DELAY_MS)
        self._estimate_timer.timeout.connect(self.update_estimate)

        self._create_actions()
        self._create_docks()
        if not defer_library:
            self.attach_library()
        self._connect()
        self._apply_settings(controller.settings)
        self._restore_draft()
        self._restore_layout()
        self.user_editor.editor.setFocus()
        problems = controller.startup_problems()
        if problems:
            self.banner.show_explanation(
                Explanation("A file was damaged", " ".join(problems), ""),
                offer_settings=False,
                severity="warn",
            )

    # -- construction --------------------------------------------------------

    def _create_actions(self) -> None:
        def action(text: str, shortcuts: list[QKeySequence], slot: object) -> QAction:
            act = QAction(text, self)
            act.setShortcuts(shortcuts)
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        self.send_action = action(
            "&Send",
            [QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")],
            self.send,
        )
        self.cancel_action = action("&Cancel", [QKeySequence("Esc")], self.cancel)
        self.quit_action = action("&Quit", [QKeySequence("Ctrl+Q")], self.close)
        self.settings_action = action("Se&ttings…", [QKeySequence("Ctrl+,")], self.open_settings)
        self.save_output_action = action(
            "&Save output…", [QKeySequence("Ctrl+S")], self.output.ask_save
        )
        self.copy_output_action = action(
            "Copy &all output", [QKeySequence("Ctrl+Shift+C")], self.output.copy_all
        )
        self.markdown_action = action(
            "Render &Markdown",
            [QKeySequence("Ctrl+M")],
            lambda: self.output.markdown_toggle.toggle(),
        )
        self.focus_model_action = action(
            "Go to &model", [QKeySequence("Ctrl+L")], self.model_picker.combo.setFocus
        )

        menu_bar = self.menuBar()
        file_menu = self.file_menu = menu_bar.addMenu("&File")
        file_menu.addAction(self.save_output_action)
        file_menu.addAction(self.copy_output_action)
        file_menu.addSeparator()
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        run_menu = menu_bar.addMenu("&Run")
        run_menu.addAction(self.send_action)
        run_menu.addAction(self.cancel_action)
        view_menu = self.view_menu = menu_bar.addMenu("&View")
        view_menu.addAction(self.markdown_action)
        view_menu.addAction(self.focus_model_action)

    def _create_docks(self) -> None:
        """The library's docks, empty until `attach_library` fills them."""
        self.presets_dock = self._dock("Presets", "presetsDock")
        self.history_dock = self._dock("History", "historyDock")
        self.usage_dock = self._dock("Usage", "usageDock")
        self.tabifyDockWidget(self.presets_dock, self.history_dock)
        self.tabifyDockWidget(self.history_dock, self.usage_dock)
        self.presets_dock.raise_()

    def _dock(self, title: str, name: str) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setAccessibleName(title)
        dock.setWidget(QWidget(dock))
        dock.setAllowedAreas(
            Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea
        )
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
        )
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        return dock

    def attach_library(self) -> Library:
        """Fills the docks with the Presets, History and Usage panels (once)."""
        if self.library is None:
            from zerogpu_desktop.ui.library import Library

            self.library = Library(self)
            self.library.update_title()
        return self.library

    def _connect(self) -> None:
        controller = self.controller
        controller.running_changed.connect(self._on_running_changed)
        controller.succeeded.connect(self._on_succeeded)
        controller.failed.connect(self._on_failed)
        controller.cancelled.connect(self._on_cancelled)
        controller.retrying.connect(self._on_retrying)
        controller.key_changed.connect(self._on_key_changed)
        controller.settings_changed.connect(self._apply_settings)
        controller.problem.connect(
            lambda text: self.banner.show_explanation(
                Explanation("Something needs attention", text, ""),
                offer_settings=False,
                severity="warn",
            )
        )
        self.send_button.clicked.connect(self._on_send_button)
        self.settings_button.clicked.connect(self.open_settings)
        self.banner.settings_requested.connect(self.open_settings)
        for editor in (self.system_editor.editor, self.user_editor.editor):
            editor.textChanged.connect(self._on_edit)
        self.model_picker.model_changed.connect(self._on_model_edit)
        self.model_picker.limit_changed.connect(self._on_limit_changed)
        self.output.markdown_toggled.connect(self._on_markdown_toggled)
        self.output.saved.connect(lambda path: self.status.set_state(f"Saved to {path}"))
        self.output.save_failed.connect(
            lambda text: self.banner.show_explanation(
                Explanation("Not saved", text, "Choose another folder."), offer_settings=False
            )
        )

    # -- drafts and layout --------------------------------------------------------

    def current_draft(self) -> Draft:
        return Draft(self.model_picker.model(), self.system_editor.text(), self.user_editor.text())

    def _restore_draft(self) -> None:
        draft = self.controller.services.draft_store.load()
        self.model_picker.set_model(draft.model or self.controller.settings.last_model)
        self.system_editor.set_text(draft.system_prompt)
        self.user_editor.set_text(draft.user_prompt)
        for editor in (self.system_editor.editor, self.user_editor.editor):
            editor.document().clearUndoRedoStacks()
        self._draft_timer.stop()
        self.update_estimate()

    def save_draft(self) -> None:
        """Writes the editors to disk now (Send, quit); a failure is shown, never raised."""
        self._draft_timer.stop()
        if not self._draft_saver.save_now(self.current_draft()):
            self.status.set_state(self._draft_saver.last_error or "Draft not saved.")

    def _save_draft_soon(self) -> None:
        """After a pause in typing: written on the saver's thread, so typing never waits."""
        if self._draft_saver.last_error:
            self.status.set_state(self._draft_saver.last_error)
        self._draft_saver.submit(self.current_draft())

    def _restore_layout(self) -> None:
        state = self.controller.services.ui_state
        geometry = state.get("window_geometry")
        if geometry is None or not self.restoreGeometry(QByteArray(geometry)):
            self.resize(1280, 800)
        dock_state = state.get("window_state")
        if dock_state is None or not self.restoreState(QByteArray(dock_state)):
            # Dock sizes only apply once the window is laid out.
            QTimer.singleShot(
                0,
                lambda: self.resizeDocks(
                    [self.presets_dock], [DEFAULT_DOCK_WIDTH], Qt.Orientation.Horizontal
                ),
            )
        for name, splitter in (
            ("main_splitter", self.main_splitter),
            ("prompt_splitter", self.prompt_splitter),
        ):
            saved = state.get(name)
            if saved is not None:
                splitter.restoreState(QByteArray(saved))

    def save_layout(self) -> None:
        state = self.controller.services.ui_state
        state.set("window_geometry", bytes(self.saveGeometry().data()))
        state.set("window_state", bytes(self.saveState().data()))
        state.set("main_splitter", bytes(self.main_splitter.saveState().data()))
        state.set("prompt_splitter", bytes(self.prompt_splitter.saveState().data()))
        # The layout is a convenience; losing it must not block quitting.
        with contextlib.suppress(OSError):
            state.save()

    # -- editing ---------------------------------------------------------------

    def _on_edit(self) -> None:
        self._draft_timer.start()
        self._estimate_timer.start()

    def _on_model_edit(self, _model: str) -> None:
        self._draft_timer.start()
        self._estimate_timer.start()

    def update_estimate(self) -> None:
        if self.library is not None:
            self.library.update_title()
        model = self.model_picker.model()
        text = "\n".join(
            part for part in (self.system_editor.text(), self.user_editor.text()) if part
        )
        estimated = (
            self.controller.calibration.estimate(text, model) if text else estimate_tokens(text)
        )
        self.status.set_estimate(estimated, self.model_picker.input_limit())

    def _on_limit_changed(self, model: str, limit: int) -> None:
        self.controller.set_input_limit(model, limit or None)
        self.update_estimate()

    def _on_markdown_toggled(self, enabled: bool) -> None:
        from dataclasses import replace

        settings = self.controller.settings
        if settings.markdown_output != enabled:
            self.controller.update_settings(replace(settings, markdown_output=enabled))

    def _apply_settings(self, settings: Settings) -> None:
        self.model_picker.set_settings(settings)
        self.system_editor.set_monospace(settings.monospace_editors)
        self.user_editor.set_monospace(settings.monospace_editors)
        if self.output.markdown_toggle.isChecked() != settings.markdown_output:
            self.output.set_markdown_enabled(settings.markdown_output)

    # -- running -----------------------------------------------------------------

    def current_request(self) -> PromptRequest:
        return PromptRequest(
            self.model_picker.model(), self.system_editor.text(), self.user_editor.text()
        )

    def _on_send_button(self) -> None:
        if self.controller.is_running:
            self.cancel()
        else:
            self.send()

    def send(self) -> None:
        """Starts a run unless one is already running (a second Ctrl+Enter does nothing)."""
        if self.controller.is_running:
            return
        self.save_draft()
        self.banner.hide()
        self.attach_library().send_with_variables(self.current_request(), self._send_now)

    def _send_now(self, request: PromptRequest) -> None:
        if not self.controller.is_running:
            self.controller.send(request)

    def cancel(self) -> None:
        self.controller.cancel()

    def _on_running_changed(self, running: bool) -> None:
        self.send_button.setText("Cancel" if running else "Send")
        self.send_button.setAccessibleName("Cancel" if running else "Send")
        self.send_action.setEnabled(not running)
        self.cancel_action.setEnabled(running)
        self._retry_note = ""
        if running:
            self._run_started = time.monotonic()
            self.status.clear_usage()
            self.status.set_truncation(None)
            self._show_elapsed()
            self._elapsed_timer.start()
        else:
            self._elapsed_timer.stop()

    def _on_retrying(self, note: str) -> None:
        self._retry_note = note
        self._show_elapsed()

    def _show_elapsed(self) -> None:
        elapsed = f"Sending… {time.monotonic() - self._run_started:.1f} s"
        self.status.set_state(f"{elapsed} · {self._retry_note}" if self._retry_note else elapsed)

    def _on_succeeded(self, outcome: RunSucceeded) -> None:
        self.output.set_text(outcome.response.text)
        self.status.set_state(f"Done in {outcome.seconds:.2f} s · {outcome.response.model}")
        self.status.set_usage(outcome.response.usage, outcome.response.usage_problem)
        self.status.set_truncation(outcome.assessment)

    def _on_failed(self, outcome: RunFailed) -> None:
        explanation = outcome.explanation
        self.banner.show_explanation(explanation, offer_settings=outcome.needs_settings)
        self.status.set_state(f"{explanation.title} after {outcome.seconds:.1f} s")
        self.status.set_truncation(outcome.assessment)

    def _on_cancelled(self) -> None:
        self.status.set_state(
            f"Cancelled after {time.monotonic() - self._run_started:.1f} s. Your prompts are kept."
        )

    # -- key and settings ----------------------------------------------------------

    def _on_key_changed(self) -> None:
        controller = self.controller
        if controller.key_problem and controller.has_key:
            self.banner.show_explanation(
                Explanation("Key kept for this session only", controller.key_problem, ""),
                offer_settings=False,
                severity="warn",
            )
        elif not controller.has_key and controller.key_loaded:
            sentence = controller.key_problem or "Add your ZeroGPU API key to start."
            self.banner.show_explanation(
                Explanation("No API key yet", sentence, ""), offer_settings=True, severity="warn"
            )
        elif self.banner.isVisible() and self.banner.settings_button.isVisible():
            self.banner.hide()

    def key_status_text(self) -> str:
        controller = self.controller
        if controller.services.overrides.api_key:
            return "Using the key from ZEROGPU_API_KEY for this run (not saved)."
        if controller.key_in_keyring:
            return "A key is stored in your system keyring."
        if controller.has_key:
            return f"Kept for this session only. {controller.key_problem or ''}".strip()
        return controller.key_problem or "No key saved yet. It will go to your system keyring."

    def open_settings(self) -> None:
        from zerogpu_desktop.ui.settings_dialog import SettingsDialog  # loaded when first opened

        dialog = SettingsDialog(
            self.controller.settings,
            key_status=self.key_status_text(),
            has_key=self.controller.has_key,
            parent=self,
        )
        dialog.submitted.connect(self._on_settings_submitted)
        dialog.finished.connect(dialog.deleteLater)
        self._settings_dialog = dialog
        dialog.open()

    def _on_settings_submitted(self, submission: SettingsSubmission) -> None:
        problem = self.controller.update_settings(submission.settings)
        if problem:
            self.banner.show_explanation(
                Explanation("Settings not saved", problem, ""), offer_settings=False
            )
        if submission.new_key:
            self.status.set_state("Saving the key to the system keyring…")
            self.controller.spawn(self.controller.save_key(submission.new_key))
        elif submission.forget_key:
            self.controller.spawn(self.controller.forget_key())

    # -- closing -------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        """Cancels a run, saves the draft and the layout, then lets the app quit."""
        self.controller.cancel()
        self._draft_saver.flush()
        self.save_draft()
        self._draft_saver.stop()
        self.save_layout()
        event.accept()
