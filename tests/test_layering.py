"""The package's layers, checked on its source: nothing imports upward, and no two modules import
each other (directly or around a cycle).

From the top: the application (the factory in ``service/__init__.py``, its blueprints ``api`` and
``web``, ``cli``, the error handlers, the OpenAPI document and the gunicorn worker); then the two
sides, the read side ``service/search/`` and the write side ``service/indexing/`` (which may use
``ingest`` and ``entities``); then ``ingest`` and ``entities``; then the base every layer shares
(configuration, the client, the model, normalisation). A module may import its own layer's modules
and the layers below it, never above, and the two sides never import each other.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "service"

APP = {"service", "service.api", "service.web", "service.cli", "service.errors", "service.openapi"}
APP_PREFIXES = ("service.gunicorn", "service.follow", "service.page_state")
# layer → the layers it may import (its own included)
ALLOWED = {
    "app": {"app", "search", "indexing", "ingest", "entities", "base"},
    "search": {"search", "base"},
    "indexing": {"indexing", "ingest", "entities", "base"},
    "ingest": {"ingest", "base"},
    "entities": {"entities", "base"},
    "base": {"base"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer(module: str) -> str:
    if module in APP or module.startswith(APP_PREFIXES):
        return "app"
    for side in ("search", "indexing", "ingest", "entities"):
        if module == f"service.{side}" or module.startswith(f"service.{side}."):
            return side
    return "base"


def imports_of(module: str) -> set[str]:
    """The package modules ``module`` imports, at its top or inside functions."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "service"}
        elif (
            isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("service")
        ):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if candidate in MODULES else node.module)
    return {m for m in found if m in MODULES and m != module}


GRAPH = {m: imports_of(m) for m in MODULES}


def test_the_layers_are_known():
    assert {"app", "search", "indexing", "base"} <= {layer(m) for m in MODULES}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_nothing_imports_upward(module):
    allowed = ALLOWED[layer(module)]
    upward = sorted(m for m in GRAPH[module] if layer(m) not in allowed)
    assert not upward, f"{module} ({layer(module)}) imports {upward}"


def test_no_two_modules_import_each_other():
    """No cycle in the import graph (a cycle of two is two modules importing each other)."""
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for n in sorted(GRAPH[m]):
            if state.get(n) == 1:
                cycles.append([*stack[stack.index(n) :], n])
            elif n not in state:
                visit(n)
        stack.pop()
        state[m] = 2

    for m in sorted(GRAPH):
        if m not in state:
            visit(m)
    assert not cycles, cycles


def test_the_checker_sees_an_upward_import(tmp_path):
    """The walk itself: an import of the app from a lower layer is found."""
    source = "def f():\n    from service import get_es\n    from service.search.query import x\n"
    tree = ast.parse(source)
    names = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert names == {"service", "service.search.query"}
    assert layer("service") == "app" and "app" not in ALLOWED["search"]
