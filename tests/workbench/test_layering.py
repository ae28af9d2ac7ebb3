"""The run engine knows no screen and no command line: it imports with Qt, ui/ and cli/ blocked."""

from __future__ import annotations

import subprocess
import sys
import textwrap

WORKBENCH_MODULES = (
    "client_pool",
    "compare",
    "compare_display",
    "connection",
    "handle",
    "learning",
    "outcome",
    "preflight",
    "preset_diff",
    "progress",
    "rate_gate",
    "records",
    "request_code",
    "runner",
    "spec",
    "word_diff",
    "evaluate.check_syntax",
    "evaluate.checks",
    "evaluate.dataset",
    "evaluate.engine",
    "evaluate.export",
    "evaluate.export_html",
    "evaluate.judging",
    "evaluate.levenshtein",
    "evaluate.pattern_limits",
    "evaluate.plan",
    "evaluate.regression",
    "evaluate.store",
    "evaluate.summary",
    "evaluate.types",
    "evaluate.version_links",
)

BLOCKED = textwrap.dedent(
    """
    import importlib.abc, sys

    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("PySide6", "shiboken6", "qasync"):
                raise ImportError(f"{name} imported by the workbench")
            if name.startswith(("zerogpu_desktop.ui", "zerogpu_desktop.cli")):
                raise ImportError(f"{name} imported by the workbench")
            return None

    sys.meta_path.insert(0, Block())
    """
)


def test_the_workbench_imports_without_qt_ui_or_cli() -> None:
    imports = "\n".join(f"import zerogpu_desktop.workbench.{name}" for name in WORKBENCH_MODULES)
    result = subprocess.run(
        [sys.executable, "-c", BLOCKED + imports],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_every_workbench_module_is_checked() -> None:
    from pathlib import Path

    import zerogpu_desktop.workbench as package

    folder = Path(package.__file__).parent
    found = {
        ".".join(path.relative_to(folder).with_suffix("").parts)
        for path in folder.rglob("*.py")
        if path.stem != "__init__"
    }
    assert found == set(WORKBENCH_MODULES)
