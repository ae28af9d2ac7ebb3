"""The model box (any ID, remembered) and the model's optional input-token limit."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox, QWidget

from zerogpu_desktop.storage import Settings

#: Large enough for any context window a model has today.
MAX_INPUT_LIMIT = 10_000_000


class ModelPicker(QWidget):
    """An editable model box plus a spin box for the model's known input limit.

    There is no list-models endpoint, so the box accepts any ID and
    offers the ones used before, most recent first.

    Signals:
        model_changed(str): the model text changed.
        limit_changed(str, int): the user set a limit (0 = unknown) for a model.
    """

    model_changed = Signal(str)
    limit_changed = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo = QComboBox(self)
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.setAccessibleName("Model")
        self.combo.setToolTip("Any model ID from your ZeroGPU dashboard")
        self.combo.setMinimumContentsLength(28)
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        line_edit = self.combo.lineEdit()
        assert line_edit is not None
        line_edit.setPlaceholderText("model ID, e.g. your-model")
        line_edit.setAccessibleName("Model")
        label = QLabel("&Model:", self)
        label.setBuddy(self.combo)

        self.limit = QSpinBox(self)
        self.limit.setRange(0, MAX_INPUT_LIMIT)
        self.limit.setSingleStep(1024)
        self.limit.setSpecialValueText("unknown")
        self.limit.setSuffix(" tokens")
        self.limit.setGroupSeparatorShown(True)
        self.limit.setAccessibleName("Input token limit")
        self.limit.setMinimumWidth(150)
        self.limit.setMaximumWidth(200)
        self.limit.setToolTip(
            "The model's maximum input, if you know it: used to detect silent truncation"
        )
        limit_label = QLabel("Input &limit:", self)
        limit_label.setBuddy(self.limit)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label)
        layout.addWidget(self.combo, 1)
        layout.addSpacing(12)
        layout.addWidget(limit_label)
        layout.addWidget(self.limit)

        self._settings = Settings()
        self.combo.currentTextChanged.connect(self._on_text_changed)
        self.limit.valueChanged.connect(self._on_limit_edited)
        self._updating = False

    def model(self) -> str:
        return self.combo.currentText().strip()

    def set_model(self, model: str) -> None:
        self.combo.setCurrentText(model)

    def set_settings(self, settings: Settings) -> None:
        """Refreshes the remembered IDs without disturbing what is typed."""
        self._settings = settings
        current = self.combo.currentText()
        self._updating = True
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItems([entry.id for entry in settings.models])
        self.combo.setCurrentText(current)
        self.combo.blockSignals(False)
        self._show_limit_for(current.strip())
        self._updating = False

    def input_limit(self) -> int | None:
        return self.limit.value() or None

    def _on_text_changed(self, text: str) -> None:
        self._updating = True
        self._show_limit_for(text.strip())
        self._updating = False
        self.model_changed.emit(text.strip())

    def _show_limit_for(self, model: str) -> None:
        self.limit.setValue(self._settings.input_limit_for(model) or 0)

    def _on_limit_edited(self, value: int) -> None:
        if not self._updating and self.model():
            self.limit_changed.emit(self.model(), value)
