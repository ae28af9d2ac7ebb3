"""What the first frame loads, and what start-up does before Qt (ui/entry.py, ui/launch.py).

Each check runs in a fresh interpreter: what a module imports is only
visible in a process that has not imported it yet. The checks see the
imports of the window's modules, not those made while the window is built.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PROBE = textwrap.dedent(
    """
    import json, sys

    from zerogpu_desktop.ui import entry

    before_qt = set(sys.modules)
    import PySide6.QtWidgets  # what any PySide6 program loads
    with_qt = set(sys.modules)
    import zerogpu_desktop.ui.launch, zerogpu_desktop.ui.main_window
    after = set(sys.modules)
    print(json.dumps({
        "qt_before_entry": sorted(m for m in before_qt if m.startswith(("PySide6", "shiboken6"))),
        "loaded_by_window": sorted(after - with_qt),
    }))
    """
)


@pytest.fixture(scope="module")
def probe() -> dict[str, object]:
    """What one fresh interpreter loaded, before and with the window's modules."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    figures: dict[str, object] = json.loads(result.stdout)
    return figures


def test_the_entry_point_loads_no_qt(probe: dict[str, object]) -> None:
    assert probe["qt_before_entry"] == []


def test_the_first_frame_needs_no_event_loop_network_keyring_or_database(
    probe: dict[str, object],
) -> None:
    loaded = probe["loaded_by_window"]
    assert isinstance(loaded, list)
    deferred = ("asyncio", "qasync", "httpx", "keyring", "sqlite3", "socket", "ssl")
    assert sorted(name for name in loaded if name.split(".")[0] in deferred) == []


def test_an_unusable_data_folder_is_reported_before_qt_loads(tmp_path: Path) -> None:
    in_the_way = tmp_path / "not-a-folder"
    in_the_way.write_text("a file where the data folder should be", encoding="utf-8")
    code = (
        "import sys\n"
        "from zerogpu_desktop.app import main\n"
        f"status = main(['--data-dir', {str(in_the_way)!r}])\n"
        "print('PySide6' in sys.modules)\n"
        "sys.exit(status)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 2
    assert result.stdout.strip() == "False"
    assert str(in_the_way) in result.stderr
    assert "Traceback" not in result.stderr
