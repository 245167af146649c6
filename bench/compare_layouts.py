"""Issue 17: the candidate index layouts, measured side by side on the same data before choosing.

Why this exists: a search over part documents pays for the collapse to articles, a cardinality per
facet value and for the total, and samples its facets (so their counts are approximate). Before
redesigning the index, each candidate is built from the same bench corpus and asked the same
queries on the same node, interleaved query by query:

* ``parts``: today's index (``bench_build.py``) and the service's own request body;
* ``articles`` (a): one document per article whose title, lead, body paragraphs and captions are
  values of (multi-valued) text fields indexed with offsets; every word must be somewhere in the
  article; facets, the histogram and the total count articles directly and exactly; the snippets
  are the highlighter's best fragments of the matching values;
* ``nested`` (b): one document per article with its parts ``nested``; every word must be in one part,
  as today; the best parts come back as ``inner_hits``, highlighted; counts exact as in (a).

Candidate (c), today's parts with cheaper facets, is what the ``parts`` row would become; its
facets stay approximate (a sample) or pay a cardinality per value, which is the cost measured here.
The candidates are built by reading the parts index back (no entity extraction), so the build
times are not indexing rates; their sizes are recorded. The query bodies here are this script's own
sketches of the service's (same words, filters, facets, histogram and snippets), not the service.

Usage (from the project root; the bench node on ES_PORT, default 9260, unless ES_URL is set)::

    .venv/bin/python bench/compare_layouts.py [--parts 100000] [--rounds 15] [--rebuild] [--no-record]

Without ``../shared/data/corpus`` it says so and exits 0.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from datetime import date
from typing import Any

import benchlib
from bench_build import ensure_bench_index
from benchlib import DEFAULT_SEED, QUERY_MIX, ROOT, fmt_ms, median, percentile
from elasticsearch import helpers
from werkzeug.datastructures import MultiDict

from service.model import ENTITY_TYPES
from service.search.dates import DateExtent
from service.search.parser import parse_search_args
from service.search.query import content_words
from service.search.request import SearchRequest
from service.search.searching import ArticleSearch

SETTINGS = json.loads((ROOT / "index_mappings" / "parts.json").read_text(encoding="utf-8"))["settings"]
TEXT = {"type": "text", "analyzer": "he_exact", "fields": {"stem": {"type": "text", "analyzer": "he_stem"}}}
OFFSETS = {
    **TEXT,
    "index_options": "offsets",
    "fields": {"stem": {**TEXT["fields"]["stem"], "index_options": "offsets"}},
}
ROOT_FIELDS = {
    "article_id": {"type": "keyword"},
    "published_at": {"type": "date"},
    "source": {"type": "keyword"},
    "display_title": {"type": "text", "index": False},
    "entity_ids": {"type": "keyword"},
    "entities": {"properties": {t: {"type": "keyword"} for t in (*ENTITY_TYPES, "credit")}},
}
ARTICLE_FIELDS = {"title": "title", "lead": "lead", "body": "body", "caption": "caption"}  # part kind → field
LAYOUTS = {
    "articles": {
        "properties": {**ROOT_FIELDS, **{f: OFFSETS for f in ("title", "lead", "body", "caption")}},
    },
    "nested": {
        "properties": {
            **ROOT_FIELDS,
            "title": TEXT,
            "parts": {
                "type": "nested",
                "properties": {
                    "kind": {"type": "keyword"},
                    "position": {"type": "integer"},
                    "text": TEXT,
                    "display_text": {"type": "text", "index": False},
                },
            },
        }
    },
}
SNIPPETS = 3
HIGHLIGHT = {"encoder": "html", "pre_tags": ["<mark>"], "post_tags": ["</mark>"]}


def candidate_name(alias: str, layout: str) -> str:
    return f"{alias}-{layout}"


def read_articles(es: Any, alias: str) -> list[dict[str, Any]]:
    """The articles of the parts index, their parts in order (read back, not re-extracted)."""
    articles: dict[str, dict[str, Any]] = {}
    parts: dict[str, list[dict[str, Any]]] = defaultdict(list)
    fields = ["article_id", "kind", "position", "text", "display_text", "title", "display_title"]
    fields += ["published_at", "source", "entity_ids", "entities"]
    for hit in helpers.scan(
        es, index=alias, query={"query": {"term": {"doc_type": "part"}}}, _source=fields, size=2000
    ):
        s = hit["_source"]
        a = s["article_id"]
        if a not in articles:
            articles[a] = {
                k: s.get(k) for k in ("article_id", "published_at", "source", "entity_ids", "entities")
            }
            articles[a]["title"] = s.get("title") or ""
            articles[a]["display_title"] = s.get("display_title") or ""
        parts[a].append({k: s.get(k) for k in ("kind", "position", "text", "display_text")})
    out = []
    for a, doc in articles.items():
        ordered = sorted(parts[a], key=lambda p: p["position"] or 0)
        doc["parts"] = ordered
        out.append(doc)
    return out


def as_document(article: dict[str, Any], layout: str) -> dict[str, Any]:
    root = {
        k: article[k]
        for k in ("article_id", "published_at", "source", "entity_ids", "entities", "display_title")
    }
    if layout == "nested":
        return {**root, "title": article["title"], "parts": article["parts"]}
    doc = {**root, "title": article["title"], "lead": [], "body": [], "caption": []}
    for p in article["parts"]:
        field = ARTICLE_FIELDS.get(p["kind"], "body")
        if field != "title":
            doc[field].append(p["text"] or "")
    return doc


def build(es: Any, alias: str, layout: str, articles: list[dict[str, Any]]) -> tuple[float, int]:
    """Create the candidate index (fresh) and load it; (seconds, store bytes)."""
    name = candidate_name(alias, layout)
    es.indices.delete(index=name, ignore_unavailable=True)
    settings = {**SETTINGS, "refresh_interval": "-1"}
    es.indices.create(index=name, settings=settings, mappings={"dynamic": "strict", **LAYOUTS[layout]})
    started = time.perf_counter()
    actions = ({"_index": name, "_id": a["article_id"], "_source": as_document(a, layout)} for a in articles)
    for ok, item in helpers.streaming_bulk(es, actions, chunk_size=200, raise_on_error=False):
        if not ok:
            raise SystemExit(f"{layout}: {item}")
    es.indices.put_settings(index=name, settings={"refresh_interval": "1s"})
    es.indices.refresh(index=name)
    es.indices.forcemerge(index=name, max_num_segments=1)
    seconds = time.perf_counter() - started
    size = es.indices.stats(index=name, metric="store")["indices"][name]["total"]["store"]["size_in_bytes"]
    return seconds, size


# -- the candidates' request bodies ----------------------------------------------------------------


def _word(word: str, fields: list[str]) -> dict[str, Any]:
    return {
        "bool": {
            "should": [
                {"multi_match": {"query": word, "fields": fields}},
                {"multi_match": {"query": word, "fields": [f.split("^")[0] + ".stem" for f in fields]}},
            ],
            "minimum_should_match": 1,
        }
    }


def _filters(req: SearchRequest, without: str | None = None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if req.date_from or req.date_to:
        rng: dict[str, Any] = {"time_zone": "Asia/Jerusalem"}
        if req.date_from:
            rng["gte"] = req.date_from.isoformat()
        if req.date_to:
            rng["lte"] = req.date_to.isoformat()
        out.append({"range": {"published_at": rng}})
    out += [{"terms": {"entity_ids": list(ids)}} for t, ids in req.entities if t != without]
    return out


def _aggs(req: SearchRequest, bounds: tuple[date, date] | None) -> dict[str, Any]:
    aggs: dict[str, Any] = {
        t: {
            "filter": {"bool": {"filter": _filters(req, without=t)}},
            "aggs": {"top": {"terms": {"field": f"entities.{t}", "size": 10}}},
        }
        for t in ENTITY_TYPES
    }
    if bounds:
        aggs["dates"] = {
            "filter": {"bool": {"filter": _filters(req)}},
            "aggs": {
                "h": {
                    "date_histogram": {
                        "field": "published_at",
                        "calendar_interval": "year",
                        "time_zone": "Asia/Jerusalem",
                        "min_doc_count": 0,
                        "extended_bounds": {"min": bounds[0].isoformat(), "max": bounds[1].isoformat()},
                    }
                }
            },
        }
    return aggs


def _sort(req: SearchRequest) -> list[Any]:
    if req.query.empty:
        return [{"published_at": {"order": "desc", "missing": "_last"}}, "_score"]
    return ["_score", {"published_at": {"order": "desc", "missing": "_last"}}]


def _article_search(
    req: SearchRequest, bounds: tuple[date, date] | None, query: dict[str, Any]
) -> dict[str, Any]:
    """What both candidates' searches share: one hit per article document, so the filters, facets,
    histogram and total need no collapse and count exactly."""
    return {
        "query": query,
        "post_filter": {"bool": {"filter": _filters(req)}},
        "sort": _sort(req),
        "size": req.size,
        "track_total_hits": True,
        "_source": ["article_id", "display_title", "published_at", "entities"],
        "aggs": _aggs(req, bounds),
    }


def articles_body(req: SearchRequest, bounds: tuple[date, date] | None) -> dict[str, Any]:
    q = req.query
    fields = ["title^0.5", "lead", "body", "caption"]
    must: list[dict[str, Any]] = [_word(w, fields) for w in content_words(q)]
    must += [{"multi_match": {"query": p, "type": "phrase", "fields": fields}} for p in q.phrases]
    body = _article_search(req, bounds, {"bool": {"must": must or [{"match_all": {}}]}})
    if not q.empty:
        body["highlight"] = {
            **HIGHLIGHT,
            "order": "score",
            "fields": {
                f: {"matched_fields": [f, f + ".stem"], "number_of_fragments": SNIPPETS, "fragment_size": 180}
                for f in ("lead", "body", "caption")
            },
        }
    return body


def nested_body(req: SearchRequest, bounds: tuple[date, date] | None) -> dict[str, Any]:
    q = req.query
    must: list[dict[str, Any]] = [_word(w, ["parts.text"]) for w in content_words(q)]
    must += [{"match_phrase": {"parts.text": p}} for p in q.phrases]
    inner: dict[str, Any] = {
        "size": SNIPPETS,
        "_source": ["parts.kind", "parts.position", "parts.display_text"],
    }
    if must:
        inner["highlight"] = {
            **HIGHLIGHT,
            "fields": {
                "parts.text": {
                    "matched_fields": ["parts.text", "parts.text.stem"],
                    "number_of_fragments": 2,
                    "fragment_size": 180,
                    "no_match_size": 180,
                }
            },
        }
        query: dict[str, Any] = {
            "nested": {
                "path": "parts",
                "query": {"bool": {"must": must}},
                "score_mode": "max",
                "inner_hits": inner,
            }
        }
    else:
        query = {"match_all": {}}
    return _article_search(req, bounds, query)


# -- timing ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the candidate indices")
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args(argv)
    if benchlib.corpus_missing():
        return 0
    with benchlib.Node(keep=True) as node:
        es = benchlib.client(node.url, timeout=900)
        alias = ensure_bench_index(es, args.parts, args.seed).alias
        sizes: dict[str, tuple[float | None, int]] = {}
        data: list[dict[str, Any]] | None = None
        for layout in LAYOUTS:
            name = candidate_name(alias, layout)
            if args.rebuild or not es.indices.exists(index=name):
                data = data if data is not None else read_articles(es, alias)
                print(f"building {name} from {len(data):,} articles", flush=True)
                sizes[layout] = build(es, alias, layout, data)
            else:
                stats = es.indices.stats(index=name, metric="store")["indices"][name]
                sizes[layout] = (None, stats["total"]["store"]["size_in_bytes"])
        parts_size = es.indices.stats(index=alias, metric="store")["_all"]["total"]["store"]["size_in_bytes"]
        extent = DateExtent(ttl=0)
        search = ArticleSearch(es, alias, extent)
        queries = []
        for category, mix in QUERY_MIX.items():
            for qargs in mix:
                req = parse_search_args(MultiDict(qargs))
                bounds, parts_body = search.query(req)
                queries.append(
                    (
                        category,
                        qargs,
                        {
                            "parts": (alias, parts_body),
                            "articles": (candidate_name(alias, "articles"), articles_body(req, bounds)),
                            "nested": (candidate_name(alias, "nested"), nested_body(req, bounds)),
                        },
                    )
                )
        times: dict[tuple[str, str], list[float]] = defaultdict(list)
        totals: dict[tuple[str, str], int] = {}
        names = ["parts", "articles", "nested"]
        for r in range(args.rounds + 2):
            for category, qargs, bodies in queries if r % 2 else reversed(queries):
                for layout in names if r % 2 else reversed(names):
                    index, body = bodies[layout]
                    started = time.perf_counter()
                    response = es.search(index=index, **body)
                    elapsed = time.perf_counter() - started
                    if r >= 2:  # two warm-up rounds
                        times[(category, layout)].append(elapsed)
                    key = f"{category}|{qargs}"
                    aggs = response.get("aggregations", {})
                    aggs = aggs.get("on_articles", aggs)
                    if layout == "parts":
                        totals[(key, layout)] = (
                            aggs["total_articles"]["articles"]["value"]
                            if "articles" in aggs["total_articles"]
                            else aggs["total_articles"]["doc_count"]
                        )
                    else:
                        totals[(key, layout)] = response["hits"]["total"]["value"]
        lines = [
            f"{args.parts:,} parts ({alias}); {args.rounds} rounds after 2 warm-up, "
            "interleaved query by query, the same node; ms.",
            "",
            "| query type | parts p50 | parts p99 | articles (a) p50 | articles p99 "
            "| nested (b) p50 | nested p99 |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        overall: dict[str, list[float]] = defaultdict(list)
        for category in QUERY_MIX:
            row = [category]
            for layout in names:
                xs = times[(category, layout)]
                overall[layout] += xs
                row += [fmt_ms(median(xs)), fmt_ms(percentile(xs, 99))]
            lines.append("| " + " | ".join(row) + " |")
        row = ["**mix**"]
        for layout in names:
            row += [f"**{fmt_ms(median(overall[layout]))}**", fmt_ms(percentile(overall[layout], 99))]
        lines.append("| " + " | ".join(row) + " |")
        lines += ["", "Articles matched (the total each layout reports):", ""]
        lines += ["| query | parts | articles (a) | nested (b) |", "|---|---:|---:|---:|"]
        for category, qargs, _ in queries:
            key = f"{category}|{qargs}"
            label = " ".join(f"{k}={v}" for k, v in qargs)
            lines.append(f"| {label} | " + " | ".join(f"{totals[(key, n)]:,}" for n in names) + " |")
        lines += [
            "",
            "| layout | store | built in |",
            "|---|---:|---:|",
            f"| parts | {benchlib.mib(parts_size)} | (bench_build) |",
        ]
        for layout, (seconds, size) in sizes.items():
            lines.append(
                f"| {layout} | {benchlib.mib(size)} | {'-' if seconds is None else f'{seconds:,.0f} s'} |"
            )
        print("\n".join(lines))
        if not args.no_record:
            benchlib.record_section(
                "Index layouts compared (issue 17)",
                es,
                "",
                benchlib.command_line("compare_layouts.py", argv or sys.argv[1:]),
                lines,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
