"""The window's adapter over the run engine: one signal per end of a run, against the real server.

Each test drives a `RunBridge` on the qasync loop with the loopback fake server, a temp data
folder and the key from the environment slot of the key session, and checks the signals a
window would see.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from tests.fakeserver import FakeServer, Scenario
from tests.ui.conftest import API_KEY, MODEL, PROJECT_ID, run_async
from zerogpu_desktop.api.tokens import TokenCalibration
from zerogpu_desktop.overrides import RunOverrides
from zerogpu_desktop.storage import Settings, SettingsStore
from zerogpu_desktop.storage.calibration import CalibrationStore
from zerogpu_desktop.storage.history.store import HistoryStore
from zerogpu_desktop.ui.history_service import HistoryService
from zerogpu_desktop.ui.key_session import KeySession
from zerogpu_desktop.ui.run_bridge import RunBridge
from zerogpu_desktop.ui.settings_holder import SettingsHolder
from zerogpu_desktop.workbench.spec import PromptSpec

#: Longest a loopback run may take here before the test gives up (ms).
RUN_MS = 5000


class Seen:
    """Every signal of one bridge, in order, as (name, value)."""

    def __init__(self, bridge: RunBridge) -> None:
        self.events: list[tuple[str, Any]] = []
        for name in (
            "running_changed",
            "succeeded",
            "failed",
            "cancelled",
            "retrying",
            "run_recorded",
        ):
            getattr(bridge, name).connect(lambda value, name=name: self._seen(name, value))

    def _seen(self, name: str, value: Any) -> None:
        self.events.append((name, value))

    def names(self) -> list[str]:
        return [name for name, _value in self.events]

    def value(self, name: str) -> Any:
        return next(value for seen, value in self.events if seen == name)


def make_bridge(
    data_dir: Path,
    server: FakeServer,
    *,
    api_key: str | None = API_KEY,
    max_retries: int = 0,
) -> tuple[RunBridge, HistoryService, KeySession]:
    SettingsStore(data_dir).save(Settings(max_retries=max_retries, read_timeout=10))
    keys = KeySession(lambda: pytest.fail("the keyring is not used here"), api_key)
    history = HistoryService(data_dir)
    bridge = RunBridge(
        SettingsHolder(SettingsStore(data_dir)),
        keys,
        history,
        CalibrationStore(data_dir),
        TokenCalibration(),
        RunOverrides(base_url=server.base_url, project_id=PROJECT_ID),
    )
    return bridge, history, keys


@pytest.fixture
def closing(qtbot: QtBot, qloop: Any) -> Iterator[list[tuple[RunBridge, HistoryService]]]:
    """Bridges to close after the test, so no connection or writer thread outlives it."""
    made: list[tuple[RunBridge, HistoryService]] = []
    yield made
    for bridge, history in made:
        run_async(qtbot, bridge.aclose(1.0))
        run_async(qtbot, history.close(1.0))


def test_an_answer_is_reported_then_recorded(
    qtbot: QtBot, server: FakeServer, data_dir: Path, closing: list[Any]
) -> None:
    bridge, history, _keys = make_bridge(data_dir, server)
    closing.append((bridge, history))
    seen = Seen(bridge)

    assert bridge.send(PromptSpec(MODEL, "Be brief.", "hello"))
    assert bridge.is_running
    qtbot.waitUntil(lambda: "run_recorded" in seen.names(), timeout=RUN_MS)

    assert seen.names() == ["running_changed", "running_changed", "succeeded", "run_recorded"]
    assert [value for name, value in seen.events if name == "running_changed"] == [True, False]
    outcome = seen.value("succeeded")
    assert outcome.response.text == "Echo: hello"
    assert not bridge.is_running
    with HistoryStore(data_dir) as store:
        record = store.get(seen.value("run_recorded"))
    assert record is not None
    assert (record.source, record.user_prompt, record.answer) == ("window", "hello", "Echo: hello")


def test_a_refused_key_fails_with_the_settings_as_its_fix(
    qtbot: QtBot, server: FakeServer, data_dir: Path, closing: list[Any]
) -> None:
    bridge, history, _keys = make_bridge(data_dir, server, api_key="zg-not-the-right-key")
    closing.append((bridge, history))
    seen = Seen(bridge)

    bridge.send(PromptSpec(MODEL, "", "hello"))
    qtbot.waitUntil(lambda: "failed" in seen.names(), timeout=RUN_MS)

    explanation = seen.value("failed").explanation
    assert explanation.needs_settings
    assert "zg-not-the-right-key" not in explanation.as_line()
    assert "succeeded" not in seen.names()
    assert not bridge.is_running


def test_a_send_before_the_keyring_was_read_waits_for_it_and_sends_nothing(
    qtbot: QtBot, server: FakeServer, data_dir: Path, closing: list[Any]
) -> None:
    bridge, history, keys = make_bridge(data_dir, server, api_key=None)
    closing.append((bridge, history))
    seen = Seen(bridge)
    assert not keys.loaded

    bridge.send(PromptSpec(MODEL, "", "hello"))

    assert seen.names() == ["running_changed", "running_changed", "failed"]
    assert seen.value("failed").explanation.title == "Key not loaded yet"
    assert server.requests == []


def test_cancel_ends_the_request_at_once_and_a_second_send_waits_its_turn(
    qtbot: QtBot, server: FakeServer, data_dir: Path, closing: list[Any]
) -> None:
    bridge, history, _keys = make_bridge(data_dir, server)
    closing.append((bridge, history))
    seen = Seen(bridge)
    server.scenario = Scenario.slow(10)

    assert bridge.send(PromptSpec(MODEL, "", "a slow question"))
    qtbot.waitUntil(lambda: len(server.requests) == 1, timeout=RUN_MS)
    assert not bridge.send(PromptSpec(MODEL, "", "a second one")), "one run at a time"
    started = time.monotonic()
    assert bridge.cancel()
    qtbot.waitUntil(lambda: "cancelled" in seen.names(), timeout=2000)

    assert time.monotonic() - started < 1.0
    assert seen.value("cancelled").cancelled
    assert not bridge.is_running
    assert server.wait_for_disconnect(timeout=2.0)
    assert len(server.requests) == 1
    assert "failed" not in seen.names()


def test_a_transient_failure_is_announced_before_the_retry(
    qtbot: QtBot, server: FakeServer, data_dir: Path, closing: list[Any]
) -> None:
    bridge, history, _keys = make_bridge(data_dir, server, max_retries=1)
    closing.append((bridge, history))
    seen = Seen(bridge)
    server.queue(Scenario.status(503, headers={"retry-after": "0.1"}))

    bridge.send(PromptSpec(MODEL, "", "try again"))
    qtbot.waitUntil(lambda: "succeeded" in seen.names(), timeout=RUN_MS)

    note = seen.value("retrying")
    assert note.startswith("Retrying in ")
    assert "attempt 2" in note
    assert seen.names().index("retrying") < seen.names().index("succeeded")
    assert len(server.requests) == 2
