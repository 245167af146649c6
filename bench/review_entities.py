"""Index a seeded sample of real corpus articles and print what a reader reviews: the top values of
each facet and a random sample of mentions, each in its sentence (issue 16's precision review).

Why this exists: NEMO dev scores say how the spans match annotators on Haaretz sentences; they do
not say what a journalist sees in the facets of a real index (a top "person" that is a title, one
person under two names, a word tagged as a name). This script makes that review reproducible: the
same seed picks the same articles from several sources and periods of ``../shared/data/corpus``
(headlines of seven sites 2014-2015, Haaretz treebank articles, Geektime paragraphs, 19th-century
newspapers), indexes them with the extractor ``ENTITY_EXTRACTOR`` names (the model by default here)
through the indexer's own ``article_document``, and prints the facets (terms aggregations on
``entities.<type>`` over article documents) and the mentions for a person to judge.

Usage (from the project root)::

    .venv/bin/python bench/review_entities.py [--articles 3000] [--seed 16] [--top 100] [--mentions 200]
        [--groups headlines,haaretz,geektime | 19c]

Elasticsearch: ``ES_URL``, else a node of its own on ``ES_PORT`` (default 9262), stopped at the end
unless ``--keep``. Output: stdout and ``.cache/review/entities-<extractor>-s<seed>.txt``. Without
``../shared/data/corpus`` it says so and exits 0.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import sys
from collections import defaultdict
from typing import Any

from benchlib import CORPUS_DIR, ROOT, Node, client, corpus_missing

DEFAULT_PORT = 9262
INDEX = "review-entities"
# Articles per source group, as shares of --articles: the headlines of seven sites, the 19th-century
# papers, Haaretz treebank articles (NEMO's own text: few) and Geektime paragraphs.
GROUPS = {"headlines": 0.47, "19c": 0.43, "haaretz": 0.03, "geektime": 0.07}
# The default review: the modern sources a newsroom indexes. The OCR'd 19th-century press is out of
# the model's domain (trained on 1990s Haaretz) and is reviewed apart (``--groups 19c``).
MODERN = ("headlines", "haaretz", "geektime")
WINDOW = 70  # characters of context either side of a mention


def group_of(source: str) -> str:
    if source.startswith("MediaAnalysis/"):
        return "headlines"
    if source.startswith("omilab-19c-press/"):
        return "19c"
    return "haaretz" if source.startswith("HTB/") else "geektime"


def pick_documents(n: int, seed: int, groups: tuple[str, ...] = MODERN) -> list[dict[str, Any]]:
    """``n`` corpus documents, seeded, spread over ``groups`` (by their shares in ``GROUPS``) and,
    within one, over its sources."""
    by_source: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for path in sorted(CORPUS_DIR.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                doc = json.loads(line)
                if doc.get("text", "").strip() or doc.get("title", "").strip():
                    by_source[doc["source"]].append(doc)
    rng = random.Random(seed)
    picked: list[dict[str, Any]] = []
    total = sum(GROUPS[g] for g in groups)
    for group in groups:
        sources = sorted(s for s in by_source if group_of(s) == group)
        quota = round(n * GROUPS[group] / total)
        for k, source in enumerate(sources):
            take = quota // len(sources) + (1 if k < quota % len(sources) else 0)
            docs = by_source[source]
            picked += rng.sample(docs, min(take, len(docs)))
    return picked


def record_of(doc: dict[str, Any]) -> dict[str, Any]:
    """A corpus document in the indexer's input schema (headlines are a title alone)."""
    text = doc.get("text", "").strip()
    title = " ".join(doc.get("title", "").split()) or " ".join(text.split()[:12])
    body = "" if text == doc.get("title", "").strip() else text
    record: dict[str, Any] = {
        "id": re.sub(r"[^A-Za-z0-9_.:-]", "-", doc["doc_id"])[:200],
        "title": title[:1000],
        "body": body,
        "source": doc["source"],
    }
    if doc.get("date"):
        record["published_at"] = doc["date"][:10]
    return record


