"""Starts the private system services the suite needs: an X server and a Secret Service.

The test command stays one plain `pytest` on any machine: where Xvfb,
dbus-daemon and gnome-keyring-daemon are installed (CI installs them),
the suite starts its own private instances and points only its own
process at them; where they are not, tests that need them skip locally
and fail in CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: The password of the throwaway login keyring the suite unlocks.
KEYRING_PASSWORD = b"zerogpu-desktop-tests"


@dataclass
class SystemServices:
    """What was started, so it can be stopped; environment changes are undone too."""

    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    temp_dirs: list[Path] = field(default_factory=list)
    saved_env: dict[str, str | None] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def set_env(self, name: str, value: str) -> None:
        self.saved_env.setdefault(name, os.environ.get(name))
        os.environ[name] = value

    def stop(self) -> None:
        for process in reversed(self.processes):
            stop_process(process, timeout=3)
        for name, value in self.saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        for folder in self.temp_dirs:
            shutil.rmtree(folder, ignore_errors=True)


def stop_process(process: subprocess.Popen[Any], timeout: float = 5.0) -> None:
    """SIGTERM, then SIGKILL after `timeout` s, and reap; nothing if it has ended already."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


def start_xvfb(services: SystemServices) -> bool:
    """A private X server, so GUI tests use a real window system (xcb), not offscreen."""
    display = launch_xvfb(services)
    if display is None:
        return False
    services.set_env("DISPLAY", display)
    services.set_env("QT_QPA_PLATFORM", "xcb")
    return True


def launch_xvfb(services: SystemServices) -> str | None:
    """Starts one more Xvfb and returns its DISPLAY value, leaving the environment alone.

    Tests that move the keyboard focus with xdotool use a server of their own, so
    they cannot steal the focus from the in-process window tests.
    """
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        return None
    read_fd, write_fd = os.pipe()
    process = subprocess.Popen(
        [
            xvfb,
            "-displayfd",
            str(write_fd),
            "-screen",
            "0",
            "1400x900x24",
            "-nolisten",
            "tcp",
            "-noreset",
        ],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    services.processes.append(process)
    with os.fdopen(read_fd, "rb") as reader:
        number = reader.readline().strip().decode()
    if not number.isdigit():
        services.notes.append("Xvfb did not report a display number")
        return None
    return f":{number}"


def start_secret_service(services: SystemServices) -> bool:
    """A private D-Bus session with an unlocked gnome-keyring holding a throwaway keyring."""
    dbus_daemon = shutil.which("dbus-daemon")
    keyring_daemon = shutil.which("gnome-keyring-daemon")
    if dbus_daemon is None or keyring_daemon is None:
        return False
    home = Path(tempfile.mkdtemp(prefix="zerogpu-keyring-"))
    services.temp_dirs.append(home)
    bus = subprocess.Popen(
        [dbus_daemon, "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    services.processes.append(bus)
    assert bus.stdout is not None
    address = bus.stdout.readline().decode().strip()
    if not address:
        services.notes.append("dbus-daemon did not print an address")
        return False
    env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=address, XDG_DATA_HOME=str(home))
    env["XDG_RUNTIME_DIR"] = str(home)
    keyring = subprocess.Popen(
        [keyring_daemon, "--foreground", "--unlock", "--components=secrets"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    services.processes.append(keyring)
    assert keyring.stdin is not None
    keyring.stdin.write(KEYRING_PASSWORD)
    keyring.stdin.close()
    services.set_env("DBUS_SESSION_BUS_ADDRESS", address)
    return _wait_for_secret_service(address)


def _wait_for_secret_service(address: str, timeout: float = 10.0) -> bool:
    """gnome-keyring registers its bus name a moment after starting."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            from keyring.backends import SecretService

            SecretService.Keyring.priority  # noqa: B018 - raises while unavailable
            return True
        except Exception:
            time.sleep(0.1)
    return False
