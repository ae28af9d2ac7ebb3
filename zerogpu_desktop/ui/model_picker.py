"""The model row: the model box (any ID; remembered ones offered), its input limit, the format.

What the user types in the model box is exactly what is sent. The remembered IDs are offered
in a popup only: an inline completion would pre-select a remembered typo ("my-modelu") that
Tab, Enter or Ctrl+Enter then accept unnoticed. A remembered ID can be forgotten with Delete
in the list or "Forget model" in the box's context menu.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from zerogpu_desktop.response_format import DEFAULT_RESPONSE_FORMAT, MAX_RESPONSE_FORMAT_LENGTH
from zerogpu_desktop.storage import Settings

#: Large enough for any context window a model has today.
MAX_INPUT_LIMIT = 10_000_000
#: Format types offered in the Format box; any other type name may be typed.
SUGGESTED_FORMATS = ("text", "json_object")


class ModelPicker(QWidget):
    """An editable model box, the model's known input limit, and the response format.

    There is no list-models endpoint, so the box accepts any ID and offers the ones used
    before, most recent first.

    Signals:
        model_changed(str): the model text changed.
        limit_changed(str, int): the user set a limit (0 = unknown) for a model.
        forget_requested(str): the user asked to forget this remembered model.
        format_changed(str): the response format text changed.
    """

    model_changed = Signal(str)
    limit_changed = Signal(str, int)
    forget_requested = Signal(str)
    format_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo = QComboBox(self)
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.setAccessibleName("Model")
        self.combo.setToolTip(
            "Any model ID from your ZeroGPU dashboard. Remembered IDs are in the list; "
            "Delete there forgets one."
        )
        self.combo.setMinimumContentsLength(12)
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        completer = QCompleter(self.combo.model(), self.combo)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        # Case-sensitive on purpose: on Enter and on focus loss QComboBox selects the entry
        # that matches the text by the completer's rule, so an ignore-case completer would
        # turn a typed "my-model" into a remembered "MY-MODEL".
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseSensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.combo.setCompleter(completer)
        line_edit = self.combo.lineEdit()
        assert line_edit is not None
        line_edit.setPlaceholderText("model ID, e.g. your-model")
        line_edit.setAccessibleName("Model")
        line_edit.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        line_edit.customContextMenuRequested.connect(self._show_context_menu)
        self.forget_action = QAction("&Forget model", self)
        self.forget_action.triggered.connect(self._forget_typed)
        # Delete on an entry of the list forgets it.
        view = self.combo.view()
        assert view is not None
        view.installEventFilter(self)
        popup = completer.popup()
        assert popup is not None
        popup.installEventFilter(self)
        label = QLabel("&Model:", self)
        label.setBuddy(self.combo)

        self.limit = QSpinBox(self)
        self.limit.setRange(0, MAX_INPUT_LIMIT)
        self.limit.setSingleStep(1024)
        self.limit.setSpecialValueText("unknown")
        self.limit.setGroupSeparatorShown(True)
        self.limit.setAccessibleName("Input token limit")
        self.limit.setToolTip(
            "The model's maximum input in tokens, if you know it: used to detect silent truncation"
        )
        limit_label = QLabel("&Limit:", self)
        limit_label.setBuddy(self.limit)
        limit_label.setToolTip(self.limit.toolTip())

        self.format_box = QComboBox(self)
        self.format_box.setEditable(True)
        self.format_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.format_box.addItems(list(SUGGESTED_FORMATS))
        self.format_box.setCurrentText(DEFAULT_RESPONSE_FORMAT)
        self.format_box.setAccessibleName("Response format")
        self.format_box.setToolTip(
            "The response format sent as text.format.type (text unless your model offers "
            "another, such as json_object)"
        )
        self.format_box.setMinimumContentsLength(8)
        self.format_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        format_edit = self.format_box.lineEdit()
        assert format_edit is not None
        format_edit.setMaxLength(MAX_RESPONSE_FORMAT_LENGTH)
        format_edit.setAccessibleName("Response format")
        format_completer = self.format_box.completer()
        if format_completer is not None:  # inline completion would pick a type for the user
            format_completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
            format_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseSensitive)
        format_label = QLabel("F&ormat:", self)
        format_label.setBuddy(self.format_box)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label)
        layout.addWidget(self.combo, 1)
        layout.addSpacing(8)
        layout.addWidget(limit_label)
        layout.addWidget(self.limit)
        layout.addSpacing(8)
        layout.addWidget(format_label)
        layout.addWidget(self.format_box)

        self._settings = Settings()
        self.combo.currentTextChanged.connect(self._on_text_changed)
        self.limit.valueChanged.connect(self._on_limit_edited)
        self.format_box.currentTextChanged.connect(
            lambda text: self.format_changed.emit(text.strip())
        )
        self._updating = False

    def model(self) -> str:
        return self.combo.currentText().strip()

    def set_model(self, model: str) -> None:
        self.combo.setCurrentText(model)

    def response_format(self) -> str:
        return self.format_box.currentText().strip()

    def set_response_format(self, response_format: str) -> None:
        self.format_box.setCurrentText(response_format or DEFAULT_RESPONSE_FORMAT)

    def remembered(self) -> list[str]:
        """The remembered IDs as the list shows them, most recent first."""
        return [self.combo.itemText(row) for row in range(self.combo.count())]

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

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Delete on an entry of the model list (or the completion popup) forgets it."""
        if isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Delete:
            index = getattr(watched, "currentIndex", lambda: None)()
            name = index.data() if index is not None and index.isValid() else None
            if event.type() == QEvent.Type.KeyPress and isinstance(name, str) and name:
                self.forget_requested.emit(name)
                return True
        return super().eventFilter(watched, event)

    def _show_context_menu(self, position: QPoint) -> None:
        line_edit = self.combo.lineEdit()
        assert line_edit is not None
        menu = line_edit.createStandardContextMenu()
        menu.addSeparator()
        self.forget_action.setEnabled(self.model() in self.remembered())
        menu.addAction(self.forget_action)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(line_edit.mapToGlobal(position))

    def _forget_typed(self) -> None:
        if self.model() in self.remembered():
            self.forget_requested.emit(self.model())

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
