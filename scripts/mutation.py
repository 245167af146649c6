#!/usr/bin/env python3
"""Mutation testing (mutmut 3) of one module at a time, with only the tests of that module, in a
bounded time: ``scripts/mutation.py service/search/parser.py --minutes 10`` (docs/mutation.md).

Why one module: a whole-package run on two cores takes hours, and its survivors are hard to act on.
Each module runs in its own folder ``.cache/mutation/<module>/`` (mutmut keeps its state in the
folder it runs in, so runs of two modules never mix), whose pyproject.toml is the project's with
``[tool.mutmut]`` narrowed to the module and its tests. Tests that need Elasticsearch use ES_TEST_URL
(default: the test node on 9251). ``--diff REF`` picks the listed modules that ``git diff REF`` touched.
"""

from __future__ import annotations

import argparse
import ast
import fnmatch
import json
import os
import re
import signal
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".cache" / "mutation"
MUTMUT = Path(sys.executable).parent / "mutmut"

# module → the tests that check it (kept small: every mutant runs the ones that reach its function).
# Never a test that starts a node of its own (tests/project.py's es_script): it would, for every mutant.
TESTS = {
    "service/ingest/credits.py": ["tests/ingest/test_credits.py", "tests/ingest/test_credit_shapes.py"],
    "service/headers.py": ["tests/test_security_headers.py"],
    "service/errors.py": ["tests/test_error_answers.py", "tests/test_search_api.py"],
    "service/indexing/lock.py": ["tests/indexing/test_reindex_lock.py", "tests/indexing/test_reindex.py"],
    "service/search/parser.py": [
        "tests/search/test_parser.py",
        "tests/search/test_parser_edges.py",
        "tests/search/test_narrowing.py",
    ],
    "service/indexing/documents.py": [
        "tests/indexing/test_article_document.py",
        "tests/ingest/test_limits.py",
    ],
    "service/search/query.py": [
        "tests/search/test_query_shapes.py",
        "tests/search/test_parser.py",
        "tests/search/test_narrowing.py",
    ],
    "service/search/result.py": ["tests/search/test_result_shapes.py", "tests/search/test_results_shape.py"],
    "service/search/facets.py": [
        "tests/search/test_facet_shapes.py",
        "tests/search/test_parser.py",
        "tests/search/test_histogram.py",
    ],
    "service/indexing/bulk.py": [
        "tests/indexing/test_bulk_load.py",
        "tests/indexing/test_updates.py",
        "tests/indexing/test_pipeline.py",
    ],
    "service/indexing/reindex.py": [
        "tests/indexing/test_reindex_steps.py",
        "tests/indexing/test_reindex.py",
        "tests/indexing/test_write_reindex.py",
    ],
    "service/ingest/scraped.py": [
        "tests/ingest/test_scraped_pairing.py",
        "tests/ingest/test_scraped_edges.py",
        "tests/ingest/test_scraped.py",
        "tests/ingest/test_scraped_layouts.py",
        "tests/ingest/test_page_dates.py",
    ],
    "service/ingest/sources.py": [
        "tests/ingest/test_record_fields.py",
        "tests/ingest/test_feed_sources.py",
        "tests/ingest/test_file_sources.py",
        "tests/ingest/test_sources_edges.py",
        "tests/ingest/test_sources.py",
        "tests/ingest/test_html_pages.py",
        "tests/ingest/test_malformed.py",
        "tests/ingest/test_feeds.py",
    ],
    "service/entities/matcher.py": [
        "tests/entities/test_matcher_rules.py",
        "tests/entities/test_extractor.py",
        "tests/entities/test_prefix_rule.py",
    ],
}
# mutmut's verdicts → our columns; "no tests": no test of the map reaches the mutated function.
COLUMNS = {
    "killed": "killed",
    "caught by type check": "killed",
    "survived": "survived",
    "timeout": "timeout",
    "segfault": "timeout",
    "no tests": "no tests",
}
SCORE_COLUMNS = ["killed", "survived", "timeout", "no tests", "not run"]


@dataclass
class Score:
    module: str
    mutants: int
    killed: int
    survived: int
    timeout: int
    no_tests: int  # a survivor too: no test of the map reaches the mutated function
    not_run: int  # the time bound stopped the run first

    @property
    def percent(self) -> float:
        done = self.mutants - self.not_run
        return 100.0 * (self.killed + self.timeout) / done if done else 0.0

    def row(self) -> str:
        cells = [
            self.module,
            self.mutants,
            self.killed,
            self.survived,
            self.timeout,
            self.no_tests,
            self.not_run,
        ]
        return "| " + " | ".join(str(c) for c in cells) + f" | {self.percent:.1f} % |"


