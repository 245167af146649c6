#!/usr/bin/env python3
"""Apply each of issue 20's eleven faults, one at a time, to a copy of the project, run the tests that
guard against it there, and print a table: fault → caught? (the tests that failed).

Why: these faults once passed the whole suite. A test that guards against one must fail when it is
applied; this script shows that it does, and keeps showing it as the code moves (a fault whose target
text is no longer in the code stops the script, so the list is kept current rather than going stale).

Usage: ES_TEST_URL=http://127.0.0.1:9251 .venv/bin/python scripts/check_faults.py [--only NAME]
Exit status: 0 when every fault was caught (and the tests passed without any), else 1.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IGNORED = shutil.ignore_patterns(
    ".venv", ".cache", ".git", "test-artifacts", "__pycache__", ".pytest_cache", "mutants"
)


@dataclass(frozen=True)
class Fault:
    name: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]


FAULTS = (
    Fault(
        "a lock held by a dead local process is not freed",
        "service/indexing/lock.py",
        "        except ProcessLookupError:\n            return True\n",
        "        except ProcessLookupError:\n            return False\n",
        ("tests/indexing/test_lock_holder.py",),
    ),
    Fault(
        "days shown for at most 55 days, not 60 (was: 45 → 40)",
        "service/search/dates.py",
        "        if bars_needed(start, end, interval) <= max_bars:\n",
        '        if bars_needed(start, end, interval) <= (55 if interval == "day" else max_bars):\n',
        ("tests/search/test_guards.py",),
    ),
    Fault(
        "the date filter without Israel's time zone",
        "service/search/facets.py",
        '        rng: dict[str, str] = {"time_zone": TIME_ZONE}\n',
        "        rng: dict[str, str] = {}\n",
        ("tests/search/test_guards.py",),
    ),
    Fault(
        "the function-word list emptied",
        "service/search/stopwords.py",
        "STOPWORDS = frozenset(_WORDS.split())\n",
        "STOPWORDS = frozenset()\n",
        ("tests/search/test_claims.py",),
    ),
    Fault(
        "429 from Elasticsearch no longer 503",
        "service/errors.py",
        "status in (401, 403, 404, 408, 429)",
        "status in (401, 403, 404, 408)",
        ("tests/test_node_answers.py",),
    ),
    Fault(
        "only the first host of ES_URL used",
        "service/config.py",
        '        hosts = [u.strip() for u in self.es_url.split(",") if u.strip()]\n',
        '        hosts = [u.strip() for u in self.es_url.split(",") if u.strip()][:1]\n',
        ("tests/test_node_answers.py",),
    ),
    Fault(
        "X-Frame-Options removed",
        "service/headers.py",
        '    "X-Frame-Options": "DENY",\n',
        "",
        ("tests/test_node_answers.py",),
    ),
    Fault(
        "the exact-form clause removed from word matching",
        "service/search/query.py",
        '                {"multi_match": {"query": word, "fields": EXACT_FIELDS, "type": "best_fields"}},\n'
        '                {"multi_match": {"query": word, "fields": STEM_FIELDS, "type": "best_fields"}},\n',
        '                {"multi_match": {"query": word, "fields": STEM_FIELDS, "type": "best_fields"}},\n',
        ("tests/search/test_guards.py",),
    ),
    Fault(
        "related articles without the shared-entity boost",
        "service/search/article.py",
        '"should": [{"terms": {"entity_ids": entity_ids, "boost": 0.5}}] if entity_ids else [],',
        '"should": [],',
        ("tests/search/test_guards.py",),
    ),
    Fault(
        "the entity page's mention count set to 0",
        "service/search/entity.py",
        '"mentions": int(aggs["mentions"]["this"]["count"]["value"]),',
        '"mentions": 0,',
        ("tests/search/test_claims.py",),
    ),
    Fault(
        "the entity page's related entities emptied",
        "service/search/entity.py",
        "        return ENTITY_FACETS[entity_type].refs(others)[:RELATED]\n",
        "        return []\n",
        ("tests/search/test_claims.py",),
    ),
)


def apply(copy: Path, fault: Fault) -> None:
    """Patch the copy by exact replacement; the target must be in the code exactly once."""
    target = copy / fault.path
    text = (ROOT / fault.path).read_text(encoding="utf-8")
    found = text.count(fault.old)
    if found != 1:
        sys.exit(f"fault '{fault.name}': its target is in {fault.path} {found} times, not once:\n{fault.old}")
    target.write_text(text.replace(fault.old, fault.new), encoding="utf-8")


def restore(copy: Path, fault: Fault) -> None:
    shutil.copyfile(ROOT / fault.path, copy / fault.path)


def readable(node_id: str) -> str:
    """pytest writes non-ASCII test ids escaped (``\\u05e4``): back to the letters."""
    return re.sub(r"\\u([0-9a-f]{4})", lambda m: chr(int(m.group(1), 16)), node_id)


def run_tests(copy: Path, tests: tuple[str, ...]) -> tuple[list[str], float]:
    """The tests' node ids that failed (or errored) in the copy, and the seconds the run took."""
    started = time.monotonic()
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfE", *tests]
    done = subprocess.run(command, cwd=copy, capture_output=True, text=True, env=os.environ)
    failed = [readable(t) for t in re.findall(r"^(?:FAILED|ERROR) (.+?)(?: - .*)?$", done.stdout, re.M)]
    if done.returncode not in (0, 1) and not failed:  # collection or usage error: say so, loudly
        failed = [f"pytest exited {done.returncode}: {done.stdout[-500:]}{done.stderr[-500:]}"]
    return failed, time.monotonic() - started


def table(rows: list[tuple[str, list[str], float]]) -> str:
    lines = ["| fault | caught? | tests that failed | seconds |", "|---|---|---|---|"]
    for name, failed, seconds in rows:
        caught = "yes" if failed else "**NO**"
        shown = "<br>".join(f"`{t}`" for t in failed[:4]) + (
            f" (+{len(failed) - 4})" if len(failed) > 4 else ""
        )
        lines.append(f"| {name} | {caught} | {shown or '—'} | {seconds:.0f} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="run only the faults whose name contains this")
    args = parser.parse_args()
    os.environ.setdefault("ES_TEST_URL", "http://127.0.0.1:9251")
    faults = [f for f in FAULTS if not args.only or args.only in f.name]
    with tempfile.TemporaryDirectory(prefix="faults-") as tmp:
        copy = Path(tmp) / "project"
        shutil.copytree(ROOT, copy, ignore=IGNORED, symlinks=True)
        every_test = tuple(sorted({t for f in faults for t in f.tests}))
        baseline, seconds = run_tests(copy, every_test)
        print(f"without a fault: {len(baseline)} failed ({seconds:.0f} s) in {', '.join(every_test)}")
        if baseline:
            print("\n".join(baseline))
            return 1
        rows = []
        for fault in faults:
            apply(copy, fault)
            try:
                failed, seconds = run_tests(copy, fault.tests)
            finally:
                restore(copy, fault)
            rows.append((fault.name, failed, seconds))
            print(f"{fault.name}: {'caught' if failed else 'NOT CAUGHT'} ({seconds:.0f} s)", flush=True)
    print()
    print(table(rows))
    return 0 if all(failed for _, failed, _ in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
