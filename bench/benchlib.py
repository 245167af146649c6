"""The one shared library of the benchmarks and evaluations in ``bench/``.

Why this exists: every script must describe the machine it ran on (cores, memory, Python, the
Elasticsearch version and heap), report medians and percentiles the same way, start its own
Elasticsearch node on a port nobody else uses, skip clearly when ``../shared`` is absent and append
a section to ``docs/benchmarks.md``. Keeping that here keeps the scripts about what they measure.

Importing it puts the project root on ``sys.path`` (the scripts are run as ``python bench/x.py``),
so the scripts import ``benchlib`` before ``service``. It uses only the package's public API.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import shlex
import statistics
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SHARED_DATA = ROOT.parent / "shared" / "data"
CORPUS_DIR = SHARED_DATA / "corpus"
CORPUS_LABEL = "../shared/data/corpus"
BENCH_DIR = ROOT / ".cache" / "bench"  # generated corpora and profiles (ignored by git)
BENCHMARKS_MD = ROOT / "docs" / "benchmarks.md"
DEFAULT_BENCH_PORT = 9260  # 9200 (development), 9250-9252 (tests) belong to others
BENCH_ALIAS_PREFIX = "bench-parts"
DEFAULT_SEED = 7  # of the generated corpus (gen_corpus.py)

# The fixed query mix of bench_query and bench_load: arguments of /api/search, three of each type;
# the facet ids are gen_corpus.FEATURED names.
QUERY_MIX: dict[str, list[list[tuple[str, str]]]] = {
    "one word": [[("q", "מלחמה")], [("q", "שלום")], [("q", "כסף")]],
    "two words": [[("q", "ראש הממשלה")], [("q", "בית ספר")], [("q", "מחיר הכסף")]],
    "phrase": [[("q", '"ראש הממשלה"')], [("q", '"בית המשפט"')], [("q", '"שנים רבות"')]],
    "one facet": [
        [("q", "מלחמה"), ("place", "place:jerusalem")],
        [("q", "שלום"), ("person", "person:netanyahu-benjamin")],
        [("q", "כסף"), ("organisation", "organisation:knesset")],
    ],
    "two facets": [
        [("q", "מלחמה"), ("person", "person:netanyahu-benjamin"), ("place", "place:gaza-strip")],
        [("q", "שלום"), ("organisation", "organisation:idf"), ("place", "place:iran")],
        [("q", "כסף"), ("person", "person:trump-donald"), ("place", "place:tel-aviv")],
    ],
    "date range": [
        [("q", "מלחמה"), ("from", "2010-01-01"), ("to", "2012-12-31")],
        [("q", "שלום"), ("from", "2020-03-01"), ("to", "2020-03-31")],
        [("q", "כסף"), ("from", "2015-01-01"), ("to", "2015-12-31")],
    ],
    "entity only": [
        [("person", "person:netanyahu-benjamin")],
        [("place", "place:jerusalem")],
        [("organisation", "organisation:hamas")],
    ],
}


# A newsroom's query log, modelled: Zipfian repeats (exponent ZIPF_S) over ZIPF_QUERIES distinct
# searches, first the home page, then the index's frequent title words and entities (by a seeded
# shuffle of their ranks), then two-word searches drawn from the frequent words, the long tail
# that is rarely asked twice. With s = 1 over 5,000 queries the ten most popular are a third of
# the requests and the last 4,000 about a fifth: what the request cache can and cannot save.
ZIPF_S = 1.0
ZIPF_QUERIES = 5000
ZIPF_HEAD_WORDS = 200  # frequent title words searched alone
ZIPF_HEAD_ENTITIES = 20  # frequent entities per type, browsed by facet
ZIPF_FACETS = ("person", "place", "organisation")


def zipf_query_log(es: Any, alias: str, requests: int, seed: int) -> list[str]:
    """``requests`` paths of /api/search drawn from the modelled log (see ZIPF_S)."""
    import random
    from urllib.parse import urlencode

    rng = random.Random(seed)
    aggs: dict[str, Any] = {"words": {"terms": {"field": "title_terms", "size": 2000}}}
    aggs |= {t: {"terms": {"field": f"entities.{t}", "size": ZIPF_HEAD_ENTITIES}} for t in ZIPF_FACETS}
    found = es.search(index=alias, size=0, aggs=aggs)["aggregations"]
    words = [b["key"] for b in found["words"]["buckets"]]
    head: list[list[tuple[str, str]]] = [[("q", w)] for w in words[:ZIPF_HEAD_WORDS]]
    head += [[(t, b["key"].split("|", 1)[0])] for t in ZIPF_FACETS for b in found[t]["buckets"]]
    rng.shuffle(head)
    queries: list[list[tuple[str, str]]] = [[("q", "")], *head]
    while len(queries) < ZIPF_QUERIES:
        queries.append([("q", " ".join(rng.sample(words, 2)))])
    weights = [1 / (rank**ZIPF_S) for rank in range(1, len(queries) + 1)]
    return ["/api/search?" + urlencode(args) for args in rng.choices(queries, weights, k=requests)]


# -- corpus and command line ---------------------------------------------------------------------


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


def common_options(parser: argparse.ArgumentParser, *, node: bool = True) -> None:
    """The options every benchmark shares: the corpus seed, keeping the node, not recording."""
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    if node:
        parser.add_argument(
            "--keep-node", action="store_true", help="leave a node this script started running"
        )
    parser.add_argument("--no-record", action="store_true", help="do not append to docs/benchmarks.md")


def command_line(script: str, argv: Sequence[str]) -> str:
    """The command as recorded: ``python bench/<script> <arguments>``."""
    return " ".join(["python", f"bench/{Path(script).name}", *map(shlex.quote, argv)])


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


def mib(n: float) -> str:
    return f"{n / 2**20:,.0f} MiB"


# -- machine and record ----------------------------------------------------------------------------


def _first_field(path: str, prefix: str) -> str | None:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def machine() -> dict[str, str]:
    """Cores, memory, CPU model, Python and OS."""
    memory = _first_field("/proc/meminfo", "MemTotal:")
    return {
        "cores": str(os.cpu_count()),
        "memory": f"{int(memory.split()[0]) / 1024 / 1024:.1f} GiB" if memory else "unknown",
        "cpu": _first_field("/proc/cpuinfo", "model name") or platform.processor() or "unknown",
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
        if (git / ref).exists():
            return (git / ref).read_text().strip()[:7]
        if (git / "packed-refs").exists():
            for line in (git / "packed-refs").read_text().splitlines():
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
    heap_used = next(iter(stats.values()))["jvm"]["mem"]["heap_used_in_bytes"]
    return {
        "version": node["version"],
        "heap_max": f"{node['jvm']['mem']['heap_max_in_bytes'] / 2**30:.1f} GiB",
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


def record(lines: list[str]) -> None:
    """Append a section to ``docs/benchmarks.md`` (earlier sections are never rewritten)."""
    BENCHMARKS_MD.parent.mkdir(parents=True, exist_ok=True)
    existing = BENCHMARKS_MD.read_text(encoding="utf-8") if BENCHMARKS_MD.exists() else "# Benchmarks\n"
    BENCHMARKS_MD.write_text(existing.rstrip("\n") + "\n\n" + "\n".join(lines).rstrip("\n") + "\n")
    print(f"\nrecorded in {BENCHMARKS_MD.relative_to(ROOT)}")


def record_section(title: str, es: Any | None, extra: str, command: str, lines: list[str]) -> None:
    """A dated section: the title, the machine, the command, then the script's own lines."""
    when = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    record([f"## {title}: {when}", "", *machine_lines(es, extra), f"- Command: `{command}`", *lines])


