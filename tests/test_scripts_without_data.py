"""On a user's machine there is no ../shared: every benchmark and evaluation script says so and exits 0.

The project's files are copied to a folder whose parent has no ``shared``, and each script runs there
as a user would run it (no Elasticsearch is needed, none is started).
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = [
    ["bench_parse.py"],
    ["eval_entities.py"],
    ["eval_retrieval.py"],
    ["gen_corpus.py", "--parts", "1000"],
    ["bench_index.py"],
    ["bench_query.py"],
    ["bench_load.py"],
    ["snapshot_api.py", "--check", "docs/api-snapshot.sha256"],
]


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
        [sys.executable, str(project_without_data / "scripts" / command[0]), *command[1:]],
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