def work_dir(module: str) -> Path:
    return WORK / module.removesuffix(".py").replace("/", ".")


def tests_of(module: str) -> list[str]:
    return [test for test in TESTS[module] if (ROOT / test).exists()]


def prepare(module: str) -> Path:
    """The module's folder: links to the project's files and a pyproject.toml narrowed to it."""
    folder = work_dir(module)
    folder.mkdir(parents=True, exist_ok=True)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    mutmut = project["tool"]["mutmut"]
    for name in ["service", "tests", *mutmut.get("also_copy", [])]:
        link = folder / name
        if not link.exists():
            link.symlink_to(ROOT / name)
    settings = {
        **mutmut,
        "only_mutate": [module],
        "pytest_add_cli_args_test_selection": tests_of(module),
    }
    text = "[tool.mutmut]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in settings.items())
    text += "\n[tool.pytest.ini_options]\n"
    pytest_options = {
        **project["tool"]["pytest"]["ini_options"],
        # Test ids as written: mutmut runs tests by id in its own process, where an escaped id of a
        # Hebrew parameter given by a function (test_narrowing's chains) is not found again.
        "disable_test_id_escaping_and_forfeit_all_rights_to_community_support": True,
    }
    text += "".join(f"{k} = {json.dumps(v)}\n" for k, v in pytest_options.items())
    (folder / "pyproject.toml").write_text(text, encoding="utf-8")
    return folder


def run(module: str, minutes: float, names: list[str]) -> str:
    """mutmut on the module (only the mutants ``names`` match, every one of them run again; none: only
    those without a verdict yet), stopped like Ctrl-C (its verdicts so far are kept) when time is up."""
    folder = prepare(module)
    forget(module, names)
    if names:  # tests may have been added: let mutmut learn again which tests reach which function
        (folder / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)
    env = {**os.environ, "ES_TEST_URL": os.environ.get("ES_TEST_URL", "http://127.0.0.1:9251")}
    command = ["nice", "-n", "10", str(MUTMUT), "run", "--max-children", "2", *names]
    log = (folder / "run.log").open("w", encoding="utf-8")
    process = subprocess.Popen(
        command,
        cwd=folder,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own group: mutmut and its workers are stopped together
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # a shell's `&` ignores it
    )
    try:
        if process.wait(timeout=minutes * 60) == 0:
            return "done"
        said = (folder / "run.log").read_text(encoding="utf-8", errors="replace").strip() or "no output"
        return f"mutmut failed: {said.splitlines()[-1]} (see {folder.relative_to(ROOT)}/run.log)"
    except subprocess.TimeoutExpired:
        stop(process)
        return "stopped at the time bound"
    except KeyboardInterrupt:  # Ctrl-C on this script: mutmut, in its own group, did not see it
        stop(process)
        raise
    finally:
        log.close()


def stop(process: subprocess.Popen) -> None:
    """Stop mutmut like Ctrl-C: it records the verdicts so far and stops its workers."""
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def results(module: str) -> dict[str, int | None]:
    """mutant name → exit code of its test run (None: not run), from mutmut's own record."""
    meta = work_dir(module) / "mutants" / (module + ".meta")
    if not meta.exists():
        return {}
    return json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]


def column(code: int | None) -> str:
    from mutmut.stats import status_by_exit_code  # only where mutmut is installed (requirements-dev)

    return COLUMNS.get(status_by_exit_code[code], "not run")


def forget(module: str, names: list[str]) -> None:
    """Drop the earlier verdicts of the mutants about to be run, so that a run the time bound stops
    shows the rest as not run (mutmut itself keeps the old verdict until it runs a mutant again)."""
    meta = work_dir(module) / "mutants" / (module + ".meta")
    if not names or not meta.exists():
        return
    recorded = json.loads(meta.read_text(encoding="utf-8"))
    codes = recorded["exit_code_by_key"]
    for name in [n for n in codes if any(fnmatch.fnmatch(n, pattern) for pattern in names)]:
        codes[name] = None
    meta.write_text(json.dumps(recorded, indent=4), encoding="utf-8")


def score(module: str) -> Score:
    columns = [column(code) for code in results(module).values()]
    return Score(module, len(columns), *(columns.count(c) for c in SCORE_COLUMNS))


