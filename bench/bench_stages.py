"""Benchmark: the indexing pipeline's stages, timed one by one on one core, and (``--profile``)
profiled with pyinstrument.

Why this exists: issue 7 asks where the pipeline's time goes before anything reaches Elasticsearch.
Over the first ``--articles`` articles of the generated corpus (``bench/gen_corpus.py``), inline:
JSON decode, schema check, parse and normalise, entity extraction, documents, JSON encode for bulk
(the action line and the document, with the client's own serializer, orjson, as the bulk helper
calls it; until issue 20 this stage timed ``json.dumps``), each in µs per part. ``bench_index``
records the same table beside its rates; this script only prints it (no node is needed).
pyinstrument is not a project requirement (``.venv/bin/pip install pyinstrument``).

Usage (from the project root)::

    .venv/bin/python bench/bench_stages.py [--parts 100000] [--articles 1000] [--profile]

Without ``../shared/data/corpus`` it says so and exits 0.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from itertools import islice
from pathlib import Path

import benchlib
from benchlib import BENCH_DIR, DEFAULT_SEED, ROOT
from elasticsearch import Elasticsearch
from gen_corpus import ensure_corpus
from jsonschema.exceptions import best_match

from service.config import Settings
from service.indexing.documents import article_document
from service.indexing.extraction import default_extractor, extract_entities
from service.indexing.pipeline import prepare
from service.ingest.sources import article_from_record, raw_records, record_validator

STAGE_ARTICLES = 1000  # articles timed stage by stage (and profiled)


def bulk_serializer():
    """The serializer the service's client encodes bulk bodies with (what ``helpers.bulk`` asks
    the transport for), from the client the service builds; nothing is connected."""
    client = Elasticsearch(**Settings().client_options())
    return client.transport.serializers.get_serializer("application/json")


def stage_times(path: Path, articles: int) -> tuple[int, list[tuple[str, float]]]:
    """Microseconds per part of each pipeline stage, inline on one core, over the first articles."""
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
    docs = [article_document(a, e) for a, e in zip(parsed, entities, strict=True)]
    # The bulk helper encodes each action line and document with the client's JSON serializer
    # (orjson, service/config.py), not json.dumps: time that one, on both lines.
    serializer = bulk_serializer()
    t5 = clock()
    for doc in docs:
        serializer.dumps({"index": {"_index": "bench", "_id": doc["_id"]}})
        serializer.dumps({k: v for k, v in doc.items() if k != "_id"})
    t6 = clock()
    parts = sum(len(a.parts) for a in parsed)
    stages = [
        ("JSON decode", t1 - t0),
        ("schema check", t2 - t1),
        ("article_from_record (parse, normalise, credits)", t3 - t2),
        ("extract_entities", t4 - t3),
        ("article_document", t5 - t4),
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
    default_extractor()
    items = list(islice(raw_records([path]), articles))
    profiler = Profiler(interval=0.0005)
    profiler.start()
    prepare(items, "profile")
    profiler.stop()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    out = BENCH_DIR / "profile-index.txt"
    out.write_text(profiler.output_text(unicode=True, color=False, show_all=False))
    (BENCH_DIR / "profile-index.html").write_text(profiler.output_html())
    return str(out.relative_to(ROOT))


def print_stages(stages: list[tuple[str, float]]) -> None:
    total_us = sum(us for _, us in stages)
    for name, us in stages:
        print(f"  {name:50s} {us:8.1f} µs/part  {us / total_us:6.1%}")
    print(f"  {'total':50s} {total_us:8.1f} µs/part  → {1e6 / total_us:,.0f} parts/s on one core")


def stage_table(stages: list[tuple[str, float]], parts: int, articles: int) -> list[str]:
    """The stages as a markdown table (what ``bench_index`` records)."""
    total_us = sum(us for _, us in stages)
    lines = [
        f"Stages of the pipeline, inline on one core (first {articles:,} articles, {parts:,} parts):",
        "",
        "| Stage | µs/part | Share |",
        "|---|---:|---:|",
    ]
    lines += [f"| {name} | {us:,.1f} | {us / total_us:.0%} |" for name, us in stages]
    return [*lines, f"| **total** | **{total_us:,.0f}** | {1e6 / total_us:,.0f} parts/s on one core |", ""]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parts", type=int, default=100_000, help="parts of the generated corpus")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--articles", type=int, default=STAGE_ARTICLES, help="articles timed (default 1000)")
    parser.add_argument("--profile", action="store_true", help="profile the stages (pyinstrument)")
    args = parser.parse_args(argv)
    if benchlib.corpus_missing():
        return 0
    path = ensure_corpus(args.parts, args.seed)
    parts, stages = stage_times(path, args.articles)
    print(f"stages, one core, first {args.articles:,} articles ({parts:,} parts):")
    print_stages(stages)
    profile_path = profile_pipeline(path, args.articles) if args.profile else None
    if profile_path:
        print(f"  profile: {profile_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
