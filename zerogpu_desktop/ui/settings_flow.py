"""The Settings dialog's round trip and what the banner says about the key.

The dialog itself only collects values; here they are saved (the key to the keyring, off the
GUI thread), and the banner tells when the key is missing or kept for this session only.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from zerogpu_desktop.explain import Explanation
from zerogpu_desktop.ui.error_banner import ErrorBanner
from zerogpu_desktop.ui.key_session import KeySession
from zerogpu_desktop.ui.settings_dialog import SettingsDialog, SettingsSubmission
from zerogpu_desktop.ui.settings_holder import SettingsHolder
from zerogpu_desktop.ui.status_bar import RunStatusBar
from zerogpu_desktop.ui.tasks import TaskKeeper


class SettingsFlow(QObject):
    """Opens the Settings dialog and applies what it submits."""

    def __init__(
        self,
        settings: SettingsHolder,
        keys: KeySession,
        tasks: TaskKeeper,
        banner: ErrorBanner,
        status: RunStatusBar,
        dialog_parent: QWidget,
    ) -> None:
        super().__init__(dialog_parent)
        self._settings = settings
        self._keys = keys
        self._tasks = tasks
        self._banner = banner
        self._status = status
        self._dialog_parent = dialog_parent
        #: The dialog on screen, if any (kept so it is not collected while open).
        self.dialog: SettingsDialog | None = None
        keys.changed.connect(self.show_key_state)

    def open(self) -> None:
        dialog = SettingsDialog(
            self._settings.current,
            key_status=self._keys.status_text(),
            has_key=self._keys.has_key,
            parent=self._dialog_parent,
        )
        dialog.submitted.connect(self._on_submitted)
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()

    def _on_submitted(self, submission: SettingsSubmission) -> None:
        problem = self._settings.update(submission.settings)
        if problem:
            self._banner.show_explanation(
                Explanation("Settings not saved", problem, ""), offer_settings=False
            )
        if submission.new_key:
            self._status.set_state("Saving the key to the system keyring…")
            self._tasks.spawn(self._keys.save(submission.new_key))
        elif submission.forget_key:
            self._tasks.spawn(self._keys.forget())

    def show_key_state(self) -> None:
        """Warns about a missing key or one kept for this session only; clears it once fixed."""
        keys = self._keys
        if keys.problem and keys.has_key:
            self._banner.warn("Key kept for this session only", keys.problem)
        elif not keys.has_key and keys.loaded:
            sentence = keys.problem or "Add your ZeroGPU API key to start."
            self._banner.show_explanation(
                Explanation("No API key yet", sentence, ""), offer_settings=True, severity="warn"
            )
        elif self._banner.isVisible() and self._banner.settings_button.isVisible():
            self._banner.hide()
