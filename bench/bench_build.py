"""Build the persistent bench index ``bench-parts-<N>-s<seed>`` that ``bench_query`` and
``bench_load`` search, and record how long indexing N parts took.

Why this exists: issue 7 asks how long a corpus of 100,000 or 1,000,000 parts takes to index and
how much disk and memory it needs; the latency and throughput benchmarks need that index built once
and reused. The generated corpus (``bench/gen_corpus.py``) goes through the one loader
(``service.indexing.loader.load``) with a 2-worker pipeline into a fresh index set up as a reindex
does; the alias points at it only when it is complete.

Usage (from the project root; the node is started on ES_PORT, default 9260, unless ES_URL is set)::

    .venv/bin/python bench/bench_build.py --parts 1000000 [--force] [--no-record]

(Sections recorded before issue 13 call this ``bench_index --build``.) Results are appended to
``docs/benchmarks.md`` unless ``--no-record``. Without ``../shared/data/corpus`` it says so and exits 0.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import benchlib
from benchlib import DEFAULT_SEED, RssSampler, bench_alias, fmt_int, index_stats, mib
from gen_corpus import corpus_meta, ensure_corpus

from service.es import load_index_definition, mapping_version
from service.indexing.loader import load
from service.indexing.pipeline import Pipeline


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


def existing_build(es: Any, alias: str, parts: int) -> Build | None:
    """The complete index behind ``alias`` in this mapping version, or None."""
    if not es.indices.exists_alias(name=alias):
        return None
    index = next(iter(es.indices.get_alias(name=alias).body))
    meta = es.indices.get_mapping(index=index).body[index]["mappings"].get("_meta", {})
    if meta.get("version") != mapping_version(load_index_definition()):
        return None
    nested = {"parts": {"nested": {"path": "parts"}}}
    if es.search(index=alias, size=0, aggs=nested)["aggregations"]["parts"]["doc_count"] != parts:
        return None
    docs, size, segments = index_stats(es, index)
    return Build(alias, index, parts, docs, None, size, segments)


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
    alias = bench_alias(parts, seed)
    found = None if force else existing_build(es, alias, parts)
    if found is not None:
        return found
    path = ensure_corpus(parts, seed)
    for old in es.indices.get(index=f"{alias}-*", allow_no_indices=True).body:
        es.indices.delete(index=old)
    index = benchlib.create_load_index(es, f"{alias}-{time.strftime('%Y%m%d%H%M%S')}")
    print(
        f"indexing {parts:,} parts into {index} (workers {workers}, chunk {chunk_size}, {threads} in flight)"
    )
    started = time.perf_counter()
    done = [0]

    def progress(n: int) -> None:
        if n - done[0] >= 10_000:
            done[0] = n
            print(f"  {n:,} documents, {time.perf_counter() - started:,.0f} s", flush=True)

    with Pipeline(index, workers=workers) as pipeline:
        pids = [*pipeline.worker_pids(), os.getpid()]
        with RssSampler(pids) as sampler:
            summary = load(
                es,
                [path],
                index,
                pipeline=pipeline,
                fresh_index=True,
                chunk_size=chunk_size,
                threads=threads,
                refresh=False,
                on_batch=progress,
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


def build_lines(build: Build, articles: int, chunk: int, threads: int, load_start: float) -> list[str]:
    assert build.seconds is not None
    return [
        f"- Built: `{build.index}` (alias `{build.alias}`): {articles:,} articles, {build.parts:,} "
        f"parts, {build.documents:,} documents",
        f"- Time: **{build.seconds / 60:,.1f} min** ({build.seconds:,.0f} s), "
        f"{fmt_int(build.parts / build.seconds)} parts/s; "
        f"pipeline with 2 workers, chunk {chunk}, {threads} bulk requests in flight",
        f"- On disk: {mib(build.store_bytes)} in {build.segments} segments (as loaded, not merged), "
        f"{mib(build.store_bytes / build.parts * 1e6)} per million parts",
        "- Peak memory, RSS (private): "
        + ", ".join(f"worker {mib(r)} ({mib(u)})" for r, u in build.memory[:-1])
        + f", main process {mib(build.memory[-1][0])} ({mib(build.memory[-1][1])})",
        f"- Load average at start: {load_start:.1f}",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parts", type=int, required=True, help="parts of the bench index (e.g. 1000000)")
    parser.add_argument("--chunk", type=int, default=500, help="bulk chunk size (default 500)")
    parser.add_argument("--threads", type=int, default=2, help="bulk requests in flight (default 2)")
    parser.add_argument("--force", action="store_true", help="rebuild even if complete")
    benchlib.common_options(parser)
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    if benchlib.corpus_missing():
        return 0
    with benchlib.Node(keep=args.keep_node) as node:
        es = benchlib.client(node.url)
        meta = corpus_meta(ensure_corpus(args.parts, args.seed))
        load_start = os.getloadavg()[0]
        build = ensure_bench_index(
            es, args.parts, args.seed, chunk_size=args.chunk, threads=args.threads, force=args.force
        )
        if build.seconds is None:
            print(f"{build.alias} → {build.index} is complete ({build.parts:,} parts); --force rebuilds it")
            return 0
        lines = build_lines(build, meta["articles"], args.chunk, args.threads, load_start)
        print("\n".join(lines))
        if not args.no_record:
            corpus = [f"- Corpus: `bench/gen_corpus.py --parts {args.parts} --seed {args.seed}`"]
            command = benchlib.command_line(__file__, argv)
            benchlib.record_section(
                "bench_build", es, "pipeline with 2 worker processes", command, corpus + lines
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
