"""The core knows no screen: api, storage, credentials and the CLI import without Qt."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

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
        "zerogpu_desktop.cli, zerogpu_desktop.cli.send, zerogpu_desktop.explain, "
        "zerogpu_desktop.demo.answers, zerogpu_desktop.demo.server\n"
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


def _package_modules() -> dict[str, Path]:
    root = Path(__file__).resolve().parent.parent / "zerogpu_desktop"
    modules: dict[str, Path] = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    return modules


def _imports_at_load(path: Path, known: set[str]) -> set[str]:
    """The package's modules that `path` imports when it is loaded (not inside functions)."""
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for inner in ast.walk(node) if isinstance(node, ast.If | ast.Try) else [node]:
            if isinstance(inner, ast.Import):
                found.update(alias.name for alias in inner.names if alias.name in known)
            elif isinstance(inner, ast.ImportFrom) and inner.module and inner.level == 0:
                for alias in inner.names:
                    if f"{inner.module}.{alias.name}" in known:
                        found.add(f"{inner.module}.{alias.name}")
                    elif inner.module in known:
                        found.add(inner.module)
    return found


def test_no_module_is_over_400_lines() -> None:
    long = {
        name: lines
        for name, path in _package_modules().items()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert not long, long


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import loop in `graph`, as a list of modules that ends where it starts, or None."""
    done: set[str] = set()
    trail: list[str] = []

    def visit(name: str) -> list[str] | None:
        trail.append(name)
        for target in sorted(graph.get(name, ())):
            if target in trail:
                return [*trail[trail.index(target) :], target]
            if target not in done and (cycle := visit(target)) is not None:
                return cycle
        trail.pop()
        done.add(name)
        return None

    for module in sorted(graph):
        if module not in done and (cycle := visit(module)) is not None:
            return cycle
    return None


def _is_package_plumbing(source: str, target: str) -> bool:
    """A package and its own submodules import each other by design (`__init__` re-exports)."""
    return source.startswith(target + ".") or target.startswith(source + ".")


def test_the_loop_finder_finds_a_loop() -> None:
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_no_two_modules_import_each_other_in_a_circle() -> None:
    modules = _package_modules()
    graph = {
        name: {
            target
            for target in _imports_at_load(path, set(modules))
            if target != name and not _is_package_plumbing(name, target)
        }
        for name, path in modules.items()
    }
    assert _find_cycle(graph) is None, " -> ".join(_find_cycle(graph) or [])


def test_the_window_never_imports_the_command_line() -> None:
    modules = _package_modules()
    for name, path in modules.items():
        if name.startswith("zerogpu_desktop.ui"):
            text = path.read_text(encoding="utf-8")
            assert "zerogpu_desktop.cli" not in text, name
