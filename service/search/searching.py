"""The main search, shared by the API and the web page: parse (``parser``) → query (``query``) →
shape (``result``), with the cheap request around it (did you mean). A keyword
query is searched strictly (every content word); only when that finds nothing is it asked again,
relaxed, and the answer flagged (``relaxed``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from elastic_transport import ApiResponseMeta
from elasticsearch import ApiError, Elasticsearch
from elasticsearch.exceptions import HTTP_EXCEPTIONS

from service.search.dates import DateExtent, histogram_bounds
from service.search.facets import DATE_FACET
from service.search.name_variants import LazyNameVariants, NameVariants
from service.search.query import (
    DUP_KEY,
    build_day_counts,
    build_searches,
    build_similar_counts,
    every_group_single,
    relaxable,
    starts_relaxed,
)
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
    ) -> tuple[tuple[date, date] | None, list[dict[str, Any]]]:
        """The histogram's bounds (computed once, for the query and the shape) and the ``msearch``
        of the search: headers and bodies of its hits and its counts (also what a benchmark times)."""
        bounds = histogram_bounds(req, self.extent.get(self.es, self.index))
        return bounds, self.searches(req, bounds, relaxed)

    def searches(
        self, req: SearchRequest, bounds: tuple[date, date] | None, relaxed: bool | None
    ) -> list[dict[str, Any]]:
        """The ``msearch`` body: the hits' header and body, then the counts'."""
        header = {"index": self.index, "request_cache": self.cache}
        hits, counts = build_searches(req, bounds, relaxed=relaxed)
        return [header, hits, header, counts]

    def send(self, searches: list[dict[str, Any]]) -> dict[str, Any]:
        """The ``msearch`` answered as one search response: the hits' with the counts'
        aggregations. An error in either is raised as the node's own (``msearch`` reports it in
        the response), so that the error handlers tell a 400 from a 503 as for one search."""
        response = self.es.msearch(searches=searches)
        hits, counts = (_checked(response, item) for item in response["responses"])
        return {**hits, "aggregations": {**hits.get("aggregations", {}), **counts.get("aggregations", {})}}

    def refine_dates(self, req: SearchRequest, response: dict[str, Any], relaxed: bool) -> None:
        """When the histogram came back in months but its bars are days or weeks (matches within
        60 weeks in a wide index), ask those days in a second small request, in place."""
        days = DATE_FACET.days_needed(req, response["aggregations"])
        if days is not None:
            body = build_day_counts(req, days, relaxed=relaxed)
            counted = self.es.search(index=self.index, request_cache=self.cache, **body)
            response["aggregations"]["dates"] = counted["aggregations"]["dates"]

    def count_similar(self, req: SearchRequest, response: dict[str, Any], relaxed: bool | None) -> None:
        """How many matching articles each near-duplicate group on the page holds, in place
        (``similar_counts``); not asked when every matching article is a group of its own."""
        keys = sorted({k for hit in response["hits"]["hits"] for k in hit.get("fields", {}).get(DUP_KEY, [])})
        if req.similar or not keys or every_group_single(response):
            return
        body = build_similar_counts(req, keys, relaxed=relaxed)
        counted = self.es.search(index=self.index, request_cache=self.cache, **body)
        buckets = counted["aggregations"]["similar"]["buckets"]
        response["similar_counts"] = {b["key"]: b["doc_count"] for b in buckets}

    def run(self, req: SearchRequest) -> dict[str, Any]:
        bounds = histogram_bounds(req, self.extent.get(self.es, self.index))

        def answer(relaxed: bool) -> dict[str, Any]:
            response = self.send(self.searches(req, bounds, relaxed))
            self.refine_dates(req, response, relaxed)
            self.count_similar(req, response, relaxed)
            return shape_results(req, response, relaxed=relaxed and relaxable(req.query))

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


def _checked(response: Any, item: dict[str, Any]) -> dict[str, Any]:
    """One ``msearch`` item, or its error raised as the exception a search would have raised."""
    if "error" not in item:
        return item
    status = int(item.get("status", 500))
    meta = response.meta
    item_meta = ApiResponseMeta(status, meta.http_version, meta.headers, meta.duration, meta.node)
    error = item["error"]
    kind = error.get("type", "msearch item failed") if isinstance(error, dict) else str(error)
    raise HTTP_EXCEPTIONS.get(status, ApiError)(message=kind, meta=item_meta, body={"error": error})


def run_search(
    es: Elasticsearch,
    index: str,
    req: SearchRequest,
    extent: DateExtent | None = None,
    names: NameVariants | LazyNameVariants | None = None,
    cache: bool = False,
) -> dict[str, Any]:
    return ArticleSearch(es, index, extent, names, cache).run(req)
