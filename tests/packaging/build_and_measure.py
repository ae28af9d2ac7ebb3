"""Builds the frozen app and a frozen bare PySide6 window, and compares size and start-up.

    python -m tests.packaging.build_and_measure [--json out.json] [--runs 5] [--no-app-build]

1. ``pyinstaller --noconfirm build.spec`` builds dist/zerogpu-desktop/ (the app, as CI ships it).
2. The same build.spec freezes tests/packaging/bare_window.py (ZEROGPU_FREEZE_BASELINE), in a
   temporary folder: the same Qt modules, plugins and exclusions, nothing of the app.
3. Sizes: the one-folder build on disk and as a .tar.gz download. The goal is SIZE_GOAL
   (1.15x the bare window's folder), reported; only past SIZE_LIMIT (1.20x) does the script
   exit 1, so a feature that adds a few hundred kilobytes does not fail CI, while a new
   dependency that drags in megabytes still does.
4. Start-up: process start until the main window is mapped, under a private Xvfb and D-Bus
   session, app and bare window alternating, median of --runs each. Reported, not judged:
   machines here are noisy, so only the ratio within one run means something.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

from tests.packaging.frozen_env import (
    REPO_ROOT,
    frozen_environment,
    require_tools,
    run_pyinstaller,
    start_display,
    wait_for_window,
)
from tests.system_services import SystemServices, start_secret_service, stop_process

SIZE_GOAL = 1.15
SIZE_LIMIT = 1.20
APP_TITLE = "^ZeroGPU Desktop$"
BARE_TITLE = "^Bare PySide6 window$"
BARE_SCRIPT = Path(__file__).resolve().parent / "bare_window.py"
MB = 1_000_000


@dataclass
class Build:
    """One frozen program and what was measured of it."""

    name: str
    folder: Path
    executable: Path
    title: str
    bytes: int = 0
    targz_bytes: int = 0
    startup_s: list[float] = field(default_factory=list)

    @property
    def startup_median_s(self) -> float:
        return statistics.median(self.startup_s) if self.startup_s else float("nan")


def pyinstaller(distpath: Path, workpath: Path, log: Path, extra_env: dict[str, str]) -> None:
    """Runs `pyinstaller --noconfirm build.spec`; exits with its log on failure."""
    started = time.monotonic()
    returncode = run_pyinstaller(distpath, workpath, log, extra_env)
    if returncode != 0:
        print(log.read_text(encoding="utf-8")[-5000:], file=sys.stderr)
        raise SystemExit(f"build_and_measure: pyinstaller failed ({returncode}), log {log}")
    print(f"  built in {time.monotonic() - started:.0f} s (log: {log})")


def folder_bytes(folder: Path) -> int:
    """Bytes of the regular files under `folder` (symlinks count as themselves, as in du)."""
    total = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            total += os.lstat(os.path.join(root, name)).st_size
    return total


def targz_bytes(folder: Path, scratch: Path) -> int:
    archive = scratch / f"{folder.name}.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(folder, arcname=folder.name)
    size = archive.stat().st_size
    archive.unlink()
    return size


def time_to_window(build: Build, data_dir: Path) -> float:
    """Seconds from starting `build` until its window is mapped; the process is then stopped."""
    env = frozen_environment(
        {"ZEROGPU_API_KEY": "measure", "ZEROGPU_PROJECT_ID": "measure", "QT_QPA_PLATFORM": "xcb"}
    )
    command = [str(build.executable)]
    if build.name == "app":
        command += ["--data-dir", str(data_dir)]
    with tempfile.TemporaryFile() as stderr:
        started = time.monotonic()
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=stderr, stdin=subprocess.DEVNULL, env=env
        )
        try:
            return wait_for_window(build.title, process, started=started, timeout=60).seconds
        except RuntimeError as exc:
            stderr.seek(0)
            tail = stderr.read().decode(errors="replace")[-2000:]
            raise SystemExit(f"build_and_measure: {build.name}: {exc}\n{tail}") from exc
        finally:
            stop_process(process)


def measure_startup(builds: list[Build], runs: int, scratch: Path) -> None:
    services = SystemServices()
    try:
        if not start_display(services):
            raise SystemExit(f"build_and_measure: Xvfb did not start {services.notes}")
        start_secret_service(services)  # a session bus, as on a desktop
        data_dir = scratch / "app-data"
        data_dir.mkdir()
        for build in builds:  # one untimed run each: fills the page cache for both alike
            time_to_window(build, data_dir)
        for _ in range(runs):
            for build in builds:
                build.startup_s.append(time_to_window(build, data_dir))
    finally:
        services.stop()


def versions() -> dict[str, str]:
    found = {"python": platform.python_version(), "machine": platform.platform()}
    for name in ("pyinstaller", "pyinstaller-hooks-contrib", "PySide6-Essentials"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def report(app: Build, bare: Build, runs: int) -> tuple[dict[str, object], str]:
    size_ratio = app.bytes / bare.bytes
    download_ratio = app.targz_bytes / bare.targz_bytes
    startup_ratio = app.startup_median_s / bare.startup_median_s
    goal_word = "met" if size_ratio <= SIZE_GOAL else "missed"
    rows = [
        ("", "app", "bare window", "ratio"),
        (
            "one-folder build, MB",
            f"{app.bytes / MB:.1f}",
            f"{bare.bytes / MB:.1f}",
            f"{size_ratio:.3f} (goal {SIZE_GOAL:.2f}: {goal_word}; limit {SIZE_LIMIT:.2f})",
        ),
        (
            "as .tar.gz, MB",
            f"{app.targz_bytes / MB:.1f}",
            f"{bare.targz_bytes / MB:.1f}",
            f"{download_ratio:.3f}",
        ),
        (
            f"start-up to window, s (median of {runs})",
            f"{app.startup_median_s:.3f}",
            f"{bare.startup_median_s:.3f}",
            f"{startup_ratio:.2f}",
        ),
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    table = "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )
    data: dict[str, object] = {
        "size_goal": SIZE_GOAL,
        "size_goal_met": size_ratio <= SIZE_GOAL,
        "size_limit": SIZE_LIMIT,
        "size_ratio": round(size_ratio, 4),
        "download_ratio": round(download_ratio, 4),
        "startup_ratio": round(startup_ratio, 4),
        "app": asdict(app) | {"startup_median_s": app.startup_median_s},
        "bare_window": asdict(bare) | {"startup_median_s": bare.startup_median_s},
        "versions": versions(),
    }
    return json.loads(json.dumps(data, default=str)), table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.packaging.build_and_measure", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the results here")
    parser.add_argument("--runs", type=int, default=5, help="start-up runs of each (default 5)")
    parser.add_argument(
        "--no-app-build", action="store_true", help="measure the existing dist/zerogpu-desktop"
    )
    args = parser.parse_args(argv)
    require_tools("Xvfb", "xdotool", "xprop")

    app_folder = REPO_ROOT / "dist" / "zerogpu-desktop"
    with tempfile.TemporaryDirectory(prefix="zerogpu-measure-") as temp:
        scratch = Path(temp)
        if not args.no_app_build:
            print("Building the app: pyinstaller --noconfirm build.spec")
            pyinstaller(REPO_ROOT / "dist", REPO_ROOT / "build", scratch / "app-build.log", {})
        print("Building the bare PySide6 window with the same spec")
        pyinstaller(
            scratch / "dist",
            scratch / "build",
            scratch / "bare-build.log",
            {"ZEROGPU_FREEZE_BASELINE": str(BARE_SCRIPT)},
        )
        app = Build("app", app_folder, app_folder / "zerogpu-desktop", APP_TITLE)
        bare_folder = scratch / "dist" / "bare-window"
        bare = Build("bare window", bare_folder, bare_folder / "bare-window", BARE_TITLE)
        for build in (app, bare):
            if not build.executable.is_file():
                raise SystemExit(f"build_and_measure: {build.executable} was not built")
            build.bytes = folder_bytes(build.folder)
            build.targz_bytes = targz_bytes(build.folder, scratch)
        print(f"Timing start-up ({args.runs} alternating runs each, under Xvfb)")
        measure_startup([app, bare], args.runs, scratch)
        data, table = report(app, bare, args.runs)

    print()
    print(table)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        print(f"(results in {args.json})")
    status, sentence = size_verdict(float(str(data["size_ratio"])))
    if sentence:
        print(f"\nbuild_and_measure: {sentence}", file=sys.stderr)
    return status


def size_verdict(ratio: float) -> tuple[int, str | None]:
    """The exit status for an app `ratio` times the bare window's size, and what to say.

    Past the goal is a warning only; past the limit fails, because a bundle that grew that
    much carries something new that it should not.
    """
    if ratio > SIZE_LIMIT:
        return 1, (
            f"the app is {ratio:.3f}x the bare window, over the {SIZE_LIMIT:.2f}x limit: "
            "find what the bundle gained (compare the folders) and exclude it in build.spec."
        )
    if ratio > SIZE_GOAL:
        return 0, (
            f"the app is {ratio:.3f}x the bare window, past the {SIZE_GOAL:.2f}x goal but "
            f"within the {SIZE_LIMIT:.2f}x limit: look for what the bundle carries and never "
            "loads (build.spec's EXCLUDES)."
        )
    return 0, None


if __name__ == "__main__":
    sys.exit(main())
