"""Settings: the API key (to the OS keyring only), project, base URL, timeouts, retries."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from zerogpu_desktop.overrides import ENV_API_KEY, ENV_PROJECT_ID, RunOverrides
from zerogpu_desktop.safe_text import safe_for_display
from zerogpu_desktop.storage import Settings
from zerogpu_desktop.storage.settings import MAX_RESPONSE_MB_LIMIT, MAX_RETRIES_LIMIT
from zerogpu_desktop.ui.palette import tone


@dataclass(frozen=True)
class SettingsSubmission:
    """What the user confirmed. `new_key` is None when the key field was left empty."""

    settings: Settings
    new_key: str | None = field(default=None, repr=False)
    forget_key: bool = False


class SettingsDialog(QDialog):
    """Opened with `open()` (never `exec()`, which breaks qasync's running tasks).

    Signals:
        submitted(SettingsSubmission): OK was pressed with valid values.
    """

    submitted = Signal(object)

    def __init__(
        self,
        settings: Settings,
        *,
        key_status: str,
        has_key: bool,
        overrides: RunOverrides | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """`overrides` are the values this run uses instead of the saved ones: each is shown
        read-only with where it comes from, above the saved value it stands in for."""
        super().__init__(parent)
        overrides = overrides or RunOverrides()
        self.setWindowTitle("Settings — ZeroGPU Desktop")
        self.setAccessibleName("Settings")
        self._settings = settings
        self._forget = False
        self._notes: dict[str, QLabel] = {}

        self.key_edit = QLineEdit(self)
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setAccessibleName("API key")
        self.key_edit.setPlaceholderText(
            "•••••••• (leave empty to keep the saved key)" if has_key else "paste your API key"
        )
        self.show_key = QCheckBox("Show", self)
        self.show_key.setAccessibleName("Show API key")
        self.show_key.toggled.connect(
            lambda on: self.key_edit.setEchoMode(
                QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password
            )
        )
        self.forget_button = QPushButton("Forget key", self)
        self.forget_button.setAccessibleName("Forget API key")
        self.forget_button.setEnabled(has_key and overrides.api_key is None)
        if overrides.api_key is not None:
            self.forget_button.setToolTip(
                f"The key comes from {ENV_API_KEY} for this run: there is no saved key to forget."
            )
        self.forget_button.clicked.connect(self._mark_forget)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_edit, 1)
        key_row.addWidget(self.show_key)
        key_row.addWidget(self.forget_button)
        self.key_status = QLabel(key_status, self)
        self.key_status.setWordWrap(True)
        self.key_status.setAccessibleName("Key storage status")

        self.project_edit = QLineEdit(settings.project_id, self)
        self.project_edit.setAccessibleName("Project ID")
        self.project_edit.setPlaceholderText("your project UUID")
        self.base_url_edit = QLineEdit(settings.base_url, self)
        self.base_url_edit.setAccessibleName("Base URL")
        self.connect_timeout = _seconds_box(
            settings.connect_timeout, 1, 120, "Connect timeout", self
        )
        self.read_timeout = _seconds_box(
            settings.read_timeout, 5, 3600, "Timeout per attempt", self
        )
        self.read_timeout.setToolTip(
            "The deadline of each attempt, from connecting to the last byte of the reply. "
            "With retries the longest wait is (retries + 1) × this, plus the pauses between."
        )
        self.retries = QSpinBox(self)
        self.retries.setRange(0, MAX_RETRIES_LIMIT)
        self.retries.setValue(settings.max_retries)
        self.retries.setAccessibleName("Retries")
        self.max_response = QSpinBox(self)
        self.max_response.setRange(1, MAX_RESPONSE_MB_LIMIT)
        self.max_response.setValue(settings.max_response_mb)
        self.max_response.setAccessibleName("Largest reply")
        self.max_response.setToolTip(
            "The largest answer the app accepts. A bigger reply fails the run instead of "
            "filling the memory: this protects against a broken or hostile server that "
            "sends without end."
        )
        self.monospace = QCheckBox("Monospace font in the prompt editors", self)
        self.monospace.setAccessibleName("Monospace editors")
        self.monospace.setChecked(settings.monospace_editors)
        self.error_label = QLabel("", self)
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setAccessibleName("Settings problem")
        self.error_label.hide()

        #: The read-only "in force" fields, by what they override (only those in force).
        self.in_force: dict[str, QLineEdit] = {}
        base_url_source = overrides.base_url_source or "a setting for this run"
        in_force_rows = [
            ("base_url", "Base URL", overrides.base_url, base_url_source, settings.base_url),
            ("project_id", "Project ID", overrides.project_id, ENV_PROJECT_ID, settings.project_id),
        ]

        key_label = QLabel("&API key:", self)
        key_label.setBuddy(self.key_edit)
        key_cell = QVBoxLayout()
        key_cell.setSpacing(4)
        key_cell.addLayout(key_row)
        key_cell.addWidget(self.key_status)
        form = QFormLayout()
        form.addRow(key_label, key_cell)
        saved_editors = {"base_url": self.base_url_edit, "project_id": self.project_edit}
        for name, title, value, source, saved in in_force_rows:
            editor = saved_editors[name]
            if value is None:
                form.addRow(f"&{title}:", editor)
                continue
            form.addRow(f"{title} in use:", self._in_force_cell(name, title, value, source))
            editor.setToolTip(f"Saved in Settings; used when {source} is not set.")
            form.addRow(f"&Saved {title[0].lower()}{title[1:]}:", editor)
            shown_saved = safe_for_display(saved) if saved else "none"
            self._notes[name].setText(
                f"From {source} for this run; the saved value ({shown_saved}) is used otherwise."
            )
        form.addRow("&Connect timeout:", self.connect_timeout)
        form.addRow("Time&out per attempt:", self.read_timeout)
        form.addRow("Re&tries:", self.retries)
        form.addRow("&Largest reply (MiB):", self.max_response)
        form.addRow("", self.monospace)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        for button in buttons.buttons():
            button.setAccessibleName(button.text().replace("&", ""))
        buttons.accepted.connect(self._submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        # The dialog grows to fit what it shows (a warning, a note): nothing is clipped.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        # The layout's constraint sets the dialog's minimum size, so the width goes on the
        # fields: the key row's placeholder and a full URL show without being cut.
        for line_edit in (
            self.key_edit,
            self.project_edit,
            self.base_url_edit,
            *self.in_force.values(),
        ):
            line_edit.setMinimumWidth(300)
        self.key_edit.setFocus()

    def _in_force_cell(self, name: str, title: str, value: str, source: str) -> QWidget:
        """A read-only field with the value this run uses, and a note saying where from."""
        cell = QWidget(self)
        column = QVBoxLayout(cell)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        shown = QLineEdit(value, cell)
        shown.setReadOnly(True)
        shown.setAccessibleName(f"{title} in use")
        shown.setAccessibleDescription(f"From {source} for this run")
        note = QLabel(cell)
        note.setWordWrap(True)
        note.setTextFormat(Qt.TextFormat.PlainText)
        note.setAccessibleName(f"Where the {title[0].lower()}{title[1:]} comes from")
        note.setStyleSheet(f"color: {tone('muted')};")
        column.addWidget(shown)
        column.addWidget(note)
        self.in_force[name] = shown
        self._notes[name] = note
        return cell

    def note_for(self, name: str) -> str:
        """The sentence under an overridden field ("From ZEROGPU_BASE_URL for this run…")."""
        note = self._notes.get(name)
        return note.text() if note is not None else ""

    def _mark_forget(self) -> None:
        self._forget = True
        self.key_edit.clear()
        self.key_status.setText("The key will be removed from the keyring when you press OK.")
        self.forget_button.setEnabled(False)

    def _submit(self) -> None:
        from zerogpu_desktop.api.client import validate_base_url
        from zerogpu_desktop.api.errors import InsecureTransportError, RequestRefusedError
        from zerogpu_desktop.explain import explain

        base_url = self.base_url_edit.text().strip() or Settings().base_url
        try:
            validate_base_url(base_url)
        except RequestRefusedError as exc:
            # The words come from explain(): what the app accepts, never an option it lacks.
            words = explain(exc) if isinstance(exc, InsecureTransportError) else None
            self.error_label.setText(f"{words.sentence} {words.fix}" if words else exc.message)
            self.error_label.show()
            self.adjustSize()
            self.base_url_edit.setFocus()
            return
        settings = replace(
            self._settings,
            project_id=self.project_edit.text().strip(),
            base_url=base_url.rstrip("/"),
            connect_timeout=self.connect_timeout.value(),
            read_timeout=self.read_timeout.value(),
            max_retries=self.retries.value(),
            max_response_mb=self.max_response.value(),
            monospace_editors=self.monospace.isChecked(),
        )
        key = self.key_edit.text().strip() or None
        self.key_edit.clear()
        self.submitted.emit(SettingsSubmission(settings, key, self._forget and key is None))
        self.accept()


def _seconds_box(
    value: float, low: float, high: float, name: str, parent: QWidget
) -> QDoubleSpinBox:
    box = QDoubleSpinBox(parent)
    box.setRange(low, high)
    box.setDecimals(0)
    box.setSuffix(" s")
    box.setValue(value)
    box.setAccessibleName(name)
    return box
