"""Records → bulk actions, with the Python work spread over worker processes (or done inline).

Why: loading a corpus is bounded by the Python work done per part before anything reaches
Elasticsearch, and four fifths of it is entity extraction (``docs/benchmarks.md``, bench_index).
Here the main process only reads raw records (``service.ingest.sources.raw_records``: JSON Lines
lines, scraped pages' names) and sends bulk requests; ``workers`` processes parse, normalise,
extract entities and build the documents (``extraction.article_actions``) of batches of records,
concurrently with the node's indexing. Output keeps the input's order, rejections included, and
at most a few batches per worker are in flight, so memory stays flat whatever the corpus size.
``workers=0`` does the same work inline (no subprocess).

    with Pipeline("hebrew-news-v3-…", workers=2) as pipeline:
        actions = pipeline.actions(paths)  # see loader.load, which sends them
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.entities.extractor import EntityExtractor
from service.indexing.documents import BadArticleId
from service.indexing.extraction import article_actions, default_extractor
from service.ingest.sources import RawRecord, Rejection, raw_records

DEFAULT_BATCH = 32  # articles per task: about half a second of work, a megabyte of results
PENDING_PER_WORKER = 3  # tasks in flight per worker: enough to keep each one busy


@dataclass
class PipelineStats:
    read: int = 0  # articles read (parsed or rejected)
    articles: int = 0
    parts: int = 0
    documents: int = 0  # bulk actions produced: one per article
    rejections: list[Rejection] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (origin, warning)


@dataclass
class Prepared:
    """One article made ready: its bulk actions, and what to report about it."""

    actions: list[dict[str, Any]]
    parts: int
    origin: str
    warnings: list[str]


def prepare(
    records: Iterable[RawRecord | Rejection],
    index: str,
    *,
    allow_undated: bool = False,
    extractor: EntityExtractor | None = None,
) -> list[Prepared | Rejection]:
    """Parse, normalise and extract each record, in order (a read error passes through): the work
    of one batch, in a worker or inline. Public for benchmarks that time or profile it."""
    return [r if isinstance(r, Rejection) else _prepared(r, index, allow_undated, extractor) for r in records]


def _prepared(
    record: RawRecord, index: str, allow_undated: bool, extractor: EntityExtractor | None
) -> Prepared | Rejection:
    article = record.parse(allow_undated=allow_undated)
    if isinstance(article, Rejection):
        return article
    try:
        actions = article_actions(article, index, extractor)
    except BadArticleId as exc:
        return Rejection(record.path, record.line, str(exc))
    return Prepared(actions, len(article.parts), article.origin, article.warnings)


# -- worker side: its settings, set once per process ----------------------------------------------

_worker: dict[str, Any] = {}


def _init_worker(
    index: str, allow_undated: bool, extractor_factory: Callable[[], EntityExtractor] | None
) -> None:
    """Set up a worker process: its target index, and its extractor (loaded once, ~1 s)."""
    _worker["index"] = index
    _worker["allow_undated"] = allow_undated
    _worker["extractor"] = extractor_factory() if extractor_factory else default_extractor()


def _prepare_batch(records: list[RawRecord | Rejection]) -> list[Prepared | Rejection]:
    return prepare(
        records, _worker["index"], allow_undated=_worker["allow_undated"], extractor=_worker["extractor"]
    )


def _batches(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class Pipeline:
    """Bulk actions for ``index`` from paths, prepared by ``workers`` processes (0: inline).

    ``on_rejection`` and ``on_warning`` are called in the main process as results arrive (in
    input order); everything is also counted in ``stats``. Use it as a context manager, or call
    ``close()``, so that the worker processes end."""

    def __init__(
        self,
        index: str,
        *,
        workers: int = 0,
        batch_size: int = DEFAULT_BATCH,
        allow_undated: bool = False,
        extractor_factory: Callable[[], EntityExtractor] | None = None,
        on_rejection: Callable[[Rejection], None] | None = None,
        on_warning: Callable[[str, str], None] | None = None,
    ) -> None:
        if workers < 0:
            raise ValueError("workers must be 0 (inline) or more")
        self.index = index
        self.workers = workers
        self.batch_size = max(1, batch_size)
        self.allow_undated = allow_undated
        self.extractor_factory = extractor_factory
        self.on_rejection = on_rejection
        self.on_warning = on_warning
        self.stats = PipelineStats()
        self._pool: Any = None
        if workers:
            # fork: workers start in a fraction of a second and inherit the imported modules.
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else None)
            self._pool = context.Pool(
                workers, initializer=_init_worker, initargs=(index, allow_undated, extractor_factory)
            )

    def worker_pids(self) -> list[int]:
        return [p.pid for p in self._pool._pool] if self._pool is not None else [os.getpid()]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _results(self, batches: Iterator[list[Any]]) -> Iterator[list[Prepared | Rejection]]:
        if self._pool is None:
            _init_worker(self.index, self.allow_undated, self.extractor_factory)
            yield from map(_prepare_batch, batches)
            return
        pending: deque[Any] = deque()
        limit = self.workers * PENDING_PER_WORKER
        for batch in batches:
            pending.append(self._pool.apply_async(_prepare_batch, (batch,)))
            if len(pending) >= limit:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()

    def actions(self, paths: Iterable[str | Path]) -> Iterator[dict[str, Any]]:
        """Every bulk action of ``paths`` (one document per article), in order."""
        for outcomes in self._results(_batches(raw_records(paths), self.batch_size)):
            for outcome in outcomes:
                if isinstance(outcome, Rejection):
                    self._reject(outcome)
                else:
                    self._count(outcome)
                    yield from outcome.actions

    def _count(self, prepared: Prepared) -> None:
        stats = self.stats
        stats.read += 1
        stats.articles += 1
        stats.parts += prepared.parts
        stats.documents += len(prepared.actions)
        for warning in prepared.warnings:
            stats.warnings.append((prepared.origin, warning))
            if self.on_warning:
                self.on_warning(prepared.origin, warning)

    def _reject(self, rejection: Rejection) -> None:
        self.stats.read += 1
        self.stats.rejections.append(rejection)
        if self.on_rejection:
            self.on_rejection(rejection)
