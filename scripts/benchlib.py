"""Shared helpers of the speed-and-scale benchmarks (``bench_index``, ``bench_query``, ``bench_load``).

Why this exists: every benchmark must describe the machine it ran on (cores, memory, Python, the
Elasticsearch version and heap), report medians and percentiles the same way, start its own
Elasticsearch node on a benchmark port (never the ports other people use) and append a section to
``docs/benchmarks.md``. Keeping that here keeps the scripts about what they measure.

It is imported by the scripts (which put ``scripts/`` on ``sys.path`` by being run from there); it
is not a benchmark itself and has nothing to run. The machine description is the one of
``scripts/bench_parse.py``; the code version is read from ``.git`` without running git.
"""

from __future__ import annotations

import math
import os
import platform
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CORPUS_DIR = ROOT.parent / "shared" / "data" / "corpus"
CORPUS_LABEL = "../shared/data/corpus"
BENCH_DIR = ROOT / ".cache" / "bench"  # generated corpora and profiles (ignored by git)
BENCHMARKS_MD = ROOT / "docs" / "benchmarks.md"
DEFAULT_BENCH_PORT = 9260  # 9200 (development), 9250-9252 (tests) belong to others
BENCH_ALIAS_PREFIX = "bench-parts"


# -- corpus --------------------------------------------------------------------------------------


def corpus_missing() -> bool:
    """True (after saying so) when the real corpus is absent: the scripts then exit 0."""
    if CORPUS_DIR.is_dir() and any(CORPUS_DIR.glob("*.jsonl.gz")):
        return False
    print(f"skipped: {CORPUS_LABEL} not found (no *.jsonl.gz at {CORPUS_DIR})")
    return True


def parts_label(parts: int) -> str:
    """100000 → "100k", 1000000 → "1m" (index and file names)."""
    if parts % 1_000_000 == 0:
        return f"{parts // 1_000_000}m"
    if parts % 1_000 == 0:
        return f"{parts // 1_000}k"
    return str(parts)


def bench_alias(parts: int, seed: int) -> str:
    return f"{BENCH_ALIAS_PREFIX}-{parts_label(parts)}-s{seed}"


# -- statistics ----------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of ``values``; NaN when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def median(values: Iterable[float]) -> float:
    values = list(values)
    return statistics.median(values) if values else math.nan


def fmt_int(value: float) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:,.0f}"


def fmt_ms(seconds: float) -> str:
    return "n/a" if math.isnan(seconds) else f"{seconds * 1000:.1f}"


# -- machine -------------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    """Cores, memory, CPU model, Python and OS (as ``scripts/bench_parse.py`` reports them)."""
    memory = "unknown"
    cpu_model = platform.processor() or "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cores": str(os.cpu_count()),
        "memory": memory,
        "cpu": cpu_model,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "os": f"{platform.system()} {platform.release()}",
    }


def code_version() -> str:
    """The commit checked out, read from ``.git`` (no git command is run)."""
    git = ROOT / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head[:7]
        ref = head[5:]
        ref_file = git / ref
        if ref_file.exists():
            return ref_file.read_text().strip()[:7]
        packed = git / "packed-refs"
        if packed.exists():
            for line in packed.read_text().splitlines():
                if line.endswith(" " + ref):
                    return line.split()[0][:7]
    except OSError:
        pass
    return "unknown"


def es_description(es: Any) -> dict[str, str]:
    """The node's version, heap (max and used) and JVM, from the nodes APIs (``GET /`` is 405 here)."""
    info = es.nodes.info(metric="jvm").body["nodes"]
    stats = es.nodes.stats(metric="jvm").body["nodes"]
    node = next(iter(info.values()))
    node_stats = next(iter(stats.values()))
    heap_max = node["jvm"]["mem"]["heap_max_in_bytes"]
    heap_used = node_stats["jvm"]["mem"]["heap_used_in_bytes"]
    return {
        "version": node["version"],
        "heap_max": f"{heap_max / 2**30:.1f} GiB",
        "heap_used": f"{heap_used / 2**20:,.0f} MiB",
        "jvm": f"{node['jvm'].get('vm_name', '?')} {node['jvm'].get('version', '?')}",
        "nodes": str(len(info)),
    }


