"""Every failure shows one sentence in the window, never a modal dialog, never loses the prompts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from pytestqt.qtbot import QtBot

from tests.credentials.fake_backends import MemoryKeyring
from tests.fakeserver import FakeServer, Scenario
from tests.ui.conftest import MODEL, PROJECT_ID, WindowFactory, closed_port_url
from tests.ui.helpers import (
    banner_text,
    open_dialogs,
    press_send,
    type_model,
    type_system_prompt,
    type_user_prompt,
    wait_finished,
)
from zerogpu_desktop.credentials import KeyStore
from zerogpu_desktop.credentials.keystore import DEFAULT_SERVICE, DEFAULT_USERNAME
from zerogpu_desktop.storage import Settings

SYSTEM = "Be brief."
#: 24 words: more than the 10-token context limit used below.
USER = "Please summarise the following notes about the quarterly planning meeting " * 2


@dataclass(frozen=True)
class Case:
    """One failure: how to provoke it and the words a person must see."""

    scenario: Callable[[], Scenario] | None = None
    words: tuple[str, ...] = ()
    offers_settings: bool = False
    truncation: str = ""
    base_url: Callable[[], str] | None = None
    project_id: str | None = None
    wrong_key: bool = False
    settings: Settings = field(default_factory=lambda: Settings(max_retries=0))
    requests: int | None = 1


CASES = {
    "401 wrong key": Case(wrong_key=True, words=("API key", "Settings"), offers_settings=True),
    "403 wrong project": Case(
        project_id="0000-not-my-project", words=("project ID", "Settings"), offers_settings=True
    ),
    "420 context length": Case(
        scenario=lambda: Scenario.context_limit(10),
        words=("Input too long", "Shorten"),
        truncation="Rejected: input longer than the model's context length",
    ),
    "429 long retry-after": Case(
        scenario=lambda: Scenario.rate_limited(retry_after="120"),
        words=("Rate limited", "Wait about 2 min"),
        settings=Settings(max_retries=2),
    ),
    "500 after retries": Case(
        scenario=lambda: Scenario.status(500),
        words=("Server error", "try again"),
        settings=Settings(max_retries=1),
        requests=2,
    ),
    "empty 500": Case(scenario=Scenario.empty_error, words=("Server error",)),
    "html 502": Case(scenario=lambda: Scenario.html_error(502), words=("Server error",)),
    "timeout": Case(
        scenario=lambda: Scenario.slow(5),
        words=("Timed out", "no answer within", "raise the timeout in Settings"),
        settings=Settings(max_retries=0, read_timeout=0.4),
        offers_settings=True,
    ),
    "network down": Case(
        base_url=closed_port_url,
        words=("Network problem", "refused the connection", "Check your internet connection"),
        requests=None,
        offers_settings=True,
    ),
    "malformed json": Case(scenario=Scenario.malformed_json, words=("Unreadable answer",)),
    "wrong shape": Case(scenario=Scenario.wrong_shape, words=("Unreadable answer",)),
    "connection reset": Case(
        scenario=Scenario.connection_reset,
        words=("Network problem", "connection"),
        offers_settings=True,
    ),
}


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_failure_shows_a_sentence_and_keeps_the_prompts(
    qtbot: QtBot, make_window: WindowFactory, server: FakeServer, case: Case
) -> None:
    key_store = None
    if case.wrong_key:
        backend = MemoryKeyring()
        backend.set_password(DEFAULT_SERVICE, DEFAULT_USERNAME, "zg-revoked-key-999")
        key_store = KeyStore(backend=backend)
    window = make_window(
        key_store=key_store,
        base_url=case.base_url() if case.base_url else None,
        project_id=case.project_id or PROJECT_ID,
        settings=case.settings,
    )
    if case.scenario is not None:
        server.scenario = case.scenario()
    type_model(qtbot, window, MODEL)
    type_system_prompt(qtbot, window, SYSTEM)
    type_user_prompt(qtbot, window, USER)

    press_send(qtbot, window)
    wait_finished(qtbot, window)

    shown = banner_text(window)
    assert window.banner.isVisible()
    for words in case.words:
        assert words in shown, shown
    assert "Traceback" not in shown
    assert "<html" not in shown.lower()
    assert window.banner.settings_button.isVisible() is case.offers_settings
    assert open_dialogs() == []
    assert window.isVisible()
    # The status line names the failure too, and no answer is pretended.
    title = shown.split(":")[0]
    assert window.status.state_label.text().startswith(f"{title} after ")
    assert window.output.text() == ""
    assert window.status.truncation_label.text() == case.truncation
    # Nothing the person wrote is lost.
    assert window.model_picker.model() == MODEL
    assert window.system_editor.text() == SYSTEM
    assert window.user_editor.text() == USER
    if case.requests is not None:
        assert len(server.requests) == case.requests
    assert window.send_button.text() == "Send"


def test_a_second_send_after_a_failure_clears_the_banner_and_works(
    qtbot: QtBot, make_window: WindowFactory, server: FakeServer
) -> None:
    window = make_window(settings=Settings(max_retries=0))
    server.queue(Scenario.status(500))
    type_model(qtbot, window, MODEL)
    type_user_prompt(qtbot, window, "try twice")
    press_send(qtbot, window)
    wait_finished(qtbot, window)
    assert "Server error" in banner_text(window)

    press_send(qtbot, window)
    wait_finished(qtbot, window)

    assert banner_text(window) == ""
    assert window.output.current_view().toPlainText().strip() == "Echo: try twice"


def test_the_banner_can_be_dismissed(
    qtbot: QtBot, make_window: WindowFactory, server: FakeServer
) -> None:
    from PySide6.QtCore import Qt

    window = make_window(settings=Settings(max_retries=0))
    server.scenario = Scenario.status(500)
    type_model(qtbot, window, MODEL)
    type_user_prompt(qtbot, window, "dismiss me")
    press_send(qtbot, window)
    wait_finished(qtbot, window)
    assert window.banner.isVisible()

    qtbot.mouseClick(window.banner.dismiss_button, Qt.MouseButton.LeftButton)

    assert not window.banner.isVisible()
    assert window.user_editor.text() == "dismiss me"
