"""The Compare window: one prompt on 2–6 models, or 2–6 versions of a preset, side by side.

A window of its own rather than a dock: side-by-side answers want the width of the screen,
and the main window stays usable beside it. Each column finishes on its own; Esc cancels
every column still running. Two columns can have their changed words marked, "Different
only" folds the paragraphs every answer shares, and the columns can scroll together. Each
answer can be rated good or bad with a note, stored on its history run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from zerogpu_desktop.safe_text import safe_for_display
from zerogpu_desktop.storage.presets.store import Preset, PresetStore
from zerogpu_desktop.ui.compare_bridge import CompareBridge
from zerogpu_desktop.ui.compare_column import CompareColumnView
from zerogpu_desktop.ui.compare_scroll import ScrollTogether
from zerogpu_desktop.ui.compare_setup import CompareSetup
from zerogpu_desktop.ui.controls import named_button
from zerogpu_desktop.ui.editors import EditorSet
from zerogpu_desktop.ui.evaluate_results import announce
from zerogpu_desktop.ui.palette import tone
from zerogpu_desktop.workbench.compare import CompareColumn, CompareError

if TYPE_CHECKING:
    from zerogpu_desktop.ui.session import WindowSession
    from zerogpu_desktop.workbench.outcome import RunOutcome
    from zerogpu_desktop.workbench.spec import PromptSpec

__all__ = ["CompareParts", "CompareWindow"]

#: How often the waiting columns' elapsed time is redrawn (ms).
ELAPSED_INTERVAL_MS = 100
#: Marking the changed words of two long answers is given this long on a worker thread.
DIFF_TIMEOUT_SECONDS = 5.0
NO_PAIR = "Nothing marked"


@dataclass(frozen=True)
class CompareParts:
    """What the window works with, handed over by the main window.

    Attributes:
        session: The window's session (runs, keys, settings, history, tasks).
        editors: The main window's model box and prompt editors.
        presets: The presets store (versions mode).
        loaded_preset: The preset loaded in the editors, if any.
        prepare: Asks for the prompt's `{{variables}}` (as Send does), then calls back with
            the spec filled in and tied to the loaded preset.
    """

    session: WindowSession
    editors: EditorSet
    presets: PresetStore
    loaded_preset: Callable[[], Preset | None]
    prepare: Callable[[PromptSpec, Callable[[PromptSpec], None]], None]


class CompareWindow(QWidget):
    """Setup on the left, the columns on the right; made at the first Run → Compare…."""

    def __init__(self, parts: CompareParts, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Compare — ZeroGPU Desktop")
        self.setAccessibleName("Compare")
        self.setObjectName("compareWindow")
        self._parts = parts
        session = parts.session
        self._history = session.history
        self._tasks = session.tasks
        self.columns: list[CompareColumnView] = []
        self._started = 0.0
        self._display_generation = 0
        self.bridge = CompareBridge(session.runs, session.tasks, parent=self)
        self.setup = CompareSetup(
            parts.editors, parts.presets, parts.loaded_preset, lambda: session.runs.demo, self
        )
        self.run_button = named_button("&Compare", "Compare", self)
        self.run_button.setToolTip("Send the window's prompt to every column (Ctrl+Enter)")
        self.cancel_button = named_button("Cancel", "Cancel the comparison", self)
        self.cancel_button.setToolTip("Stop every column still running (Esc)")
        self.cancel_button.setEnabled(False)
        self.mark_check = QCheckBox("&Mark changed words", self)
        self.mark_check.setAccessibleName("Mark changed words")
        self.left_combo = QComboBox(self)
        self.left_combo.setAccessibleName("First column to compare")
        self.right_combo = QComboBox(self)
        self.right_combo.setAccessibleName("Second column to compare")
        self.different_check = QCheckBox("&Different only", self)
        self.different_check.setAccessibleName("Different only")
        self.different_check.setToolTip("Fold the paragraphs that every answer shares")
        self.together_check = QCheckBox("Scroll &together", self)
        self.together_check.setAccessibleName("Scroll together")
        self.together_check.setChecked(True)
        self.status_label = QLabel("Choose 2 to 6 models, then press Compare.", self)
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName("Compare status")
        self.columns_area = QScrollArea(self)
        self.columns_area.setWidgetResizable(True)
        self.columns_area.setAccessibleName("Columns")
        self._row = QWidget(self.columns_area)
        self._row_layout = QHBoxLayout(self._row)
        self._row_layout.setContentsMargins(0, 0, 0, 0)
        self.placeholder = QLabel(
            "The answers appear here side by side, each with its tokens, time and truncation "
            "verdict.\nTick the models on the left (or choose versions of a preset), then "
            "press Compare (Ctrl+Enter).",
            self._row,
        )
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setEnabled(False)
        self._row_layout.addWidget(self.placeholder)
        self.columns_area.setWidget(self._row)
        self._scroll = ScrollTogether(self)
        self._build_layout()

        self._timer = QTimer(self)
        self._timer.setInterval(ELAPSED_INTERVAL_MS)
        self._timer.timeout.connect(self._tick)
        self.run_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(self.cancel)
        self.setup.message.connect(self._say)
        self.setup.problem.connect(lambda words: self._say(words, "bad"))
        for control in (self.mark_check, self.different_check):
            control.toggled.connect(self.refresh_displays)
        for combo in (self.left_combo, self.right_combo):
            combo.currentIndexChanged.connect(self.refresh_displays)
        self.together_check.toggled.connect(self._scroll.set_enabled)
        self.bridge.running_changed.connect(self._on_running_changed)
        self.bridge.answered.connect(self._on_answered)
        self.bridge.recorded.connect(self._on_recorded)
        self.bridge.failed.connect(lambda words: self._say(words, "bad"))
        for keys in ("Ctrl+Return", "Ctrl+Enter", "Ctrl+Shift+Return", "Ctrl+Shift+Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(self.run)
        QShortcut(QKeySequence("Esc"), self).activated.connect(self._escape)
        self._update_pair_controls()

    def __repr__(self) -> str:
        return f"CompareWindow(columns={len(self.columns)}, running={self.bridge.is_running})"

    def _build_layout(self) -> None:
        side = QWidget(self)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(8, 8, 8, 8)
        side_layout.addWidget(self.setup)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        side_layout.addLayout(buttons)
        side_layout.addWidget(self.mark_check)
        pair = QHBoxLayout()
        pair.addWidget(self.left_combo, 1)
        pair.addWidget(QLabel("↔", side))
        pair.addWidget(self.right_combo, 1)
        side_layout.addLayout(pair)
        side_layout.addWidget(self.different_check)
        side_layout.addWidget(self.together_check)
        side_layout.addWidget(self.status_label)
        side_layout.addStretch(1)
        side.setMinimumWidth(200)
        side.setMaximumWidth(360)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(side)
        splitter.addWidget(self.columns_area)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    # -- opening ----------------------------------------------------------------------

    def show_and_focus(self) -> None:
        """Shows the window in front, with the models (or versions) fresh from the window."""
        self.setup.refresh()
        if not self.isVisible():
            screen = self.screen().availableGeometry()
            self.resize(min(1280, screen.width()), min(800, screen.height()))
        self.show()
        self.raise_()
        self.activateWindow()
        self.setup.mode_combo.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def compare_versions(self, preset_name: str, numbers: list[int]) -> None:
        """From the Presets panel: those versions of the preset, compared at once."""
        self.show_and_focus()
        if self.setup.show_versions(preset_name, numbers):
            self.run()

    # -- running ----------------------------------------------------------------------

    def run(self) -> None:
        """Sends the window's prompt to every column; does nothing while one runs."""
        if self.bridge.is_running:
            return
        self._parts.prepare(self.setup.prompt_to_fill(self._parts.editors.spec()), self._start)

    def _start(self, spec: PromptSpec) -> None:
        try:
            columns = self.setup.columns(spec)
        except CompareError as exc:
            self._say(str(exc), "bad")
            return
        if self.bridge.start(columns):
            self._show_columns(columns)

    def cancel(self) -> None:
        self.bridge.cancel()

    def _escape(self) -> None:
        if not self.bridge.cancel():
            self.close()

    def _show_columns(self, columns: list[CompareColumn]) -> None:
        for view in self.columns:
            self._row_layout.removeWidget(view)
            view.deleteLater()
        self.columns = []
        self.placeholder.hide()
        for column in columns:
            view = CompareColumnView(column.label, column.spec.model, self._row)
            view.rated.connect(self._rater(view))
            view.use_model.connect(self._use_model)
            self._row_layout.addWidget(view, 1)
            self.columns.append(view)
        self._scroll.follow([view.browser for view in self.columns])
        self._fill_pair_combos()
        self._started = time.monotonic()
        self._timer.start()
        self._tick()
        self._say(f"Sending to {len(columns)} columns…")

    def _tick(self) -> None:
        elapsed = time.monotonic() - self._started
        for view in self.columns:
            view.set_elapsed(elapsed)

    def _on_running_changed(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        if not running:
            self._timer.stop()
            self._say_summary()

    def _on_answered(self, index: int, outcome: RunOutcome) -> None:
        if index < len(self.columns):
            self.columns[index].set_outcome(outcome)
            self.refresh_displays()

    def _on_recorded(self, index: int, outcome: RunOutcome) -> None:
        if index < len(self.columns):
            self.columns[index].set_recorded(outcome.history_id)

    def _say_summary(self) -> None:
        answered = sum(view.answer is not None for view in self.columns)
        others = len(self.columns) - answered
        words = f"{answered} of {len(self.columns)} columns answered"
        words += f"; {others} did not (each says why)." if others else "."
        self._say(words, None if not others else "warn")
        announce(self.status_label, words)

    def _say(self, words: str, colour: str | None = None) -> None:
        self.status_label.setText(words)
        self.status_label.setAccessibleDescription(words)
        self.status_label.setStyleSheet(f"color: {tone(colour)};" if colour else "")

    # -- what the columns show --------------------------------------------------------

    def _fill_pair_combos(self) -> None:
        for position, combo in enumerate((self.left_combo, self.right_combo)):
            combo.blockSignals(True)
            combo.clear()
            for index, view in enumerate(self.columns):
                combo.addItem(safe_for_display(view.label), index)
            combo.setCurrentIndex(min(position, combo.count() - 1))
            combo.blockSignals(False)
        self._update_pair_controls()

    def _update_pair_controls(self) -> None:
        enough = len(self.columns) >= 2
        self.mark_check.setEnabled(enough)
        self.left_combo.setEnabled(enough and self.mark_check.isChecked())
        self.right_combo.setEnabled(enough and self.mark_check.isChecked())

    def marked_pair(self) -> tuple[int, int] | None:
        if not self.mark_check.isChecked() or len(self.columns) < 2:
            return None
        return (self.left_combo.currentIndex(), self.right_combo.currentIndex())

    def refresh_displays(self) -> None:
        """Works out what every column shows on a worker thread, then shows it."""
        self._update_pair_controls()
        self._display_generation += 1
        self._tasks.spawn(self._refresh(self._display_generation))

    async def _refresh(self, generation: int) -> None:
        from zerogpu_desktop import background
        from zerogpu_desktop.workbench.compare_display import column_displays

        answers = [view.answer for view in self.columns]
        pair, folded = self.marked_pair(), self.different_check.isChecked()
        try:
            displays = await background.run(
                lambda: column_displays(answers, pair=pair, different_only=folded),
                timeout=DIFF_TIMEOUT_SECONDS,
                name="zerogpu-compare-diff",
            )
        except TimeoutError:
            self._say("The answers are too long to mark their changed words.", "warn")
            return
        if generation != self._display_generation or len(displays) != len(self.columns):
            return  # a newer choice or a new comparison is on its way
        for view, display in zip(self.columns, displays, strict=True):
            view.show_display(display)

    # -- rating and models ------------------------------------------------------------

    def _rater(self, view: CompareColumnView) -> Callable[[object, str], None]:
        def rate(rating: object, note: str) -> None:
            if view.history_id is None:
                return
            self._history.rate(view.history_id, rating, note)  # type: ignore[arg-type]
            word = rating if rating else "not rated"
            self._say(f"The answer from {safe_for_display(view.label)} is {word}.")

        return rate

    def _use_model(self, model: str) -> None:
        self._parts.editors.model_picker.set_model(model)
        self._say(f"The window's model box now says “{safe_for_display(model)}”.")

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        """Closing the window stops what it runs; what answered stays in the history."""
        self.bridge.cancel()
        super().closeEvent(event)
