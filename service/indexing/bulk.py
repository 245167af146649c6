"""Send bulk actions with the client's bulk helper and count what was stored.

A document the node refuses is reported, not fatal; an error that every document would meet (a full
disk's block) stops the run at once with what was stored. An article is one document
(``documents.article_document``): a new version replaces the old one whole, parts and all.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch, helpers

from service.indexing.writes import BULK_TIMEOUT_SECONDS, ReindexFollower

# Errors that concern the node or the index, not the document: the next document fails the same.
NODE_WIDE_ERRORS = ("cluster_block_exception", "index_not_found_exception", "unavailable_shards_exception")


@dataclass
class IndexSummary:
    articles: int = 0
    documents: int = 0  # documents stored: one per article (a repeated id counts each time)
    created: int = 0  # of those, new documents (the rest replaced one with the same id)
    failed: list[str] = field(default_factory=list)  # documents Elasticsearch refused, with why
    seconds: float = 0.0
    stopped: str = ""  # why the node stopped taking writes (full disk...); empty when it did not
    stored_articles: int = 0  # articles whose every document was stored
    read: int = 0  # records read from files (articles and rejections); 0 for articles given in code
    rejected: int = 0  # records rejected before indexing (bad JSON, schema...), each reported
    parts: int = 0  # parts of the articles read from files


class WriteStopped(RuntimeError):
    """The node refuses all writes (a full disk's read-only block, an unavailable index): the run
    stops at once instead of retrying every remaining document. ``summary`` tells what was stored."""

    def __init__(self, reason: str, summary: IndexSummary) -> None:
        super().__init__(reason)
        self.summary = summary


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


def _send(es: Elasticsearch, stream: Iterable[dict[str, Any]], threads: int, chunk_size: int, **options: Any):
    """The bulk results, ``parallel_bulk`` with ``threads`` > 1 requests in flight."""
    if threads > 1:
        return helpers.parallel_bulk(
            es, stream, thread_count=threads, chunk_size=chunk_size, raise_on_error=False, **options
        )
    # 429s are retried (1 + 2 + 4 s) before counting as refused: a full node must not hang the run.
    return helpers.streaming_bulk(
        es, stream, chunk_size=chunk_size, raise_on_error=False, max_retries=3, initial_backoff=1, **options
    )


class _Tally:
    """The bulk results as they come: what was stored and refused, by article, and the node-wide
    error that halts the stream (``halted`` is shared with ``_until``)."""

    def __init__(
        self, chunk_size: int, follower: ReindexFollower | None, on_batch: Callable[[int], None] | None
    ):
        self.chunk_size, self.follower, self.on_batch = chunk_size, follower, on_batch
        self.summary = IndexSummary()
        self.halted: list[str] = []
        self.stored: set[str] = set()  # article ids
        self.written: list[str] = []
        self.failed_articles: set[str] = set()

    def consume(self, results: Any) -> None:
        try:
            for ok, info in results:
                self._one(ok, next(iter(info.values())))
        except (ApiError, TransportError) as exc:  # the bulk request itself failed, after retries
            self.summary.stopped = f"{type(exc).__name__}: {str(exc)[:300]}"
        finally:
            close = getattr(results, "close", None)
            if close:
                close()
        if self.follower is not None and self.written:
            self.follower.written(self.written)

    def _one(self, ok: bool, op: dict[str, Any]) -> None:
        summary, follower = self.summary, self.follower
        doc_id = str(op.get("_id"))
        if follower is not None and op.get("_index") in follower.mirrors:
            return  # the copy for the reindex: the journal covers it if it failed
        if ok:
            summary.documents += 1
            if op.get("result") == "created":
                summary.created += 1
            self.stored.add(doc_id)
            self.written.append(doc_id)
        else:
            summary.failed.append(f"{doc_id}: {op.get('error')}")
            self.failed_articles.add(doc_id)
            if not self.halted and (reason := _stop_reason(op.get("error"))):
                summary.stopped = reason  # the results of the chunk in flight still count
                self.halted.append(reason)
        done = summary.documents + len(summary.failed)
        if done % self.chunk_size == 0:
            if follower is not None:
                follower.written(self.written)
                self.written.clear()
            if self.on_batch:
                self.on_batch(done)

    def stored_articles(self) -> int:
        """Articles stored, less those whose other version (a repeated id) was refused."""
        return len(self.stored - self.failed_articles)


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
    """Send ``actions`` (``streaming_bulk``, or ``parallel_bulk`` with ``threads`` > 1 requests in
    flight); see the module docstring. ``articles`` tells how many articles the actions held.
    With ``incremental`` (writing to a live alias) a running reindex follows the writes."""
    es = es.options(request_timeout=BULK_TIMEOUT_SECONDS)  # the app's client is tuned for searches
    follower = ReindexFollower(es, index) if incremental else None
    tally = _Tally(chunk_size, follower, on_batch)
    stream: Iterable[dict[str, Any]] = _until(actions, tally.halted)
    options: dict[str, Any] = {}
    if follower is not None:
        stream = follower.mirrored(stream, chunk_size)
        options["require_alias"] = True  # a mirror to a deleted staging alias must not create an index
    started = time.perf_counter()
    tally.consume(_send(es, stream, threads, chunk_size, **options))
    summary = tally.summary
    summary.failed = (early_failures or []) + summary.failed
    summary.articles = articles() if articles else 0
    summary.stored_articles = tally.stored_articles()
    if summary.stopped:
        summary.seconds = time.perf_counter() - started
        raise WriteStopped(summary.stopped, summary)
    if refresh:
        es.indices.refresh(index=index)
    summary.seconds = time.perf_counter() - started
    return summary
