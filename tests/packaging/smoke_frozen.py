"""Smoke test of the frozen app, as CI runs it after `pyinstaller build.spec`.

    python -m tests.packaging.smoke_frozen dist/zerogpu-desktop/zerogpu-desktop --out DIR

On the frozen binary, with a private Xvfb and an unlocked gnome-keyring of its own
(tests/system_services.py) and tests/fakeserver in this process:

1. ``--version`` prints the checkout's version;
2. ``diagnose --json`` exits 0 and reports the SecretService backend as usable (it stored and
   read back a secret, so keyring's backends and entry points made it into the bundle),
   certifi's CA bundle from inside the bundle, and the xcb platform plugin;
3. ``send`` against the fake server prints the answer, and the server got exactly one request
   with the prompt;
4. the window opens with its icon (resources/ was found), a prompt is typed with real key
   events (xdotool) into the focused User prompt, Ctrl+Return sends it, the server receives
   exactly that text, the answer appears (Ctrl+Shift+C copies it; another process reads it
   from the X clipboard), a screenshot goes to DIR/frozen-gui.png, and Ctrl+Q quits with 0.

Every run's standard error must hold nothing outside an allow-list (frozen_env.ALLOWED_STDERR
plus the lines `send` prints by design). DIR also gets each run's output and report.txt.
The exit status is 0 when every check passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from tests.fakeserver import FakeServer
from tests.packaging.frozen_env import (
    frozen_environment,
    read_version,
    require_tools,
    start_display,
    unexpected_lines,
    wait_for_window,
)
from tests.system_services import SystemServices, start_secret_service, stop_process

API_KEY = "zg-smoke-key-5b0c"
PROJECT_ID = "smoke-project"
MODEL = "smoke-model"
WINDOW_TITLE = "^ZeroGPU Desktop$"
GUI_PROMPT = "Hello from the frozen app, typed by xdotool 42"
#: What `send` prints to stderr by design: token usage and the truncation verdict.
SEND_STDERR = (r"tokens: .*", r"usage not reported .*", r"Not truncated: .*")
READ_CLIPBOARD = (
    "from PySide6.QtGui import QGuiApplication\n"
    "app = QGuiApplication([])\n"
    "import sys\n"
    "sys.stdout.write(app.clipboard().text())\n"
)


class SmokeCheckError(Exception):
    """A check failed; the message says what a person would need to know."""


@dataclass
class Smoke:
    """One smoke run: the binary, the output folder, the fake server."""

    binary: Path
    out: Path
    server: FakeServer

    def environment(self, **extra: str) -> dict[str, str]:
        return frozen_environment(
            {
                "ZEROGPU_API_KEY": API_KEY,
                "ZEROGPU_PROJECT_ID": PROJECT_ID,
                "ZEROGPU_BASE_URL": self.server.base_url,
                **extra,
            }
        )

    def data_dir(self, name: str) -> Path:
        path = self.out / f"{name}-data"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def run(
        self,
        name: str,
        args: list[str],
        *,
        env: dict[str, str],
        allowed_stderr: Iterable[str] = (),
        timeout: float = 60.0,
    ) -> subprocess.CompletedProcess[str]:
        """Runs the binary, saves its output as DIR/name.{stdout,stderr}, checks stderr."""
        try:
            result = subprocess.run(
                [str(self.binary), *args],
                capture_output=True,
                text=True,
                env=env,
                timeout=timeout,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired as exc:
            raise SmokeCheckError(f"`{' '.join(args)}` did not finish in {timeout:.0f} s") from exc
        save_output(self.out, name, result.stdout, result.stderr)
        check_stderr(name, result.stderr, allowed_stderr)
        return result


def save_output(out: Path, name: str, stdout: str, stderr: str) -> None:
    (out / f"{name}.stdout").write_text(stdout, encoding="utf-8")
    (out / f"{name}.stderr").write_text(stderr, encoding="utf-8")


def check_stderr(name: str, stderr: str, allowed: Iterable[str] = ()) -> None:
    unexpected = unexpected_lines(stderr, allowed)
    if unexpected:
        shown = "\n    ".join(unexpected[:20])
        raise SmokeCheckError(f"{name}: unexpected lines on stderr:\n    {shown}")


# --- the checks -----------------------------------------------------------------------------


def check_version(smoke: Smoke) -> str:
    result = smoke.run("version", ["--version"], env=smoke.environment())
    expected = f"zerogpu-desktop {read_version()}"
    if result.returncode != 0 or result.stdout.strip() != expected:
        raise SmokeCheckError(
            f"--version: exit {result.returncode}, printed {result.stdout.strip()!r}, "
            f"expected {expected!r}"
        )
    return expected


def check_diagnose(smoke: Smoke) -> str:
    data_dir = smoke.data_dir("diagnose")
    result = smoke.run(
        "diagnose", ["--data-dir", str(data_dir), "diagnose", "--json"], env=smoke.environment()
    )
    try:
        report = {check["name"]: check for check in json.loads(result.stdout)}
    except (ValueError, TypeError, KeyError) as exc:
        raise SmokeCheckError(
            f"diagnose --json: exit {result.returncode}, output is not the JSON report "
            f"({exc}): {result.stdout[:300]!r}"
        ) from exc
    if result.returncode != 0:
        failed = [f"{c['name']}: {c['detail']}" for c in report.values() if c["level"] == "FAIL"]
        raise SmokeCheckError(f"diagnose exited {result.returncode}: {'; '.join(failed)}")

    def entry(name: str) -> dict[str, str]:
        if name not in report:
            raise SmokeCheckError(f"diagnose: no {name!r} line in {sorted(report)}")
        return {key: str(value) for key, value in report[name].items()}

    keyring = entry("keyring backend")
    if keyring["level"] != "ok" or "SecretService" not in keyring["detail"]:
        raise SmokeCheckError(
            "diagnose: the SecretService backend is not usable in the frozen app "
            f"(keyring's backends or entry-point metadata missing?): {keyring['detail']}"
        )
    tls = entry("tls ca bundle")
    bundle_root = str(smoke.binary.resolve().parent)
    if tls["level"] != "ok" or "cacert.pem" not in tls["detail"]:
        raise SmokeCheckError(f"diagnose: certifi's CA bundle is not usable: {tls['detail']}")
    if bundle_root not in tls["detail"] and "_MEI" not in tls["detail"]:
        raise SmokeCheckError(f"diagnose: the CA bundle is not the frozen one: {tls['detail']}")
    qt = entry("qt platform")
    if qt["level"] != "ok" or not qt["detail"].startswith("xcb"):
        raise SmokeCheckError(f"diagnose: Qt did not start on xcb: {qt['detail']}")
    return f"{keyring['detail'].split(';')[0]}; {qt['detail'].split(' ')[0]}"


def check_send(smoke: Smoke) -> str:
    smoke.server.reset()
    prompt = "Hello from frozen send"
    data_dir = smoke.data_dir("send")
    result = smoke.run(
        "send",
        ["--data-dir", str(data_dir), "send", "--model", MODEL, prompt],
        env=smoke.environment(),
        allowed_stderr=SEND_STDERR,
    )
    expected = f"Echo: {prompt}"
    if result.returncode != 0 or result.stdout.strip() != expected:
        raise SmokeCheckError(
            f"send: exit {result.returncode}, printed {result.stdout.strip()!r}, expected "
            f"{expected!r}; stderr: {result.stderr.strip()[-300:]}"
        )
    texts = user_texts(smoke.server)
    if texts != [prompt]:
        raise SmokeCheckError(f"send: the fake server received {texts!r}, expected [{prompt!r}]")
    return expected


def user_texts(server: FakeServer) -> list[str]:
    """The last user message of each request the fake server recorded."""
    texts: list[str] = []
    for request in server.requests:
        body = request.json if isinstance(request.json, dict) else {}
        messages = body.get("input") or []
        users = [
            str(m.get("content"))
            for m in messages
            if isinstance(m, dict) and m.get("role") == "user"
        ]
        texts.append(users[-1] if users else repr(request.body[:200]))
    return texts


def xdotool(*args: str) -> str:
    result = subprocess.run(
        ["xdotool", *args], capture_output=True, text=True, timeout=60, check=False
    )
    if result.returncode != 0:
        raise SmokeCheckError(f"xdotool {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout


def read_clipboard() -> str:
    """The X clipboard's text, read by a separate (non-frozen) Qt process."""
    result = subprocess.run(
        [sys.executable, "-c", READ_CLIPBOARD],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        env=frozen_environment({"QT_QPA_PLATFORM": "xcb"}),
    )
    return result.stdout


