"""The status bar: what is happening now, token usage, and the truncation verdict."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from zerogpu_desktop.api.tokens import TruncationAssessment, TruncationStatus
from zerogpu_desktop.safe_text import safe_for_display
from zerogpu_desktop.ui.adaptive_row import ElidedLabel
from zerogpu_desktop.ui.palette import tone, truncation_colour

if TYPE_CHECKING:
    from zerogpu_desktop.api.models import Usage
    from zerogpu_desktop.workbench.outcome import RunOutcome

#: The narrowest a status-bar label is squeezed to when the window is narrow.
MIN_LABEL_WIDTH = 40

#: Short words for the verdicts; the full explanation is the tooltip.
_SHORT = {
    TruncationStatus.NOT_TRUNCATED: "Not truncated",
    TruncationStatus.UNKNOWN: "Truncation unknown",
}


class RunStatusBar(QStatusBar):
    """Three permanent labels (estimate, usage, truncation) beside the message area.

    Each label's accessible description repeats its figures in words: a screen reader reads a
    label's name and description, and "Token usage" alone would tell nothing. The end of a run
    is also announced, so a user who is not looking at the status bar hears it.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state_label = ElidedLabel("Ready", self)
        self.state_label.setAccessibleName("Status")
        self.state_label.setAccessibleDescription("Ready")
        self.demo_label = QLabel("Demo", self)
        self.demo_label.setAccessibleName("Demo mode")
        self.demo_label.setAccessibleDescription(
            "Demo: answers come from the built-in offline demo, not ZeroGPU"
        )
        self.demo_label.setToolTip(self.demo_label.accessibleDescription())
        self.demo_label.setStyleSheet(
            f"color: {tone('warn')}; font-weight: 600; border: 1px solid {tone('warn')};"
            " border-radius: 4px; padding: 0 6px;"
        )
        self.demo_label.hide()
        self.estimate_label = QLabel("", self)
        self.estimate_label.setAccessibleName("Input token estimate")
        self.usage_label = QLabel("", self)
        self.usage_label.setAccessibleName("Token usage")
        self.truncation_label = QLabel("", self)
        self.truncation_label.setAccessibleName("Truncation status")
        self.addWidget(self.state_label, 1)
        self.addPermanentWidget(self.demo_label)
        for label in (self.estimate_label, self.usage_label, self.truncation_label):
            label.setContentsMargins(8, 0, 8, 0)
            self.addPermanentWidget(label)
        for label in (self.state_label, self.usage_label):
            # A model name or a reason from the server must not be taken for markup.
            label.setTextFormat(Qt.TextFormat.PlainText)
        # A long sentence or verdict is cut (the tooltip has all of it) rather than making
        # the window wider than the screen.
        for label in (
            self.state_label,
            self.estimate_label,
            self.usage_label,
            self.truncation_label,
        ):
            label.setMinimumWidth(MIN_LABEL_WIDTH)

    def set_state(self, text: str) -> None:
        text = safe_for_display(text)
        self.state_label.setText(text)
        self.state_label.setAccessibleDescription(text)

    def set_estimate(self, estimated: int, limit: int | None) -> None:
        if estimated == 0:
            self.estimate_label.setText("")
            self.estimate_label.setAccessibleDescription("")
            return
        text = f"≈ {estimated:,} input tokens"
        spoken = f"About {estimated:,} input tokens"
        if limit:
            spoken += f", the model's limit is {limit:,}"
        if limit and estimated > limit:
            text = f"⚠ ≈ {estimated:,} tokens: over the {limit:,} limit"
            spoken = f"Warning: about {estimated:,} input tokens, over the {limit:,} limit"
            self.estimate_label.setStyleSheet(f"color: {tone('warn')}; font-weight: 600;")
        else:
            self.estimate_label.setStyleSheet(f"color: {tone('muted')};")
        self.estimate_label.setText(text)
        self.estimate_label.setAccessibleDescription(spoken)
        self.estimate_label.setToolTip(
            "An estimate while you type; the server's own count appears after sending."
        )

    def set_usage(self, usage: Usage | None, problem: str | None = None) -> None:
        """`problem` says why the server's counts were not usable (absurd or not numbers)."""
        if problem:
            text = safe_for_display(f"usage unknown ({problem})")
            self._show_usage(text, f"Token usage unknown: {safe_for_display(problem)}")
            return
        if usage is None:
            self._show_usage("usage not reported", "The server did not report token usage")
            return
        self._show_usage(
            f"In {usage.input_tokens:,} · Out {usage.output_tokens:,} · "
            f"Total {usage.total_tokens:,} tokens",
            f"Input {usage.input_tokens:,} tokens, output {usage.output_tokens:,} tokens, "
            f"total {usage.total_tokens:,} tokens",
        )

    def clear_usage(self) -> None:
        self._show_usage("", "")

    def _show_usage(self, text: str, spoken: str) -> None:
        self.usage_label.setText(text)
        self.usage_label.setAccessibleDescription(spoken)

    def set_truncation(self, assessment: TruncationAssessment | None) -> None:
        if assessment is None:
            self.truncation_label.setText("")
            self.truncation_label.setToolTip("")
            self.truncation_label.setAccessibleDescription("")
            return
        short = _SHORT.get(assessment.status, assessment.explanation.rstrip("."))
        self.truncation_label.setText(short)
        self.truncation_label.setToolTip(assessment.explanation)
        self.truncation_label.setAccessibleDescription(assessment.explanation)
        self.truncation_label.setStyleSheet(
            f"color: {truncation_colour(assessment.status)}; font-weight: 600;"
        )

    def set_demo(self, active: bool) -> None:
        """Shows the "Demo" badge while this session's runs go to the built-in demo."""
        self.demo_label.setVisible(active)

    def announce(self, text: str, *, assertive: bool = False) -> None:
        """Asks assistive technology to speak `text` now (an answer arrived, a run failed).

        Polite announcements wait for the screen reader to finish; an error interrupts.
        """
        event = QAccessibleAnnouncementEvent(self, safe_for_display(text))
        politeness = QAccessible.AnnouncementPoliteness
        event.setPoliteness(politeness.Assertive if assertive else politeness.Polite)
        QAccessible.updateAccessibility(event)

    def announce_outcome(self, outcome: RunOutcome) -> None:
        """Speaks how a run ended: the answer's size, or the failure's sentence."""
        response, explanation = outcome.response, outcome.explanation
        if response is not None:
            tokens = response.usage.output_tokens if response.usage else None
            size = f", {tokens:,} output tokens" if tokens is not None else ""
            self.announce(f"Answer ready{size}.")
        elif explanation is not None:
            self.announce(explanation.as_line(), assertive=True)
