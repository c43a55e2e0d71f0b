"""report/ only words and lays out what escucha.insights computed: at run time it imports the
standard library, its renderers and the core, i18n, insights and report packages, never
pandas, numpy, SQL or the store, and it calls no aggregation (groupby, merge, sum...)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

REPORT = Path(__file__).resolve().parents[2] / "src" / "escucha" / "report"
RENDERERS = {"jinja2", "markupsafe", "altair", "vl_convert"}
ESCUCHA_ALLOWED = ("escucha.core", "escucha.i18n", "escucha.insights", "escucha.report")
AGGREGATIONS = {
    "agg",
    "aggregate",
    "crosstab",
    "cumsum",
    "groupby",
    "mean",
    "median",
    "merge",
    "pivot",
    "pivot_table",
    "resample",
    "sum",
    "transform",
    "value_counts",
}


def _runtime_imports(tree: ast.Module) -> list[str]:
    """Modules imported outside `if TYPE_CHECKING:` blocks."""
    typing_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and getattr(block.test, "id", None) == "TYPE_CHECKING"
        for child in block.body
        for node in ast.walk(child)
    }
    names = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def _allowed(module: str) -> bool:
    top = module.split(".")[0]
    if top == "escucha":
        return module == "escucha" or module.startswith(ESCUCHA_ALLOWED)
    return top in sys.stdlib_module_names or top in RENDERERS or top == "__future__"


def _sources() -> dict[str, ast.Module]:
    paths = sorted(REPORT.rglob("*.py"))
    assert paths
    return {p.name: ast.parse(p.read_text(encoding="utf-8")) for p in paths}


def test_report_imports_only_words_layout_and_insights():
    wrong = {
        name: module
        for name, tree in _sources().items()
        for module in _runtime_imports(tree)
        if not _allowed(module)
    }
    assert not wrong


def test_report_calls_no_aggregation():
    calls = {
        (name, node.lineno, node.func.attr)
        for name, tree in _sources().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in AGGREGATIONS
    }
    assert not calls


def test_the_checks_catch_what_they_look_for():
    tree = ast.parse("import pandas\nfrom escucha.store import schema\nx = f.groupby('a').sum()")
    assert [m for m in _runtime_imports(tree) if not _allowed(m)] == ["pandas", "escucha.store"]
    assert {n.func.attr for n in ast.walk(tree) if isinstance(n, ast.Call)} >= {"groupby", "sum"}
    typed = ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pandas")
    assert all(_allowed(m) for m in _runtime_imports(typed))
