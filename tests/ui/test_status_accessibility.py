"""Every figure in the status bar reaches assistive technology, and the end of a run is spoken.

Read through Qt's own accessibility interface, which is what AT-SPI serves to a screen
reader: a label's name says what it is, its description carries the numbers.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tests.fakeserver import FakeServer, Scenario
from tests.ui.conftest import MODEL
from tests.ui.helpers import press_send, type_model, type_user_prompt, wait_finished
from zerogpu_desktop.ui import status_bar
from zerogpu_desktop.ui.main_window import MainWindow


def spoken(widget: QWidget) -> tuple[str, str]:
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None
    return (
        interface.text(QAccessible.Text.Name),
        interface.text(QAccessible.Text.Description),
    )


@pytest.fixture
def announcements(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Any]]:
    """What the status bar asked the screen reader to say, in order."""
    heard: list[tuple[str, Any]] = []
    real = QAccessible.updateAccessibility

    def record(event: Any) -> None:
        if isinstance(event, QAccessibleAnnouncementEvent):
            heard.append((event.message(), event.politeness()))
        real(event)

    monkeypatch.setattr(status_bar.QAccessible, "updateAccessibility", record)
    return heard


def test_the_usage_figures_are_in_the_accessible_description(
    qtbot: QtBot, window: MainWindow, server: FakeServer, announcements: list[tuple[str, Any]]
) -> None:
    server.scenario = Scenario.echo("Four.")
    type_model(qtbot, window, MODEL)
    type_user_prompt(qtbot, window, "What is 2 + 2?")
    press_send(qtbot, window)
    wait_finished(qtbot, window)
    usage = window.status.usage_label.text()
    assert usage.startswith("In ")
    name, description = spoken(window.status.usage_label)
    assert name == "Token usage"
    numbers = [part.split()[-1] for part in usage.replace(" tokens", "").split(" · ")]
    assert description.startswith("Input ")
    for number in numbers:
        assert number in description
    assert spoken(window.status.truncation_label)[1] != ""
    assert spoken(window.status.state_label)[1].startswith("Done in")
    assert any(
        text.startswith("Answer ready") and politeness == QAccessible.AnnouncementPoliteness.Polite
        for text, politeness in announcements
    )


def test_a_failure_is_announced_assertively_with_its_sentence(
    qtbot: QtBot, window: MainWindow, server: FakeServer, announcements: list[tuple[str, Any]]
) -> None:
    server.scenario = Scenario.status(401)
    type_model(qtbot, window, MODEL)
    type_user_prompt(qtbot, window, "hello")
    press_send(qtbot, window)
    wait_finished(qtbot, window)
    assertive = [
        text
        for text, politeness in announcements
        if politeness == QAccessible.AnnouncementPoliteness.Assertive
    ]
    assert assertive, announcements
    assert window.banner.text() in assertive


def test_the_estimate_speaks_its_number_and_the_limit(window: MainWindow) -> None:
    window.status.set_estimate(1234, 1000)
    name, description = spoken(window.status.estimate_label)
    assert name == "Input token estimate"
    assert "1,234" in description
    assert "1,000" in description
    assert "over" in description
    window.status.set_estimate(0, None)
    assert "1,234" not in spoken(window.status.estimate_label)[1]


def test_the_demo_badge_is_hidden_until_asked_and_then_explains_itself(
    window: MainWindow,
) -> None:
    badge = window.status.demo_label
    assert badge.isHidden()
    window.status.set_demo(True)
    assert not badge.isHidden()
    name, description = spoken(badge)
    assert name == "Demo mode"
    assert "offline demo" in description
