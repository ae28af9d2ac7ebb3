"""What the window keeps between starts: the draft in the editors, and the window's layout.

The draft is written after a pause in typing on the saver's thread (typing never waits for
the disk), and at once on Send and at quit. The layout is a convenience: losing it never
blocks quitting.
"""

from __future__ import annotations

import contextlib

from PySide6.QtCore import QByteArray, QObject, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QMainWindow, QSplitter

from zerogpu_desktop.storage import Draft, DraftStore, UiStateStore
from zerogpu_desktop.storage.draft_saver import DraftSaver
from zerogpu_desktop.ui.editors import EditorSet
from zerogpu_desktop.ui.status_bar import RunStatusBar

#: Typing pauses this long before the draft is written to disk.
DRAFT_SAVE_DELAY_MS = 400
#: The library docks' width on a first start.
DEFAULT_DOCK_WIDTH = 270
#: The window's size on a first start.
DEFAULT_SIZE = (1280, 800)


class DraftKeeper(QObject):
    """Restores the editors at start and saves them while the user types."""

    def __init__(self, store: DraftStore, editors: EditorSet, status: RunStatusBar) -> None:
        super().__init__(editors)
        self._store = store
        self._editors = editors
        self._status = status
        self._saver = DraftSaver(store)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DRAFT_SAVE_DELAY_MS)
        self._timer.timeout.connect(self._save_soon)
        editors.edited.connect(self._timer.start)

    def current(self) -> Draft:
        spec = self._editors.spec()
        return Draft(spec.model, spec.system_prompt, spec.user_prompt, spec.response_format)

    def restore(self, last_model: str) -> str | None:
        """The last draft back in the editors, with nothing to undo yet.

        Returns:
            A sentence when the draft file was broken and moved aside, else None.
        """
        loaded = self._store.read()
        draft = loaded.value
        editors = self._editors
        editors.model_picker.set_model(draft.model or last_model)
        editors.model_picker.set_response_format(draft.response_format)
        editors.system_editor.set_text(draft.system_prompt)
        editors.user_editor.set_text(draft.user_prompt)
        for editor in (editors.system_editor.editor, editors.user_editor.editor):
            editor.document().clearUndoRedoStacks()
        self._timer.stop()
        return loaded.problem

    def save_now(self) -> None:
        """Writes the editors to disk now (Send, quit); a failure is shown, never raised."""
        self._timer.stop()
        if not self._saver.save_now(self.current()):
            self._status.set_state(self._saver.last_error or "Draft not saved.")

    def _save_soon(self) -> None:
        if self._saver.last_error:
            self._status.set_state(self._saver.last_error)
        self._saver.submit(self.current())

    def close(self) -> None:
        """Finishes the pending write, writes the last state, and stops the saver's thread."""
        self._saver.flush()
        self.save_now()
        self._saver.stop()


def restore_layout(
    window: QMainWindow,
    state: UiStateStore,
    first_dock: QDockWidget,
    splitters: dict[str, QSplitter],
) -> str | None:
    """The window's size, docks and splitters as they were when it last closed.

    Returns:
        A sentence when the layout file was broken and moved aside, else None.
    """
    problem = state.read().problem
    geometry = state.get("window_geometry")
    if geometry is None or not window.restoreGeometry(QByteArray(geometry)):
        screen = window.screen().availableGeometry()
        # A first start on a small screen (800×600) must not open larger than the screen.
        window.resize(min(DEFAULT_SIZE[0], screen.width()), min(DEFAULT_SIZE[1], screen.height()))
    dock_state = state.get("window_state")
    if dock_state is None or not window.restoreState(QByteArray(dock_state)):
        # Dock sizes only apply once the window is laid out.
        QTimer.singleShot(
            0,
            lambda: window.resizeDocks(
                [first_dock], [DEFAULT_DOCK_WIDTH], Qt.Orientation.Horizontal
            ),
        )
    for name, splitter in splitters.items():
        saved = state.get(name)
        if saved is not None:
            splitter.restoreState(QByteArray(saved))
    return problem


def save_layout(window: QMainWindow, state: UiStateStore, splitters: dict[str, QSplitter]) -> None:
    state.set("window_geometry", bytes(window.saveGeometry().data()))
    state.set("window_state", bytes(window.saveState().data()))
    for name, splitter in splitters.items():
        state.set(name, bytes(splitter.saveState().data()))
    with contextlib.suppress(OSError):
        state.save()