def not_killed(module: str) -> list[str]:
    return sorted(name for name, code in results(module).items() if column(code) not in {"killed", "timeout"})


def survivors(module: str) -> list[str]:
    return sorted(name for name, code in results(module).items() if column(code) in {"survived", "no tests"})


def touched(ref: str) -> dict[str, list[str]]:
    """The listed modules that ``git diff ref`` changed → the mutant patterns of the functions whose
    lines it changed (mutmut mutates function bodies only: a change elsewhere has no mutant)."""
    diff = subprocess.run(
        ["git", "diff", "-U0", ref, "--", *TESTS], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    changed: dict[str, set[int]] = {}
    for line in diff.splitlines():
        if line.startswith("+++ "):  # the file as changed; /dev/null when deleted
            lines = changed.setdefault(line[6:], set()) if line.startswith("+++ b/") else set()
        elif hunk := re.match(r"@@ -\S+ \+(\d+)(?:,(\d+))? @@", line):
            start, count = int(hunk[1]), int(hunk[2] or 1)
            lines |= set(range(start, start + max(count, 1)))
    return {module: functions_at(module, lines) for module, lines in changed.items()}


def functions_at(module: str, lines: set[int]) -> list[str]:
    """mutmut's name patterns (``pkg.mod.x_f__mutmut_*``, ``pkg.mod.xǁClassǁm__mutmut_*``) of the
    module's functions and methods that span any of ``lines``."""
    tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
    prefix = module.removesuffix(".py").replace("/", ".")
    found = []
    for node in tree.body:
        inner = node.body if isinstance(node, ast.ClassDef) else [node]
        for function in inner:
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if lines & set(range(function.lineno, (function.end_lineno or function.lineno) + 1)):
                mangled = f"xǁ{node.name}ǁ" if isinstance(node, ast.ClassDef) else "x_"
                found.append(f"{prefix}.{mangled}{function.name}__mutmut_*")
    return found


def table(scores: list[Score]) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d")
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    head = f"Mutation scores, {when}, commit {commit} (plus the working tree):\n\n"
    head += "| module | mutants | killed | survived | timeout | no tests | not run | score |\n"
    head += "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
    return head + "\n".join(s.row() for s in scores)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("modules", nargs="*", help="service/…/x.py (one of: " + ", ".join(TESTS) + ")")
    parser.add_argument("--minutes", type=float, default=10.0, help="time bound of each module's run")
    parser.add_argument("--diff", metavar="REF", help="the listed modules that `git diff REF` touched")
    parser.add_argument("--resume", action="store_true", help="keep earlier verdicts, run only new mutants")
    parser.add_argument(
        "--again", action="store_true", help="run only the mutants not killed yet (tests added?)"
    )
    parser.add_argument("--report", action="store_true", help="print the recorded table, run nothing")
    parser.add_argument("--survivors", action="store_true", help="list each module's surviving mutants")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    everything = [module.removesuffix(".py").replace("/", ".") + ".*" for module in TESTS]
    patterns = dict(zip(TESTS, [[] if args.resume else [p] for p in everything], strict=True))
    if args.diff:
        patterns |= touched(args.diff)
    modules = [*args.modules, *(touched(args.diff) if args.diff else [])]
    if args.report and not modules:
        modules = [m for m in TESTS if results(m)]
    unknown = [m for m in modules if m not in TESTS]
    if unknown or not modules:
        print(f"name modules from the map in {Path(__file__).name}: {unknown or 'none given or changed'}")
        return 2 if unknown else 0
    for module in [] if args.report else modules:
        if not tests_of(module):  # mutmut would run the whole suite
            print(f"{module}: none of its tests exists, skipped")
            continue
        if args.diff and not args.resume and not patterns[module]:
            print(f"{module}: the change touched no function, nothing to mutate")
            continue
        if args.again and not (again := not_killed(module)):
            print(f"{module}: every mutant is killed")
            continue
        started = time.monotonic()
        outcome = run(module, args.minutes, again if args.again else patterns[module])
        print(f"{module}: {outcome} after {(time.monotonic() - started) / 60:.1f} min")
    scores = [score(m) for m in modules]
    print(table(scores))
    for module in modules if args.survivors else []:
        print(f"\n{module} survivors (`mutmut show NAME` in {work_dir(module).relative_to(ROOT)}):")
        print("\n".join(re.sub(r"^", "  ", name) for name in survivors(module)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
