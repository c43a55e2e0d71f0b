"""The floors of the package (docs/architecture.md) as rules on its imports.

Every import counts, also one inside a function or under TYPE_CHECKING: a lazy import is still
a dependency of the design, and an import circle is what makes a new domain hard to add.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "escucha"

# Each top-level module or package of escucha and its floor. A module may import its own floor
# (without a circle) and the floors below. A new top-level module must be given a floor here
# and in docs/architecture.md.
FLOORS = {
    # 0: the ground floor, shared basics
    "errors": 0,
    "config": 0,
    "core": 0,
    "logredact": 0,
    "i18n": 0,
    # 1: the store
    "store": 1,
    # 2: capabilities that read or write posts and accounts
    "understand": 2,
    "query": 2,
    "brands": 2,
    "listen": 2,
    "reads": 2,
    "auth": 2,
    "dask_engine": 2,
    # 3: domains built on them
    "enrich": 3,
    "langsettle": 3,
    "frames": 3,
    "insights": 3,
    "ideas": 3,
    "alerts": 3,
    "status": 3,
    "community": 3,
    "engage": 3,
    "research": 3,
    "panels": 3,
    "ops": 3,
    "jobs": 3,
    "digests": 3,
    # 4: the Python API and the assembly of results
    "report": 4,
    "report_inputs": 4,
    "deliverables": 4,
    "workspace": 4,
    "demo": 4,
    "plugins": 4,
    # 5: the faces
    "web": 5,
    "cli": 5,
    "__main__": 5,
    # 6: the built-in features, registered through the plugin hooks like any outside plugin
    "features": 6,
}
FACES_WITHOUT_TABLES = ("web", "report", "cli")
# Only these may import escucha.workspace (the Python API's hub): the faces over it.
WORKSPACE_IMPORTERS = ("escucha", "escucha.web.app", "escucha.cli", "escucha.demo")
# Module circles still being untangled in their own change; none may be added.
KNOWN_CIRCLES: list[set[str]] = []


def _module_files() -> dict[str, Path]:
    files = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        files[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return files


def _scan() -> dict[str, list[tuple[str, list[str]]]]:
    """Module -> its imports as (module named, [names taken from it]), relative ones resolved."""
    found: dict[str, list[tuple[str, list[str]]]] = defaultdict(list)
    for module, path in _module_files().items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parent, base] if base else parent)
                found[module].append((base, [alias.name for alias in node.names]))
            elif isinstance(node, ast.Import):
                found[module].extend((alias.name, []) for alias in node.names)
    return found


def imports() -> dict[str, set[str]]:
    """Module -> the dotted names of the modules it imports from (escucha's and others')."""
    return {module: {base for base, _ in found} for module, found in _scan().items()}


def module_graph() -> dict[str, set[str]]:
    """Module -> the escucha modules it imports: `from a import b` counts `a.b` when b is a
    module, else `a`."""
    files = _module_files()
    graph: dict[str, set[str]] = {}
    for module, found in _scan().items():
        targets: set[str] = set()
        for base, names in found:
            for name in names or [""]:
                full = f"{base}.{name}" if name else base
                if full in files:
                    targets.add(full)
                elif base in files:
                    targets.add(base)
        graph[module] = targets - {module}
    return graph


def _top(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "escucha" else None


def _tops() -> set[str]:
    return {
        p.stem if p.is_file() else p.name
        for p in PACKAGE.iterdir()
        if (p.suffix == ".py" and p.stem != "__init__") or (p.is_dir() and any(p.rglob("*.py")))
    }


def package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for module, targets in module_graph().items():
        source = _top(module)
        for target in targets:
            top = _top(target)
            if source and top and top != source:
                graph[source].add(top)
    return graph


def circles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
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


def test_the_circle_finder_finds_a_circle() -> None:
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]


def test_the_scan_sees_the_package() -> None:
    graph = module_graph()
    assert "escucha.store.schema" in graph["escucha.reads.posts"]
    assert "escucha.workspace" in graph["escucha"]


def test_every_top_level_module_has_a_floor() -> None:
    assert sorted(_tops() - FLOORS.keys()) == []


def test_no_module_imports_a_higher_floor() -> None:
    wrong = sorted(
        f"{source} (floor {FLOORS[source]}) imports {target} (floor {FLOORS[target]})"
        for source, targets in package_graph().items()
        for target in targets
        if FLOORS.get(target, -1) > FLOORS.get(source, 99)
    )
    assert wrong == []


def test_no_import_circle_between_top_level_packages() -> None:
    assert circles(package_graph()) == []


def test_no_import_circle_between_modules() -> None:
    assert [c for c in circles(module_graph()) if c not in KNOWN_CIRCLES] == []


def test_only_the_faces_import_the_workspace() -> None:
    wrong = sorted(
        module
        for module, targets in module_graph().items()
        if "escucha.workspace" in targets
        and not any(module == f or module.startswith(f + ".") for f in WORKSPACE_IMPORTERS)
    )
    assert wrong == []


def test_faces_read_no_table() -> None:
    """web/, report/ and cli/ read through escucha.reads and the domains, never the store."""
    wrong = sorted(
        f"{module} imports {name}"
        for module, names in imports().items()
        if _top(module) in FACES_WITHOUT_TABLES
        for name in names
        if name.split(".")[0] == "sqlalchemy" or name.startswith("escucha.store")
    )
    assert wrong == []


def test_the_store_imports_nothing_above_it() -> None:
    allowed = {"store", "errors", "config", "core"}
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in module_graph().items()
        if _top(module) == "store"
        for target in targets
        if _top(target) not in allowed
    )
    assert wrong == []
