"""Writes beside the bulk load: deleted articles removed, and every write to a live alias followed by
a reindex that runs meanwhile (``journal.py``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from elasticsearch import Elasticsearch, helpers

from service.indexing import journal

BULK_TIMEOUT_SECONDS = 120


def delete_documents(es: Elasticsearch, index: str, ids: list[str]) -> int:
    """Delete documents by id in bulk; how many were deleted."""
    if not ids:
        return 0
    actions = ({"_op_type": "delete", "_index": index, "_id": i} for i in ids)
    deleted, _ = helpers.bulk(es, actions, raise_on_error=False, stats_only=True)
    return deleted


class ReindexFollower:
    """Keeps the incremental writes to ``alias`` in a reindex that runs meanwhile
    (``service/indexing/journal.py``): mirrors them to its new index, journals what was written."""

    def __init__(self, es: Elasticsearch, alias: str) -> None:
        self.es, self.alias = es, alias
        self.target: str | None = None
        self.target_index: str | None = None
        self.mirrors: set[str] = set()  # names (alias, concrete) mirror results may carry
        self.running = False
        self.check()

    def check(self) -> str | None:
        running = journal.running_reindex(self.es, self.alias)
        self.running = running is not None
        self.target = running.target if running else None
        self.target_index = running.target_index if running else None
        self.mirrors.update(n for n in (self.target, self.target_index) if n)
        return self.target

    def mirrored(self, actions: Iterable[dict[str, Any]], every: int) -> Iterator[dict[str, Any]]:
        """The actions, each followed by its copy for the reindex's index once there is one
        (the lock is looked up again every ``every`` actions)."""
        for n, action in enumerate(actions):
            if n and n % every == 0:
                self.check()
            yield action
            if self.target:
                yield {**action, "_index": self.target}

    def written(self, article_ids: Iterable[str]) -> None:
        """Called after writes landed: journal them when a reindex runs."""
        ids = list(article_ids)
        if not ids:
            return
        if not self.running:
            self.check()  # looked up after the write landed: a reindex that started since sees it
        if self.running:
            journal.journal(self.es, self.alias, ids)

    def deleted(self, doc_ids: list[str]) -> None:
        """Called after documents were deleted from the alias: the same in the reindex's index."""
        self.check()
        if self.target and doc_ids:
            delete_documents(self.es, self.target, doc_ids)
        self.written(doc_ids)


def delete_articles(es: Elasticsearch, index: str, article_ids: Iterable[str]) -> dict[str, int]:
    """Delete articles (one document each, parts and all); returns 1 for each id deleted, 0 for an
    unknown one. A reindex running meanwhile loses them too (``ReindexFollower``)."""
    es = es.options(request_timeout=BULK_TIMEOUT_SECONDS)
    follower = ReindexFollower(es, index)
    found: dict[str, int] = {}
    for article_id in dict.fromkeys(article_ids):
        found[article_id] = delete_documents(es, index, [article_id])
        follower.check()
        if follower.target:  # by id: its copy may not be searchable yet
            delete_documents(es, follower.target, [article_id])
    # Journaled even when unknown here: the reindex may be loading it from its files.
    follower.written(found)
    es.indices.refresh(index=index)
    return found
