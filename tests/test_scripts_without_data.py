"""The benchmarks and evaluations in ``bench/``: on a user's machine there is no ../shared, so every
script says so and exits 0; and they use only what the package offers publicly.

The project's files are copied to a folder whose parent has no ``shared``, and each script runs there
as a user would run it (no Elasticsearch is needed, none is started). The import check reads the
scripts' source: a script that imports a private name (``_x``) of ``service``, or a name that no
longer exists (the package moved under it), fails here and not weeks later on the benchmark machine.
"""

import ast
import importlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
SCRIPTS = [
    ["bench_parse.py"],
    ["eval_entities.py"],
    ["review_entities.py"],
    ["eval_retrieval.py"],
    ["gen_corpus.py", "--parts", "1000"],
    ["bench_stages.py"],
    ["bench_index.py"],
    ["bench_build.py", "--parts", "1000"],
    ["bench_query.py"],
    ["bench_load.py"],
    ["check_facets.py"],
    ["bench_highlight.py"],
    ["snapshot_api.py", "--check", "docs/api-snapshot.sha256"],
    ["../scripts/index_corpus.py", "--limit", "10"],  # not a benchmark: it loads the corpus
]
NOT_SCRIPTS = {"benchlib.py": "the shared library", "loadgen.py": "bench_load's second process"}


@pytest.fixture(scope="module")
def project_without_data(tmp_path_factory) -> Path:
    tracked = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split("\0")
    copy = tmp_path_factory.mktemp("nodata") / "project"
    for name in filter(None, tracked):
        source = ROOT / name
        if source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    assert not (copy.parent / "shared").exists()
    return copy


@pytest.mark.parametrize("command", SCRIPTS, ids=[c[0] for c in SCRIPTS])
def test_the_script_skips_clearly_without_shared_data(project_without_data, command):
    result = subprocess.run(
        [sys.executable, str(project_without_data / "bench" / command[0]), *command[1:]],
        cwd=project_without_data,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "HOME": str(project_without_data)},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    said = result.stdout + result.stderr
    assert "skipped" in said and "shared" in said, said[-2000:]
    recorded = (project_without_data / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    assert recorded == (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8"), "a skip records nothing"


def test_every_script_in_bench_is_checked():
    scripts = {path.name for path in BENCH.glob("*.py")}
    assert scripts == {c[0] for c in SCRIPTS if "/" not in c[0]} | set(NOT_SCRIPTS)


def imports_of(path: Path) -> list[tuple[str, str]]:
    """(module, name) for every ``from module import name`` of a file, at any depth."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found += [(node.module, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(alias.name, "") for alias in node.names]
    return found


def top_level_names(path: Path) -> set[str]:
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.ImportFrom):
            names |= {alias.asname or alias.name for alias in node.names}
    return names


@pytest.mark.parametrize("path", sorted(BENCH.glob("*.py")), ids=lambda p: p.name)
def test_the_script_imports_only_public_names_that_exist(path):
    for module, name in imports_of(path):
        if module == "service" or module.startswith("service."):
            assert not any(part.startswith("_") for part in [*module.split("."), name]), (module, name)
            imported = importlib.import_module(module)
            assert not name or hasattr(imported, name), f"{path.name}: {module} has no {name}"
        elif (BENCH / f"{module}.py").exists():
            assert not name.startswith("_"), (module, name)
            defined = top_level_names(BENCH / f"{module}.py")
            assert not name or name in defined, f"{path.name}: {module} has no {name}"
