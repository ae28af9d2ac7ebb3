"""Start-up: process start until the main window is painted, vs PySide6's floor and a bare window.

    python -m tests.benchmarks.bench_startup [--quick] [--json FILE]

Both programs run as they are, unchanged, under an X server (run_all's Xvfb or a private
one). "Painted" is read from Qt itself: with ``QT_LOGGING_RULES=qt.widgets.painting=true``
Qt logs "Flushing ... to QWidgetWindow" when the first frame of a top-level window has been
drawn and goes to the screen, and ``QT_MESSAGE_PATTERN=%{time boot}`` stamps the line with
CLOCK_MONOTONIC, the clock of time.monotonic() here. So the figure is from just before
``Popen`` to the first flush, with no code injected into the app, and the same detection
works for the frozen app. App and bare window alternate (who goes first rotates every
round); the figure is the median of the per-round ratios.

The frozen variant compares dist/zerogpu-desktop/zerogpu-desktop (skipped if it was not
built) with tests/benchmarks/bare_window.py frozen by the same build.spec
(ZEROGPU_FREEZE_BASELINE), built once into ~/.cache/zerogpu-desktop-bench/.

Besides the first frame, the end of start-up painting is reported (information): the last
frame before 0.3 s without any, so a window that paints a shell first and fills its panels
after is seen both ways.

The goal is judged against the floor: the bare window filled with the app's first-frame
widgets in plain PySide6 (bare_window.py --same-widgets), because no PySide6 window with
those widgets can start faster. Floor to app is the app's own code, and must stay within
FLOOR_GOAL. The bare window rows are information: bare window to floor is what PySide6
charges for those widgets (Qt's enums alone are ~25 ms).
"""

from __future__ import annotations

import hashlib
import os
import queue
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from tests.benchmarks.common import (
    REPO_ROOT,
    Report,
    Row,
    cache_dir,
    display,
    module_main,
    progress,
    read_rss_bytes,
    verdict,
)
from tests.packaging.frozen_env import run_pyinstaller
from tests.system_services import stop_process

#: The first frame of the app over the floor's (same widgets, plain PySide6).
FLOOR_GOAL = 1.15
BARE_SCRIPT = Path(__file__).resolve().parent / "bare_window.py"
#: Frozen with it (bare_window.py imports it for --same-widgets).
SAME_WIDGETS_SCRIPT = BARE_SCRIPT.with_name("same_widgets_window.py")
FROZEN_APP = REPO_ROOT / "dist" / "zerogpu-desktop" / "zerogpu-desktop"
APP_CODE = "import sys; from zerogpu_desktop.app import main; sys.exit(main())"
#: The first frame of a top-level widget going to the screen (QWidgetRepaintManager::flush).
_FLUSH = re.compile(r"^\s*(?P<stamp>\d+\.\d+)\|Flushing .* to QWidgetWindow")
#: Variables that would let a frozen program lean on this machine's Python or Qt.
_NOT_FOR_FROZEN = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "QT_PLUGIN_PATH", "VIRTUAL_ENV")
LAUNCH_TIMEOUT = 60.0
#: Start-up painting has ended when no frame followed for this long.
QUIET_S = 0.3


@dataclass
class Program:
    """One command to start, and what was measured of it."""

    name: str
    command: list[str]
    env: dict[str, str]
    seconds: list[float] = field(default_factory=list)  # to the first frame
    settled: list[float] = field(default_factory=list)  # to the end of start-up painting
    rss: list[int] = field(default_factory=list)

    @property
    def median_s(self) -> float:
        return statistics.median(self.seconds)


def base_environment(data_dir: Path, *, frozen: bool = False) -> dict[str, str]:
    """The environment of every timed start: paint logging, no keyring wait, no network.

    Python programs get their bytecode cached (see common.use_bytecode_cache).
    """
    env = {k: v for k, v in os.environ.items() if not (frozen and k in _NOT_FOR_FROZEN)}
    if not frozen:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(cache_dir() / "pycache")
    env.update(
        QT_LOGGING_RULES="qt.widgets.painting=true",
        QT_MESSAGE_PATTERN="%{time boot}|%{message}",
        ZEROGPU_API_KEY="bench-key",
        ZEROGPU_PROJECT_ID="bench-project",
        ZEROGPU_BASE_URL="http://127.0.0.1:9",  # never contacted: nothing is sent
        ZEROGPU_DESKTOP_DATA_DIR=str(data_dir),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )
    return env


