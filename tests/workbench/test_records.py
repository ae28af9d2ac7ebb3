"""`record_for`: the history row of a success, a failure, a cancel and a 420."""

from __future__ import annotations

import time

from zerogpu_desktop.api.errors import ContextLengthExceededError, ServerError
from zerogpu_desktop.api.models import Response, Usage
from zerogpu_desktop.api.tokens import TruncationStatus, assess_truncation, rejected_assessment
from zerogpu_desktop.explain import explain
from zerogpu_desktop.workbench.outcome import RunOutcome
from zerogpu_desktop.workbench.records import record_for
from zerogpu_desktop.workbench.spec import PromptSpec

SPEC = PromptSpec(
    "m1",
    "Be {{tone}}.",
    "Tell me about {{topic}}.",
    {"tone": "brief", "topic": "owls"},
    preset_name="Owls",
)
SENT = SPEC.rendered()


def _response() -> Response:
    return Response(id="resp_1", model="m1", created=0, text="Owls hoot.", usage=Usage(12, 3, 15))


def test_a_success_keeps_the_prompts_as_sent_the_answer_and_the_usage() -> None:
    assessment = assess_truncation(SENT.text_sent(), 12, limit=None, model="m1")
    outcome = RunOutcome(SPEC, SENT, _response(), None, None, assessment, 1.5, None)
    before = time.time()
    row = record_for(outcome, "cli")
    assert (row.model, row.system_prompt, row.user_prompt) == (
        "m1",
        "Be brief.",
        "Tell me about owls.",
    )
    assert (row.answer, row.input_tokens, row.output_tokens, row.total_tokens) == (
        "Owls hoot.",
        12,
        3,
        15,
    )
    assert row.truncation_status is assessment.status
    assert row.truncation_note == assessment.explanation
    assert row.duration_seconds == 1.5
    assert before - 1.5 - 1 <= row.created <= before - 1.5 + 1
    assert (row.source, row.preset_name, row.error_title) == ("cli", "Owls", None)


def test_a_failure_keeps_its_words_and_no_verdict() -> None:
    error = ServerError("HTTP 502 Bad Gateway", status_code=502)
    words = explain(error)
    row = record_for(RunOutcome(SPEC, SENT, None, error, words, None, 0.4, None), "window")
    assert row.error_title == "Server error"
    assert row.error_message == f"{words.sentence} {words.fix}"
    assert row.truncation_status is None
    assert row.answer == ""
    assert row.source == "window"


def test_a_cancel_is_kept_as_the_window_keeps_it() -> None:
    outcome = RunOutcome(SPEC, SENT, None, None, None, None, 0.2, None, cancelled=True)
    row = record_for(outcome, "window")
    assert (row.error_title, row.error_message) == ("Cancelled", "You cancelled the request.")


def test_a_420_keeps_the_rejected_verdict() -> None:
    error = ContextLengthExceededError("too long", status_code=420)
    rejected = rejected_assessment(SENT.text_sent(), 3)
    row = record_for(
        RunOutcome(SPEC, SENT, None, error, explain(error), rejected, 0.1, None), "cli"
    )
    assert row.truncation_status is TruncationStatus.REJECTED
    assert row.truncation_note == rejected.explanation
    assert row.error_title == "Input too long"


def test_a_run_refused_before_rendering_keeps_the_prompts_as_written() -> None:
    words = explain(RuntimeError("x"))
    row = record_for(RunOutcome(SPEC, None, None, None, words, None, 0.0, None), "window")
    assert row.user_prompt == "Tell me about {{topic}}."