# -- processes -----------------------------------------------------------------------------------


def _status_kib(path: str, prefixes: tuple[str, ...]) -> int | None:
    try:
        lines = Path(path).read_text().splitlines()
    except OSError:
        return None
    return sum(int(line.split()[1]) for line in lines if line.startswith(prefixes))


def rss_bytes(pid: int) -> int:
    """Resident memory of a process (VmRSS), 0 when it is gone."""
    return (_status_kib(f"/proc/{pid}/status", ("VmRSS:",)) or 0) * 1024


def private_bytes(pid: int) -> int:
    """Memory only this process holds (USS: private clean + dirty pages), 0 when it is gone. A
    forked worker shares its parent's pages, which its RSS counts again; this does not."""
    return (_status_kib(f"/proc/{pid}/smaps_rollup", ("Private_Clean:", "Private_Dirty:")) or 0) * 1024


def children_of(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in text.split()]


class RssSampler:
    """Peak resident and private memory of some processes, sampled every half second in a thread."""

    def __init__(self, pids: list[int]) -> None:
        self.pids = pids
        self.peak = dict.fromkeys(pids, 0)
        self.peak_private = dict.fromkeys(pids, 0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            for pid in self.pids:
                self.peak[pid] = max(self.peak[pid], rss_bytes(pid))
                self.peak_private[pid] = max(self.peak_private[pid], private_bytes(pid))
            self._stop.wait(0.5)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


# -- Elasticsearch -------------------------------------------------------------------------------


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_cluster/health", timeout=3) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


class Node:
    """Elasticsearch for a script: ``ES_URL`` when set, else a local node on ``ES_PORT`` (default
    ``default_port``) started with ``scripts/elasticsearch.sh`` (heap ``ES_HEAP``, default 1g).
    A node this object started is stopped by ``close()`` unless ``keep`` is true."""

    def __init__(self, keep: bool = False, default_port: int = DEFAULT_BENCH_PORT) -> None:
        self.keep = keep
        self.started = False
        self.port = os.environ.get("ES_PORT") or str(default_port)
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


def create_load_index(es: Any, name: str) -> str:
    """A new index with the project's mapping, set up for loading as a reindex does (no replicas,
    refresh off; the load's final refresh makes it searchable)."""
    from service.es import load_index_definition

    definition = load_index_definition()
    es.indices.delete(index=name, ignore_unavailable=True)
    es.indices.create(
        index=name,
        settings={**definition["settings"], "number_of_replicas": 0, "refresh_interval": "-1"},
        mappings=definition["mappings"],
    )
    return name


def index_stats(es: Any, index: str) -> tuple[int, int, int]:
    """Documents (as searched: nested entries not counted), bytes on disk and segments (primaries)."""
    stats = es.indices.stats(index=index, metric="store,segments").body["_all"]["primaries"]
    return es.count(index=index)["count"], stats["store"]["size_in_bytes"], stats["segments"]["count"]
