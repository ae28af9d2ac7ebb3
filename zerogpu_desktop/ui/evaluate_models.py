"""The models an evaluation compares: a list to tick (Space), and a box to add one by its id.

The list offers the model in the window's model box, the remembered ones, those added here
and, in the offline demo, the demo's; at most `MAX_MODELS` can be ticked, and the one past
the limit is refused with a sentence rather than silently dropped at Run.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from zerogpu_desktop.safe_text import safe_for_display
from zerogpu_desktop.ui.controls import FOCUS_RING
from zerogpu_desktop.ui.model_picker import ModelPicker
from zerogpu_desktop.workbench.evaluate.plan import MAX_MODELS

#: What a tick past the limit is told, unless the chooser is given its own sentence.
EVALUATION_LIMIT = f"An evaluation compares at most {MAX_MODELS} models: untick one to add another."
#: The colour Fusion darkens into the outline of the models' check boxes.
CHECK_OUTLINE_BASE = "#a8a8a8"


class ModelChooser(QWidget):
    """The ticked models, in list order.

    Signals:
        changed(): a model was ticked, unticked or added.
        message(str): a sentence to show (a model added).
        problem(str): a sentence about a refused tick.
    """

    changed = Signal()
    message = Signal(str)
    problem = Signal(str)

    def __init__(
        self, parent: QWidget | None = None, *, limit_sentence: str = EVALUATION_LIMIT
    ) -> None:
        super().__init__(parent)
        self._added: list[str] = []
        self._limit_sentence = limit_sentence
        self.list = QListWidget(self)
        self.list.setAccessibleName("Models to compare")
        self.list.setAccessibleDescription(f"Tick up to {MAX_MODELS} models with Space")
        self.list.setStyleSheet(FOCUS_RING)
        self.list.setUniformItemSizes(True)
        # Fusion outlines an item's check box with the Window colour darkened; on a dark
        # theme that outline is the list's own background, so an unticked box vanished. A
        # mid grey of its own keeps the box visible in either theme.
        palette = self.list.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(CHECK_OUTLINE_BASE))
        self.list.setPalette(palette)
        self.add_edit = QLineEdit(self)
        self.add_edit.setAccessibleName("Add a model")
        self.add_edit.setPlaceholderText("Another model id, then Enter")
        self.add_edit.setAcceptDrops(False)
        # About four rows: the list scrolls, the dock stays short enough for the grid.
        self.list.setFixedHeight(self.list.fontMetrics().lineSpacing() * 4 + 12)
        self.list.setToolTip(f"Up to {MAX_MODELS} models; Space ticks the selected one")
        add_label = QLabel("Add by &ID:", self)
        add_label.setBuddy(self.add_edit)
        add_row = QHBoxLayout()
        add_row.addWidget(add_label)
        add_row.addWidget(self.add_edit, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.list)
        layout.addLayout(add_row)
        self.list.itemChanged.connect(self._on_ticked)
        self.add_edit.returnPressed.connect(self._add_typed)

    def offer(self, current: str, others: Iterable[str]) -> None:
        """Lists `current`, `others` and the models added here; ticks stay where they were.

        With nothing ticked yet, `current` (the window's model box) is ticked.
        """
        ticked = set(self.models())
        offered = [current, *others, *self._added]
        models = [model for model in dict.fromkeys(m.strip() for m in offered) if model]
        if not ticked and current.strip():
            ticked = {current.strip()}
        self.list.blockSignals(True)
        self.list.clear()
        for model in models:
            self._item(model, model in ticked)
        if self.list.count():
            self.list.setCurrentRow(0)
        self.list.blockSignals(False)
        self.changed.emit()

    def offer_window_models(self, picker: ModelPicker, demo: bool) -> None:
        """Lists the model box's model, the remembered ones and, in the demo, the demo's."""
        others = list(picker.remembered())
        if demo:
            from zerogpu_desktop.demo.answers import DEMO_MODELS

            others.extend(DEMO_MODELS)
        self.offer(picker.model(), others)

    def models(self) -> tuple[str, ...]:
        chosen = []
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                chosen.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return tuple(chosen)

    def set_models(self, models: tuple[str, ...]) -> None:
        """Ticks exactly `models` (added to the list when missing), at most MAX_MODELS."""
        wanted = set(models[:MAX_MODELS])
        self.list.blockSignals(True)
        for model in models:
            if self._find(model) is None:
                self._added.append(model)
                self._item(model, False)
        for row in range(self.list.count()):
            item = self.list.item(row)
            on = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self.list.blockSignals(False)
        self.changed.emit()

    def _item(self, model: str, ticked: bool) -> QListWidgetItem:
        item = QListWidgetItem(safe_for_display(model), self.list)
        item.setData(Qt.ItemDataRole.UserRole, model)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
        return item

    def _find(self, model: str) -> QListWidgetItem | None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == model:
                return item
        return None

    def _add_typed(self) -> None:
        model = self.add_edit.text().strip()
        if not model:
            return
        self.add_edit.clear()
        item = self._find(model)
        if item is None:
            self._added.append(model)
            self.list.blockSignals(True)
            item = self._item(model, False)
            self.list.blockSignals(False)
        self.list.setCurrentItem(item)
        if item.checkState() != Qt.CheckState.Checked:
            item.setCheckState(Qt.CheckState.Checked)  # past the limit it is refused, in words
        if item.checkState() == Qt.CheckState.Checked:
            self.message.emit(f"Added the model “{safe_for_display(model)}”.")

    def _on_ticked(self, item: QListWidgetItem) -> None:
        if item.checkState() == Qt.CheckState.Checked and len(self.models()) > MAX_MODELS:
            self.list.blockSignals(True)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.list.blockSignals(False)
            self.problem.emit(self._limit_sentence)
        self.changed.emit()
