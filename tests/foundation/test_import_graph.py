"""The import graph of src/escucha, read from the source (every import: module level, inside
functions and under TYPE_CHECKING alike, since each one is a dependency)."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"

# The faces over the Python API (modules, or packages with all they hold): only they may
# import escucha.workspace.
FACE_MODULES = {"escucha", "escucha.workspace", "escucha.web.app"}
FACE_PACKAGES = ("escucha.cli", "escucha.demo")
# Circles still being untangled in their own change; none may be added.
KNOWN_CIRCLES = [{"escucha.listen.sources.bluesky", "escucha.listen.sources.jetstream"}]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Module -> the escucha modules it imports."""
    files = {_module_name(p): p for p in (SRC / "escucha").rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name in files)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parent, base] if base else parent)
                for alias in node.names:
                    target = f"{base}.{alias.name}"
                    if target in files:
                        found.add(target)
                    elif base in files:
                        found.add(base)
        found.discard(name)
        graph[name] = found
    return graph


def circles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(component)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _is_face(module: str) -> bool:
    return module in FACE_MODULES or any(
        module == package or module.startswith(package + ".") for package in FACE_PACKAGES
    )


def test_only_the_faces_import_the_workspace():
    importers = {m for m, deps in import_graph().items() if "escucha.workspace" in deps}
    assert importers, "the scan found no import of escucha.workspace at all"
    assert {m for m in importers if not _is_face(m)} == set()


def test_no_import_circles():
    found = circles(import_graph())
    assert [c for c in found if c not in KNOWN_CIRCLES] == []


def test_the_circle_finder_finds_a_circle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(graph) == [{"a", "b", "c"}]
