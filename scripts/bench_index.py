"""Benchmark: the indexing pipeline's speed in parts/second, side by side with its limit.

Why this exists: issue 7 asks how fast a corpus gets from files into Elasticsearch, compared with
the fastest the node can take the same documents. The *limit* is bulk-loading the already
prepared documents (held in memory) with the client's bulk helper; the *pipeline* is the whole
path from the file: read, validate, parse, normalise, extract entities, build documents, bulk
(``service/pipeline.py``, with 0 = inline, 1 or 2 worker processes). Target: pipeline ≥ 0.8 of
the limit. Both load a fresh index set up as a reindex does (``index_mappings/parts.json``, no
replicas, refresh off until the end); the time runs from the first document to the final refresh.

The machine is noisy (two cores, shared), so the variants run interleaved in rounds and every
ratio is taken within a round; medians over ``--runs`` rounds are reported. CPU seconds used by
the node (``_nodes/stats/process``) and by Python (this process and its workers) are measured per
run: on a machine where both are busy, they say which side bounds the rate.

Steps: generate the corpora (``scripts/gen_corpus.py``: ``--parts``, and ``--sweep-parts`` for the
chunk-size sweep); time the pipeline's stages on one core; profile them with pyinstrument when
installed (``--profile``; not a project requirement: ``.venv/bin/pip install pyinstrument``);
sweep bulk chunk sizes (and 1 or 2 requests in flight) on the small corpus; compare the limit with
the pipeline at 0/1/2 workers on the full corpus; measure the index size on disk (as loaded and
force-merged to one segment) per million parts. ``--build N`` instead builds (or reuses) the
persistent index ``bench-parts-<N>-s<seed>`` that ``bench_query`` and ``bench_load`` search, and
records how long indexing N parts took.

Usage (from the project root; the node is started on ES_PORT, default 9260, unless ES_URL is set)::

    .venv/bin/python scripts/bench_index.py [--parts 100000] [--runs 3] [--profile] [--no-record]
    .venv/bin/python scripts/bench_index.py --build 1000000

Results are appended to ``docs/benchmarks.md`` unless ``--no-record``. Without
``../shared/data/corpus`` it says so and exits 0.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shlex
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib
from benchlib import BENCH_DIR, ROOT, bench_alias, fmt_int, median
from gen_corpus import DEFAULT_SEED, corpus_meta, ensure_corpus

TARGET_RATIO = 0.8
STAGE_ARTICLES = 1000  # articles timed stage by stage (and profiled)


# -- runs --------------------------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    parts: int
    documents: int
    es_cpu: float  # seconds of CPU the node used during the run
    py_cpu: float  # seconds of CPU this process and its workers used
    failed: int = 0
    worker_rss: list[int] = field(default_factory=list)  # peak RSS per pipeline process (bytes)
    worker_uss: list[int] = field(default_factory=list)  # peak private memory per pipeline process

    @property
    def rate(self) -> float:
        return self.parts / self.seconds


@dataclass
class Variant:
    name: str
    runs: list[Run] = field(default_factory=list)

    @property
    def median_rate(self) -> float:
        return median(r.rate for r in self.runs)

    def cpu_ms_per_part(self, attr: str) -> float:
        return median(getattr(r, attr) / r.parts * 1000 for r in self.runs)


def es_cpu_seconds(es: Any) -> float:
    nodes = es.nodes.stats(metric="process").body["nodes"]
    return sum(n["process"]["cpu"]["total_in_millis"] for n in nodes.values()) / 1000


def py_cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


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
                self.peak[pid] = max(self.peak[pid], benchlib.rss_bytes(pid))
                self.peak_private[pid] = max(self.peak_private[pid], benchlib.private_bytes(pid))
            self._stop.wait(0.5)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


class Bench:
    def __init__(self, es: Any) -> None:
        from service.es import load_index_definition

        self.es = es
        self.definition = load_index_definition()
        self.counter = 0
        self.kept = ""

    def fresh_index(self) -> str:
        """A new index with the project's mapping, set up for loading as ``reindex`` does."""
        self.counter += 1
        name = f"bench-index-run-{os.getpid()}-{self.counter}"
        self.es.indices.delete(index=name, ignore_unavailable=True)
        self.es.indices.create(
            index=name,
            settings={**self.definition["settings"], "number_of_replicas": 0, "refresh_interval": "-1"},
            mappings=self.definition["mappings"],
        )
        return name

    def drop(self, name: str) -> None:
        self.es.indices.delete(index=name, ignore_unavailable=True)

    def limit(self, prepared: list[dict[str, Any]], parts: int, chunk: int, threads: int, keep=False) -> Run:
        from service.indexer import bulk_load

        name = self.fresh_index()
        for action in prepared:  # outside the timing: the documents are already prepared
            action["_index"] = name
        es_before, py_before = es_cpu_seconds(self.es), py_cpu_seconds()
        started = time.perf_counter()
        try:
            summary = bulk_load(self.es, prepared, index=name, chunk_size=chunk, threads=threads)
        except BaseException:
            self.drop(name)
            raise
        seconds = time.perf_counter() - started
        run = Run(
            seconds,
            parts,
            summary.documents,
            es_cpu_seconds(self.es) - es_before,
            py_cpu_seconds() - py_before,
            len(summary.failed),
        )
        if keep:
            self.kept = name
        else:
            self.drop(name)
        return run

    def pipeline(self, path: Path, workers: int, chunk: int, threads: int) -> Run:
        from service.pipeline import Pipeline

        name = self.fresh_index()
        gc.collect()
        gc.freeze()  # forked workers then leave the parent's objects (and their pages) alone
        es_before, py_before = es_cpu_seconds(self.es), py_cpu_seconds()
        started = time.perf_counter()
        try:
            with Pipeline(name, workers=workers) as pipeline:
                pids = pipeline.worker_pids() + ([os.getpid()] if workers else [])
                with RssSampler(pids) as sampler:
                    summary = pipeline.load(self.es, [path], chunk_size=chunk, threads=threads)
                parts = pipeline.stats.parts
        except BaseException:
            self.drop(name)
            raise
        finally:
            gc.unfreeze()
        seconds = time.perf_counter() - started
        run = Run(
            seconds,
            parts,
            summary.documents,
            es_cpu_seconds(self.es) - es_before,
            py_cpu_seconds() - py_before,
            len(summary.failed),
            [sampler.peak[p] for p in pids],
            [sampler.peak_private[p] for p in pids],
        )
        self.drop(name)
        return run


