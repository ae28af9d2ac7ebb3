"""One cell of the Evaluate grid in full: the answer, the request as sent, every check's reason.

The grid shows two lines of an answer; deciding whether a failure is the model's fault or
the check's needs the whole answer beside exactly what was sent, and why each check said
what it said. The dialog reads only this cell's results, from the store, when it opens.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from zerogpu_desktop.api.tokens import TruncationStatus
from zerogpu_desktop.safe_text import safe_for_display
from zerogpu_desktop.ui.controls import FOCUS_RING
from zerogpu_desktop.ui.shortcuts_dialog import claims_escape
from zerogpu_desktop.workbench.evaluate.types import CellResult, CellStatus

_STATUS_WORDS = {
    CellStatus.PASSED: "✓ Passed",
    CellStatus.FAILED: "✗ Failed",
    CellStatus.ERROR: "! Error",
}
_TRUNCATION_WORDS = {
    TruncationStatus.NOT_TRUNCATED: "Not truncated",
    TruncationStatus.TRUNCATED: "Truncated",
    TruncationStatus.POSSIBLY_TRUNCATED: "Possibly truncated",
    TruncationStatus.UNKNOWN: "Truncation unknown (no usage reported)",
    TruncationStatus.REJECTED: "Input rejected as too long",
}


@dataclass(frozen=True, slots=True)
class SentRequest:
    """The prompts one cell sent, variables filled."""

    system_prompt: str
    user_prompt: str


@dataclass(frozen=True, slots=True)
class CellDetail:
    """Everything the dialog shows about one case on one model.

    Attributes:
        case_title: "3. France", as the grid names the case.
        model: The model id.
        results: The cell's repeats, in order (at least one).
        requests: What each repeat sent, by position in `results`; None when unknown.
    """

    case_title: str
    model: str
    results: Sequence[CellResult]
    requests: Sequence[SentRequest | None]


def figures(result: CellResult) -> str:
    """Status, tokens, latency, truncation and the history run, as one line."""
    parts = [_STATUS_WORDS[result.status]]
    if result.input_tokens is not None or result.output_tokens is not None:
        parts.append(
            f"{result.input_tokens or 0:,} in · {result.output_tokens or 0:,} out "
            f"({result.tokens_used:,} tokens)"
        )
    if result.latency_seconds is not None:
        parts.append(f"{round(result.latency_seconds * 1000):,} ms")
    if result.truncation_status is not None:
        parts.append(_TRUNCATION_WORDS[result.truncation_status])
    parts.append(f"history run #{result.run_id}" if result.run_id is not None else "not in history")
    return " · ".join(parts)


def check_lines(result: CellResult) -> list[str]:
    """Each check with its mark and, when it failed, its reason."""
    lines = []
    for outcome in result.checks:
        if outcome.passed:
            lines.append(f"✓ {outcome.check}")
        else:
            reason = f" — {outcome.reason}" if outcome.reason else ""
            lines.append(f"✗ {outcome.check}{reason}")
    return [safe_for_display(line) for line in lines]


class CellDetailDialog(QDialog):
    """The full answer (selectable), the request as sent, the checks; Esc or Close ends it."""

    def __init__(self, detail: CellDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail = detail
        title = f"{detail.case_title} on {detail.model}"
        self.setWindowTitle(safe_for_display(title))
        self.setAccessibleName("Evaluation result")
        self.setAccessibleDescription(safe_for_display(title))
        self.repeat_combo = QComboBox(self)
        self.repeat_combo.setAccessibleName("Repeat")
        self.repeat_combo.view().setAccessibleName("Repeats")
        self.repeat_combo.addItems(
            [f"Repeat {result.key.repeat_index + 1}" for result in detail.results]
        )
        repeat_label = QLabel("&Repeat:", self)
        repeat_label.setBuddy(self.repeat_combo)
        self.figures_label = QLabel(self)
        self.figures_label.setAccessibleName("Result figures")
        self.figures_label.setWordWrap(True)
        self.figures_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reason_label = QLabel(self)
        self.reason_label.setAccessibleName("Reason")
        self.reason_label.setWordWrap(True)
        self.reason_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.checks = QListWidget(self)
        self.checks.setAccessibleName("Checks")
        self.checks.setStyleSheet(FOCUS_RING)
        self.answer = self._text_view("Answer")
        self.request = self._text_view("Request as sent")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")

        top = QHBoxLayout()
        top.addWidget(self.figures_label, 1)
        top.addWidget(repeat_label)
        top.addWidget(self.repeat_combo)
        repeat_label.setVisible(len(detail.results) > 1)
        self.repeat_combo.setVisible(len(detail.results) > 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(_captioned("&Answer", self.answer, splitter))
        splitter.addWidget(_captioned("Re&quest as sent", self.request, splitter))
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.reason_label)
        layout.addWidget(_captioned("C&hecks", self.checks, self), 0)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)
        self.repeat_combo.currentIndexChanged.connect(self.show_repeat)
        self.resize(900, 620)
        self.show_repeat(0)
        self.answer.setFocus(Qt.FocusReason.OtherFocusReason)

    def _text_view(self, name: str) -> QPlainTextEdit:
        view = QPlainTextEdit(self)
        view.setReadOnly(True)
        view.setAccessibleName(name)
        view.setStyleSheet(FOCUS_RING)
        view.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        return view

    def show_repeat(self, position: int) -> None:
        results = self.detail.results
        if not 0 <= position < len(results):
            return
        result = results[position]
        self.figures_label.setText(safe_for_display(figures(result)))
        # A failed check's reason is in the list below; the line says what the list cannot.
        said_below = any(not c.passed and c.reason == result.reason for c in result.checks)
        reason = "" if said_below else result.reason
        cut = result.truncation_status in (
            TruncationStatus.TRUNCATED,
            TruncationStatus.POSSIBLY_TRUNCATED,
        )
        if cut and result.truncation_note and result.truncation_note not in reason:
            reason = f"{reason} {result.truncation_note}".strip()
        if not reason and result.status is CellStatus.PASSED:
            reason = "Every check passed."
        self.reason_label.setText(safe_for_display(reason))
        self.reason_label.setVisible(bool(reason))
        self.checks.clear()
        lines = check_lines(result) or ["This row has no checks: an answer passes."]
        if result.status is CellStatus.ERROR:
            lines = ["No answer came back, so no check ran."]
        for line in lines:
            item = QListWidgetItem(line, self.checks)
            item.setData(
                Qt.ItemDataRole.AccessibleTextRole,
                line.replace("✓", "Passed:").replace("✗", "Failed:"),
            )
        self.checks.setMaximumHeight(
            min(180, 8 + max(1, len(lines)) * self.checks.sizeHintForRow(0))
        )
        self.answer.setPlainText(
            safe_for_display(result.answer) if result.answer else "(no answer)"
        )
        requests = self.detail.requests
        sent = requests[position] if position < len(requests) else None
        if sent is None:
            self.request.setPlainText("The request of this cell is not known.")
        else:
            system = sent.system_prompt or "(none)"
            self.request.setPlainText(
                safe_for_display(f"System prompt:\n{system}\n\nUser prompt:\n{sent.user_prompt}")
            )

    def event(self, event: QEvent) -> bool:
        """Esc closes the dialog, even though the window's Esc (Cancel) is active."""
        if claims_escape(event):
            return True
        return super().event(event)


def _captioned(caption: str, widget: QWidget, parent: QWidget) -> QWidget:
    box = QWidget(parent)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    label = QLabel(caption, box)
    label.setBuddy(widget)
    layout.addWidget(label)
    layout.addWidget(widget, 1)
    return box
