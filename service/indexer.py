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
    seconds: float = 0.0


def _actions(
    index: str, articles: Iterable[Article], summary: IndexSummary, extractor: EntityExtractor | None
) -> Iterator[dict[str, Any]]:
    for article in articles:
        summary.articles += 1
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
) -> IndexSummary:
    """Index every part of ``articles``; a document the node refuses is reported, not fatal."""
    counted = IndexSummary()
    return bulk_load(
        es,
        _actions(index, articles, counted, extractor),
        index=index,
        chunk_size=chunk_size,
        refresh=refresh,
        on_batch=on_batch,
        articles=lambda: counted.articles,
    )


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
