"""The main search, shared by the API and the web page: parse (``parser``) → query (``query``) →
shape (``result``), with the cheap request around it (did you mean). A keyword
query is searched strictly (every content word); only when that finds nothing is it asked again,
relaxed, and the answer flagged (``relaxed``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from elasticsearch import Elasticsearch

from service.search.dates import DateExtent, histogram_bounds
from service.search.name_variants import LazyNameVariants, NameVariants
from service.search.query import build_search, relaxable, starts_relaxed
from service.search.request import SearchRequest
from service.search.result import shape_results
from service.search.spelling import suggestion


class ArticleSearch:
    """Articles for a validated request, over the index behind ``index``; ``extent`` caches the
    index's first and last days for the date histogram (a fresh one asks every time); ``names``, the
    gazetteer's names for did-you-mean (none: the term suggester alone); ``cache``, whether the
    node's shard request cache may answer (``Settings.request_cache``)."""

    def __init__(
        self,
        es: Elasticsearch,
        index: str,
        extent: DateExtent | None = None,
        names: NameVariants | LazyNameVariants | None = None,
        cache: bool = False,
    ) -> None:
        self.es, self.index, self.extent = es, index, extent or DateExtent(ttl=0)
        self.names, self.cache = names, cache

    def query(
        self, req: SearchRequest, relaxed: bool | None = None
    ) -> tuple[tuple[date, date] | None, dict[str, Any]]:
        """The histogram's bounds (computed once, for the query and the shape) and the search body
        (also what a benchmark times)."""
        bounds = histogram_bounds(req, self.extent.get(self.es, self.index))
        return bounds, build_search(req, bounds, relaxed=relaxed)

    def run(self, req: SearchRequest) -> dict[str, Any]:
        bounds = histogram_bounds(req, self.extent.get(self.es, self.index))

        def answer(relaxed: bool) -> dict[str, Any]:
            body = build_search(req, bounds, relaxed=relaxed)
            response = self.es.search(index=self.index, request_cache=self.cache, **body).body
            return shape_results(req, response, bounds, relaxed=relaxed and relaxable(req.query))

        relaxed = starts_relaxed(req.query)
        result = answer(relaxed)
        # Strict found nothing: a second request, relaxed; facets, total and dates follow it when
        # it finds something (else the strict answer stands: nothing, not flagged).
        found_nothing_strictly = not relaxed and result["total"] == 0
        if found_nothing_strictly and relaxable(req.query):
            relaxed_result = answer(relaxed=True)
            result = relaxed_result if relaxed_result["total"] else result
        # A typo among found words (נתניחו ולפוטין) empties the strict search: still worth a
        # correction, so the strict total is what decides (few articles, or none, ask for help).
        total = 0 if found_nothing_strictly else result["total"]
        result["did_you_mean"] = suggestion(self.es, self.index, req, total, self.names)
        return result


def run_search(
    es: Elasticsearch,
    index: str,
    req: SearchRequest,
    extent: DateExtent | None = None,
    names: NameVariants | LazyNameVariants | None = None,
    cache: bool = False,
) -> dict[str, Any]:
    return ArticleSearch(es, index, extent, names, cache).run(req)
