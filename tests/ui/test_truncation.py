"""Usage and the truncation verdict after a run; the live input estimate while typing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.fakeserver import FakeServer, Scenario, count_tokens
from tests.ui.conftest import MODEL
from tests.ui.helpers import (
    CTRL,
    focused,
    paste_user_prompt,
    press_send,
    type_model,
    type_user_prompt,
    wait_finished,
)
from zerogpu_desktop.api.tokens import estimate_tokens
from zerogpu_desktop.ui.main_window import MainWindow

#: 200 server tokens, about 250 estimated (4 characters a token).
LONG_PROMPT = "word " * 200


def set_input_limit(qtbot: QtBot, window: MainWindow, limit: int) -> None:
    """Tab from the model box to "Input token limit" and type the number over what is there."""
    spin = window.model_picker.limit
    assert spin.accessibleName() == "Input token limit"
    qtbot.keyClick(focused(window), Qt.Key.Key_L, CTRL)
    qtbot.keyClick(focused(window), Qt.Key.Key_Tab)
    assert focused(window) in (spin, spin.lineEdit())
    qtbot.keyClick(spin, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(spin, str(limit))
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert spin.value() == limit


def test_a_silent_cut_to_the_known_limit_reads_truncated(
    qtbot: QtBot, window: MainWindow, server: FakeServer
) -> None:
    server.scenario = Scenario.truncate(50)
    type_model(qtbot, window, MODEL)
    set_input_limit(qtbot, window, 50)
    paste_user_prompt(qtbot, window, LONG_PROMPT)

    press_send(qtbot, window)
    wait_finished(qtbot, window)

    label = window.status.truncation_label
    assert label.text() == "Truncated: input cut to 50 tokens (limit 50)"
    assert "Truncated" in label.toolTip()
    out = count_tokens("Echo: " + LONG_PROMPT)
    assert window.status.usage_label.text() == f"In 50 · Out {out} · Total {50 + out} tokens"
    # The limit is remembered with the model.
    assert window.session.settings.current.input_limit_for(MODEL) == 50


def test_a_count_far_below_the_estimate_reads_possibly_truncated(
    qtbot: QtBot, window: MainWindow, server: FakeServer
) -> None:
    server.scenario = Scenario.truncate(10)
    type_model(qtbot, window, MODEL)
    paste_user_prompt(qtbot, window, LONG_PROMPT)
    assert window.model_picker.input_limit() is None

    press_send(qtbot, window)
    wait_finished(qtbot, window)

    estimated = estimate_tokens(LONG_PROMPT)
    assert window.status.truncation_label.text() == (
        f"Possibly truncated: ~{estimated} tokens estimated, 10 counted"
    )


def test_an_input_within_the_limit_reads_not_truncated(
    qtbot: QtBot, window: MainWindow, server: FakeServer
) -> None:
    server.scenario = Scenario.truncate(500)
    type_model(qtbot, window, MODEL)
    set_input_limit(qtbot, window, 500)
    paste_user_prompt(qtbot, window, LONG_PROMPT)

    press_send(qtbot, window)
    wait_finished(qtbot, window)

    assert window.status.truncation_label.text() == "Not truncated"
    assert window.status.usage_label.text().startswith("In 200 · ")


def test_no_usage_in_the_answer_says_so(
    qtbot: QtBot, window: MainWindow, server: FakeServer
) -> None:
    server.scenario = Scenario.no_usage()
    type_model(qtbot, window, MODEL)
    type_user_prompt(qtbot, window, "count me")

    press_send(qtbot, window)
    wait_finished(qtbot, window)

    assert window.output.current_view().toPlainText().strip() == "Echo: count me"
    assert window.status.usage_label.text() == "usage not reported"
    assert window.status.truncation_label.text() == "Truncation unknown"
    assert "did not report token usage" in window.status.truncation_label.toolTip()


def test_the_estimate_follows_the_typing_and_warns_past_the_limit(
    qtbot: QtBot, window: MainWindow
) -> None:
    label = window.status.estimate_label
    assert label.accessibleName() == "Input token estimate"
    assert label.text() == ""
    type_model(qtbot, window, MODEL)
    set_input_limit(qtbot, window, 10)

    type_user_prompt(qtbot, window, "hello world")
    qtbot.waitUntil(lambda: label.text() == "≈ 3 input tokens", timeout=2000)

    qtbot.keyClicks(window.user_editor.editor, ", and a few more words to go past ten tokens")
    total = estimate_tokens(window.user_editor.text())
    assert total > 10
    qtbot.waitUntil(lambda: label.text() == f"⚠ ≈ {total} tokens: over the 10 limit", timeout=2000)

    # Raising the limit takes the warning away at once.
    set_input_limit(qtbot, window, 1000)
    qtbot.waitUntil(lambda: label.text() == f"≈ {total} input tokens", timeout=2000)


def test_the_system_prompt_counts_towards_the_estimate(qtbot: QtBot, window: MainWindow) -> None:
    from tests.ui.helpers import type_system_prompt

    label = window.status.estimate_label
    type_system_prompt(qtbot, window, "x" * 40)
    type_user_prompt(qtbot, window, "y" * 40)
    expected = estimate_tokens("x" * 40 + "\n" + "y" * 40)
    qtbot.waitUntil(lambda: label.text() == f"≈ {expected} input tokens", timeout=2000)
