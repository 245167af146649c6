"""scripts/mutation.py (docs/mutation.md): its module → tests map names files that exist and tests that
never start a node of their own (mutmut runs them once per mutant), and ``--diff`` finds the functions
and methods a change touched, by the names mutmut gives their mutants. Nothing here runs mutmut."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from tests.project import ROOT

SCRIPT = ROOT / "scripts" / "mutation.py"
spec = importlib.util.spec_from_file_location("mutation", SCRIPT)
assert spec and spec.loader
mutation = importlib.util.module_from_spec(spec)
sys.modules["mutation"] = mutation  # dataclasses look their module up
spec.loader.exec_module(mutation)


@pytest.mark.parametrize("module", list(mutation.TESTS))
def test_the_map_names_existing_files_and_tests_on_the_shared_node(module):
    assert (ROOT / module).is_file()
    tests = mutation.TESTS[module]
    assert tests and all((ROOT / t).is_file() for t in tests), [t for t in tests if not (ROOT / t).is_file()]
    for test in tests:
        source = (ROOT / test).read_text(encoding="utf-8")
        assert "es_script" not in source and "served(" not in source, test


def test_a_change_names_the_functions_and_methods_it_touched():
    source = (ROOT / "service/indexing/lock.py").read_text(encoding="utf-8").splitlines()
    renew = next(i for i, line in enumerate(source, 1) if "def renew" in line)
    hint = next(i for i, line in enumerate(source, 1) if "def disk_hint" in line)
    assert mutation.functions_at("service/indexing/lock.py", {renew + 1, hint + 1}) == [
        "service.indexing.lock.x_disk_hint__mutmut_*",
        "service.indexing.lock.xǁReindexLockǁrenew__mutmut_*",
    ]
    assert mutation.functions_at("service/indexing/lock.py", {1}) == []  # the docstring has no mutant


def test_the_score_counts_timeouts_as_killed_and_leaves_out_what_did_not_run():
    score = mutation.Score("m.py", mutants=10, killed=6, survived=1, timeout=1, no_tests=1, not_run=1)
    assert score.percent == pytest.approx(100 * 7 / 9)
    assert score.row() == "| m.py | 10 | 6 | 1 | 1 | 1 | 1 | 77.8 % |"