def window_gets_icon(window_id: str, timeout: float = 5.0) -> bool:
    """The app sets its icon right after the first frame, so it may follow the window."""
    deadline = time.monotonic() + timeout
    while True:
        result = subprocess.run(
            ["xprop", "-id", window_id, "-notype", "_NET_WM_ICON"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if result.returncode == 0 and result.stdout.startswith("_NET_WM_ICON ="):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)


def last_logged_error(data_dir: Path) -> str:
    """': <the last line of the app log's last traceback>', or '' when there is none."""
    log = data_dir / "zerogpu-desktop.log"
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines() if log.exists() else []
    errors = [line for line in lines if line and not line.startswith(" ") and ":" in line]
    errors = [line for line in errors if "Error" in line.split(":")[0] or " ERROR " in line]
    return f": {errors[-1]}" if errors else ""


def check_gui(smoke: Smoke) -> str:
    smoke.server.reset()
    data_dir = smoke.data_dir("gui")
    # The model comes from the saved draft (storage/drafts.py), as after a restart.
    (data_dir / "draft.json").write_text(
        json.dumps({"version": 1, "model": MODEL, "system_prompt": "", "user_prompt": ""}),
        encoding="utf-8",
    )
    started = time.monotonic()
    process = subprocess.Popen(
        [str(smoke.binary), "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=smoke.environment(),
    )
    stdout = stderr = ""
    collected = False
    try:
        try:
            window = wait_for_window(WINDOW_TITLE, process, started=started, timeout=60)
        except RuntimeError as exc:
            raise SmokeCheckError(f"window: {exc}") from exc
        if not window_gets_icon(window.id):
            raise SmokeCheckError(
                "window: no window icon set (resources/ not found in the bundle?)"
            )
        # No window manager runs under Xvfb: give the window the keyboard focus directly.
        xdotool("windowfocus", "--sync", window.id)
        time.sleep(0.3)
        xdotool("type", "--delay", "20", GUI_PROMPT)
        xdotool("key", "ctrl+Return")
        if not smoke.server.wait_for_requests(1, timeout=30):
            raise SmokeCheckError("window: Ctrl+Return sent no request to the fake server")
        answer = f"Echo: {GUI_PROMPT}"
        clipboard = ""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            xdotool("key", "ctrl+shift+c")
            clipboard = read_clipboard()
            if clipboard.strip() == answer:
                break
            time.sleep(0.5)
        subprocess.run(
            ["import", "-window", window.id, str(smoke.out / "frozen-gui.png")],
            timeout=60,
            check=False,
        )
        if clipboard.strip() != answer:
            raise SmokeCheckError(
                f"window: the answer did not appear; Copy all gave {clipboard[:200]!r}, "
                f"expected {answer!r} (see frozen-gui.png)"
            )
        texts = user_texts(smoke.server)
        if texts != [GUI_PROMPT]:
            raise SmokeCheckError(
                f"window: the server received {texts!r}, expected [{GUI_PROMPT!r}]"
            )
        xdotool("key", "ctrl+q")
        try:
            stdout, stderr = process.communicate(timeout=30)
            collected = True
        except subprocess.TimeoutExpired as exc:
            raise SmokeCheckError("window: Ctrl+Q did not quit within 30 s") from exc
        if process.returncode != 0:
            raise SmokeCheckError(
                f"window: exited with status {process.returncode} after Ctrl+Q"
                f"{last_logged_error(data_dir)} (see gui.stderr, gui-data/)"
            )
    finally:
        if not collected:
            stop_process(process)
            stdout, stderr = process.communicate(timeout=30)
        save_output(smoke.out, "gui", stdout or "", stderr or "")
    check_stderr("gui", stderr)
    return f"window after {window.seconds:.2f} s; answer shown; screenshot frozen-gui.png"


CHECKS: list[tuple[str, Callable[[Smoke], str]]] = [
    ("--version", check_version),
    ("diagnose (Secret Service)", check_diagnose),
    ("send (fake server)", check_send),
    ("window (Xvfb + xdotool)", check_gui),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.packaging.smoke_frozen", description=__doc__.splitlines()[0]
    )
    parser.add_argument("binary", type=Path, help="the frozen executable")
    parser.add_argument("--out", type=Path, required=True, help="folder for screenshot and logs")
    args = parser.parse_args(argv)
    binary: Path = args.binary.resolve()
    if not binary.is_file():
        print(f"smoke_frozen: no such binary: {binary}", file=sys.stderr)
        return 1
    require_tools("Xvfb", "dbus-daemon", "gnome-keyring-daemon", "xdotool", "xprop", "import")
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    services = SystemServices()
    results: list[tuple[str, bool, str]] = []
    try:
        if not start_display(services):
            print(f"smoke_frozen: Xvfb did not start {services.notes}", file=sys.stderr)
            return 1
        if not start_secret_service(services):
            print(f"smoke_frozen: no Secret Service {services.notes}", file=sys.stderr)
            return 1
        with FakeServer(api_key=API_KEY, project_id=PROJECT_ID) as server:
            smoke = Smoke(binary, out, server)
            for name, check in CHECKS:
                try:
                    results.append((name, True, check(smoke)))
                except SmokeCheckError as exc:
                    results.append((name, False, str(exc)))
                except Exception as exc:  # a broken check must still report the others
                    results.append((name, False, f"{type(exc).__name__}: {exc}"))
    finally:
        services.stop()

    lines = [f"{'PASS' if ok else 'FAIL'}  {name}: {detail}" for name, ok, detail in results]
    failed = sum(not ok for _, ok, _ in results)
    lines.append(
        f"frozen smoke test: {failed} of {len(results)} checks FAILED"
        if failed
        else f"frozen smoke test: all {len(results)} checks passed"
    )
    report = "\n".join(lines)
    (out / "report.txt").write_text(report + "\n", encoding="utf-8")
    print(f"Frozen app smoke test of {binary}\n{report}\n(output in {out})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
