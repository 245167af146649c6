"""Measure retrieval quality on Hebrew questions (HeQ) against a plain Elasticsearch baseline.

    python bench/eval_retrieval.py [--qrels ...] [--passages ...] [--corpus DIR] [--corpus-limit N]

Indexes the HeQ news passages as articles together with the corpus as distractors, through the
service's own pipeline (parse, normalise, entities, reindex), and asks every answerable question
through the same code path as /api/search (``run_search``). The baseline indexes the same documents
with Elasticsearch's ``standard`` analyzer, one document per article, and asks a plain
``multi_match`` over title and text. Both are scored in the same run: MRR@10, Recall@1 and
Recall@10 of the gold passage. The last line printed is one JSON object.

Elasticsearch: ES_URL, or the local development node on 127.0.0.1:9200 (ES_PORT; started with
scripts/elasticsearch.sh when it does not answer, and left running for ``--reuse``). Data is read
from ../shared/data at run time; the script exits 0 with a clear message when it is absent.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import benchlib
from benchlib import SHARED_DATA as DATA
from elasticsearch import Elasticsearch, helpers
from werkzeug.datastructures import MultiDict

from service.config import Settings
from service.es import make_client
from service.indexing.reindex import reindex
from service.ingest.corpus import as_record, corpus_records
from service.ingest.sources import BadRecord, article_from_record
from service.model import Article
from service.search.dates import DateExtent
from service.search.parser import parse_search_args
from service.search.searching import run_search

ALIAS = "eval-heq"
BASELINE = "eval-heq-baseline"
TARGET_GAIN = 0.15


def records(passages: Path, corpus: Path | None, limit: int | None) -> Iterator[dict]:
    seen: set[str] = set()
    with open(passages, encoding="utf-8") as f:
        for line in f:
            p = json.loads(line)
            seen.add(p["passage_id"])
            yield as_record(p["passage_id"], p.get("title", ""), p["text"], p.get("source", ""), "")
    if corpus is not None:
        for d in corpus_records(corpus, limit):
            if d["doc_id"] not in seen:
                seen.add(d["doc_id"])
                yield as_record(
                    d["doc_id"],
                    d.get("title", ""),
                    d.get("text", ""),
                    d.get("source", ""),
                    d.get("date") or "",
                )


def articles(recs: Iterator[dict]) -> Iterator[Article]:
    for record in recs:
        try:
            yield article_from_record(record, allow_undated=True)
        except BadRecord:
            continue


def build_baseline(es: Elasticsearch, recs: Iterator[dict]) -> None:
    if es.indices.exists(index=BASELINE):
        es.indices.delete(index=BASELINE)
    es.indices.create(
        index=BASELINE,
        settings={"number_of_shards": 1, "number_of_replicas": 0, "refresh_interval": "-1"},
        mappings={
            "properties": {
                "title": {"type": "text", "analyzer": "standard"},
                "text": {"type": "text", "analyzer": "standard"},
            }
        },
    )
    actions = ({"_index": BASELINE, "_id": r["id"], "title": r["title"], "text": r["body"]} for r in recs)
    for ok, info in helpers.streaming_bulk(es, actions, chunk_size=1000, raise_on_error=False):
        if not ok:
            print(f"baseline refused {info}", file=sys.stderr)
    es.indices.put_settings(index=BASELINE, settings={"index": {"refresh_interval": None}})
    es.indices.refresh(index=BASELINE)


def scores(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks)
    return {
        "mrr@10": round(sum(1 / r for r in ranks if r) / n, 4),
        "recall@1": round(sum(1 for r in ranks if r == 1) / n, 4),
        "recall@10": round(sum(1 for r in ranks if r) / n, 4),
    }


def compare(ranks: dict[str, int | None], earlier_file: Path) -> str:
    """How this run's ranks differ from an earlier run's: misses (not in the top ten) fixed and lost,
    and questions ranked higher or lower."""
    with open(earlier_file, encoding="utf-8") as f:
        earlier = {r["q"]: r["rank"] for r in map(json.loads, f)}
    both = [(earlier[k], r) for k, r in ranks.items() if k in earlier]
    fixed = sum(1 for a, b in both if a is None and b is not None)
    lost = sum(1 for a, b in both if a is not None and b is None)
    up = sum(1 for a, b in both if a and b and b < a)
    down = sum(1 for a, b in both if a and b and b > a)
    misses = sum(1 for a, _ in both if a is None)
    return (
        f"against {earlier_file.name} ({len(both)} questions, {misses} misses there): "
        f"{fixed} misses fixed, {lost} lost; {up} ranked higher, {down} lower"
    )


def rank_of(gold: str, ids: list[str]) -> int | None:
    return ids.index(gold) + 1 if gold in ids[:10] else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--qrels", type=Path, default=DATA / "heq_news_val_qrels.jsonl")
    parser.add_argument("--passages", type=Path, default=DATA / "heq_news_passages.jsonl")
    parser.add_argument(
        "--corpus", type=Path, default=DATA / "corpus", help="folder of .jsonl.gz, or one file"
    )
    parser.add_argument("--corpus-limit", type=int, default=None, help="distractors to index (default: all)")
    parser.add_argument("--no-corpus", action="store_true", help="index the passages only")
    parser.add_argument("--reuse", action="store_true", help="search the indices of an earlier run")
    parser.add_argument("--no-record", action="store_true", help="do not append to docs/benchmarks.md")
    parser.add_argument("--ranks", type=Path, help="write each question's rank (JSON Lines) to this file")
    parser.add_argument("--compare", type=Path, help="count questions fixed and lost against a --ranks file")
    args = parser.parse_args()
    for path in (args.qrels, args.passages) + (() if args.no_corpus else (args.corpus,)):
        if not path.exists():
            print(f"skipped: {path} not found (the evaluation data lives in ../shared/data)")
            return 0
    corpus = None if args.no_corpus else args.corpus

    es_url = benchlib.Node(keep=True, default_port=9200).open()
    es = make_client(Settings(es_url=es_url, es_request_timeout=60))
    started = time.perf_counter()
    if not args.reuse:
        result = reindex(
            es, ALIAS, articles(records(args.passages, corpus, args.corpus_limit)), chunk_size=1000
        )
        print(
            f"indexed {result.summary.articles} articles ({result.summary.documents} documents) "
            f"in {result.summary.seconds:.0f}s",
            file=sys.stderr,
        )
        build_baseline(es, records(args.passages, corpus, args.corpus_limit))
    indexing_seconds = time.perf_counter() - started

    with open(args.qrels, encoding="utf-8") as f:
        questions = [q for q in map(json.loads, f) if q.get("answerable", True)]
    extent = DateExtent()
    ours: list[int | None] = []
    base: list[int | None] = []
    ours_ms: list[float] = []
    base_ms: list[float] = []
    for q in questions:
        t = time.perf_counter()
        found = run_search(
            es, ALIAS, parse_search_args(MultiDict({"q": q["question"][:500], "size": "10"})), extent
        )
        ours_ms.append((time.perf_counter() - t) * 1000)
        ours.append(rank_of(q["passage_id"], [r["article_id"] for r in found["results"]]))
        t = time.perf_counter()
        hits = es.search(
            index=BASELINE,
            size=10,
            query={"multi_match": {"query": q["question"], "fields": ["title", "text"]}},
        )
        base_ms.append((time.perf_counter() - t) * 1000)
        base.append(rank_of(q["passage_id"], [h["_id"] for h in hits["hits"]["hits"]]))

    ranks = {q.get("qid") or q["question"]: r for q, r in zip(questions, ours, strict=True)}
    if args.ranks:
        args.ranks.write_text(
            "".join(json.dumps({"q": k, "rank": r}, ensure_ascii=False) + "\n" for k, r in ranks.items())
        )
    if args.compare:
        print(compare(ranks, args.compare))
    ours_s, base_s = scores(ours), scores(base)
    gain = ours_s["mrr@10"] / base_s["mrr@10"] - 1 if base_s["mrr@10"] else 0.0
    print(f"questions: {len(questions)} answerable; index built in {indexing_seconds:.0f}s")
    print(f"{'':10}{'MRR@10':>10}{'R@1':>8}{'R@10':>8}{'p50 ms':>9}")
    print(
        f"{'service':10}{ours_s['mrr@10']:>10.3f}{ours_s['recall@1']:>8.3f}{ours_s['recall@10']:>8.3f}"
        f"{statistics.median(ours_ms):>9.1f}"
    )
    print(
        f"{'baseline':10}{base_s['mrr@10']:>10.3f}{base_s['recall@1']:>8.3f}{base_s['recall@10']:>8.3f}"
        f"{statistics.median(base_ms):>9.1f}"
    )
    verdict = "PASS" if gain >= TARGET_GAIN else "FAIL"
    print(f"MRR@10 gain over the baseline: {gain:+.1%} (target +{TARGET_GAIN:.0%}): {verdict}")
    summary = {
        "questions": len(questions),
        "distractors": "none" if corpus is None else (args.corpus_limit or "all"),
        "service": ours_s,
        "baseline": base_s,
        "mrr_gain": round(gain, 4),
        "target_gain": TARGET_GAIN,
        "p50_ms": {
            "service": round(statistics.median(ours_ms), 1),
            "baseline": round(statistics.median(base_ms), 1),
        },
    }
    if not args.no_record:
        record(summary, sys.argv[1:])
    print(json.dumps(summary, ensure_ascii=False))
    return 0


def record(summary: dict, argv: list[str]) -> None:
    s, b = summary["service"], summary["baseline"]
    lines = [
        f"- {summary['questions']} answerable HeQ questions; distractors: {summary['distractors']}",
        "",
        "| | MRR@10 | Recall@1 | Recall@10 | p50 ms |",
        "|---|---:|---:|---:|---:|",
        f"| service (/api/search code path) | {s['mrr@10']:.3f} | {s['recall@1']:.3f} "
        f"| {s['recall@10']:.3f} | {summary['p50_ms']['service']} |",
        f"| baseline (standard analyzer, multi_match) | {b['mrr@10']:.3f} | {b['recall@1']:.3f} "
        f"| {b['recall@10']:.3f} | {summary['p50_ms']['baseline']} |",
        "",
        f"MRR@10 gain: {summary['mrr_gain']:+.1%} (target +{TARGET_GAIN:.0%}).",
    ]
    benchlib.record_section("eval_retrieval", None, "", benchlib.command_line(__file__, argv), lines)


if __name__ == "__main__":
    sys.exit(main())
