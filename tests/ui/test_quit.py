"""Quitting with a request in flight: cancelled, drafts saved, out within 2 s, no asyncio noise."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.fakeserver import FakeServer, Scenario
from tests.ui.conftest import API_KEY, MODEL, PROJECT_ID, WindowFactory, run_async
from tests.ui.helpers import CTRL, focused, press_send, type_model, type_user_prompt, wait_request
from zerogpu_desktop.storage.drafts import DRAFT_FILE_NAME
from zerogpu_desktop.storage.ui_state import UI_STATE_FILE_NAME
from zerogpu_desktop.ui.crash_reporting import LOG_FILE_NAME

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("how", ["ctrl+q", "close button"])
def test_quitting_during_a_request_cancels_it_and_saves_the_draft(
    qtbot: QtBot, make_window: WindowFactory, server: FakeServer, data_dir: Path, how: str
) -> None:
    window = make_window()
    server.scenario = Scenario.slow(10)
    type_model(qtbot, window, MODEL)
    type_user_prompt(qtbot, window, "a question nobody waits for")
    press_send(qtbot, window)
    wait_request(qtbot, server)
    assert window.session.runs.is_running

    started = time.monotonic()
    if how == "ctrl+q":
        qtbot.keyClick(focused(window), Qt.Key.Key_Q, CTRL)
    else:
        window.close()
    assert not window.isVisible()
    run_async(qtbot, window.session.shutdown(), timeout=3)
    elapsed = time.monotonic() - started

    assert elapsed < 2.0, f"shutting down took {elapsed:.2f} s"
    assert not window.session.runs.is_running
    assert server.wait_for_disconnect(timeout=2.0)
    draft = json.loads((data_dir / DRAFT_FILE_NAME).read_text(encoding="utf-8"))
    assert draft["user_prompt"] == "a question nobody waits for"
    assert draft["model"] == MODEL
    assert (data_dir / UI_STATE_FILE_NAME).exists()


def test_sigterm_quits_the_app_cleanly(tmp_path: Path, server: FakeServer) -> None:
    data_dir = tmp_path / "app-data"
    env = {
        **os.environ,
        "ZEROGPU_API_KEY": API_KEY,
        "ZEROGPU_PROJECT_ID": PROJECT_ID,
        "ZEROGPU_BASE_URL": server.base_url,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "PYTHONUNBUFFERED": "1",
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "home" / ".config"),
    }
    env.pop("ZEROGPU_DESKTOP_DATA_DIR", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "zerogpu_desktop", "--data-dir", str(data_dir)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        # The log file is opened just before the window is built; give the window
        # and its signal bridge a moment more to be up.
        deadline = time.monotonic() + 20
        while not (data_dir / LOG_FILE_NAME).exists():
            assert process.poll() is None, process.communicate()[1].decode()
            assert time.monotonic() < deadline, "the app did not start"
            time.sleep(0.05)
        time.sleep(1.5)
        assert process.poll() is None, process.communicate()[1].decode()

        process.send_signal(signal.SIGTERM)
        sent = time.monotonic()
        _, stderr_bytes = process.communicate(timeout=5)
        took = time.monotonic() - sent
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()

    stderr = stderr_bytes.decode("utf-8", "replace")
    assert process.returncode == 0, stderr
    assert took < 2.0, f"exit took {took:.2f} s"
    assert "Task was destroyed but it is pending" not in stderr
    assert "Traceback" not in stderr
    # Quitting went through the window's close: the draft and the layout are on disk.
    assert (data_dir / DRAFT_FILE_NAME).exists()
    assert (data_dir / UI_STATE_FILE_NAME).exists()
    assert API_KEY not in (data_dir / LOG_FILE_NAME).read_text(encoding="utf-8")
