"""Load articles into the index with the client's bulk helper, reporting what was rejected."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from elasticsearch import Elasticsearch, helpers

from service.ingest.sources import Rejection
from service.model import Article, part_documents


@dataclass
class IndexSummary:
    read: int = 0
    indexed_articles: int = 0
    indexed_parts: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    seconds: float = 0.0

    def line(self) -> str:
        return (
            f"read {self.read}, indexed {self.indexed_articles} articles ({self.indexed_parts} parts), "
            f"rejected {len(self.rejected)}, {self.seconds:.2f}s"
        )


def _actions(
    index: str, items: Iterable[Article | Rejection], summary: IndexSummary
) -> Iterator[dict[str, Any]]:
    for item in items:
        summary.read += 1
        if isinstance(item, Rejection):
            summary.rejected.append(item)
            continue
        summary.indexed_articles += 1
        for doc in part_documents(item):
            doc["_index"] = index
            yield doc


def index_articles(
    es: Elasticsearch,
    index: str,
    items: Iterable[Article | Rejection],
    *,
    refresh: bool = True,
    chunk_size: int = 500,
) -> IndexSummary:
    summary = IndexSummary()
    started = time.perf_counter()
    for ok, info in helpers.streaming_bulk(
        es,
        _actions(index, items, summary),
        chunk_size=chunk_size,
        raise_on_error=False,
        max_retries=3,
    ):
        if ok:
            summary.indexed_parts += 1
        else:
            op = next(iter(info.values()))
            summary.rejected.append(Rejection(str(op.get("_id")), None, str(op.get("error"))))
    if refresh:
        es.indices.refresh(index=index)
    summary.seconds = time.perf_counter() - started
    return summary
