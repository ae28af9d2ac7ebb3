"""File → New prompt: empty both prompts, and one Ctrl+Z to have them back.

Each editor keeps its own undo history, so the editor's Ctrl+Z alone would bring back one
prompt and leave the other empty, and the preset would stay forgotten. Until the user types
again, Ctrl+Z in either editor (or File → Undo new prompt) therefore restores both prompts
and the preset at once; after that, Ctrl+Z is the editors' own again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence

from zerogpu_desktop.ui.editors import EditorSet

if TYPE_CHECKING:
    from zerogpu_desktop.storage.presets.store import Preset
    from zerogpu_desktop.ui.library import Library

NEW_PROMPT_MESSAGE = "New prompt. Ctrl+Z brings the previous one back."
RESTORED_MESSAGE = "The previous prompt is back."


class NewPrompt(QObject):
    """Empties the editors and keeps what they held until the user types again.

    Args:
        editors: the window's editors.
        library: the window's library once attached (None before), for the loaded preset.

    Signals:
        message(str): a sentence for the status bar.
        undo_available(bool): whether Undo new prompt can bring something back.
    """

    message = Signal(str)
    undo_available = Signal(bool)

    def __init__(
        self,
        editors: EditorSet,
        library: Callable[[], Library | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._editors = editors
        self._library = library
        self._previous: tuple[str, str, Preset | None] | None = None
        self._changing = False
        for editor in (editors.system_editor.editor, editors.user_editor.editor):
            editor.textChanged.connect(self._on_typed)
            editor.installEventFilter(self)

    @property
    def can_undo(self) -> bool:
        return self._previous is not None

    def start(self) -> None:
        """Empties both prompts (the model and format stay) and forgets the loaded preset."""
        system, user = self._editors.system_editor, self._editors.user_editor
        library = self._library()
        loaded = library.loaded_preset if library is not None else None
        if not system.text() and not user.text() and loaded is None:
            self._editors.focus_prompt()
            self.message.emit("The prompts are already empty.")
            return
        self._changing = True
        try:
            previous = (system.text(), user.text(), loaded)
            system.set_text("")
            user.set_text("")
            if library is not None:
                library.swap_loaded_preset(None)
        finally:
            self._changing = False
        self._set_previous(previous)
        self._editors.focus_prompt()
        self.message.emit(NEW_PROMPT_MESSAGE)

    def undo(self) -> bool:
        """Puts back what New prompt emptied; False when there is nothing to put back."""
        if self._previous is None:
            return False
        system_text, user_text, preset = self._previous
        self._changing = True
        try:
            self._editors.system_editor.set_text(system_text)
            self._editors.user_editor.set_text(user_text)
            library = self._library()
            if library is not None and preset is not None:
                library.swap_loaded_preset(preset)
        finally:
            self._changing = False
        self._set_previous(None)
        self._editors.focus_prompt()
        self.message.emit(RESTORED_MESSAGE)
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Ctrl+Z in an editor right after New prompt restores both prompts."""
        if (
            self._previous is not None
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.matches(QKeySequence.StandardKey.Undo)
        ):
            self.undo()
            return True
        return super().eventFilter(watched, event)

    def _on_typed(self) -> None:
        if not self._changing and self._previous is not None:
            # Typing makes the emptied prompt the user's own; Ctrl+Z is the editor's again.
            self._set_previous(None)

    def _set_previous(self, previous: tuple[str, str, Preset | None] | None) -> None:
        self._previous = previous
        self.undo_available.emit(previous is not None)
