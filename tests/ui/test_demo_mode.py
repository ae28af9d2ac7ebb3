"""The offline demo in a real window: offered by the first-run banner, marked, and harmless.

A demo run is answered by the endpoint built into the app; it is kept in the history, marked,
and left out of Usage, the calibration and the remembered models; the real key never goes
there, and the demo's address is never saved as the base URL.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.credentials.fake_backends import MemoryKeyring
from tests.fakeserver import FakeServer
from tests.ui.conftest import API_KEY, WindowFactory
from tests.ui.helpers import press_send, type_user_prompt, wait_finished
from zerogpu_desktop.credentials import KeyStore
from zerogpu_desktop.demo.server import shared_demo_server
from zerogpu_desktop.overrides import RunOverrides
from zerogpu_desktop.storage.history.store import HistoryStore
from zerogpu_desktop.ui.history_model import PROMPT
from zerogpu_desktop.ui.main_window import MainWindow
from zerogpu_desktop.ui.settings_flow import TRY_DEMO


def answer(window: MainWindow) -> str:
    return window.output.text()


def test_the_first_run_banner_offers_the_demo_and_it_answers(
    qtbot: QtBot, make_window: WindowFactory, server: FakeServer, data_dir: Path
) -> None:
    window = make_window(key_store=KeyStore(backend=MemoryKeyring()), project_id=None)
    banner = window.banner
    qtbot.waitUntil(lambda: banner.action_button.isVisible(), timeout=3000)
    assert banner.action_button.text() == TRY_DEMO
    assert banner.action_button.accessibleName() == TRY_DEMO
    qtbot.mouseClick(banner.action_button, Qt.MouseButton.LeftButton)

    assert window.demo_mode.active
    assert window.demo_mode.action.isChecked()
    assert not window.status.demo_label.isHidden()
    assert window.model_picker.model() == "demo-markdown"
    assert "Offline demo" in banner.text()

    type_user_prompt(qtbot, window, "Show me what you can do")
    press_send(qtbot, window)
    wait_finished(qtbot, window)
    assert "# A demo answer" in answer(window)
    assert server.requests == []  # nothing went to the configured server

    qtbot.waitUntil(lambda: (data_dir / "history.sqlite3").exists(), timeout=3000)
    with HistoryStore(data_dir) as store:
        qtbot.waitUntil(lambda: len(store.page()) == 1, timeout=3000)
        (row,) = store.page()
        assert row.demo
        assert store.usage_by_day(1) == []

    history = window.attach_library().history
    history.ensure_loaded()
    qtbot.waitUntil(lambda: history.model.rowCount() == 1, timeout=3000)
    prompt = history.model.index(0, PROMPT).data()
    assert prompt == "Demo · Show me what you can do"

    window.demo_mode.action.trigger()  # View → Offline demo, off again
    assert not window.demo_mode.active
    assert window.status.demo_label.isHidden()
    assert "No API key yet" in banner.text()

    window.close()
    assert not (data_dir / "calibration.json").exists()
    settings = data_dir / "settings.json"
    if settings.exists():
        saved = json.loads(settings.read_text(encoding="utf-8"))
        assert "127.0.0.1" not in saved.get("base_url", "")
        assert all(not m["id"].startswith("demo-") for m in saved.get("models", []))


def test_the_real_key_never_reaches_the_demo(
    qtbot: QtBot, make_window: WindowFactory, server: FakeServer, data_dir: Path
) -> None:
    demo = shared_demo_server()
    foreign_before, answered_before = demo.foreign_keys_seen, demo.answered
    window = make_window(
        overrides=RunOverrides(base_url=server.base_url, api_key=API_KEY, project_id="p", demo=True)
    )
    assert window.demo_mode.active  # --demo starts in the demo
    assert not window.status.demo_label.isHidden()
    window.model_picker.set_model("demo-echo")
    type_user_prompt(qtbot, window, "echo me")
    press_send(qtbot, window)
    wait_finished(qtbot, window)
    assert answer(window) == "You sent:\n\necho me"
    assert demo.answered == answered_before + 1
    assert demo.foreign_keys_seen == foreign_before
    assert server.requests == []
    for path in data_dir.rglob("*"):
        if path.is_file():
            assert API_KEY.encode() not in path.read_bytes(), path
