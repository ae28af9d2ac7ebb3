"""The offline demo, switched on and off for this window: never saved, never the real key.

Someone who has no account yet can see every part of the app work: the first-run banner
offers the demo, `--demo` starts in it, and View → Offline demo leaves it. The runs go to the
endpoint built into the app (`zerogpu_desktop.demo`), started at the first demo run.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction

from zerogpu_desktop.demo.answers import DEMO_MODELS
from zerogpu_desktop.explain import Explanation
from zerogpu_desktop.ui.error_banner import ErrorBanner
from zerogpu_desktop.ui.model_picker import ModelPicker
from zerogpu_desktop.ui.run_bridge import RunBridge
from zerogpu_desktop.ui.settings_flow import TRY_DEMO, SettingsFlow
from zerogpu_desktop.ui.status_bar import RunStatusBar

_ON = Explanation(
    "Offline demo",
    "Answers come from a demo built into the app: nothing leaves this computer, and no key "
    "is used.",
    f"Try the models {', '.join(DEMO_MODELS)}; View → Offline demo leaves the demo.",
)


class DemoMode(QObject):
    """Turns the demo on and off: the runs, the "Demo" badge, the banner, the menu check.

    Signals:
        changed(bool): the demo was switched on (True) or off.
    """

    changed = Signal(bool)

    def __init__(
        self,
        runs: RunBridge,
        settings_flow: SettingsFlow,
        status: RunStatusBar,
        banner: ErrorBanner,
        model_picker: ModelPicker,
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self._runs = runs
        self._settings_flow = settings_flow
        self._status = status
        self._banner = banner
        self._model_picker = model_picker
        #: The model in the box before the demo put one of its own there.
        self._model_before = ""
        self.action = QAction("Offline &demo", parent)
        self.action.setCheckable(True)
        self.action.setToolTip("Send to the demo built into the app instead of ZeroGPU")
        self.action.toggled.connect(self.set_active)
        banner.action_requested.connect(self._on_banner_action)

    def start(self) -> None:
        """Shows the demo as on when the session began in it (`--demo`), once the editors
        hold the restored draft."""
        if self._runs.demo:
            self.set_active(True)

    @property
    def active(self) -> bool:
        return self._runs.demo

    def set_active(self, active: bool) -> None:
        """Switches this window's runs to the demo or back to ZeroGPU."""
        if self.action.isChecked() != active:
            self.action.setChecked(active)  # comes back here through `toggled`
            return
        changed = active != self._runs.demo
        self._runs.set_demo(active)
        self._settings_flow.in_demo = active
        self._status.set_demo(active)
        if active:
            if self._model_picker.model() not in DEMO_MODELS:
                self._model_before = self._model_picker.model()
                self._model_picker.set_model(DEMO_MODELS[0])
            self._banner.show_explanation(_ON, offer_settings=False, severity="ok")
            self._status.set_state("Offline demo: press Ctrl+Enter to send.")
        elif changed:
            if self._model_picker.model() in DEMO_MODELS and self._model_before:
                self._model_picker.set_model(self._model_before)  # the user's model, back
            self._banner.hide()
            self._status.set_state("Left the offline demo: runs go to ZeroGPU again.")
            self._settings_flow.show_key_state()
        if changed:
            self.changed.emit(active)

    def _on_banner_action(self, text: str) -> None:
        if text == TRY_DEMO:
            self.set_active(True)
