"""Load articles into the index with the client's bulk helper."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch, helpers

from service import reindex_journal
from service.documents import BadArticleId, article_documents, article_id_of, extract_entities
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
    stopped: str = ""  # why the node stopped taking writes (full disk...); empty when it did not
    stored_articles: int = 0  # articles whose every document was stored


class WriteStopped(RuntimeError):
    """The node refuses all writes (a full disk's read-only block, an unavailable index): the run
    stops at once instead of retrying every remaining document. ``summary`` tells what was stored."""

    def __init__(self, reason: str, summary: IndexSummary) -> None:
        super().__init__(reason)
        self.summary = summary


# Errors that concern the node or the index, not the document: the next document fails the same.
NODE_WIDE_ERRORS = ("cluster_block_exception", "index_not_found_exception", "unavailable_shards_exception")


@dataclass
class PartTracker:
    """The part count of each article's last version in a stream of actions, and the articles
    that came more than once (a file with a repeated id): their earlier version's extra parts
    must go, as in the incremental path."""

    counts: dict[str, int] = field(default_factory=dict)
    repeated: set[str] = field(default_factory=set)

    def track(self, actions: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for action in actions:
            if action.get("doc_type") == "article":
                if action["_id"] in self.counts:
                    self.repeated.add(action["_id"])
                self.counts[action["_id"]] = 0
            elif action.get("doc_type") == "part":
                self.counts[action["article_id"]] = self.counts.get(action["article_id"], 0) + 1
            yield action


class ReindexFollower:
    """Keeps the incremental writes to ``alias`` in a reindex that runs meanwhile
    (``service/reindex_journal.py``): mirrors them to its new index, journals what was written."""

    def __init__(self, es: Elasticsearch, alias: str) -> None:
        self.es, self.alias = es, alias
        self.target: str | None = None
        self.target_index: str | None = None
        self.mirrors: set[str] = set()  # names (alias, concrete) mirror results may carry
        self.running = False
        self.check()

    def check(self) -> str | None:
        running = reindex_journal.running_reindex(self.es, self.alias)
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
            reindex_journal.journal(self.es, self.alias, ids)

    def deleted(self, doc_ids: list[str]) -> None:
        """Called after documents were deleted from the alias: the same in the reindex's index."""
        self.check()
        if self.target and doc_ids:
            delete_documents(self.es, self.target, doc_ids)
        self.written(article_id_of(i) for i in doc_ids)


def _actions(
    index: str,
    articles: Iterable[Article],
    counted: IndexSummary,
    extractor: EntityExtractor | None,
) -> Iterator[dict[str, Any]]:
    for article in articles:
        counted.articles += 1
        try:
            docs = article_documents(article, extract_entities(article, extractor))
        except BadArticleId as exc:
            counted.failed.append(f"{article.origin or article.id[:80]}: {exc}")
            continue
        for doc in docs:
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
    (in a ``fresh_index``, which started empty, only for articles that came more than once).
    Writes to a live alias (not ``fresh_index``) follow a reindex that runs meanwhile."""
    counted = IndexSummary()
    summary = bulk_load(
        es,
        _actions(index, articles, counted, extractor),
        index=index,
        chunk_size=chunk_size,
        refresh=refresh,
        on_batch=on_batch,
        articles=lambda: counted.articles,
        incremental=not fresh_index,
        early_failures=counted.failed,
    )
    return summary


def remove_stale_parts(
    es: Elasticsearch,
    index: str,
    part_counts: dict[str, int],
    batch: int = 500,
    follower: ReindexFollower | None = None,
) -> int:
    """Delete the parts beyond each article's new count: a corrected article with fewer paragraphs
    would otherwise keep its old ones searchable (part ids are ``<article id>#<position>``).
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
    removed = delete_documents(es, index, stale)
    if follower is not None:
        follower.deleted(stale)
    return removed


def delete_articles(es: Elasticsearch, index: str, article_ids: Iterable[str]) -> dict[str, int]:
    """Delete articles with all their parts; returns how many documents each id had (0: unknown).
    A reindex running meanwhile loses them too (``ReindexFollower``)."""
    es = es.options(request_timeout=BULK_TIMEOUT_SECONDS)
    follower = ReindexFollower(es, index)
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
        follower.check()
        if follower.target:  # by id (its copy may not be searchable yet), article first
            delete_documents(es, follower.target, ids or [article_id])
    # Journaled even when unknown here: the reindex may be loading it from its files.
    follower.written(found)
    es.indices.refresh(index=index)
    return found


def delete_documents(es: Elasticsearch, index: str, ids: list[str]) -> int:
    """Delete documents by id in bulk; how many were deleted."""
    if not ids:
        return 0
    actions = ({"_op_type": "delete", "_index": index, "_id": i} for i in ids)
    deleted, _ = helpers.bulk(es, actions, raise_on_error=False, stats_only=True)
    return deleted


def _until(actions: Iterable[dict[str, Any]], halted: list[str]) -> Iterator[dict[str, Any]]:
    for action in actions:
        if halted:
            return
        yield action


def _stop_reason(error: Any) -> str:
    """A one-line reason for a node-wide error, or "" when the error concerns one document."""
    if isinstance(error, dict) and error.get("type") in NODE_WIDE_ERRORS:
        return f"{error.get('type')}: {str(error.get('reason', ''))[:300]}"
    return ""


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
    incremental: bool = False,
    early_failures: list[str] | None = None,
) -> IndexSummary:
    """Send ``actions`` with the client's bulk helper (``streaming_bulk``, or ``parallel_bulk``
    with ``threads`` > 1 requests in flight). A document the node refuses goes to ``failed`` with
    its reason and the rest carries on; an error that every document would meet (a full disk's
    block) raises ``WriteStopped`` with what was stored. ``articles`` tells how many articles the
    actions held. Articles that came twice lose their first version's extra parts; with
    ``incremental`` (writing to a live alias) every article does, and a running reindex follows."""
    es = es.options(request_timeout=BULK_TIMEOUT_SECONDS)  # the app's client is tuned for searches
    summary = IndexSummary()
    tracker = PartTracker()
    follower = ReindexFollower(es, index) if incremental else None
    halted: list[str] = []  # set on a node-wide error: no further action is sent
    stream: Iterable[dict[str, Any]] = _until(tracker.track(actions), halted)
    options: dict[str, Any] = {}
    if follower is not None:
        stream = follower.mirrored(stream, chunk_size)
        options["require_alias"] = True  # a mirror to a deleted staging alias must not create an index
    started = time.perf_counter()
    if threads > 1:
        results = helpers.parallel_bulk(
            es, stream, thread_count=threads, chunk_size=chunk_size, raise_on_error=False, **options
        )
    else:
        # 429s are retried (1 + 2 + 4 s) before counting as refused: a full node must not hang the run.
        results = helpers.streaming_bulk(
            es,
            stream,
            chunk_size=chunk_size,
            raise_on_error=False,
            max_retries=3,
            initial_backoff=1,
            **options,
        )
    pending: dict[str, int] = {}  # article id → documents stored so far
    written: list[str] = []
    failed_articles: set[str] = set()
    try:
        for ok, info in results:
            op = next(iter(info.values()))
            doc_id = str(op.get("_id"))
            if follower is not None and op.get("_index") in follower.mirrors:
                continue  # the copy for the reindex: the journal covers it if it failed
            if ok:
                summary.documents += 1
                if op.get("result") == "created":
                    summary.created += 1
                owner = article_id_of(doc_id)
                pending[owner] = pending.get(owner, 0) + 1
                written.append(owner)
            else:
                summary.failed.append(f"{doc_id}: {op.get('error')}")
                failed_articles.add(article_id_of(doc_id))
                if not halted and (reason := _stop_reason(op.get("error"))):
                    summary.stopped = reason  # the results of the chunk in flight still count
                    halted.append(reason)
            done = summary.documents + len(summary.failed)
            if done % chunk_size == 0:
                if follower is not None:
                    follower.written(written)
                    written.clear()
                if on_batch:
                    on_batch(done)
    except (ApiError, TransportError) as exc:  # the bulk request itself failed, after retries
        summary.stopped = f"{type(exc).__name__}: {str(exc)[:300]}"
    finally:
        close = getattr(results, "close", None)
        if close:
            close()
    summary.failed = (early_failures or []) + summary.failed
    summary.articles = articles() if articles else 0
    summary.stored_articles = sum(
        1 for a, n in pending.items() if a not in failed_articles and n == tracker.counts.get(a, -1) + 1
    )
    if follower is not None and written:
        follower.written(written)
    if summary.stopped:
        summary.seconds = time.perf_counter() - started
        raise WriteStopped(summary.stopped, summary)
    stale = tracker.counts if incremental else {a: tracker.counts[a] for a in tracker.repeated}
    if refresh or stale:
        es.indices.refresh(index=index)  # an article indexed twice in a second must be seen too
    summary.removed = remove_stale_parts(es, index, stale, follower=follower)
    if summary.removed and refresh:
        es.indices.refresh(index=index)  # searchable state means without the removed parts
    summary.seconds = time.perf_counter() - started
    return summary
