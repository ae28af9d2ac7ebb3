"""What a comparison sends, chosen beside its columns: several models, or several versions.

Models: the window's prompt to the ticked models (the model box's one ticked at first).
Versions: the versions of the loaded preset ticked here, all on one model. Both ways give
the columns through the Qt-free compare use case, which refuses fewer than two or more than
six in one sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from zerogpu_desktop.safe_text import safe_for_display
from zerogpu_desktop.storage.presets.store import Preset, PresetStore
from zerogpu_desktop.storage.presets.versions import PresetVersion
from zerogpu_desktop.ui.controls import FOCUS_RING
from zerogpu_desktop.ui.editors import EditorSet
from zerogpu_desktop.ui.evaluate_models import ModelChooser
from zerogpu_desktop.ui.preset_version_text import version_heading
from zerogpu_desktop.workbench.compare import (
    MAX_COLUMNS,
    CompareColumn,
    CompareError,
    model_columns,
    version_columns,
)
from zerogpu_desktop.workbench.spec import PromptSpec

__all__ = ["MODELS", "VERSIONS", "CompareSetup"]

MODELS = "models"
VERSIONS = "versions"
LIMIT_SENTENCE = f"Compare shows at most {MAX_COLUMNS} columns: untick one to add another."


class CompareSetup(QWidget):
    """The mode, the models or versions ticked, and the model versions run on.

    Signals:
        message(str): a sentence to show (a model added).
        problem(str): a sentence about a refused choice.
    """

    message = Signal(str)
    problem = Signal(str)

    def __init__(
        self,
        editors: EditorSet,
        presets: PresetStore,
        loaded_preset: Callable[[], Preset | None],
        demo: Callable[[], bool],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._editors = editors
        self._presets = presets
        self._loaded_preset = loaded_preset
        self._demo = demo
        self._preset: Preset | None = None
        self.mode_combo = QComboBox(self)
        self.mode_combo.setAccessibleName("Compare what")
        self.mode_combo.addItem("Models", MODELS)
        self.mode_combo.addItem("Versions of a preset", VERSIONS)
        self.models_chooser = ModelChooser(self, limit_sentence=LIMIT_SENTENCE)
        # The setup has the window's height to itself: room for the demo's six models.
        rows = self.models_chooser.list
        rows.setFixedHeight(rows.fontMetrics().lineSpacing() * 8 + 12)
        self.preset_label = QLabel("", self)
        self.preset_label.setTextFormat(Qt.TextFormat.PlainText)
        self.preset_label.setWordWrap(True)
        self.preset_label.setAccessibleName("Preset")
        self.versions_list = QListWidget(self)
        self.versions_list.setAccessibleName("Versions to compare")
        self.versions_list.setAccessibleDescription(f"Tick up to {MAX_COLUMNS} versions with Space")
        self.versions_list.setStyleSheet(FOCUS_RING)
        self.versions_list.setFixedHeight(self.versions_list.fontMetrics().lineSpacing() * 8 + 12)
        self.version_model_edit = QLineEdit(self)
        self.version_model_edit.setAccessibleName("Model for the versions")
        self.version_model_edit.setPlaceholderText("The preset's model")
        self.version_model_edit.setAcceptDrops(False)

        mode_label = QLabel("Com&pare:", self)
        mode_label.setBuddy(self.mode_combo)
        self._models_label = QLabel("Mod&els:", self)
        self._models_label.setBuddy(self.models_chooser.list)
        self._versions_label = QLabel("&Versions:", self)
        self._versions_label.setBuddy(self.versions_list)
        self._on_model_label = QLabel("On mo&del:", self)
        self._on_model_label.setBuddy(self.version_model_edit)
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        form.addRow(mode_label, self.mode_combo)
        form.addRow(self._models_label, self.models_chooser)
        form.addRow(self.preset_label)
        form.addRow(self._versions_label, self.versions_list)
        form.addRow(self._on_model_label, self.version_model_edit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)

        self.mode_combo.currentIndexChanged.connect(self._show_mode)
        self.models_chooser.message.connect(self.message)
        self.models_chooser.problem.connect(self.problem)
        self.versions_list.itemChanged.connect(self._on_version_ticked)
        self._show_mode()

    @property
    def mode(self) -> str:
        return str(self.mode_combo.currentData())

    def refresh(self) -> None:
        """The models and the loaded preset's versions as they are now; ticks stay."""
        self.models_chooser.offer_window_models(self._editors.model_picker, self._demo())
        self._list_versions(self._loaded_preset())

    def show_versions(self, preset_name: str, numbers: list[int]) -> bool:
        """Versions mode with exactly `numbers` of `preset_name` ticked; False if it is gone."""
        preset = self._presets.get(preset_name)
        if preset is None:
            self.problem.emit(f"The preset “{safe_for_display(preset_name)}” no longer exists.")
            return False
        self.mode_combo.setCurrentIndex(self.mode_combo.findData(VERSIONS))
        self._list_versions(preset, ticked=set(numbers))
        return True

    def _list_versions(self, preset: Preset | None, ticked: set[int] | None = None) -> None:
        same_preset = (
            preset is not None
            and self._preset is not None
            and preset.preset_id == self._preset.preset_id
        )
        if ticked is None and same_preset:
            ticked = set(self._ticked_numbers())
        self._preset = preset
        self.versions_list.blockSignals(True)
        self.versions_list.clear()
        if preset is None:
            self.preset_label.setText("Load a preset to compare its versions.")
        else:
            name = safe_for_display(preset.name)
            self.preset_label.setText(f"Versions of “{name}”, newest first")
            if not self.version_model_edit.text().strip():
                self.version_model_edit.setText(preset.model)
            for version in reversed(self._presets.versions(preset.name)):
                self._version_item(version, preset, version.number in (ticked or set()))
        self.versions_list.blockSignals(False)
        self._show_mode()

    def _version_item(self, version: PresetVersion, preset: Preset, ticked: bool) -> None:
        item = QListWidgetItem(version_heading(version, preset.version), self.versions_list)
        item.setData(Qt.ItemDataRole.UserRole, version.number)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)

    def _ticked_numbers(self) -> list[int]:
        numbers = []
        for row in range(self.versions_list.count()):
            item = self.versions_list.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                numbers.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return sorted(numbers)

    def _on_version_ticked(self, item: QListWidgetItem) -> None:
        if item.checkState() == Qt.CheckState.Checked and len(self._ticked_numbers()) > MAX_COLUMNS:
            self.versions_list.blockSignals(True)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.versions_list.blockSignals(False)
            self.problem.emit(LIMIT_SENTENCE)

    def _show_mode(self) -> None:
        versions = self.mode == VERSIONS
        for chooser in (self._models_label, self.models_chooser):
            chooser.setVisible(not versions)
        for widget in (
            self.preset_label,
            self._versions_label,
            self.versions_list,
            self._on_model_label,
            self.version_model_edit,
        ):
            widget.setVisible(versions)

    def prompt_to_fill(self, spec: PromptSpec) -> PromptSpec:
        """What the variables form asks about: the window's prompt, or every ticked version's.

        Versions send their own prompts, which may use variables the editors do not.
        """
        chosen = self._ticked_versions()
        if self.mode == MODELS or chosen is None:
            return spec
        preset, versions = chosen
        return replace(
            spec,
            system_prompt="\n".join(version.system_prompt for version in versions),
            user_prompt="\n".join(version.user_prompt for version in versions),
            variables={**preset.variables, **spec.variables},
        )

    def columns(self, spec: PromptSpec) -> list[CompareColumn]:
        """The columns `spec` (the window's prompt) gives in the chosen mode.

        Raises:
            CompareError: fewer than two or more than six, or no preset for versions.
        """
        if self.mode == MODELS:
            return model_columns(spec, self.models_chooser.models())
        chosen = self._ticked_versions()
        if chosen is None:
            raise CompareError("Load a preset first: its versions are what is compared.")
        preset, versions = chosen
        model = self.version_model_edit.text().strip() or None
        return version_columns(spec, preset, versions, model)

    def _ticked_versions(self) -> tuple[Preset, list[PresetVersion]] | None:
        """The listed preset as it is now (renamed, maybe) and its ticked versions, read once."""
        preset = self._preset and self._presets.get_by_id(self._preset.preset_id)
        if preset is None:
            return None
        ticked = set(self._ticked_numbers())
        return preset, [v for v in self._presets.versions(preset.name) if v.number in ticked]
