"""The status bar: what is happening now, token usage, and the truncation verdict."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from zerogpu_desktop.api.tokens import TruncationAssessment, TruncationStatus
from zerogpu_desktop.safe_text import safe_for_display
from zerogpu_desktop.ui.palette import tone, truncation_colour

if TYPE_CHECKING:
    from zerogpu_desktop.api.models import Usage

#: Short words for the verdicts; the full explanation is the tooltip.
_SHORT = {
    TruncationStatus.NOT_TRUNCATED: "Not truncated",
    TruncationStatus.UNKNOWN: "Truncation unknown",
}


class RunStatusBar(QStatusBar):
    """Three permanent labels (estimate, usage, truncation) beside the message area."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state_label = QLabel("Ready", self)
        self.state_label.setAccessibleName("Status")
        self.estimate_label = QLabel("", self)
        self.estimate_label.setAccessibleName("Input token estimate")
        self.usage_label = QLabel("", self)
        self.usage_label.setAccessibleName("Token usage")
        self.truncation_label = QLabel("", self)
        self.truncation_label.setAccessibleName("Truncation status")
        self.addWidget(self.state_label, 1)
        for label in (self.estimate_label, self.usage_label, self.truncation_label):
            label.setContentsMargins(8, 0, 8, 0)
            self.addPermanentWidget(label)
        for label in (self.state_label, self.usage_label):
            # A model name or a reason from the server must not be taken for markup.
            label.setTextFormat(Qt.TextFormat.PlainText)

    def set_state(self, text: str) -> None:
        text = safe_for_display(text)
        self.state_label.setText(text)
        self.state_label.setToolTip(text)

    def set_estimate(self, estimated: int, limit: int | None) -> None:
        if estimated == 0:
            self.estimate_label.setText("")
            return
        text = f"≈ {estimated:,} input tokens"
        if limit and estimated > limit:
            text = f"⚠ ≈ {estimated:,} tokens: over the {limit:,} limit"
            self.estimate_label.setStyleSheet(f"color: {tone('warn')}; font-weight: 600;")
        else:
            self.estimate_label.setStyleSheet(f"color: {tone('muted')};")
        self.estimate_label.setText(text)
        self.estimate_label.setToolTip(
            "An estimate while you type; the server's own count appears after sending."
        )

    def set_usage(self, usage: Usage | None, problem: str | None = None) -> None:
        """`problem` says why the server's counts were not usable (absurd or not numbers)."""
        if problem:
            self.usage_label.setText(safe_for_display(f"usage unknown ({problem})"))
            return
        if usage is None:
            self.usage_label.setText("usage not reported")
            return
        self.usage_label.setText(
            f"In {usage.input_tokens:,} · Out {usage.output_tokens:,} · "
            f"Total {usage.total_tokens:,} tokens"
        )

    def clear_usage(self) -> None:
        self.usage_label.setText("")

    def set_truncation(self, assessment: TruncationAssessment | None) -> None:
        if assessment is None:
            self.truncation_label.setText("")
            self.truncation_label.setToolTip("")
            return
        short = _SHORT.get(assessment.status, assessment.explanation.rstrip("."))
        self.truncation_label.setText(short)
        self.truncation_label.setToolTip(assessment.explanation)
        self.truncation_label.setStyleSheet(
            f"color: {truncation_colour(assessment.status)}; font-weight: 600;"
        )
