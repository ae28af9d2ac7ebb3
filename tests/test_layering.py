"""The core knows no screen: api, storage, credentials and the CLI import without Qt."""

from __future__ import annotations

import subprocess
import sys
import textwrap

BLOCK_QT = textwrap.dedent(
    """
    import importlib.abc, sys

    class BlockQt(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("PySide6", "shiboken6", "qasync"):
                raise ImportError(f"{name} imported by the core")
            if name.startswith("zerogpu_desktop.ui"):
                raise ImportError(f"{name} imported by the core")
            return None

    sys.meta_path.insert(0, BlockQt())
    """
)


def run_blocked(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", BLOCK_QT + code],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_core_packages_import_without_qt() -> None:
    result = run_blocked(
        "import zerogpu_desktop.api, zerogpu_desktop.api.client, zerogpu_desktop.storage, "
        "zerogpu_desktop.storage.calibration, zerogpu_desktop.credentials, "
        "zerogpu_desktop.cli, zerogpu_desktop.cli.send, zerogpu_desktop.explain\n"
        "from zerogpu_desktop.api import ZeroGPUClient, Message, ZeroGPUError\n"
    )
    assert result.returncode == 0, result.stderr


def test_version_needs_no_qt() -> None:
    result = run_blocked(
        "from zerogpu_desktop.app import main\nraise SystemExit(main(['--version']))"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("zerogpu-desktop ")


def test_api_package_defers_httpx() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, zerogpu_desktop.api, zerogpu_desktop.api.tokens, zerogpu_desktop.explain\n"
            "print('httpx' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.strip() == "False", result.stderr