def index_and_collect(es: Any, docs: list[dict[str, Any]], extractor: Any) -> list[tuple[str, str, Any]]:
    """Index the documents; return every mention as (article id, part text, mention)."""
    from elasticsearch import helpers

    from service.es import load_index_definition
    from service.indexing.documents import article_document
    from service.indexing.extraction import extract_entities
    from service.ingest.sources import article_from_record

    definition = load_index_definition()
    es.indices.delete(index=INDEX, ignore_unavailable=True)
    es.indices.create(
        index=INDEX,
        settings={**definition["settings"], "number_of_replicas": 0},
        mappings=definition["mappings"],
    )
    mentions: list[tuple[str, str, Any]] = []
    actions: list[dict[str, Any]] = []
    for doc in docs:
        article = article_from_record(record_of(doc), allow_undated=True)
        entities = extract_entities(article, extractor)
        for part, found in zip(article.parts, entities.parts, strict=True):
            mentions += [(article.id, part.normalized, m) for m in found if m.type != "credit"]
        actions.append({**article_document(article, entities), "_index": INDEX})
    helpers.bulk(es, actions, chunk_size=500, refresh="wait_for")
    return mentions


def top_values(es: Any, entity_type: str, size: int) -> list[tuple[str, int]]:
    body = es.search(
        index=INDEX,
        size=0,
        aggs={"top": {"terms": {"field": f"entities.{entity_type}", "size": size}}},
    ).body
    return [(b["key"], b["doc_count"]) for b in body["aggregations"]["top"]["buckets"]]


def in_sentence(text: str, start: int, end: int) -> str:
    a, b = max(0, start - WINDOW), min(len(text), end + WINDOW)
    return " ".join(f"{text[a:start]}[[{text[start:end]}]]{text[end:b]}".split())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--top", type=int, default=100)
    parser.add_argument("--mentions", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="leave the node running")
    parser.add_argument(
        "--groups",
        default=",".join(MODERN),
        help=f"source groups to sample, comma-separated, of {', '.join(GROUPS)} (default: the modern ones)",
    )
    args = parser.parse_args(argv)
    groups = tuple(g.strip() for g in args.groups.split(",") if g.strip())
    if not groups or not set(groups) <= set(GROUPS):
        parser.error(f"--groups: choose among {', '.join(GROUPS)}")
    if corpus_missing():  # says why
        return 0
    os.environ.setdefault("ENTITY_EXTRACTOR", "model")
    from service.entities.factory import make_extractor

    extractor = make_extractor()
    kind = os.environ["ENTITY_EXTRACTOR"]
    docs = pick_documents(args.articles, args.seed, groups)
    picked = defaultdict(int)
    for doc in docs:
        picked[group_of(doc["source"])] += 1
    lines = [
        f"# entity review: {len(docs)} articles, seed {args.seed}, ENTITY_EXTRACTOR={kind}, "
        + ", ".join(f"{g} {n}" for g, n in picked.items())
    ]
    with Node(keep=args.keep, default_port=DEFAULT_PORT) as node:
        es = client(node.url)
        mentions = index_and_collect(es, docs, extractor)
        for entity_type in ("person", "place", "organisation"):
            lines.append(f"\n## top {args.top} {entity_type} values (articles)")
            values = top_values(es, entity_type, args.top)
            lines += [f"{k + 1:3d}. {n:4d}  {v}" for k, (v, n) in enumerate(values)]
    rng = random.Random(args.seed)
    sample = rng.sample(mentions, min(args.mentions, len(mentions)))
    groups_of = {record_of(doc)["id"]: group_of(doc["source"]) for doc in docs}
    by_group = defaultdict(int)
    for article_id, _, _ in sample:
        by_group[groups_of.get(article_id, "?")] += 1
    lines.append(
        f"\n## {len(sample)} random mentions of {len(mentions)} ("
        + ", ".join(f"{g} {n}" for g, n in by_group.items())
        + ")"
    )
    for k, (article_id, text, m) in enumerate(sample):
        group = groups_of.get(article_id)
        lines.append(f"{k + 1:3d}. {m.type:12s} {m.name} ({m.rule}; {group}; {article_id})")
        lines.append(f"     {in_sentence(text, m.start, m.end)}")
    out = ROOT / ".cache" / "review" / f"entities-{kind}-{'-'.join(groups)}-s{args.seed}.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    print(f"\nwritten to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
