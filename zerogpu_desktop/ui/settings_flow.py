"""The Settings dialog's round trip and what the banner says about the key.

The dialog itself only collects values; here they are saved (the key to the keyring, off the
GUI thread), and the banner tells when the key is missing or kept for this session only.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from zerogpu_desktop.explain import Explanation
from zerogpu_desktop.overrides import RunOverrides
from zerogpu_desktop.ui.error_banner import ErrorBanner
from zerogpu_desktop.ui.key_session import KeySession
from zerogpu_desktop.ui.settings_dialog import SettingsDialog, SettingsSubmission
from zerogpu_desktop.ui.settings_holder import SettingsHolder
from zerogpu_desktop.ui.status_bar import RunStatusBar
from zerogpu_desktop.ui.tasks import TaskKeeper

#: The first-run banner's second button.
TRY_DEMO = "Try the offline demo"


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
        *,
        overrides: RunOverrides | None = None,
    ) -> None:
        super().__init__(dialog_parent)
        self._overrides = overrides or RunOverrides()
        #: While the offline demo is on, a missing key is nothing to warn about.
        self.in_demo = self._overrides.demo
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
            overrides=self._overrides,
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
            self._status.set_state(f"Saving the key to {self._keys.keyring_place()}…")
            self._tasks.spawn(self._save_key(submission.new_key))
        elif submission.forget_key:
            self._status.set_state(f"Removing the key from {self._keys.keyring_place()}…")
            self._tasks.spawn(self._forget_key())

    async def _save_key(self, key: str) -> None:
        """The "Saving…" message is replaced by the result as soon as the keyring answers."""
        await self._keys.save(key)
        self._status.set_state(self._keys.saved_text())

    async def _forget_key(self) -> None:
        await self._keys.forget()
        self._status.set_state(self._keys.forgotten_text())

    def show_key_state(self) -> None:
        """Warns about a missing key or one kept for this session only; clears it once fixed."""
        keys = self._keys
        if keys.problem and keys.has_key:
            self._banner.warn("Key kept for this session only", keys.problem)
        elif not keys.has_key and keys.loaded and not self.in_demo:
            sentence = keys.problem or "Add your ZeroGPU API key to start."
            self._banner.show_explanation(
                Explanation("No API key yet", sentence, "Or look around first, with no account."),
                offer_settings=True,
                severity="warn",
                action=TRY_DEMO,
            )
        elif self._banner.isVisible() and self._banner.settings_button.isVisible():
            self._banner.hide()
