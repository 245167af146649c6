"""Benchmark: search latency of the API, side by side with the same Elasticsearch request sent
directly, at 100,000 and 1,000,000 parts.

Why this exists: issue 7 asks what the service adds on top of Elasticsearch and how latency grows
with the data. For a fixed query mix (one word, two words, a phrase, one facet filter, two facet
filters, a date range, entity-only browsing; three queries each) every query is timed twice per
round:

* *direct*: the ``msearch`` the read side's entry point would send (``ArticleSearch(...).query(req)``:
  the hits and the counts, with the app's ``DateExtent`` of the index, built before timing), sent
  with the application's own client, then the page's near-duplicate groups' count when it is asked
  (``ArticleSearch.count_similar``);
* *API*: ``GET /api/search`` through the Flask app's test client: argument parsing, the same
  request, shaping the results, JSON.

Targets: API p50 ≤ 1.2 × direct p50 + 5 ms (per query type and overall); the mix's p50 at
1,000,000 parts ≤ 1.6 × its p50 at 100,000 parts (issue 17; issue 7 asked for 2 ×). The node's
request cache is off for both paths (the app's ``request_cache=False``, and the direct ``msearch``'s
headers): every round repeats the same queries, and this measures what a query costs, not a cache
hit (``bench_load`` measures the cache, on a modelled query log). The indices are the generated corpora
(``bench/gen_corpus.py``) built by ``bench/bench_build.py --parts N`` (built here when absent).
The machine is noisy, so each round interleaves both paths and both sizes query by query (the
order alternates between rounds), and every ratio is taken within this one run. ``--profile``
profiles the API path with pyinstrument (``.venv/bin/pip install pyinstrument``; not a project
requirement).

Usage (from the project root; the node is started on ES_PORT, default 9260, unless ES_URL is set)::

    .venv/bin/python bench/bench_query.py [--parts 100000,1000000] [--rounds 20] [--profile] [--no-record]

Results are appended to ``docs/benchmarks.md`` unless ``--no-record``. Without
``../shared/data/corpus`` it says so and exits 0.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import benchlib
from bench_build import ensure_bench_index
from benchlib import BENCH_DIR, QUERY_MIX, ROOT, fmt_ms, median, parts_label, percentile
from werkzeug.datastructures import MultiDict

from service import create_app
from service.config import Settings
from service.search.parser import parse_search_args
from service.search.searching import ArticleSearch

TARGET_FACTOR, TARGET_PLUS = 1.2, 0.005  # API p50 <= 1.2 x direct p50 + 5 ms
GROWTH_TARGET = 1.6


@dataclass
class Query:
    category: str
    args: list[tuple[str, str]]
    body: list[dict[str, Any]] = field(default_factory=list)  # the msearch: headers and bodies
    req: Any = None  # the parsed request (for the near-duplicate groups' follow-up count)
    hits: int = 0
    direct: list[float] = field(default_factory=list)
    api: list[float] = field(default_factory=list)

    @property
    def url(self) -> str:
        return "/api/search?" + urlencode(self.args)


@dataclass
class Target:
    parts: int
    alias: str
    app: Any
    client: Any  # Flask test client
    es: Any  # the app's Elasticsearch client
    queries: list[Query]
    search: Any = None  # the read side's ArticleSearch on the app's client


def make_target(url: str, parts: int, seed: int) -> Target:
    es_admin = benchlib.client(url, timeout=600)
    build = ensure_bench_index(es_admin, parts, seed)
    if build.seconds is not None:
        print(f"built {build.alias} in {build.seconds:,.0f} s")
    settings = Settings(es_url=url, es_index=build.alias, es_request_timeout=30.0, request_cache=False)
    app = create_app(settings)
    es = app.extensions["elasticsearch"]
    search = ArticleSearch(es, build.alias, app.extensions["date_extent"], cache=False)
    queries = []
    for category, mix in QUERY_MIX.items():
        for args in mix:
            req = parse_search_args(MultiDict(args))
            _, body = search.query(req)
            queries.append(Query(category, args, body, req))
    return Target(parts, build.alias, app, app.test_client(), es, queries, search)


def time_direct(target: Target, query: Query) -> float:
    started = time.perf_counter()
    response = target.search.send(query.body)
    target.search.count_similar(query.req, response, None)
    elapsed = time.perf_counter() - started
    query.hits = response["hits"]["total"]["value"]
    return elapsed


def time_api(target: Target, query: Query) -> float:
    started = time.perf_counter()
    response = target.client.get(query.url)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(
            f"{query.url} answered {response.status_code}: {response.get_data(as_text=True)[:300]}"
        )
    return elapsed


def run_rounds(targets: list[Target], rounds: int, warmup: int) -> None:
    """Every query, both paths, every size, interleaved; the order flips each round."""
    for number in range(warmup + rounds):
        record = number >= warmup
        for i in range(len(targets[0].queries)):
            steps = [(t, t.queries[i], kind) for t in targets for kind in ("direct", "api")]
            if number % 2:
                steps.reverse()
            for target, query, kind in steps:
                elapsed = time_direct(target, query) if kind == "direct" else time_api(target, query)
                if record:
                    (query.direct if kind == "direct" else query.api).append(elapsed)
        if record and (number - warmup + 1) % 10 == 0:
            print(f"  {number - warmup + 1} rounds", flush=True)


def profile_api(target: Target, rounds: int = 5) -> str | None:
    try:
        from pyinstrument import Profiler
    except ImportError:
        print("pyinstrument is not installed (.venv/bin/pip install pyinstrument): no profile")
        return None
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(rounds):
        for query in target.queries:
            target.client.get(query.url)
    profiler.stop()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    out = BENCH_DIR / f"profile-query-{parts_label(target.parts)}.txt"
    out.write_text(profiler.output_text(unicode=True, color=False))
    (out.with_suffix(".html")).write_text(profiler.output_html())
    return str(out.relative_to(ROOT))


def samples(queries: list[Query], kind: str) -> list[float]:
    return [x for q in queries for x in getattr(q, kind)]


def by_category(target: Target) -> dict[str, list[Query]]:
    groups: dict[str, list[Query]] = {}
    for query in target.queries:
        groups.setdefault(query.category, []).append(query)
    groups["all (the mix)"] = target.queries
    return groups


def latency_table(target: Target) -> tuple[list[str], bool]:
    lines = [
        f"Latency at {target.parts:,} parts (`{target.alias}`), ms; "
        "target API p50 ≤ 1.2 × direct p50 + 5 ms:",
        "",
        "| Query type | Articles found | Direct p50 | Direct p99 | API p50 | API p99 | API p50 − direct p50 "
        "| Allowed API p50 | Target |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    passed = True
    for category, queries in by_category(target).items():
        direct, api = samples(queries, "direct"), samples(queries, "api")
        d50, a50 = percentile(direct, 50), percentile(api, 50)
        allowed = TARGET_FACTOR * d50 + TARGET_PLUS
        ok = a50 <= allowed
        passed &= ok
        hits = "" if category.startswith("all") else ", ".join(f"{q.hits:,}" for q in queries)
        lines.append(
            f"| {category} | {hits} | {fmt_ms(d50)} | {fmt_ms(percentile(direct, 99))} | {fmt_ms(a50)} "
            f"| {fmt_ms(percentile(api, 99))} | {fmt_ms(a50 - d50)} | {fmt_ms(allowed)} | "
            f"{'PASS' if ok else 'FAIL'} |"
        )
    return lines, passed


def growth_table(small: Target, large: Target) -> list[str]:
    lines = [
        f"Growth, {small.parts:,} → {large.parts:,} parts ({large.parts / small.parts:.0f}× the data), "
        f"p50 ms; target ≤ {GROWTH_TARGET:.1f}× slower:",
        "",
        f"| Query type | API {parts_label(small.parts)} | API {parts_label(large.parts)} | API ratio "
        f"| Direct {parts_label(small.parts)} | Direct {parts_label(large.parts)} | Direct ratio | Target |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    small_groups, large_groups = by_category(small), by_category(large)
    for category, queries in small_groups.items():
        big = large_groups[category]
        a_s, a_l = percentile(samples(queries, "api"), 50), percentile(samples(big, "api"), 50)
        d_s, d_l = percentile(samples(queries, "direct"), 50), percentile(samples(big, "direct"), 50)
        ratio = a_l / a_s
        lines.append(
            f"| {category} | {fmt_ms(a_s)} | {fmt_ms(a_l)} | **{ratio:.2f}** | {fmt_ms(d_s)} | {fmt_ms(d_l)} "
            f"| {d_l / d_s:.2f} | {'PASS' if ratio <= GROWTH_TARGET else 'FAIL'} |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parts", default="100000,1000000", help="index sizes in parts (comma-separated)")
    parser.add_argument("--rounds", type=int, default=20, help="timed rounds of the mix (default 20)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed rounds first (default 3)")
    parser.add_argument("--profile", action="store_true", help="profile the API path (pyinstrument)")
    benchlib.common_options(parser)
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    sizes = sorted(int(x) for x in args.parts.split(","))
    if benchlib.corpus_missing():
        return 0
    with benchlib.Node(keep=args.keep_node) as node:
        targets = [make_target(node.url, parts, args.seed) for parts in sizes]
        n = len(targets[0].queries)
        print(f"{len(targets)} index(es), {n} queries, {args.rounds} rounds (+{args.warmup} warm-up)")
        run_rounds(targets, args.rounds, args.warmup)
        profiles = [p for p in (profile_api(t) for t in targets) if p] if args.profile else []
        lines: list[str] = []
        for target in targets:
            table, _ = latency_table(target)
            lines += ["", *table]
        if len(targets) > 1:
            lines += ["", *growth_table(targets[0], targets[-1])]
        overhead = [
            median(a - d for q in t.queries for a, d in zip(q.api, q.direct, strict=True)) for t in targets
        ]
        lines += [
            "",
            "- Paired API − direct difference (median over all queries): "
            + ", ".join(
                f"{fmt_ms(o)} ms at {t.parts:,} parts" for o, t in zip(overhead, targets, strict=True)
            ),
        ]
        if profiles:
            lines.append(f"- Profiles (pyinstrument, API path): {', '.join(f'`{p}`' for p in profiles)}")
        print("\n".join(lines))
        if not args.no_record:
            mix = (
                f"- Mix: {n} queries ({', '.join(QUERY_MIX)}; three each), {args.rounds} rounds after "
                f"{args.warmup} warm-up; paths and sizes interleaved query by query"
            )
            command = benchlib.command_line(__file__, argv)
            extra = "Flask test client in this process"
            benchlib.record_section("bench_query", targets[0].es, extra, command, [mix, *lines])
    return 0


if __name__ == "__main__":
    sys.exit(main())
