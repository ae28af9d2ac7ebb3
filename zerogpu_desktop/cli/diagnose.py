"""`zerogpu-desktop diagnose`: what a person filing a bug needs, and whether it all works.

It also says what a first run needs: whether a key, a project ID and a base URL are set,
and where each comes from (`diagnose_config`).

Each check prints one line (ok / warn / FAIL). The exit status is
non-zero only when something essential is broken: the data folder, the
TLS certificates, or the window system on a machine that has a display.
A missing keyring is a warning: the app still works, keeping the key
for one session.
"""

from __future__ import annotations

import argparse
import enum
import json
import os
import platform
import secrets
import ssl
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TextIO

from zerogpu_desktop import __version__
from zerogpu_desktop.storage import DataDirError, ensure_data_dir, resolve_data_dir

#: The Qt probe runs in a child process: a platform plugin that cannot load aborts the process.
QT_PROBE_TIMEOUT = 20.0
KEYRING_PROBE_SERVICE = "zerogpu-desktop-diagnose"


class Level(enum.Enum):
    OK = "ok"
    WARN = "warn"
    FAIL = "FAIL"
    INFO = "info"


@dataclass(frozen=True)
class Check:
    """One line of the report.

    `source` says where a configuration value comes from (keyring, environment, flag,
    settings, default or none), for scripts reading the JSON; None for the other checks.
    """

    name: str
    level: Level
    detail: str
    source: str | None = None


def _versions() -> list[Check]:
    import httpx
    import keyring

    checks = [
        Check("app", Level.INFO, f"zerogpu-desktop {__version__}"),
        Check(
            "python",
            Level.INFO,
            f"{platform.python_version()} ({sys.executable}){' frozen' if _frozen() else ''}",
        ),
        Check("platform", Level.INFO, f"{platform.platform()} ({platform.machine()})"),
        Check("httpx", Level.INFO, httpx.__version__),
        Check("keyring", Level.INFO, getattr(keyring, "__version__", _dist_version("keyring"))),
    ]
    try:
        import PySide6
        from PySide6 import QtCore

        checks.append(
            Check("qt", Level.INFO, f"Qt {QtCore.qVersion()}, PySide6 {PySide6.__version__}")
        )
    except ImportError as exc:
        checks.append(Check("qt", Level.FAIL, f"PySide6 cannot be imported: {exc}"))
    try:
        import qasync

        checks.append(
            Check(
                "qasync",
                Level.INFO,
                getattr(qasync, "__version__", None) or _dist_version("qasync"),
            )
        )
    except ImportError as exc:
        checks.append(Check("qasync", Level.FAIL, f"cannot be imported: {exc}"))
    return checks


def _dist_version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "unknown"


def _frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def _keyring_check() -> Check:
    """Stores, reads back and deletes a throwaway secret under a separate service name."""
    import keyring

    from zerogpu_desktop.credentials import KeyStore
    from zerogpu_desktop.credentials.backends import backend_description, usable_member

    try:
        backend = usable_member(keyring.get_keyring())
        description = backend_description(backend)
    except Exception as exc:
        return Check("keyring backend", Level.WARN, f"keyring failed to start: {exc}")
    store = KeyStore(service=KEYRING_PROBE_SERVICE, backend=backend, timeout=10.0)
    probe = f"probe-{secrets.token_hex(8)}"
    saved = store.save_blocking(probe)
    if not saved.stored_in_keyring:
        return Check(
            "keyring backend",
            Level.WARN,
            f"{description}; cannot store a secret: {saved.problem or 'unknown reason'}",
        )
    loaded = store.load_blocking()
    store.delete_blocking()
    if loaded.key != probe:
        return Check("keyring backend", Level.WARN, f"{description}; read-back did not match")
    return Check("keyring backend", Level.OK, f"{description}; stored and read back a test secret")


def _data_dir_check(args: argparse.Namespace, environ: Mapping[str, str]) -> Check:
    path = resolve_data_dir(getattr(args, "data_dir", None), environ)
    try:
        ensure_data_dir(path)
    except DataDirError as exc:
        return Check("data folder", Level.FAIL, str(exc))
    return Check("data folder", Level.OK, f"{path} (writable)")