def prepare_all(path: Path) -> list[dict[str, Any]]:
    """Every bulk action of ``path``, prepared once (2 workers) and held in memory for the limit."""
    from service.pipeline import Pipeline

    with Pipeline("placeholder", workers=2) as pipeline:
        return list(pipeline.actions([path]))


# -- stages and profile --------------------------------------------------------------------------------


def stage_times(path: Path, articles: int) -> tuple[int, list[tuple[str, float]]]:
    """Microseconds per part of each pipeline stage, inline on one core, over the first articles."""
    from jsonschema.exceptions import best_match

    from service.documents import article_documents, default_extractor, extract_entities
    from service.ingest.sources import article_from_record, record_validator

    extractor = default_extractor()
    validator = record_validator(False)
    with open(path, "rb") as f:
        lines = [f.readline() for _ in range(articles)]
    lines = [line for line in lines if line.strip()]
    clock = time.perf_counter
    t0 = clock()
    records = [json.loads(line) for line in lines]
    t1 = clock()
    for record in records:
        best_match(validator.iter_errors(record))
    t2 = clock()
    parsed = [article_from_record(r) for r in records]
    t3 = clock()
    entities = [extract_entities(a, extractor) for a in parsed]
    t4 = clock()
    docs = [d for a, e in zip(parsed, entities, strict=True) for d in article_documents(a, e)]
    t5 = clock()
    for doc in docs:
        json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    t6 = clock()
    parts = sum(len(a.parts) for a in parsed)
    stages = [
        ("JSON decode", t1 - t0),
        ("schema check", t2 - t1),
        ("article_from_record (parse, normalise, credits)", t3 - t2),
        ("extract_entities", t4 - t3),
        ("article_documents", t5 - t4),
        ("JSON encode for bulk", t6 - t5),
    ]
    return parts, [(name, seconds / parts * 1e6) for name, seconds in stages]


