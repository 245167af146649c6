"""Check: the numbers the search page shows equal the totals their clicks give, on the bench index.

Why this exists: issue 17 asks for exact facet counts at 1,000,000 parts ("no ≈ that a click
contradicts"). For ``--pairs`` random (query, facet value) pairs, seeded: a query drawn from the
modelled query log (``benchlib.zipf_query_log``: browsing, frequent words and entities, two-word
searches) and the fixed mix of ``bench_query``, asked through the API (``GET /api/search``, Flask
test client); one of the facet values it shows, at random; then the same query with that value
selected. The value's count must equal the clicked total, and the clicked date histogram must add up
to that total. Facets are disjunctive (OR within a facet, each facet counted without its own
selection), so a value of a facet that already has a selection shows its own articles, not the
union a click would give: such a value is checked selected alone in its facet (other facets' values
kept). Every mismatch is listed.

Usage (from the project root; the node is started on ES_PORT, default 9260, unless ES_URL is set)::

    .venv/bin/python bench/check_facets.py [--parts 1000000] [--pairs 50] [--no-record]

Results are appended to ``docs/benchmarks.md`` unless ``--no-record``. Without
``../shared/data/corpus`` it says so and exits 0.
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

import benchlib
from benchlib import QUERY_MIX

from service import create_app
from service.config import Settings
from service.model import ENTITY_TYPES


@dataclass
class Pair:
    args: list[tuple[str, str]]
    facet: str
    value: str
    name: str
    shown: int
    clicked: int
    histogram: int

    @property
    def exact(self) -> bool:
        return self.shown == self.clicked == self.histogram


def candidate_queries(es, alias: str, seed: int) -> list[list[tuple[str, str]]]:
    """The queries the pairs are drawn from: the modelled log's distinct searches and the fixed mix."""
    log = benchlib.zipf_query_log(es, alias, 2000, seed)
    distinct = list(dict.fromkeys(log))
    return [parse_qsl(urlsplit(p).query, keep_blank_values=True) for p in distinct] + [
        list(args) for mix in QUERY_MIX.values() for args in mix
    ]


def check(client, queries: list[list[tuple[str, str]]], pairs: int, seed: int) -> list[Pair]:
    rng = random.Random(seed)
    checked: list[Pair] = []
    while len(checked) < pairs:
        args = rng.choice(queries)
        shown = client.get("/api/search", query_string=args).get_json()
        offered = [
            (t, v) for t in ENTITY_TYPES for v in shown["facets"][t] if not v["selected"] and v["count"]
        ]
        if not offered:
            continue
        facet, value = rng.choice(offered)
        others = [(k, v) for k, v in args if k != facet]
        clicked = client.get("/api/search", query_string=[*others, (facet, value["id"])]).get_json()
        histogram = sum(b["count"] for b in clicked["dates"]["buckets"])
        checked.append(
            Pair(args, facet, value["id"], value["name"], value["count"], clicked["total"], histogram)
        )
    return checked


def report(checked: list[Pair], alias: str) -> list[str]:
    wrong = [p for p in checked if not p.exact]
    lines = [
        f"- Index: `{alias}`; {len(checked)} (query, value) pairs through `GET /api/search`",
        f"- **{len(checked) - len(wrong)} of {len(checked)}** shown counts equal the clicked total "
        "(and the clicked date histogram's sum)",
        "",
        "| query | facet value | shown | clicked total | histogram sum |",
        "|---|---|---:|---:|---:|",
    ]
    for p in sorted(checked, key=lambda p: (p.exact, -p.shown))[:12]:
        query = "&".join(f"{k}={v}" for k, v in p.args) or "(browse)"
        lines.append(f"| `{query}` | {p.name} | {p.shown:,} | {p.clicked:,} | {p.histogram:,} |")
    if len(checked) > 12:
        lines.append(f"| … {len(checked) - 12} more pairs | | | | |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parts", type=int, default=1_000_000, help="bench index size in parts")
    parser.add_argument("--pairs", type=int, default=50, help="(query, value) pairs (default 50)")
    benchlib.common_options(parser)
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    if benchlib.corpus_missing():
        return 0
    from bench_build import ensure_bench_index

    with benchlib.Node(keep=args.keep_node) as node:
        es = benchlib.client(node.url, timeout=600)
        build = ensure_bench_index(es, args.parts, args.seed)
        app = create_app(Settings(es_url=node.url, es_index=build.alias, es_request_timeout=60.0))
        queries = candidate_queries(es, build.alias, args.seed)
        checked = check(app.test_client(), queries, args.pairs, args.seed)
        lines = report(checked, build.alias)
        print("\n".join(lines))
        if not args.no_record:
            command = benchlib.command_line(__file__, argv)
            benchlib.record_section("check_facets", es, "Flask test client in this process", command, lines)
    return 0 if all(p.exact for p in checked) else 1


if __name__ == "__main__":
    sys.exit(main())