def _tls_check(environ: Mapping[str, str]) -> Check:
    override = environ.get("SSL_CERT_FILE")
    if override:
        ok = Path(override).is_file()
        return Check(
            "tls ca bundle",
            Level.OK if ok else Level.FAIL,
            f"SSL_CERT_FILE={override}" + ("" if ok else " (missing)"),
        )
    try:
        import certifi

        bundle = Path(certifi.where())
    except ImportError:
        paths = ssl.get_default_verify_paths()
        return Check("tls ca bundle", Level.OK, f"system store: {paths.cafile or paths.capath}")
    if not bundle.is_file():
        return Check("tls ca bundle", Level.FAIL, f"certifi bundle missing: {bundle}")
    try:
        context = ssl.create_default_context(cafile=str(bundle))
        count = len(context.get_ca_certs())
    except ssl.SSLError as exc:
        return Check("tls ca bundle", Level.FAIL, f"{bundle} does not load: {exc}")
    return Check("tls ca bundle", Level.OK, f"{bundle} ({count} certificates)")


def _has_display(environ: Mapping[str, str]) -> bool:
    if sys.platform != "linux":
        return True
    return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


def _qt_probe_command() -> list[str]:
    if _frozen():
        return [sys.executable, "diagnose", "--qt-probe"]
    return [sys.executable, "-m", "zerogpu_desktop", "diagnose", "--qt-probe"]


def _qt_platform_check(
    environ: Mapping[str, str], runner: Callable[..., subprocess.CompletedProcess[str]]
) -> Check:
    requested = environ.get("QT_QPA_PLATFORM", "")
    if not requested and not _has_display(environ):
        return Check(
            "qt platform",
            Level.WARN,
            "no display (DISPLAY and WAYLAND_DISPLAY unset): the window cannot open here; "
            "the command line works",
        )
    try:
        result = runner(
            _qt_probe_command(),
            capture_output=True,
            text=True,
            timeout=QT_PROBE_TIMEOUT,
            env=dict(environ),
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Check("qt platform", Level.FAIL, "starting Qt did not finish in 20 s")
    if result.returncode == 0 and result.stdout.strip():
        return Check("qt platform", Level.OK, result.stdout.strip().splitlines()[-1])
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    hint = " ".join(lines[-3:]) or f"exit status {result.returncode}"
    if "xcb-cursor" in result.stderr or "xcb" in result.stderr:
        hint += " — on Debian/Ubuntu: apt install libxcb-cursor0"
    return Check("qt platform", Level.FAIL, f"Qt cannot start its platform plugin: {hint}")


def qt_probe(stdout: TextIO) -> int:
    """Runs in the child: start Qt, say which platform plugin loaded, exit."""
    from PySide6.QtCore import QLibraryInfo
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication([sys.argv[0]])
    plugins = QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)
    print(f"{app.platformName()} (plugins in {plugins})", file=stdout)
    return 0


def collect(
    args: argparse.Namespace,
    environ: Mapping[str, str],
    runner: Callable[..., subprocess.CompletedProcess[str]] = subprocess.run,
) -> list[Check]:
    from zerogpu_desktop.cli.diagnose_config import configuration_checks

    checks = _versions()
    checks.append(_data_dir_check(args, environ))
    checks.extend(configuration_checks(args, environ))
    checks.append(_tls_check(environ))
    checks.append(_keyring_check())
    checks.append(_qt_platform_check(environ, runner))
    return checks


def run(args: argparse.Namespace, *, stdout: TextIO | None = None) -> int:
    stdout = stdout or sys.stdout
    if args.qt_probe:
        return qt_probe(stdout)
    checks = collect(args, os.environ)
    if args.json:
        json.dump(
            [asdict(check) | {"level": check.level.value} for check in checks], stdout, indent=2
        )
        stdout.write("\n")
    else:
        width = max(len(check.name) for check in checks)
        for check in checks:
            print(f"{check.level.value:<5} {check.name:<{width}}  {check.detail}", file=stdout)
    failed = [check for check in checks if check.level is Level.FAIL]
    if not args.json:
        if failed:
            names = ", ".join(check.name for check in failed)
            print(f"\nSomething essential is broken: {names}.", file=stdout)
        else:
            print("\nEverything essential works.", file=stdout)
    return 1 if failed else 0
