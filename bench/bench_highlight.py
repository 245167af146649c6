"""Benchmark: what ``index_options: offsets`` on ``parts.text`` buys the highlighted search, and costs
on disk.

Why this exists: issue 17 asks for highlighting that stays cheap at scale, with offsets or term
vectors "where the measurement says so". Without offsets in the postings the unified highlighter
re-analyses each returned part's text (two analyzers, since it merges the exact and ``.stem``
matches); with them it reads the offsets from the index. This copies the bench index (``bench/
bench_build.py --parts N``) into one whose mapping lacks the offsets, force-merges both to one
segment, and times the text queries of the fixed mix (``benchlib.QUERY_MIX``) on both, the hits
request the service sends (request cache off; its counts need no highlighting), interleaved, then
the same without highlighting.

Usage (from the project root; the node is started on ES_PORT, default 9260, unless ES_URL is set)::

    .venv/bin/python bench/bench_highlight.py [--parts 100000] [--rounds 20] [--no-record]

Results are appended to ``docs/benchmarks.md`` unless ``--no-record``. Without
``../shared/data/corpus`` it says so and exits 0.
"""

from __future__ import annotations

import argparse
import copy
import sys
import time
from typing import Any

import benchlib
from benchlib import QUERY_MIX, fmt_ms, index_stats, mib, percentile
from werkzeug.datastructures import MultiDict

from service.es import load_index_definition
from service.search.parser import parse_search_args
from service.search.searching import ArticleSearch


def without_offsets() -> dict[str, Any]:
    definition = copy.deepcopy(load_index_definition())
    text = definition["mappings"]["properties"]["parts"]["properties"]["text"]
    text.pop("index_options", None)
    text["fields"]["stem"].pop("index_options", None)
    return definition


def copy_index(es: Any, source: str, target: str) -> None:
    """``source``'s documents into a fresh ``target`` without the offsets (no _reindex on this node)."""
    from elasticsearch import helpers

    es.indices.delete(index=target, ignore_unavailable=True)
    definition = without_offsets()
    es.indices.create(index=target, settings=definition["settings"], mappings=definition["mappings"])
    actions = (
        {"_index": target, "_id": hit["_id"], "_source": hit["_source"]}
        for hit in helpers.scan(es, index=source, query={"query": {"match_all": {}}})
    )
    helpers.bulk(es, actions, chunk_size=200)
    es.indices.refresh(index=target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parts", type=int, default=100_000, help="bench index size in parts")
    parser.add_argument("--rounds", type=int, default=20, help="timed rounds (default 20)")
    benchlib.common_options(parser)
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    if benchlib.corpus_missing():
        return 0
    from bench_build import ensure_bench_index

    with benchlib.Node(keep=args.keep_node) as node:
        es = benchlib.client(node.url, timeout=600)
        build = ensure_bench_index(es, args.parts, args.seed)
        plain = f"{build.alias}-no-offsets"
        copy_index(es, build.alias, plain)
        for index in (build.index, plain):
            es.indices.forcemerge(index=index, max_num_segments=1)
        requests = [
            parse_search_args(MultiDict(a)) for mix in QUERY_MIX.values() for a in mix if dict(a).get("q")
        ]
        bodies = {
            (index, highlight): [_body(es, index, r, highlight) for r in requests]
            for index in (build.alias, plain)
            for highlight in (True, False)
        }
        times: dict[tuple[str, bool], list[float]] = {key: [] for key in bodies}
        for number in range(args.rounds + 2):
            keys = list(bodies) if number % 2 else list(reversed(bodies))
            for i in range(len(requests)):
                for key in keys:
                    started = time.perf_counter()
                    es.search(index=key[0], request_cache=False, **bodies[key][i])
                    if number >= 2:
                        times[key].append(time.perf_counter() - started)
        lines = [
            f"- Index: `{build.alias}` ({build.parts:,} parts) and its copy without offsets, both "
            f"force-merged to one segment; {len(requests)} text queries of the fixed mix, {args.rounds} "
            "rounds after 2 warm-up, interleaved; request cache off",
            "",
            "| parts.text | store | p50 ms, highlighted | p99 | p50 ms, no highlight | p99 |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for label, index in (("offsets", build.alias), ("no offsets", plain)):
            hl, bare = times[(index, True)], times[(index, False)]
            lines.append(
                f"| {label} | {mib(index_stats(es, index)[1])} | {fmt_ms(percentile(hl, 50))} "
                f"| {fmt_ms(percentile(hl, 99))} | {fmt_ms(percentile(bare, 50))} "
                f"| {fmt_ms(percentile(bare, 99))} |"
            )
        es.indices.delete(index=plain)
        print("\n".join(lines))
        if not args.no_record:
            command = benchlib.command_line(__file__, argv)
            benchlib.record_section("bench_highlight", es, "direct requests", command, lines)
    return 0


def _body(es: Any, index: str, req: Any, highlight: bool) -> dict[str, Any]:
    _, (_, body, _, _) = ArticleSearch(es, index).query(req)
    if not highlight:
        body["query"]["bool"]["must"][0]["nested"]["inner_hits"].pop("highlight", None)
    return body


if __name__ == "__main__":
    sys.exit(main())
