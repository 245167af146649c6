"""The indexing pipeline in parallel: paths → parsed, normalised articles with their entities → bulk
actions, with the Python work spread over worker processes.

Why: loading a corpus is bounded by the Python work done per part before anything reaches
Elasticsearch, and four fifths of it is entity extraction (``docs/benchmarks.md``, bench_index).
``service.indexer.index_articles`` does that work inline, in the process that also sends the bulk
requests, so the node waits while Python extracts and Python waits while the node indexes.
Here the main process only reads raw lines (JSON Lines) or file names (scraped pages) and sends
bulk requests; ``workers`` processes validate, parse, normalise, extract entities and build the
documents (``service.documents.article_documents``) of batches of articles, concurrently with the
node's indexing. Output keeps the input's order, and at most a few batches per worker are in
flight, so memory stays flat whatever the corpus size.

Rejections and warnings are the same as ``service.ingest.sources.read_paths`` reports (file, line,
reason): the main process reads lines with ``iter_jsonl_lines`` (bounded) and the workers parse
them with ``article_of_line``, the very functions ``read_jsonl`` uses, because the line, not the
file, is the unit of work that is shipped to a worker.

    with Pipeline("hebrew-news-v3-…", workers=2) as pipeline:
        summary = pipeline.load(es, paths, chunk_size=500)

``workers=0`` does the work inline (no subprocess), like ``index_articles``.
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
from service.indexer import IndexSummary, bulk_load
from service.ingest.sources import (
    JSONL_SUFFIXES,
    Rejection,
    article_of_file,
    article_of_line,
    iter_jsonl_lines,
    walk_paths,
)
from service.model import Article

DEFAULT_BATCH = 32  # articles per task: about half a second of work, a megabyte of results
PENDING_PER_WORKER = 3  # tasks in flight per worker: enough to keep each one busy

# An item of work: ("line", path, line number, raw bytes) or ("file", path).
Item = tuple[Any, ...]


@dataclass
class PipelineStats:
    read: int = 0  # articles read (parsed or rejected)
    articles: int = 0
    parts: int = 0
    documents: int = 0  # bulk actions produced: one per part plus one per article
    rejections: list[Rejection] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (origin, warning)


@dataclass
class BatchResult:
    actions: list[dict[str, Any]]
    articles: int
    parts: int
    rejections: list[Rejection]
    warnings: list[tuple[str, str]]


# -- worker side -----------------------------------------------------------------------------------

_worker: dict[str, Any] = {}


def _init_worker(
    index: str, allow_undated: bool, extractor_factory: Callable[[], EntityExtractor] | None
) -> None:
    """Set up a worker process: its target index, and its extractor (loaded once, ~1 s)."""
    from service.documents import default_extractor

    _worker["index"] = index
    _worker["allow_undated"] = allow_undated
    _worker["extractor"] = extractor_factory() if extractor_factory else default_extractor()


def _prepare(items: list[Item]) -> BatchResult:
    """Parse, normalise and extract a batch; the documents come back with ``_index`` set."""
    from service.documents import BadArticleId, article_documents, extract_entities

    index, allow_undated, extractor = _worker["index"], _worker["allow_undated"], _worker["extractor"]
    result = BatchResult([], 0, 0, [], [])
    for item in items:
        if item[0] == "line":
            found = article_of_line(item[1], item[2], item[3], allow_undated=allow_undated)
        else:
            found = article_of_file(item[1], allow_undated=allow_undated)
        if isinstance(found, Article):
            try:
                docs = article_documents(found, extract_entities(found, extractor))
            except BadArticleId as exc:
                found = Rejection(item[1], item[2] if item[0] == "line" else None, str(exc))
        if isinstance(found, Rejection):
            result.rejections.append(found)
            continue
        result.articles += 1
        result.parts += len(found.parts)
        result.warnings.extend((found.origin, w) for w in found.warnings)
        for doc in docs:
            doc["_index"] = index
            result.actions.append(doc)
    return result


# -- main side -------------------------------------------------------------------------------------


def _items(paths: Iterable[str | Path], rejections: list[Rejection]) -> Iterator[Item]:
    """The work in ``paths``, cheaply: raw non-blank lines of JSON Lines files (read by the bounded
    reader of ``service.ingest.sources``, so a bomb or a huge line costs no memory), names of the
    others. What cannot be walked or read becomes a rejection, as in ``read_paths``."""
    for path in walk_paths(paths):
        if isinstance(path, Rejection):
            rejections.append(path)
        elif not path.name.endswith(JSONL_SUFFIXES):
            yield ("file", str(path))
        else:
            for line in iter_jsonl_lines(path):
                if isinstance(line, Rejection):
                    rejections.append(line)
                else:
                    yield ("line", str(path), *line)


def _batches(items: Iterator[Item], size: int) -> Iterator[list[Item]]:
    batch: list[Item] = []
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

    def _results(self, batches: Iterator[list[Item]]) -> Iterator[BatchResult]:
        if self._pool is None:
            _init_worker(self.index, self.allow_undated, self.extractor_factory)
            yield from map(_prepare, batches)
            return
        pending: deque[Any] = deque()
        limit = self.workers * PENDING_PER_WORKER
        for batch in batches:
            pending.append(self._pool.apply_async(_prepare, (batch,)))
            if len(pending) >= limit:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()

    def actions(self, paths: Iterable[str | Path]) -> Iterator[dict[str, Any]]:
        """Every bulk action of ``paths`` (the article document, then its parts), in order."""
        read_errors: list[Rejection] = []
        stats = self.stats
        for result in self._results(_batches(_items(paths, read_errors), self.batch_size)):
            for rejection in read_errors + result.rejections:
                self._reject(rejection)
            read_errors.clear()
            stats.read += result.articles
            stats.articles += result.articles
            stats.parts += result.parts
            stats.documents += len(result.actions)
            for origin, warning in result.warnings:
                stats.warnings.append((origin, warning))
                if self.on_warning:
                    self.on_warning(origin, warning)
            yield from result.actions
        for rejection in read_errors:
            self._reject(rejection)

    def _reject(self, rejection: Rejection) -> None:
        self.stats.read += 1
        self.stats.rejections.append(rejection)
        if self.on_rejection:
            self.on_rejection(rejection)

    def load(
        self,
        es: Any,
        paths: Iterable[str | Path],
        *,
        chunk_size: int = 500,
        threads: int = 1,
        refresh: bool = True,
        on_batch: Callable[[int], None] | None = None,
    ) -> IndexSummary:
        """Load ``paths`` into this pipeline's index; see ``bulk_load``."""
        return bulk_load(
            es,
            self.actions(paths),
            index=self.index,
            chunk_size=chunk_size,
            threads=threads,
            refresh=refresh,
            on_batch=on_batch,
            articles=lambda: self.stats.articles,
        )


def prepared_actions(
    paths: Iterable[str | Path], index: str, *, workers: int = 0, **options: Any
) -> Iterator[dict[str, Any]]:
    """The bulk actions of ``paths`` for ``index`` (a generator; workers end with it)."""
    with Pipeline(index, workers=workers, **options) as pipeline:
        yield from pipeline.actions(paths)
