"""Rating the selected run from the History panel: Good, Bad, Clear, and Edit note….

The same four actions are in the Rate button's menu and the list's context menu (the Menu
key or Shift+F10 opens it), and each has a key that works while the list has the focus, so
a run is rated without the mouse. The rating itself is written by the history's writer
thread (`HistoryService.rate`); the list shows it when the service says it was stored.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QTableView, QWidget

from zerogpu_desktop.safe_text import safe_for_display
from zerogpu_desktop.storage.history.types import RunRating, RunSummary
from zerogpu_desktop.ui.controls import OpenDialogs
from zerogpu_desktop.ui.rating_dialog import RatingDialog

#: The keys, while the History list has the focus.
GOOD_KEY, BAD_KEY, CLEAR_KEY, NOTE_KEY = "G", "B", "C", "N"


class RatingActions(QObject):
    """The rating actions for whichever run `selected()` gives.

    Signals:
        rate_requested(int, object, str): rate this run ("good", "bad" or None) with a note.
    """

    rate_requested = Signal(int, object, str)

    def __init__(
        self,
        table: QTableView,
        selected: Callable[[], RunSummary | None],
        dialog_parent: QWidget,
    ) -> None:
        super().__init__(dialog_parent)
        self._selected = selected
        self._dialog_parent = dialog_parent
        self._dialogs = OpenDialogs()
        self.good = self._action(table, "Rate &good", GOOD_KEY, lambda: self._rate("good"))
        self.bad = self._action(table, "Rate &bad", BAD_KEY, lambda: self._rate("bad"))
        self.clear = self._action(table, "&Clear rating", CLEAR_KEY, lambda: self._rate(None))
        self.note = self._action(table, "Edit &note…", NOTE_KEY, self.edit_note)
        self.menu = QMenu("Rate", dialog_parent)
        self.menu.setAccessibleName("Rate run")
        for action in self.all():
            self.menu.addAction(action)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(lambda point: self._context_menu(table, point))

    def all(self) -> tuple[QAction, ...]:
        return (self.good, self.bad, self.clear, self.note)

    def update(self, enabled: bool) -> None:
        """Enabled while a run is selected and ratings can be stored."""
        summary = self._selected() if enabled else None
        for action in (self.good, self.bad, self.note):
            action.setEnabled(summary is not None)
        self.clear.setEnabled(summary is not None and summary.rating is not None)

    def _action(
        self, table: QTableView, text: str, key: str, slot: Callable[[], object]
    ) -> QAction:
        action = QAction(text, table)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(slot)
        table.addAction(action)  # the key works while the list has the focus
        return action

    def _context_menu(self, table: QTableView, point: QPoint) -> None:
        if table.indexAt(point).isValid() or table.currentIndex().isValid():
            self.menu.popup(table.viewport().mapToGlobal(point))

    def _rate(self, rating: RunRating | None) -> None:
        summary = self._selected()
        if summary is None or not self.good.isEnabled():
            return
        # Rating again keeps the note; the note goes with the rating when it is cleared.
        note = (summary.rating_note or "") if rating is not None else ""
        self.rate_requested.emit(summary.id, rating, note)

    def edit_note(self) -> None:
        """Opens the rating and note of the selected run; Save rates it."""
        summary = self._selected()
        if summary is None or not self.note.isEnabled():
            return
        title = safe_for_display(f"Run {summary.id}: {summary.preview}")
        dialog = RatingDialog(title, summary.rating, summary.rating_note or "", self._dialog_parent)
        run_id = summary.id
        dialog.submitted.connect(
            lambda rating, note: self.rate_requested.emit(run_id, rating, note)
        )
        dialog.finished.connect(lambda _result: dialog.deleteLater())
        self._dialogs.open(dialog)
