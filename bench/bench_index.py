"""Benchmark: the indexing pipeline's speed in parts/second, side by side with its limit.

Why this exists: issue 7 asks how fast a corpus gets from files into Elasticsearch, compared with
the fastest the node can take the same documents. The *limit* is bulk-loading the already
prepared documents (held in memory) with ``bulk_load``; the *pipeline* is the whole path from the
file through the one loader (``service.indexing.loader.load``: read, validate, parse, normalise,
extract entities, build documents, bulk; 0 = inline, 1 or 2 worker processes). Target: pipeline
≥ 0.8 of the limit. Both load a fresh index set up as a reindex does (no replicas, refresh off
until the end); the time runs from the first document to the final refresh.

The machine is noisy (two cores, shared), so the variants run interleaved in rounds and every
ratio is taken within a round; medians over ``--runs`` rounds are reported. CPU seconds used by
the node (``_nodes/stats/process``) and by Python (this process and its workers) are measured per
run: on a machine where both are busy, they say which side bounds the rate.

Steps: generate the corpora (``bench/gen_corpus.py``: ``--parts``, and ``--sweep-parts`` for the
chunk-size sweep); time the pipeline's stages on one core (``bench/bench_stages.py``, with
``--profile`` too); sweep bulk chunk sizes (and 1 or 2 requests in flight) on the small corpus;
compare the limit with the pipeline at 0/1/2 workers on the full corpus; measure the index size on
disk (as loaded and force-merged to one segment) per million parts. The persistent index that
``bench_query`` and ``bench_load`` search is built by ``bench/bench_build.py``.

Usage (from the project root; the node is started on ES_PORT, default 9260, unless ES_URL is set)::

    .venv/bin/python bench/bench_index.py [--parts 100000] [--runs 3] [--profile] [--no-record]

Results are appended to ``docs/benchmarks.md`` unless ``--no-record``. Without
``../shared/data/corpus`` it says so and exits 0.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import benchlib
from bench_stages import STAGE_ARTICLES, print_stages, profile_pipeline, stage_table, stage_times
from benchlib import fmt_int, index_stats, median, mib
from gen_corpus import corpus_meta, ensure_corpus

from service.indexing.bulk import IndexSummary, bulk_load
from service.indexing.loader import load
from service.indexing.pipeline import Pipeline

TARGET_RATIO = 0.8


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

    def runs_text(self) -> str:
        return ", ".join(fmt_int(r.rate) for r in self.runs)

    def ratios(self, limit: Variant) -> list[float]:
        return [v.rate / lim.rate for v, lim in zip(self.runs, limit.runs, strict=False)]


def es_cpu_seconds(es: Any) -> float:
    nodes = es.nodes.stats(metric="process").body["nodes"]
    return sum(n["process"]["cpu"]["total_in_millis"] for n in nodes.values()) / 1000


def py_cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class Bench:
    """Timed loads into fresh indices, dropped afterwards (the last limit's kept for its size)."""

    def __init__(self, es: Any) -> None:
        self.es = es
        self.counter = 0
        self.kept = ""

    def fresh_index(self) -> str:
        self.counter += 1
        return benchlib.create_load_index(self.es, f"bench-index-run-{os.getpid()}-{self.counter}")

    def drop(self, name: str) -> None:
        self.es.indices.delete(index=name, ignore_unavailable=True)

    def timed(self, name: str, work: Callable[[], tuple[IndexSummary, int]], keep: bool = False) -> Run:
        """``work()`` (a load into ``name``: its summary and parts), timed, with the CPU it used."""
        es_before, py_before = es_cpu_seconds(self.es), py_cpu_seconds()
        started = time.perf_counter()
        try:
            summary, parts = work()
        except BaseException:
            self.drop(name)
            raise
        seconds = time.perf_counter() - started
        es_cpu, py_cpu = es_cpu_seconds(self.es) - es_before, py_cpu_seconds() - py_before
        if keep:
            self.kept = name
        else:
            self.drop(name)
        return Run(seconds, parts, summary.documents, es_cpu, py_cpu, len(summary.failed))

    def limit(self, prepared: list[dict[str, Any]], parts: int, chunk: int, threads: int, keep=False) -> Run:
        name = self.fresh_index()
        for action in prepared:  # outside the timing: the documents are already prepared
            action["_index"] = name
        return self.timed(
            name,
            lambda: (bulk_load(self.es, prepared, index=name, chunk_size=chunk, threads=threads), parts),
            keep,
        )

    def pipeline(self, path: Path, workers: int, chunk: int, threads: int) -> Run:
        name = self.fresh_index()
        peaks: list[list[int]] = []

        def work() -> tuple[IndexSummary, int]:
            with Pipeline(name, workers=workers) as pipeline:
                pids = pipeline.worker_pids() + ([os.getpid()] if workers else [])
                with benchlib.RssSampler(pids) as sampler:
                    summary = load(
                        self.es,
                        [path],
                        name,
                        pipeline=pipeline,
                        fresh_index=True,
                        chunk_size=chunk,
                        threads=threads,
                    )
                peaks[:] = [[sampler.peak[p] for p in pids], [sampler.peak_private[p] for p in pids]]
                return summary, pipeline.stats.parts

        gc.collect()
        gc.freeze()  # forked workers then leave the parent's objects (and their pages) alone
        try:
            run = self.timed(name, work)
        finally:
            gc.unfreeze()
        run.worker_rss, run.worker_uss = peaks
        return run


def prepare_all(path: Path) -> list[dict[str, Any]]:
    """Every bulk action of ``path``, prepared once (2 workers) and held in memory for the limit."""
    with Pipeline("placeholder", workers=2) as pipeline:
        return list(pipeline.actions([path]))


# -- the two measurements ------------------------------------------------------------------------------


Sweep = dict[tuple[str, int, int], Variant]


def run_sweep(
    bench: Bench, docs: list[dict[str, Any]], path: Path, parts: int, args: argparse.Namespace
) -> Sweep:
    """Chunk sizes x requests in flight, on the sweep corpus, limit and pipeline (most workers)."""
    sweep: Sweep = {}
    for round_number in range(args.runs):
        for chunk in args.chunks:
            for threads in args.threads_list:
                for kind in ("limit", "pipeline"):
                    variant = sweep.setdefault(
                        (kind, chunk, threads), Variant(f"{kind} chunk {chunk} x{threads}")
                    )
                    if kind == "limit":
                        run = bench.limit(docs, parts, chunk, threads)
                    else:
                        run = bench.pipeline(path, max(args.workers_list), chunk, threads)
                    variant.runs.append(run)
                    print(
                        f"  round {round_number + 1} {variant.name:28s} {fmt_int(run.rate):>7} parts/s",
                        flush=True,
                    )
    return sweep


def best(sweep: Sweep, kind: str, args: argparse.Namespace) -> tuple[int, int]:
    keys = [(c, t) for c in args.chunks for t in args.threads_list]
    return max(keys, key=lambda k: sweep[(kind, *k)].median_rate)


def run_main(
    bench: Bench, docs: list[dict[str, Any]], path: Path, parts: int, sweep: Sweep, args: argparse.Namespace
) -> tuple[Variant, dict[int, Variant], tuple[int, int, int, int]]:
    """The limit against the pipeline at each worker count, full corpus, interleaved rounds; the
    last limit's index is measured on disk as loaded and force-merged."""
    best_limit, best_pipe = best(sweep, "limit", args), best(sweep, "pipeline", args)
    print(f"  best limit: chunk {best_limit[0]} x{best_limit[1]}; ", end="")
    print(f"best pipeline: chunk {best_pipe[0]} x{best_pipe[1]}")
    print(f"\n== main: {parts:,} parts")
    limit = Variant(f"limit: bulk of prepared documents (chunk {best_limit[0]}, {best_limit[1]} in flight)")
    pipes = {
        w: Variant(f"pipeline, {w} worker{'s' if w != 1 else ''}" if w else "pipeline, inline (no worker)")
        for w in args.workers_list
    }
    sizes = (0, 0, 0, 0)
    for round_number in range(args.runs):
        last = round_number == args.runs - 1
        run = bench.limit(docs, parts, *best_limit, keep=last)
        limit.runs.append(run)
        print(f"  round {round_number + 1} limit {fmt_int(run.rate):>7} parts/s", flush=True)
        if last:
            time.sleep(10)  # let the merges that follow a load settle
            _, size_loaded, segments_loaded = index_stats(bench.es, bench.kept)
            bench.es.options(request_timeout=1800).indices.forcemerge(index=bench.kept, max_num_segments=1)
            _, size_merged, segments_merged = index_stats(bench.es, bench.kept)
            sizes = (size_loaded, segments_loaded, size_merged, segments_merged)
            bench.drop(bench.kept)
        for w, variant in pipes.items():
            run = bench.pipeline(path, w, *best_pipe)
            variant.runs.append(run)
            print(f"  round {round_number + 1} {variant.name:28s} {fmt_int(run.rate):>7} parts/s", flush=True)
    return limit, pipes, sizes


# -- report --------------------------------------------------------------------------------------------


def sweep_table(sweep: Sweep, parts: int, args: argparse.Namespace) -> list[str]:
    lines = [
        f"Chunk sizes and bulk requests in flight ({parts:,} parts; pipeline with "
        f"{max(args.workers_list)} workers); parts/s, median of {args.runs}:",
        "",
        "| Chunk | In flight | Limit (runs) | Limit | Pipeline (runs) | Pipeline | Ratio |",
        "|---:|---:|---|---:|---|---:|---:|",
    ]
    for chunk in args.chunks:
        for threads in args.threads_list:
            lim, pipe = sweep[("limit", chunk, threads)], sweep[("pipeline", chunk, threads)]
            lines.append(
                f"| {chunk} | {threads} | {lim.runs_text()} | {fmt_int(lim.median_rate)} "
                f"| {pipe.runs_text()} | {fmt_int(pipe.median_rate)} | {median(pipe.ratios(lim)):.2f} |"
            )
    return lines


def main_table(limit: Variant, pipes: dict[int, Variant], parts: int) -> list[str]:
    lines = [
        "",
        f"Limit against pipeline, {parts:,} parts, parts/s; CPU per part measured in the "
        f"same runs (node: `_nodes/stats/process`; Python: this process and its workers):",
        "",
        "| Variant | Runs (parts/s) | Median | Ratio to limit | Node CPU ms/part | Python CPU ms/part "
        "| Peak private memory (RSS) per process | Target ≥ 0.8 |",
        "|---|---|---:|---:|---:|---:|---|---|",
        f"| {limit.name} | {limit.runs_text()} | {fmt_int(limit.median_rate)} | 1.00 "
        f"| {limit.cpu_ms_per_part('es_cpu'):.2f} | {limit.cpu_ms_per_part('py_cpu'):.2f} | | |",
    ]
    for variant in pipes.values():
        ratio = median(variant.ratios(limit))
        last = variant.runs[-1]
        memory = ", ".join(
            f"{mib(u)} ({mib(r)})" for u, r in zip(last.worker_uss, last.worker_rss, strict=True)
        )
        lines.append(
            f"| {variant.name} | {variant.runs_text()} | {fmt_int(variant.median_rate)} | **{ratio:.2f}** "
            f"| {variant.cpu_ms_per_part('es_cpu'):.2f} | {variant.cpu_ms_per_part('py_cpu'):.2f} "
            f"| {memory} | {'PASS' if ratio >= TARGET_RATIO else 'FAIL'} |"
        )
    return lines


def size_and_cpu(
    limit: Variant, pipes: dict[int, Variant], parts: int, sizes: tuple[int, int, int, int]
) -> list[str]:
    size_loaded, segments_loaded, size_merged, segments_merged = sizes
    node_ms = limit.cpu_ms_per_part("es_cpu")
    fastest = max(pipes.values(), key=lambda v: v.median_rate)
    py_ms = fastest.cpu_ms_per_part("py_cpu")
    cores = os.cpu_count() or 1
    target_rate = TARGET_RATIO * limit.median_rate
    budget = cores * 1000 / target_rate - node_ms
    return [
        "",
        f"- Index size on disk: {mib(size_loaded)} as loaded ({segments_loaded} segments) = "
        f"**{mib(size_loaded / parts * 1e6)} per million parts**; {mib(size_merged)} force-merged "
        f"({segments_merged} segment) = {mib(size_merged / parts * 1e6)} per million parts",
        f"- CPU: the node used {node_ms:.2f} ms per part (limit runs) and the best pipeline ({fastest.name}) "
        f"{py_ms:.2f} ms of Python per part; sharing {cores} cores, the pipeline cannot exceed "
        f"{cores * 1000 / (node_ms + py_ms):,.0f} parts/s (it reached {fmt_int(fastest.median_rate)}). "
        f"0.8 of the limit ({fmt_int(target_rate)} parts/s) leaves at most {budget:.2f} ms of Python "
        "per part",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--parts", type=int, default=100_000, help="parts of the main corpus (default 100000)"
    )
    parser.add_argument(
        "--sweep-parts", type=int, default=20_000, help="parts of the chunk-size sweep corpus"
    )
    parser.add_argument("--runs", type=int, default=3, help="rounds of every variant (median reported)")
    parser.add_argument("--workers", default="0,1,2", help="pipeline worker counts (0: inline)")
    parser.add_argument("--chunk-sizes", default="250,500,1000,2000", help="bulk chunk sizes to sweep")
    parser.add_argument("--threads", default="1,2", help="bulk requests in flight to sweep")
    parser.add_argument("--profile", action="store_true", help="profile the pipeline stages (pyinstrument)")
    benchlib.common_options(parser)
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    args.workers_list = [int(x) for x in args.workers.split(",")]
    args.chunks = [int(x) for x in args.chunk_sizes.split(",")]
    args.threads_list = [int(x) for x in args.threads.split(",")]
    if benchlib.corpus_missing():
        return 0
    with benchlib.Node(keep=args.keep_node) as node:
        return bench_main(benchlib.client(node.url), args, benchlib.command_line(__file__, argv))


def bench_main(es: Any, args: argparse.Namespace, command: str) -> int:
    main_path, sweep_path = ensure_corpus(args.parts, args.seed), ensure_corpus(args.sweep_parts, args.seed)
    main_meta, sweep_meta = corpus_meta(main_path), corpus_meta(sweep_path)
    load_start = os.getloadavg()[0]

    print(f"\n== stages (one core, first {STAGE_ARTICLES} articles)")
    stage_parts, stages = stage_times(main_path, STAGE_ARTICLES)
    print_stages(stages)
    profile_path = profile_pipeline(main_path, STAGE_ARTICLES) if args.profile else None
    if profile_path:
        print(f"  profile: {profile_path}")

    bench = Bench(es)
    print("\npreparing the documents for the limit (held in memory) ...", flush=True)
    sweep_docs, main_docs = prepare_all(sweep_path), prepare_all(main_path)
    # Warm-up: JIT, caches, the first index creation.
    bench.limit(sweep_docs[:3000], 2800, 500, 1)
    bench.pipeline(sweep_path, max(args.workers_list), 500, 1)
    print(
        f"\n== sweep: {sweep_meta['parts']:,} parts, chunk sizes {args.chunks}, in flight {args.threads_list}"
    )
    sweep = run_sweep(bench, sweep_docs, sweep_path, sweep_meta["parts"], args)
    limit, pipes, sizes = run_main(bench, main_docs, main_path, main_meta["parts"], sweep, args)

    parts = main_meta["parts"]
    lines = [
        f"- Corpus: `bench/gen_corpus.py --seed {args.seed}`: {parts:,} parts "
        f"({main_meta['articles']:,} articles, one document each); "
        f"sweep corpus {sweep_meta['parts']:,} parts",
        f"- Rounds: {args.runs}, variants interleaved in each; ratios are per round, then the median. "
        f"Load average {load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end "
        "(other work shares the machine)",
        "",
        *stage_table(stages, stage_parts, STAGE_ARTICLES),
    ]
    if profile_path:
        lines += [f"Profile (pyinstrument): `{profile_path}` (not committed).", ""]
    lines += sweep_table(sweep, sweep_meta["parts"], args)
    lines += main_table(limit, pipes, parts) + size_and_cpu(limit, pipes, parts, sizes)
    print("\n" + "\n".join(lines))
    if not args.no_record:
        benchlib.record_section("bench_index", es, "pipeline workers are processes (fork)", command, lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
