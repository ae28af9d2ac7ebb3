"""The real app in its own process on the X server, driven by real key presses (xdotool).

Covers what in-process tests cannot: the qasync runner, Qt's own quit
handling and the exit status after real work was done.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakeserver import FakeServer, Scenario
from tests.system_services import SystemServices, launch_xvfb
from tests.ui.conftest import API_KEY, PROJECT_ID
from zerogpu_desktop.storage.history.store import HistoryStore

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.display


@pytest.fixture(scope="module")
def own_display() -> Iterator[str]:
    """An X server for these tests alone: xdotool moves its focus, nobody else's."""
    services = SystemServices()
    display = launch_xvfb(services)
    try:
        if display is None:
            pytest.skip("needs an X server (install xvfb)")
        yield display
    finally:
        services.stop()


def _need_xdotool() -> str:
    xdotool = shutil.which("xdotool")
    if xdotool is None:
        pytest.skip("needs xdotool")
    return xdotool


def _start_app(
    tmp_path: Path, server: FakeServer, prompt: str, display: str
) -> tuple[subprocess.Popen[bytes], Path]:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    draft = {"version": 1, "model": "m-real", "system_prompt": "", "user_prompt": prompt}
    (data_dir / "draft.json").write_text(json.dumps(draft), encoding="utf-8")
    env = {
        **os.environ,
        "ZEROGPU_API_KEY": API_KEY,
        "ZEROGPU_PROJECT_ID": PROJECT_ID,
        "ZEROGPU_BASE_URL": server.base_url,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "QT_QPA_PLATFORM": "xcb",
        "DISPLAY": display,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "zerogpu_desktop", "--data-dir", str(data_dir)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    return process, data_dir


def _window_id(xdotool: str, process: subprocess.Popen[bytes], env: dict[str, str]) -> str:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[1].decode()
        found = subprocess.run(
            [xdotool, "search", "--onlyvisible", "--pid", str(process.pid), "--name", "ZeroGPU"],
            capture_output=True,
            text=True,
            check=False,
            env=env,
        ).stdout.split()
        if found:
            return found[0]
        time.sleep(0.1)
    raise AssertionError("the window did not appear")


@pytest.mark.parametrize("how", ["sigterm", "ctrl+q"])
def test_send_then_quit_exits_cleanly(
    tmp_path: Path, server: FakeServer, own_display: str, how: str
) -> None:
    xdotool = _need_xdotool()
    env = {**os.environ, "DISPLAY": own_display}
    server.scenario = Scenario.echo()
    process, data_dir = _start_app(tmp_path, server, "typed before the start", own_display)
    try:
        window = _window_id(xdotool, process, env)
        time.sleep(0.5)  # the first paint and the keyring check
        subprocess.run([xdotool, "windowfocus", "--sync", window], check=False, timeout=10, env=env)
        subprocess.run(
            [xdotool, "key", "--window", window, "ctrl+Return"], check=True, timeout=10, env=env
        )
        assert server.wait_for_requests(1, timeout=10), "Ctrl+Return sent nothing"
        assert server.requests[0].json["input"][-1]["content"] == "typed before the start"  # type: ignore[index]
        time.sleep(0.5)  # the answer is shown and recorded
        started = time.monotonic()
        if how == "sigterm":
            process.send_signal(signal.SIGTERM)
        else:
            # The window may vanish before xdotool finishes talking to it: not an error.
            subprocess.run(
                [xdotool, "key", "--window", window, "ctrl+q"],
                capture_output=True,
                check=False,
                timeout=10,
                env=env,
            )
        _, stderr = process.communicate(timeout=10)
        took = time.monotonic() - started
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    text = stderr.decode(errors="replace")
    assert process.returncode == 0, text
    assert took < 2.0, f"quitting took {took:.2f} s"
    assert "Traceback" not in text
    assert "Task was destroyed but it is pending" not in text
    with HistoryStore(data_dir) as history:
        assert history.count() == 1
