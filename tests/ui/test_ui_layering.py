"""The window's package keeps its shape: no command-line code, no import circle, small modules.

Read from the source (every import, at module level or inside a function, type-only ones
included), so a circle that only closes at run time is found too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import zerogpu_desktop.ui

UI = Path(zerogpu_desktop.ui.__file__).parent
PREFIX = "zerogpu_desktop.ui."
#: The most lines one module of the window may have.
MAX_LINES = 400


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports, by full dotted name."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def ui_graph() -> dict[str, set[str]]:
    modules = {f"{PREFIX}{path.stem}": path for path in UI.glob("*.py")}
    return {
        name: {other for other in imported_modules(path) if other in modules and other != name}
        for name, path in modules.items()
    }


def cycle_through(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle, as the modules along it, or None when there is none."""
    visiting: list[str] = []
    done: set[str] = set()

    def visit(name: str) -> list[str] | None:
        if name in visiting:
            return [*visiting[visiting.index(name) :], name]
        if name in done:
            return None
        visiting.append(name)
        for other in sorted(graph[name]):
            found = visit(other)
            if found:
                return found
        visiting.pop()
        done.add(name)
        return None

    for name in sorted(graph):
        found = visit(name)
        if found:
            return found
    return None


def test_the_window_never_imports_the_command_line() -> None:
    offenders = {
        path.name: sorted(m for m in imported_modules(path) if m.startswith("zerogpu_desktop.cli"))
        for path in UI.glob("*.py")
    }
    assert {name: mods for name, mods in offenders.items() if mods} == {}


def test_no_import_circle_inside_the_window() -> None:
    graph = ui_graph()
    assert f"{PREFIX}main_window" not in graph[f"{PREFIX}library"]
    assert cycle_through(graph) is None


def test_the_circle_finder_finds_one() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}}
    assert cycle_through(graph) == ["a", "b", "c", "a"]


def test_no_module_of_the_window_is_over_the_size_limit() -> None:
    sizes = {
        path.name: len(path.read_text(encoding="utf-8").splitlines()) for path in UI.glob("*.py")
    }
    assert {name: lines for name, lines in sizes.items() if lines > MAX_LINES} == {}


def test_widgets_do_not_reach_through_a_service_locator() -> None:
    """Panels get what they need through their constructors, never `controller.services`."""
    offenders = [
        path.name
        for path in UI.glob("*.py")
        if ".services." in path.read_text(encoding="utf-8")
        and path.stem not in {"session", "main_window"}
    ]
    assert offenders == []
