"""The package's functions stay short enough to read: none over 60 lines in ``service/`` unless its
docstring says why it is long ("long because ..."), and none over 40 in the thin ``cli.py``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "service"
LIMIT = 60
CLI_LIMIT = 40


def functions(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def too_long(path: Path, limit: int) -> list[str]:
    found = []
    for node in functions(path):
        lines = node.end_lineno - node.lineno + 1
        explained = "long because" in (ast.get_docstring(node) or "").lower()
        if lines > limit and not explained:
            found.append(f"{node.name} ({lines} lines, line {node.lineno})")
    return found


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_function_over_the_limit(path):
    limit = CLI_LIMIT if path.name == "cli.py" and path.parent == PACKAGE else LIMIT
    assert not too_long(path, limit), f"over {limit} lines: {too_long(path, limit)}"


def test_the_check_counts_lines(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(70))
    long_one = tmp_path / "m.py"
    long_one.write_text(f"def f():\n{body}\n\ndef g():\n    '''Long because a table.'''\n{body}\n")
    assert too_long(long_one, LIMIT) == ["f (71 lines, line 1)"]