def python_programs(scratch: Path, *, on_qasync: bool = False) -> tuple[Program, Program, Program]:
    """The app, the bare window, and the app's widgets in plain PySide6 (the floor).

    `on_qasync` runs the floor on a qasync loop, as the app runs once started (bench_memory).
    """
    data_dir = scratch / "app-data"
    data_dir.mkdir(exist_ok=True)
    env = base_environment(data_dir)
    app = Program("app", [sys.executable, "-c", APP_CODE, "--data-dir", str(data_dir)], env)
    bare = Program("bare window", [sys.executable, str(BARE_SCRIPT)], env)
    floor_args = ["--same-widgets", *(["--qasync"] if on_qasync else [])]
    floor = Program("same widgets", [sys.executable, str(BARE_SCRIPT), *floor_args], env)
    return app, bare, floor


@dataclass
class Start:
    """What one start showed: the first frame, the end of the start-up painting, RSS."""

    first_frame: float
    settled: float
    rss: int | None


def launch(program: Program, *, settle: float | None = None) -> Start:
    """Starts `program`, times its first frame and the end of its start-up painting, stops it.

    "Settled" is the last frame before QUIET_S without any: a window that paints an empty
    shell first and its panels later is settled only when the panels are on screen. With
    `settle`, also waits that long after the first frame and reads the process's RSS.
    """
    began = time.monotonic()
    process = subprocess.Popen(
        program.command,
        env=program.env,
        cwd=tempfile.gettempdir(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:  # also keeps the pipe drained: a full pipe would block the painting
        for line in process.stderr or ():
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    try:
        frames: list[float] = []
        tail: list[str] = []
        deadline = began + LAUNCH_TIMEOUT
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=QUIET_S if frames else deadline - time.monotonic())
            except queue.Empty:
                break  # quiet for QUIET_S after a frame (or the timeout): settled
            if line is None:
                break
            match = _FLUSH.match(line)
            if match:
                frames.append(float(match["stamp"]) - began)
            elif not frames:
                tail = [*tail[-20:], line]
        if not frames:
            raise RuntimeError(
                f"{program.name} exited ({process.poll()}) or timed out before painting:\n"
                + "".join(tail)
            )
        rss = None
        if settle is not None:
            time.sleep(max(0.0, began + frames[0] + settle - time.monotonic()))
            rss = read_rss_bytes(process.pid)
        return Start(frames[0], frames[-1], rss)
    finally:
        stop_process(process)


def alternate(programs: list[Program], runs: int, *, settle: float | None = None) -> None:
    """One untimed start each (warms the page cache alike), then `runs` rounds, each in a
    different order, so drift in the machine's load spreads over all programs alike."""
    for program in programs:
        launch(program)
    for index in range(runs):
        shift = index % len(programs)
        for program in programs[shift:] + programs[:shift]:
            start = launch(program, settle=settle)
            program.seconds.append(start.first_frame)
            program.settled.append(start.settled)
            if start.rss is not None:
                program.rss.append(start.rss)


def pair_ratios(app: Program, bare: Program, *, settled: bool = False) -> list[float]:
    """Per-round ratios of the first frames (or of the ends of start-up painting)."""
    if settled:
        return [a / b for a, b in zip(app.settled, bare.settled, strict=True)]
    return [a / b for a, b in zip(app.seconds, bare.seconds, strict=True)]


def frozen_bare_window(scratch_log: Path) -> tuple[Path | None, str]:
    """bare_window.py frozen with build.spec, cached by inputs; (executable or None, note)."""
    versions = []
    for name in ("pyinstaller", "PySide6-Essentials"):
        try:
            versions.append(metadata.version(name))
        except metadata.PackageNotFoundError:
            return None, f"{name} is not installed"
    digest = hashlib.sha256((REPO_ROOT / "build.spec").read_bytes())
    digest.update(BARE_SCRIPT.read_bytes())
    digest.update(SAME_WIDGETS_SCRIPT.read_bytes())
    digest.update(" ".join(versions).encode())
    folder = cache_dir() / f"frozen-bare-{digest.hexdigest()[:16]}"
    executable = folder / "dist" / "bare-window" / "bare-window"
    if executable.is_file():
        return executable, f"cached in {folder}"
    progress("freezing the bare window with build.spec (once; cached)")
    folder.mkdir(parents=True, exist_ok=True)
    returncode = run_pyinstaller(
        folder / "dist",
        folder / "build",
        scratch_log,
        {"ZEROGPU_FREEZE_BASELINE": str(BARE_SCRIPT)},
    )
    if returncode != 0 or not executable.is_file():
        return None, f"building the frozen bare window failed (pyinstaller {returncode})"
    return executable, f"built into {folder}"


def add_startup_row(
    report: Report,
    key: str,
    what: str,
    app: Program,
    bare: Program,
    *,
    goal: float | None = None,
    settled: bool = False,
    figures: dict[str, object] | None = None,
) -> None:
    """App vs baseline: the median of the per-round ratios, judged against `goal` if given.

    Adds the row to `report`, and its figures (plus any given) under ``report.figures[key]``.
    `settled` compares the ends of start-up painting instead of the first frames.
    """
    figures = dict(figures or {})
    report.figures[key] = figures
    ratios = pair_ratios(app, bare, settled=settled)
    ratio = statistics.median(ratios)
    app_s, bare_s = (app.settled, bare.settled) if settled else (app.seconds, bare.seconds)
    app_median, bare_median = statistics.median(app_s), statistics.median(bare_s)
    a, b = app.name.replace(" ", "_"), bare.name.replace(" ", "_")
    figures.update(
        {
            f"{a}_median_s": round(app_median, 4),
            f"{b}_median_s": round(bare_median, 4),
            "ratio_median_of_rounds": round(ratio, 3),
            "ratio_of_medians": round(app_median / bare_median, 3),
            f"{a}_s": [round(v, 4) for v in app_s],
            f"{b}_s": [round(v, 4) for v in bare_s],
            "rounds": len(ratios),
        }
    )
    report.rows.append(
        Row(
            what,
            f"{app.name} {app_median * 1000:.0f} ms",
            f"{bare.name} {bare_median * 1000:.0f} ms",
            f"{ratio:.2f}x (median of {len(ratios)})",
            "(information)" if goal is None else f"<= {goal}x",
            "info" if goal is None else verdict(ratio <= goal),
        )
    )


def run(quick: bool) -> Report:
    report = Report()
    runs = 5 if quick else 15
    with display() as where, tempfile.TemporaryDirectory(prefix="zerogpu-bench-start-") as temp:
        scratch = Path(temp)
        report.figures["display"] = where
        progress(f"start-up (python): {runs} alternating rounds")
        app, bare, floor = python_programs(scratch)
        alternate([app, bare, floor], runs)
        add_startup_row(
            report,
            "app_vs_same_widgets",
            "start-up: first frame vs PySide6's floor",
            app,
            floor,
            goal=FLOOR_GOAL,
        )
        add_startup_row(report, "python", "start-up: first frame vs bare window", app, bare)
        add_startup_row(report, "same_widgets_vs_bare", "start-up: PySide6's floor", floor, bare)
        add_startup_row(
            report, "python_settled", "start-up: all panels painted", app, bare, settled=True
        )
        if not FROZEN_APP.is_file():
            report.rows.append(
                Row("start-up (frozen)", "-", "-", f"{FROZEN_APP} not built", "", "skip")
            )
            return report
        bare_exe, note = frozen_bare_window(scratch / "freeze-bare.log")
        report.figures["frozen_bare_window"] = note
        if bare_exe is None:
            report.rows.append(Row("start-up (frozen)", "-", "-", note, "", "skip"))
            return report
        frozen_runs = 3 if quick else 10
        progress(f"start-up (frozen): {frozen_runs} alternating rounds")
        data_dir = scratch / "frozen-data"
        data_dir.mkdir()
        env = base_environment(data_dir, frozen=True)
        frozen_app = Program("frozen app", [str(FROZEN_APP), "--data-dir", str(data_dir)], env)
        frozen_bare = Program("frozen bare window", [str(bare_exe)], env)
        frozen_floor = Program("frozen same widgets", [str(bare_exe), "--same-widgets"], env)
        alternate([frozen_app, frozen_bare, frozen_floor], frozen_runs)
        built = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(FROZEN_APP.stat().st_mtime))
        add_startup_row(
            report,
            "frozen_app_vs_same_widgets",
            "start-up (frozen): first frame vs floor",
            frozen_app,
            frozen_floor,
            goal=FLOOR_GOAL,
            figures={"app_built": built},
        )
        add_startup_row(
            report,
            "frozen",
            "start-up (frozen): first frame vs bare window",
            frozen_app,
            frozen_bare,
        )
        add_startup_row(
            report,
            "frozen_same_widgets_vs_bare",
            "start-up (frozen): PySide6's floor",
            frozen_floor,
            frozen_bare,
        )
    return report


def rss_at_start(runs: int, settle: float) -> tuple[Program, Program, Program]:
    """For bench_memory: RSS `settle` s after the first frame; app, bare, same widgets on qasync."""
    with tempfile.TemporaryDirectory(prefix="zerogpu-bench-rss-") as temp:
        programs = python_programs(Path(temp), on_qasync=True)
        alternate(list(programs), runs, settle=settle)
    return programs


def main(argv: list[str] | None = None) -> int:
    return module_main(__doc__.splitlines()[0] if __doc__ else "", run, argv)


if __name__ == "__main__":
    sys.exit(main())
