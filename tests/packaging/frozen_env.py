"""What the packaging scripts share: running the frozen binary, X helpers, and stderr checks.

The frozen app must work on its own, so every run gets an environment with nothing that could
let it lean on the build machine's Python or Qt (PYTHONPATH, QT_PLUGIN_PATH, ...) and without the
CA-bundle variables, so the app uses the certifi bundle it carries.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from tests.system_services import SystemServices, start_xvfb

REPO_ROOT = Path(__file__).resolve().parents[2]

#: Variables removed from every frozen run (they would point it at the build machine).
STRIPPED_VARIABLES = (
    "PYTHONPATH",
    "PYTHONHOME",
    "PYTHONSTARTUP",
    "PYTHONWARNINGS",
    "QT_PLUGIN_PATH",
    "QT_QPA_PLATFORM_PLUGIN_PATH",
    "LD_LIBRARY_PATH",
    "LD_PRELOAD",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
    "ZEROGPU_API_KEY",
    "ZEROGPU_PROJECT_ID",
    "ZEROGPU_BASE_URL",
    "ZEROGPU_DESKTOP_DATA_DIR",
    "VIRTUAL_ENV",
)

#: Standard-error lines any frozen run may print: noise of the headless X server and of
#: machines without a session (no XDG_RUNTIME_DIR as root in CI), never the app's own
#: problems. Same idea as qutebrowser's release smoke test: everything else fails the run.
ALLOWED_STDERR = (
    r"QStandardPaths: XDG_RUNTIME_DIR not set, defaulting to '.*'",
    r"QStandardPaths: runtime directory '.*' is not owned by UID \d+, but a directory "
    r"permissions 0[0-7]+ owned by UID \d+ GID \d+",
    r"QStandardPaths: wrong permissions on runtime directory .*",
    r"qt\.qpa\.xcb: XKeyboard extension not present on the X server",
)


def read_version() -> str:
    """zerogpu_desktop.__version__ from the checkout, without importing the package."""
    text = (REPO_ROOT / "zerogpu_desktop" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__\s*=\s*["\']([^"\']+)["\']', text, re.MULTILINE)
    if match is None:
        raise RuntimeError("no __version__ in zerogpu_desktop/__init__.py")
    return match.group(1)


def frozen_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """os.environ without STRIPPED_VARIABLES, plus `extra`."""
    env = {key: value for key, value in os.environ.items() if key not in STRIPPED_VARIABLES}
    env.update(extra or {})
    return env


def unexpected_lines(stderr: str, allowed: Iterable[str] = ()) -> list[str]:
    """The non-empty lines of `stderr` that match neither ALLOWED_STDERR nor `allowed`."""
    patterns = [re.compile(pattern) for pattern in (*ALLOWED_STDERR, *allowed)]
    return [
        line
        for line in stderr.splitlines()
        if line.strip() and not any(pattern.fullmatch(line) for pattern in patterns)
    ]


def require_tools(*names: str) -> None:
    missing = [name for name in names if shutil.which(name) is None]
    if missing:
        raise SystemExit(
            f"missing tools: {', '.join(missing)} "
            "(Debian: apt install xvfb xdotool imagemagick x11-utils dbus-daemon gnome-keyring)"
        )


@dataclass(frozen=True)
class Window:
    """A mapped X window found by its title."""

    id: str
    seconds: float  # from the call to wait_for_window until it was seen mapped


def find_visible_window(title_regex: str) -> str | None:
    """The id of a mapped window whose title matches `title_regex`, or None."""
    result = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", title_regex],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    ids = result.stdout.split()
    return ids[0] if ids else None


def wait_for_window(
    title_regex: str,
    process: subprocess.Popen[bytes] | subprocess.Popen[str],
    *,
    started: float,
    timeout: float = 30.0,
    interval: float = 0.01,
) -> Window:
    """Polls until a window titled `title_regex` is mapped; `started` is time.monotonic().

    Raises:
        RuntimeError: the process exited first, or the timeout passed.
    """
    deadline = started + timeout
    while time.monotonic() < deadline:
        window_id = find_visible_window(title_regex)
        if window_id is not None:
            return Window(window_id, time.monotonic() - started)
        if process.poll() is not None:
            raise RuntimeError(
                f"the program exited with status {process.returncode} before "
                f"its window {title_regex!r} appeared"
            )
        time.sleep(interval)
    raise RuntimeError(f"no window {title_regex!r} within {timeout:.0f} s")


def run_pyinstaller(distpath: Path, workpath: Path, log: Path, extra_env: Mapping[str, str]) -> int:
    """Runs `pyinstaller --noconfirm build.spec` with its output in `log`; its exit code."""
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--distpath",
        str(distpath),
        "--workpath",
        str(workpath),
        str(REPO_ROOT / "build.spec"),
    ]
    with log.open("w", encoding="utf-8") as output:
        return subprocess.run(
            command,
            cwd=REPO_ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**os.environ, **extra_env},
            check=False,
        ).returncode


def start_display(services: SystemServices, attempts: int = 3) -> bool:
    """A private Xvfb (tests/system_services.py) that stays up between programs, or False.

    Xvfb resets itself whenever its last client disconnects, and a program that starts
    during the reset cannot connect ("could not connect to display"). Between two frozen runs
    nothing else is connected, so a small client (`xprop -root -spy`) stays connected for
    the whole session. The probe also catches another X server holding the same number.
    """
    for _ in range(attempts):
        if not start_xvfb(services):
            continue
        keeper = subprocess.Popen(
            ["xprop", "-root", "-spy"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        services.processes.append(keeper)
        probe = subprocess.run(
            ["xdotool", "getdisplaygeometry"], capture_output=True, timeout=10, check=False
        )
        if probe.returncode == 0 and keeper.poll() is None:
            return True
        services.notes.append(f"Xvfb on {os.environ.get('DISPLAY')} did not answer")
    return False
