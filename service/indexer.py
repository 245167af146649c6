"""Load articles into the index with the client's bulk helper."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from elasticsearch import Elasticsearch, helpers

from service.documents import article_documents, extract_entities
from service.entities.extractor import EntityExtractor
from service.model import Article

BULK_TIMEOUT_SECONDS = 120


@dataclass
class IndexSummary:
    articles: int = 0
    documents: int = 0  # one article document plus one per part
    created: int = 0  # of those, new documents (the rest replaced one with the same id)
    failed: list[str] = field(default_factory=list)  # documents Elasticsearch refused, with why
    removed: int = 0  # parts that updated articles no longer have, deleted
    seconds: float = 0.0


def _actions(
    index: str,
    articles: Iterable[Article],
    counted: IndexSummary,
    part_counts: dict[str, int],
    extractor: EntityExtractor | None,
) -> Iterator[dict[str, Any]]:
    for article in articles:
        counted.articles += 1
        part_counts[article.id] = len(article.parts)
        for doc in article_documents(article, extract_entities(article, extractor)):
            doc["_index"] = index
            yield doc


def index_articles(
    es: Elasticsearch,
    index: str,
    articles: Iterable[Article],
    *,
    refresh: bool = True,
    chunk_size: int = 500,
    extractor: EntityExtractor | None = None,
    on_batch: Callable[[int], None] | None = None,
    fresh_index: bool = False,
) -> IndexSummary:
    """Index every part of ``articles``; a document the node refuses is reported, not fatal.
    An article indexed again replaces its documents, and the parts it no longer has are deleted
    (not needed, and skipped, when ``fresh_index`` says the index started empty)."""
    counted = IndexSummary()
    part_counts: dict[str, int] = {}
    summary = bulk_load(
        es,
        _actions(index, articles, counted, part_counts, extractor),
        index=index,
        chunk_size=chunk_size,
        refresh=refresh,
        on_batch=on_batch,
        articles=lambda: counted.articles,
    )
    if not fresh_index:
        if not refresh:
            es.indices.refresh(index=index)  # an article indexed twice in a second must be seen too
        summary.removed = remove_stale_parts(es, index, part_counts)
        if summary.removed and refresh:
            es.indices.refresh(index=index)  # searchable state means without the removed parts
    return summary


def remove_stale_parts(es: Elasticsearch, index: str, part_counts: dict[str, int], batch: int = 500) -> int:
    """Delete the parts beyond each article's new count: a corrected article with fewer paragraphs
    would otherwise keep its old ones searchable (part ids are ``<article id>-<position>``).
    Found with a search (of what is refreshed) and deleted in bulk: this node has no
    delete-by-query (reindex module)."""
    if not part_counts:
        return 0
    es = es.options(request_timeout=BULK_TIMEOUT_SECONDS)
    items = list(part_counts.items())
    stale: list[str] = []
    for start in range(0, len(items), batch):
        beyond = [
            {"bool": {"filter": [{"term": {"article_id": a}}, {"range": {"position": {"gte": n}}}]}}
            for a, n in items[start : start + batch]
        ]
        query = {
            "bool": {"filter": [{"term": {"doc_type": "part"}}], "should": beyond, "minimum_should_match": 1}
        }
        stale += [
            hit["_id"] for hit in helpers.scan(es, index=index, query={"query": query, "_source": False})
        ]
    return delete_documents(es, index, stale)


def delete_articles(es: Elasticsearch, index: str, article_ids: Iterable[str]) -> dict[str, int]:
    """Delete articles with all their parts; returns how many documents each id had (0: unknown)."""
    es = es.options(request_timeout=BULK_TIMEOUT_SECONDS)
    es.indices.refresh(index=index)
    found: dict[str, int] = {}
    for article_id in dict.fromkeys(article_ids):
        ids = [
            hit["_id"]
            for hit in helpers.scan(
                es, index=index, query={"query": {"term": {"article_id": article_id}}, "_source": False}
            )
        ]
        found[article_id] = delete_documents(es, index, ids)
    es.indices.refresh(index=index)
    return found


def delete_documents(es: Elasticsearch, index: str, ids: list[str]) -> int:
    """Delete documents by id in bulk; how many were deleted."""
    if not ids:
        return 0
    actions = ({"_op_type": "delete", "_index": index, "_id": i} for i in ids)
    deleted, _ = helpers.bulk(es, actions, raise_on_error=False, stats_only=True)
    return deleted


def bulk_load(
    es: Elasticsearch,
    actions: Iterable[dict[str, Any]],
    *,
    index: str,
    chunk_size: int = 500,
    threads: int = 1,
    refresh: bool = True,
    on_batch: Callable[[int], None] | None = None,
    articles: Callable[[], int] | None = None,
) -> IndexSummary:
    """Send ``actions`` with the client's bulk helper (``streaming_bulk``, or ``parallel_bulk``
    with ``threads`` > 1 requests in flight). A document the node refuses goes to ``failed`` with
    its reason and the rest carries on; ``articles`` tells how many articles the actions held."""
    es = es.options(request_timeout=BULK_TIMEOUT_SECONDS)  # the app's client is tuned for searches
    summary = IndexSummary()
    started = time.perf_counter()
    if threads > 1:
        results = helpers.parallel_bulk(
            es, actions, thread_count=threads, chunk_size=chunk_size, raise_on_error=False
        )
    else:
        results = helpers.streaming_bulk(
            es, actions, chunk_size=chunk_size, raise_on_error=False, max_retries=3
        )
    for ok, info in results:
        op = next(iter(info.values()))
        if ok:
            summary.documents += 1
            if op.get("result") == "created":
                summary.created += 1
        else:
            summary.failed.append(f"{op.get('_id')}: {op.get('error')}")
        done = summary.documents + len(summary.failed)
        if on_batch and done % chunk_size == 0:
            on_batch(done)
    if refresh:
        es.indices.refresh(index=index)
    summary.articles = articles() if articles else 0
    summary.seconds = time.perf_counter() - started
    return summary
