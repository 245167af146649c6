"""The one loader: files (``load``) or articles built in code (``index_articles``) → the index.

``load(es, paths, index, workers=N)`` is what ``flask index``, ``flask reindex`` and the benchmarks
use: records read by ``service.ingest.sources``, prepared by the pipeline (``workers`` processes,
or inline), sent in bulk, and, on a live alias, the writes mirrored to a reindex that runs
meanwhile. A reindex takes a loader (``Files`` or
``Articles``) and calls it for its new index; nothing calls back into the command line.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from elasticsearch import Elasticsearch

from service.entities.extractor import EntityExtractor
from service.indexing.bulk import IndexSummary, WriteStopped, bulk_load
from service.indexing.documents import BadArticleId
from service.indexing.extraction import article_actions
from service.indexing.pipeline import Pipeline
from service.indexing.report import Report
from service.model import Article


class Loader(Protocol):
    """Loads a source into ``index``; ``options`` are ``bulk_load``'s (``chunk_size``, ``on_batch``,
    ``refresh``) and ``fresh_index`` (a new index no reindex follows: its writes are not mirrored)."""

    def __call__(self, es: Elasticsearch, index: str, **options: Any) -> IndexSummary: ...


def load(
    es: Elasticsearch,
    paths: Iterable[str | Path],
    index: str,
    *,
    workers: int = 0,
    allow_undated: bool = False,
    report: Report | None = None,
    fresh_index: bool = False,
    pipeline: Pipeline | None = None,
    **options: Any,
) -> IndexSummary:
    """Load the articles in ``paths`` into ``index`` (``options``: ``chunk_size``, ``threads``,
    ``refresh``, ``on_batch``; see ``bulk_load``). Rejections and warnings go to ``report`` as they
    come; the summary counts them. ``pipeline``: one already started (a benchmark watching its
    worker processes), which then brings its own ``workers``, ``allow_undated`` and callbacks.
    Raises ``WriteStopped`` (its summary counted too) when the node stops taking writes."""
    if pipeline is None:
        pipeline = Pipeline(
            index,
            workers=workers,
            allow_undated=allow_undated,
            on_rejection=report.rejection if report else None,
            on_warning=report.warning if report else None,
        )
        owned: contextlib.AbstractContextManager[Any] = pipeline
    else:
        owned = contextlib.nullcontext()
    if report is not None and report.progress is not None:
        options.setdefault("on_batch", report.progress)
    with owned:
        stats = pipeline.stats
        try:
            summary = bulk_load(
                es,
                pipeline.actions(paths),
                index=pipeline.index,
                articles=lambda: stats.articles,
                incremental=not fresh_index,
                **options,
            )
        except WriteStopped as exc:
            exc.summary.read, exc.summary.rejected = stats.read, len(stats.rejections)
            raise
    summary.read, summary.rejected, summary.parts = stats.read, len(stats.rejections), stats.parts
    return summary


def _actions(
    index: str, articles: Iterable[Article], counted: IndexSummary, extractor: EntityExtractor | None
) -> Iterator[dict[str, Any]]:
    for article in articles:
        counted.articles += 1
        try:
            yield from article_actions(article, index, extractor)
        except BadArticleId as exc:
            counted.failed.append(f"{article.origin or article.id[:80]}: {exc}")


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
    """Index ``articles`` built in code (tests, evaluations), inline; as ``load``
    otherwise, except that an id the schema would have refused is a failed document, not a
    rejection (there is no file line to name)."""
    counted = IndexSummary()
    return bulk_load(
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


@dataclass
class Files:
    """Files as a reindex's source: ``reindex(es, alias, Files(paths, workers=2))``."""

    paths: Sequence[str | Path]
    workers: int = 0
    allow_undated: bool = False
    report: Report | None = None

    def __call__(self, es: Elasticsearch, index: str, **options: Any) -> IndexSummary:
        return load(
            es,
            self.paths,
            index,
            workers=self.workers,
            allow_undated=self.allow_undated,
            report=self.report,
            **options,
        )


@dataclass
class Articles:
    """Articles built in code as a reindex's source."""

    articles: Iterable[Article]
    extractor: EntityExtractor | None = None

    def __call__(self, es: Elasticsearch, index: str, **options: Any) -> IndexSummary:
        return index_articles(es, index, self.articles, extractor=self.extractor, **options)
