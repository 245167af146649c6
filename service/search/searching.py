"""The main search, shared by the API and the web page: parse (``parser``) → query (``query``) →
shape (``result``), with the cheap requests around it (excluded articles, did you mean). A keyword
query is searched strictly (every content word); only when that finds nothing is it asked again,
relaxed, and the answer flagged (``relaxed``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from elasticsearch import Elasticsearch

from service.search.dates import DateExtent, histogram_bounds
from service.search.name_variants import LazyNameVariants, NameVariants
from service.search.query import build_search, exclusion_clauses, relaxable, starts_relaxed
from service.search.request import SearchRequest
from service.search.result import shape_results
from service.search.spelling import suggestion

MAX_EXCLUDED_ARTICLES = 10_000


class ArticleSearch:
    """Articles for a validated request, over the index behind ``index``; ``extent`` caches the
    index's first and last days for the date histogram (a fresh one asks every time); ``names``, the
    gazetteer's names for did-you-mean (none: the term suggester alone)."""

    def __init__(
        self,
        es: Elasticsearch,
        index: str,
        extent: DateExtent | None = None,
        names: NameVariants | LazyNameVariants | None = None,
    ) -> None:
        self.es, self.index, self.extent = es, index, extent or DateExtent(ttl=0)
        self.names = names

    def excluded_articles(self, req: SearchRequest) -> list[str]:
        """Articles that contain an excluded word or phrase in any part: "-פסקוב" drops the whole
        article, not only its parts that name him. A second, cheap request, made only when the query
        has exclusions (at most MAX_EXCLUDED_ARTICLES articles are excluded)."""
        if not req.query.excluded:
            return []
        response = self.es.search(
            index=self.index,
            size=0,
            query={
                "bool": {
                    "filter": [{"term": {"doc_type": "part"}}],
                    "should": exclusion_clauses(req),
                    "minimum_should_match": 1,
                }
            },
            aggs={"ids": {"terms": {"field": "article_id", "size": MAX_EXCLUDED_ARTICLES}}},
        )
        return [b["key"] for b in response["aggregations"]["ids"]["buckets"]]

    def query(
        self, req: SearchRequest, relaxed: bool | None = None
    ) -> tuple[tuple[date, date] | None, dict[str, Any]]:
        """The histogram's bounds (computed once, for the query and the shape) and the search body
        (also what a benchmark times)."""
        bounds = histogram_bounds(req, self.extent.get(self.es, self.index))
        return bounds, build_search(req, bounds, self.excluded_articles(req), relaxed=relaxed)

    def run(self, req: SearchRequest) -> dict[str, Any]:
        bounds = histogram_bounds(req, self.extent.get(self.es, self.index))
        excluded = self.excluded_articles(req)

        def answer(relaxed: bool) -> dict[str, Any]:
            body = build_search(req, bounds, excluded, relaxed=relaxed)
            response = self.es.search(index=self.index, **body).body
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
) -> dict[str, Any]:
    return ArticleSearch(es, index, extent, names).run(req)
