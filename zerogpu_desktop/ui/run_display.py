"""How a run shows: Send turns into Cancel, the time counts, then the answer or the sentence.

The window's widgets are handed in; this class only turns run events (and runs reopened from
the history) into what those widgets show, so the window itself stays about layout.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QPushButton

from zerogpu_desktop.api.tokens import TruncationAssessment, estimate_tokens
from zerogpu_desktop.safe_text import safe_for_display
from zerogpu_desktop.ui.error_banner import ErrorBanner
from zerogpu_desktop.ui.output_view import OutputView
from zerogpu_desktop.ui.status_bar import RunStatusBar

if TYPE_CHECKING:
    from zerogpu_desktop.storage.history.types import RunRecord
    from zerogpu_desktop.workbench.outcome import RunOutcome

#: How often the elapsed time of a running request is redrawn.
ELAPSED_INTERVAL_MS = 100
#: A model name longer than this is cut in the waiting line.
MODEL_NAME_CHARS = 80
HISTORY_HINT = "Earlier answers are in History (Ctrl+H)."
FAILED_WORDS = f"No answer: the request failed — see the message above. {HISTORY_HINT}"
REFUSED_WORDS = f"No answer: nothing was sent — see the message above. {HISTORY_HINT}"
CANCELLED_WORDS = f"No answer: the request was cancelled. {HISTORY_HINT}"


def when_text(created: float, now: datetime | None = None) -> str:
    """A run's local start time: "14:02" today, "3 Mar 14:02" another day."""
    moment = datetime.fromtimestamp(created)
    today = (now or datetime.now()).date()
    if moment.date() == today:
        return moment.strftime("%H:%M")
    if moment.year == today.year:
        return f"{moment.day} {moment.strftime('%b %H:%M')}"
    return f"{moment.day} {moment.strftime('%b %Y %H:%M')}"


class RunDisplay(QObject):
    """Shows one run at a time in the Send button, the status bar, the output and the banner."""

    def __init__(
        self,
        send_button: QPushButton,
        send_action: QAction,
        cancel_action: QAction,
        status: RunStatusBar,
        output: OutputView,
        banner: ErrorBanner,
        model_name: Callable[[], str] = str,
    ) -> None:
        super().__init__(send_button)
        self._model_name = model_name
        self._waiting_for = ""
        #: Something was sent or opened: the answer restored at start-up must not replace it.
        self.shown_by_user = False
        self._send_button = send_button
        self._send_action = send_action
        self._cancel_action = cancel_action
        self._status = status
        self._output = output
        self._banner = banner
        self._started = 0.0
        self._retry_note = ""
        self._elapsed_timer = QTimer(self)
        self._elapsed_timer.setInterval(ELAPSED_INTERVAL_MS)
        self._elapsed_timer.timeout.connect(self._show_elapsed)

    def on_running_changed(self, running: bool) -> None:
        self._send_button.setText("Cancel" if running else "Send")
        self._send_button.setAccessibleName("Cancel" if running else "Send")
        self._send_action.setEnabled(not running)
        self._cancel_action.setEnabled(running)
        self._retry_note = ""
        if running:
            self.shown_by_user = True
            model = safe_for_display(self._model_name().strip())
            if len(model) > MODEL_NAME_CHARS:
                model = model[: MODEL_NAME_CHARS - 1] + "…"
            self._waiting_for = model or "the model"
            self._started = time.monotonic()
            self._status.clear_usage()
            self._status.set_truncation(None)
            self._show_elapsed()
            self._elapsed_timer.start()
        else:
            self._elapsed_timer.stop()

    def on_retrying(self, note: str) -> None:
        self._retry_note = note
        self._show_elapsed()

    def _show_elapsed(self) -> None:
        seconds = time.monotonic() - self._started
        elapsed = f"Sending… {seconds:.1f} s"
        self._status.set_state(f"{elapsed} · {self._retry_note}" if self._retry_note else elapsed)
        waiting = f"Waiting for {self._waiting_for}… {seconds:.1f} s"
        self._output.show_notice(f"{waiting}\n{self._retry_note}" if self._retry_note else waiting)

    def on_succeeded(self, outcome: RunOutcome) -> None:
        response = outcome.response
        assert response is not None, "a run that succeeded has its response"
        self._output.set_text(response.text)
        self._status.set_state(f"Done in {outcome.seconds:.2f} s · {response.model}")
        self._status.set_usage(response.usage, response.usage_problem)
        self._status.set_truncation(outcome.assessment)

    def on_failed(self, outcome: RunOutcome) -> None:
        explanation = outcome.explanation
        assert explanation is not None, "a run that failed has its explanation"
        self._banner.show_explanation(explanation, offer_settings=explanation.needs_settings)
        if outcome.refused:
            # Nothing was sent, so no time passed worth telling: the banner has the sentence.
            self._status.set_state(explanation.title)
            self._output.show_notice(REFUSED_WORDS)
        else:
            self._status.set_state(f"{explanation.title} after {outcome.seconds:.1f} s")
            self._output.show_notice(FAILED_WORDS)
        self._status.set_truncation(outcome.assessment)

    def on_cancelled(self, _outcome: RunOutcome) -> None:
        self._status.set_state(
            f"Cancelled after {time.monotonic() - self._started:.1f} s. Your prompts are kept."
        )
        self._output.show_notice(CANCELLED_WORDS)

    def show_last_answer(self, record: RunRecord) -> None:
        """The newest run's answer at start-up, unless something was sent or opened since."""
        if self.shown_by_user or not record.answer or record.failed:
            return
        self._output.set_text(
            record.answer, f"Last answer, {when_text(record.created)}, from History"
        )

    def show_record(self, record: RunRecord) -> None:
        """A run reopened from the history: its answer, usage and truncation verdict."""
        status = self._status
        self.shown_by_user = True
        when = when_text(record.created)
        if record.answer:
            self._output.set_text(record.answer, f"Run {record.id}, {when}, from History")
        else:
            self._output.show_notice(
                f"Run {record.id}, {when}, from History, has no answer"
                f"{': ' + safe_for_display(record.error_title) if record.error_title else ''}."
            )
        if record.usage is not None:
            status.set_usage(record.usage)
        elif record.failed:
            status.clear_usage()
        else:
            status.set_usage(None)
        if record.truncation_status is not None:
            status.set_truncation(
                TruncationAssessment(
                    record.truncation_status,
                    record.truncation_note or "",
                    estimate_tokens(record.system_prompt + record.user_prompt),
                    record.input_tokens,
                )
            )
        else:
            status.set_truncation(None)
        when = record.error_title or "answered"
        status.set_state(
            f"Opened run {record.id} ({when}) from the history. Ctrl+Z in an editor brings "
            "back what was there."
        )
