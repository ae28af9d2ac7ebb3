"""The prompt editors as one value: what is typed is a `PromptSpec`, and a spec can be loaded.

The library panels (presets, history) and Send only need to read and replace what the
editors hold; going through `PromptEditing` keeps them from reaching into the window's
widgets, so the window's layout can change without them noticing.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from zerogpu_desktop.ui.model_picker import ModelPicker
from zerogpu_desktop.ui.prompt_editor import PromptEditor
from zerogpu_desktop.workbench.spec import PromptSpec

#: Typing pauses this long before `settled` is emitted (the estimate, the title).
SETTLE_DELAY_MS = 150


class PromptEditing(Protocol):
    """What the library needs from the editors."""

    def spec(self) -> PromptSpec:
        """The model, the prompts as written and the model's input limit."""
        ...

    def load(self, spec: PromptSpec) -> None:
        """Puts a spec's model and prompts in the editors, each as one undoable step."""
        ...

    def focus_prompt(self) -> None:
        """Gives the keyboard to the user prompt, where work goes on after a load."""
        ...


class EditorSet(QObject):
    """The model picker and the two prompt editors of the window, read and written together.

    Signals:
        edited(): the model or a prompt changed (every keystroke).
        settled(): typing paused for `SETTLE_DELAY_MS` after an edit.
    """

    edited = Signal()
    settled = Signal()

    def __init__(
        self,
        model_picker: ModelPicker,
        system_editor: PromptEditor,
        user_editor: PromptEditor,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.model_picker = model_picker
        self.system_editor = system_editor
        self.user_editor = user_editor
        self._settle_timer = QTimer(self)
        self._settle_timer.setSingleShot(True)
        self._settle_timer.setInterval(SETTLE_DELAY_MS)
        self._settle_timer.timeout.connect(self.settled.emit)
        for editor in (system_editor.editor, user_editor.editor):
            editor.textChanged.connect(self._on_edit)
        model_picker.model_changed.connect(lambda _model: self._on_edit())
        model_picker.format_changed.connect(lambda _format: self._on_edit())

    def spec(self) -> PromptSpec:
        return PromptSpec(
            self.model_picker.model(),
            self.system_editor.text(),
            self.user_editor.text(),
            input_limit=self.model_picker.input_limit(),
            response_format=self.model_picker.response_format(),
        )

    def load(self, spec: PromptSpec) -> None:
        self.model_picker.set_model(spec.model)
        self.model_picker.set_response_format(spec.response_format)
        self.system_editor.set_text(spec.system_prompt)
        self.user_editor.set_text(spec.user_prompt)

    def focus_prompt(self) -> None:
        self.user_editor.editor.setFocus()

    def text(self) -> str:
        """Both prompts joined the way the token estimate counts them."""
        return "\n".join(
            part for part in (self.system_editor.text(), self.user_editor.text()) if part
        )

    def _on_edit(self) -> None:
        self.edited.emit()
        self._settle_timer.start()