def machine_lines(es: Any | None, extra: str = "") -> list[str]:
    """The machine bullet points of a section: hardware, Python, Elasticsearch, code version."""
    m = machine()
    lines = [
        f"- Machine: {m['cores']} cores (os.cpu_count()), {m['memory']} memory, {m['cpu']}, {m['os']}",
        f"- Python: {m['python']}{'; ' + extra if extra else ''}",
    ]
    if es is not None:
        e = es_description(es)
        lines.append(
            f"- Elasticsearch: {e['version']}, {e['nodes']} node, heap {e['heap_max']} "
            f"(used now {e['heap_used']}), {e['jvm']}; on the same machine"
        )
    lines.append(f"- Code: {code_version()} (plus the working tree's changes)")
    return lines


def now_heading(script: str) -> str:
    return f"## {script}: {datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}"


def record(lines: list[str]) -> None:
    """Append a section to ``docs/benchmarks.md`` (earlier sections are never rewritten)."""
    BENCHMARKS_MD.parent.mkdir(parents=True, exist_ok=True)
    existing = BENCHMARKS_MD.read_text(encoding="utf-8") if BENCHMARKS_MD.exists() else "# Benchmarks\n"
    BENCHMARKS_MD.write_text(existing.rstrip("\n") + "\n\n" + "\n".join(lines).rstrip("\n") + "\n")
    print(f"\nrecorded in {BENCHMARKS_MD.relative_to(ROOT)}")


# -- processes -----------------------------------------------------------------------------------


def rss_bytes(pid: int) -> int:
    """Resident memory of a process (VmRSS), 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def private_bytes(pid: int) -> int:
    """Memory only this process holds (USS: private clean + dirty pages), 0 when it is gone. A
    forked worker shares its parent's pages, which its RSS counts again; this does not."""
    total = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith(("Private_Clean:", "Private_Dirty:")):
                total += int(line.split()[1]) * 1024
    except OSError:
        return 0
    return total


def children_of(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in text.split()]


# -- Elasticsearch node --------------------------------------------------------------------------


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_cluster/health", timeout=3) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


class Node:
    """Elasticsearch for a benchmark: ``ES_URL`` when set, else a local node on ``ES_PORT``
    (default 9260) started with ``scripts/elasticsearch.sh`` (heap ``ES_HEAP``, default 1g).
    A node this object started is stopped by ``close()`` unless ``keep`` is true."""

    def __init__(self, keep: bool = False) -> None:
        self.keep = keep
        self.started = False
        self.port = os.environ.get("ES_PORT") or str(DEFAULT_BENCH_PORT)
        self.url = os.environ.get("ES_URL") or f"http://127.0.0.1:{self.port}"
        self.local = "ES_URL" not in os.environ

    def _script(self, command: str) -> None:
        env = {**os.environ, "ES_PORT": self.port, "ES_HEAP": os.environ.get("ES_HEAP", "1g")}
        subprocess.run([str(ROOT / "scripts" / "elasticsearch.sh"), command], check=True, env=env)

    def open(self) -> str:
        if self.local and not _answers(self.url):
            heap = os.environ.get("ES_HEAP", "1g")
            print(f"starting a local Elasticsearch on port {self.port} (ES_HEAP={heap})")
            self._script("start")
            self.started = True
        elif not _answers(self.url):
            raise SystemExit(f"ES_URL={self.url} does not answer")
        return self.url

    def close(self) -> None:
        if self.started and not self.keep:
            print(f"stopping the local Elasticsearch on port {self.port}")
            self._script("stop")

    def __enter__(self) -> Node:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def client(url: str, timeout: float = 120.0) -> Any:
    from elasticsearch import Elasticsearch

    return Elasticsearch(url, request_timeout=timeout, max_retries=2, retry_on_timeout=True)


def wait_quiet(seconds: float = 2.0) -> None:
    """A short pause between timed runs, so that merges and GC of the last run settle."""
    time.sleep(seconds)