def profile_pipeline(path: Path, articles: int) -> str | None:
    """pyinstrument over inline preparation of the first articles; the text report's path."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        print("pyinstrument is not installed (.venv/bin/pip install pyinstrument): no profile")
        return None
    from service.documents import default_extractor
    from service.pipeline import _init_worker, _items, _prepare

    default_extractor()
    _init_worker("profile", False, None)
    items = [item for _, item in zip(range(articles), _items([path], []), strict=False)]
    profiler = Profiler(interval=0.0005)
    profiler.start()
    _prepare(items)
    profiler.stop()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    out = BENCH_DIR / "profile-index.txt"
    out.write_text(profiler.output_text(unicode=True, color=False, show_all=False))
    (BENCH_DIR / "profile-index.html").write_text(profiler.output_html())
    return str(out.relative_to(ROOT))


# -- persistent bench indices (for bench_query and bench_load) ------------------------------------------


@dataclass
class Build:
    alias: str
    index: str
    parts: int
    documents: int
    seconds: float | None  # None: reused, not built now
    store_bytes: int
    segments: int
    memory: list[tuple[int, int]] = field(default_factory=list)  # peak (RSS, private) per process


def index_stats(es: Any, index: str) -> tuple[int, int, int]:
    """Documents (as searched: nested entries not counted), bytes on disk and segments (primaries)."""
    stats = es.indices.stats(index=index, metric="store,segments").body["_all"]["primaries"]
    return es.count(index=index)["count"], stats["store"]["size_in_bytes"], stats["segments"]["count"]


def ensure_bench_index(
    es: Any,
    parts: int,
    seed: int = DEFAULT_SEED,
    *,
    workers: int = 2,
    chunk_size: int = 500,
    threads: int = 2,
    force: bool = False,
) -> Build:
    """The alias ``bench-parts-<N>-s<seed>`` over a complete index of the generated corpus;
    built with the pipeline (and timed) when it is absent, incomplete or ``force``."""
    from service.es import load_index_definition
    from service.pipeline import Pipeline

    alias = bench_alias(parts, seed)
    if not force and es.indices.exists_alias(name=alias):
        index = next(iter(es.indices.get_alias(name=alias).body))
        count = es.count(index=alias, query={"term": {"doc_type": "part"}})["count"]
        if count == parts:
            docs, size, segments = index_stats(es, index)
            return Build(alias, index, parts, docs, None, size, segments)
    path = ensure_corpus(parts, seed)
    definition = load_index_definition()
    for old in es.indices.get(index=f"{alias}-*", allow_no_indices=True).body:
        es.indices.delete(index=old)
    index = f"{alias}-{time.strftime('%Y%m%d%H%M%S')}"
    es.indices.create(
        index=index,
        settings={**definition["settings"], "number_of_replicas": 0, "refresh_interval": "-1"},
        mappings=definition["mappings"],
    )
    print(
        f"indexing {parts:,} parts into {index} (workers {workers}, chunk {chunk_size}, {threads} in flight)"
    )
    started = time.perf_counter()
    done = [0]

    def progress(n: int) -> None:
        if n - done[0] >= 100_000:
            done[0] = n
            print(f"  {n:,} documents, {time.perf_counter() - started:,.0f} s", flush=True)

    with Pipeline(index, workers=workers) as pipeline:
        pids = [*pipeline.worker_pids(), os.getpid()]
        with RssSampler(pids) as sampler:
            summary = pipeline.load(
                es, [path], chunk_size=chunk_size, threads=threads, refresh=False, on_batch=progress
            )
        stats = pipeline.stats
    memory = [(sampler.peak[p], sampler.peak_private[p]) for p in pids]
    es.indices.put_settings(index=index, settings={"index": {"refresh_interval": None}})
    es.indices.refresh(index=index)
    seconds = time.perf_counter() - started
    if summary.failed or stats.rejections or stats.parts != parts:
        raise SystemExit(
            f"build of {index} incomplete: {len(summary.failed)} refused, "
            f"{len(stats.rejections)} rejected, {stats.parts} parts"
        )
    es.indices.update_aliases(actions=[{"add": {"index": index, "alias": alias}}])
    docs, size, segments = index_stats(es, index)
    return Build(alias, index, parts, docs, seconds, size, segments, memory)


# -- report --------------------------------------------------------------------------------------------


def runs_text(variant: Variant) -> str:
    return ", ".join(fmt_int(r.rate) for r in variant.runs)


def ratios(variant: Variant, limit: Variant) -> list[float]:
    return [v.rate / lim.rate for v, lim in zip(variant.runs, limit.runs, strict=False)]


def mib(n: float) -> str:
    return f"{n / 2**20:,.0f} MiB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--parts", type=int, default=100_000, help="parts of the main corpus (default 100000)"
    )
    parser.add_argument(
        "--sweep-parts", type=int, default=20_000, help="parts of the chunk-size sweep corpus"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--runs", type=int, default=3, help="rounds of every variant (median reported)")
    parser.add_argument("--workers", default="0,1,2", help="pipeline worker counts (0: inline)")
    parser.add_argument("--chunk-sizes", default="250,500,1000,2000", help="bulk chunk sizes to sweep")
    parser.add_argument("--threads", default="1,2", help="bulk requests in flight to sweep")
    parser.add_argument("--profile", action="store_true", help="profile the pipeline stages (pyinstrument)")
    parser.add_argument("--build", type=int, default=None, metavar="N", help="build the N-part bench index")
    parser.add_argument("--build-chunk", type=int, default=500, help="chunk size for --build")
    parser.add_argument("--build-threads", type=int, default=2, help="requests in flight for --build")
    parser.add_argument("--force", action="store_true", help="with --build: rebuild even if complete")
    parser.add_argument("--keep-node", action="store_true", help="leave a node this script started running")
    parser.add_argument("--no-record", action="store_true", help="do not append to docs/benchmarks.md")
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    command = " ".join(["python", "scripts/bench_index.py", *map(shlex.quote, argv)])
    if benchlib.corpus_missing():
        return 0
    with benchlib.Node(keep=args.keep_node) as node:
        es = benchlib.client(node.url)
        if args.build:
            return build_main(es, args, command)
        return bench_main(es, args, command)


def build_main(es: Any, args: argparse.Namespace, command: str) -> int:
    path = ensure_corpus(args.build, args.seed)
    meta = corpus_meta(path)
    load = os.getloadavg()
    build = ensure_bench_index(
        es,
        args.build,
        args.seed,
        workers=2,
        chunk_size=args.build_chunk,
        threads=args.build_threads,
        force=args.force,
    )
    if build.seconds is None:
        print(
            f"{build.alias} → {build.index} is complete already ({build.parts:,} parts); --force rebuilds it"
        )
        return 0
    rate = build.parts / build.seconds
    per_million = build.store_bytes / build.parts * 1e6
    lines = [
        f"- Built: `{build.index}` (alias `{build.alias}`): {meta['articles']:,} articles, {build.parts:,} "
        f"parts, {build.documents:,} documents",
        f"- Time: **{build.seconds / 60:,.1f} min** ({build.seconds:,.0f} s), {fmt_int(rate)} parts/s; "
        f"pipeline with 2 workers, chunk {args.build_chunk}, {args.build_threads} bulk requests in flight",
        f"- On disk: {mib(build.store_bytes)} in {build.segments} segments (as loaded, not merged), "
        f"{mib(per_million)} per million parts",
        "- Peak memory, RSS (private): "
        + ", ".join(f"worker {mib(r)} ({mib(u)})" for r, u in build.memory[:-1])
        + f", main process {mib(build.memory[-1][0])} ({mib(build.memory[-1][1])})",
        f"- Load average at start: {load[0]:.1f}",
    ]
    print("\n".join(lines))
    if not args.no_record:
        section = [benchlib.now_heading("bench_index --build"), ""]
        section += benchlib.machine_lines(es, "pipeline with 2 worker processes")
        section += [
            f"- Command: `{command}`",
            f"- Corpus: `scripts/gen_corpus.py --parts {args.build} --seed {args.seed}`",
        ]
        section += lines
        benchlib.record(section)
    return 0


def bench_main(es: Any, args: argparse.Namespace, command: str) -> int:
    workers_list = [int(x) for x in args.workers.split(",")]
    chunks = [int(x) for x in args.chunk_sizes.split(",")]
    threads_list = [int(x) for x in args.threads.split(",")]
    main_path = ensure_corpus(args.parts, args.seed)
    sweep_path = ensure_corpus(args.sweep_parts, args.seed)
    main_meta, sweep_meta = corpus_meta(main_path), corpus_meta(sweep_path)
    load_start = os.getloadavg()

    print(f"\n== stages (one core, first {STAGE_ARTICLES} articles)")
    stage_parts, stages = stage_times(main_path, STAGE_ARTICLES)
    total_us = sum(us for _, us in stages)
    for name, us in stages:
        print(f"  {name:50s} {us:8.1f} µs/part  {us / total_us:6.1%}")
    print(f"  {'total':50s} {total_us:8.1f} µs/part  → {1e6 / total_us:,.0f} parts/s on one core")
    profile_path = profile_pipeline(main_path, STAGE_ARTICLES) if args.profile else None
    if profile_path:
        print(f"  profile: {profile_path}")

    bench = Bench(es)
    print("\npreparing the documents for the limit (held in memory) ...", flush=True)
    sweep_docs = prepare_all(sweep_path)
    main_docs = prepare_all(main_path)
    # Warm-up: JIT, caches, the first index creation.
    bench.limit(sweep_docs[:3000], 2800, 500, 1)
    bench.pipeline(sweep_path, max(workers_list), 500, 1)

    # 1. chunk sizes x requests in flight, on the sweep corpus, limit and pipeline (most workers).
    top_workers = max(workers_list)
    sweep: dict[tuple[str, int, int], Variant] = {}
    print(f"\n== sweep: {sweep_meta['parts']:,} parts, chunk sizes {chunks}, in flight {threads_list}")
    for round_number in range(args.runs):
        for chunk in chunks:
            for threads in threads_list:
                for kind in ("limit", "pipeline"):
                    key = (kind, chunk, threads)
                    variant = sweep.setdefault(key, Variant(f"{kind} chunk {chunk} x{threads}"))
                    if kind == "limit":
                        run = bench.limit(sweep_docs, sweep_meta["parts"], chunk, threads)
                    else:
                        run = bench.pipeline(sweep_path, top_workers, chunk, threads)
                    variant.runs.append(run)
                    print(
                        f"  round {round_number + 1} {variant.name:28s} {fmt_int(run.rate):>7} parts/s",
                        flush=True,
                    )
    best_limit = max(
        ((c, t) for c in chunks for t in threads_list), key=lambda k: sweep[("limit", *k)].median_rate
    )
    best_pipe = max(
        ((c, t) for c in chunks for t in threads_list), key=lambda k: sweep[("pipeline", *k)].median_rate
    )
    print(
        f"  best limit: chunk {best_limit[0]} x{best_limit[1]}; "
        f"best pipeline: chunk {best_pipe[0]} x{best_pipe[1]}"
    )

    # 2. the limit against the pipeline at each worker count, full corpus, interleaved rounds.
    print(f"\n== main: {main_meta['parts']:,} parts")
    limit = Variant(f"limit: bulk of prepared documents (chunk {best_limit[0]}, {best_limit[1]} in flight)")
    pipes = {
        w: Variant(f"pipeline, {w} worker{'s' if w != 1 else ''}" if w else "pipeline, inline (no worker)")
        for w in workers_list
    }
    size_loaded = size_merged = segments_loaded = segments_merged = 0
    for round_number in range(args.runs):
        last = round_number == args.runs - 1
        run = bench.limit(main_docs, main_meta["parts"], *best_limit, keep=last)
        limit.runs.append(run)
        print(f"  round {round_number + 1} limit {fmt_int(run.rate):>7} parts/s", flush=True)
        if last:
            time.sleep(10)  # let the merges that follow a load settle
            _, size_loaded, segments_loaded = index_stats(es, bench.kept)
            es.options(request_timeout=1800).indices.forcemerge(index=bench.kept, max_num_segments=1)
            _, size_merged, segments_merged = index_stats(es, bench.kept)
            bench.drop(bench.kept)
        for w, variant in pipes.items():
            run = bench.pipeline(main_path, w, *best_pipe)
            variant.runs.append(run)
            print(f"  round {round_number + 1} {variant.name:28s} {fmt_int(run.rate):>7} parts/s", flush=True)

    load_end = os.getloadavg()
    report(
        es,
        args,
        command,
        main_meta,
        sweep_meta,
        stages,
        stage_parts,
        profile_path,
        sweep,
        chunks,
        threads_list,
        limit,
        pipes,
        (size_loaded, segments_loaded, size_merged, segments_merged),
        (load_start[0], load_end[0]),
    )
    return 0


def report(
    es: Any,
    args: argparse.Namespace,
    command: str,
    main_meta: dict[str, Any],
    sweep_meta: dict[str, Any],
    stages: list[tuple[str, float]],
    stage_parts: int,
    profile_path: str | None,
    sweep: dict[tuple[str, int, int], Variant],
    chunks: list[int],
    threads_list: list[int],
    limit: Variant,
    pipes: dict[int, Variant],
    sizes: tuple[int, int, int, int],
    loads: tuple[float, float],
) -> None:
    total_us = sum(us for _, us in stages)
    lines = [
        f"- Corpus: `scripts/gen_corpus.py --seed {args.seed}`: {main_meta['parts']:,} parts "
        f"({main_meta['articles']:,} articles, {main_meta['parts'] + main_meta['articles']:,} documents with "
        f"the article documents); sweep corpus {sweep_meta['parts']:,} parts",
        f"- Rounds: {args.runs}, variants interleaved in each; ratios are per round, then the median. "
        f"Load average {loads[0]:.1f} at the start, {loads[1]:.1f} at the end "
        "(other work shares the machine)",
        "",
        f"Stages of the pipeline, inline on one core (first {STAGE_ARTICLES:,} articles, "
        f"{stage_parts:,} parts):",
        "",
        "| Stage | µs/part | Share |",
        "|---|---:|---:|",
    ]
    lines += [f"| {name} | {us:,.1f} | {us / total_us:.0%} |" for name, us in stages]
    lines += [f"| **total** | **{total_us:,.0f}** | {1e6 / total_us:,.0f} parts/s on one core |", ""]
    if profile_path:
        lines += [f"Profile (pyinstrument): `{profile_path}` (not committed).", ""]

    lines += [
        f"Chunk sizes and bulk requests in flight ({sweep_meta['parts']:,} parts; pipeline with "
        f"{max(pipes)} workers); parts/s, median of {args.runs}:",
        "",
        "| Chunk | In flight | Limit (runs) | Limit | Pipeline (runs) | Pipeline | Ratio |",
        "|---:|---:|---|---:|---|---:|---:|",
    ]
    for chunk in chunks:
        for threads in threads_list:
            lim, pipe = sweep[("limit", chunk, threads)], sweep[("pipeline", chunk, threads)]
            lines.append(
                f"| {chunk} | {threads} | {runs_text(lim)} | {fmt_int(lim.median_rate)} | {runs_text(pipe)} "
                f"| {fmt_int(pipe.median_rate)} | {median(ratios(pipe, lim)):.2f} |"
            )
    lines += [
        "",
        f"Limit against pipeline, {main_meta['parts']:,} parts, parts/s; CPU per part measured in the "
        f"same runs (node: `_nodes/stats/process`; Python: this process and its workers):",
        "",
        "| Variant | Runs (parts/s) | Median | Ratio to limit | Node CPU ms/part | Python CPU ms/part "
        "| Peak private memory (RSS) per process | Target ≥ 0.8 |",
        "|---|---|---:|---:|---:|---:|---|---|",
        f"| {limit.name} | {runs_text(limit)} | {fmt_int(limit.median_rate)} | 1.00 "
        f"| {limit.cpu_ms_per_part('es_cpu'):.2f} | {limit.cpu_ms_per_part('py_cpu'):.2f} | | |",
    ]
    for variant in pipes.values():
        ratio = median(ratios(variant, limit))
        last = variant.runs[-1]
        rss_text = ", ".join(
            f"{mib(u)} ({mib(r)})" for u, r in zip(last.worker_uss, last.worker_rss, strict=True)
        )
        lines.append(
            f"| {variant.name} | {runs_text(variant)} | {fmt_int(variant.median_rate)} | **{ratio:.2f}** "
            f"| {variant.cpu_ms_per_part('es_cpu'):.2f} | {variant.cpu_ms_per_part('py_cpu'):.2f} "
            f"| {rss_text} | {'PASS' if ratio >= TARGET_RATIO else 'FAIL'} |"
        )
    size_loaded, segments_loaded, size_merged, segments_merged = sizes
    parts = main_meta["parts"]
    node_ms = limit.cpu_ms_per_part("es_cpu")
    best = max(pipes.values(), key=lambda v: v.median_rate)
    py_ms = best.cpu_ms_per_part("py_cpu")
    cores = os.cpu_count() or 1
    target_rate = TARGET_RATIO * limit.median_rate
    budget = cores * 1000 / target_rate - node_ms
    lines += [
        "",
        f"- Index size on disk: {mib(size_loaded)} as loaded ({segments_loaded} segments) = "
        f"**{mib(size_loaded / parts * 1e6)} per million parts**; {mib(size_merged)} force-merged "
        f"({segments_merged} segment) = {mib(size_merged / parts * 1e6)} per million parts",
        f"- CPU: the node used {node_ms:.2f} ms per part (limit runs) and the best pipeline ({best.name}) "
        f"{py_ms:.2f} ms of Python per part; sharing {cores} cores, the pipeline cannot exceed "
        f"{cores * 1000 / (node_ms + py_ms):,.0f} parts/s (it reached {fmt_int(best.median_rate)}). "
        f"0.8 of the limit ({fmt_int(target_rate)} parts/s) leaves at most {budget:.2f} ms of Python "
        "per part",
    ]
    print("\n" + "\n".join(lines))
    if not args.no_record:
        section = [benchlib.now_heading("bench_index"), ""]
        section += benchlib.machine_lines(es, "pipeline workers are processes (fork)")
        section += [f"- Command: `{command}`"]
        section += lines
        benchlib.record(section)


if __name__ == "__main__":
    sys.exit(main())
