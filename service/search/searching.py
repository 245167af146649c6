"""The main search, shared by the API and the web page: parse (``parser``) → query (``query``) →
shape (``result``), with the two cheap requests around it (excluded articles, did you mean)."""

from __future__ import annotations

from datetime import date
from typing import Any

from elasticsearch import Elasticsearch

from service.search.dates import DateExtent, histogram_bounds
from service.search.query import build_search, exclusion_clauses
from service.search.request import SearchRequest
from service.search.result import shape_results
from service.search.spelling import did_you_mean

MAX_EXCLUDED_ARTICLES = 10_000


class ArticleSearch:
    """Articles for a validated request, over the index behind ``index``; ``extent`` caches the
    index's first and last days for the date histogram (a fresh one asks every time)."""

    def __init__(self, es: Elasticsearch, index: str, extent: DateExtent | None = None) -> None:
        self.es, self.index, self.extent = es, index, extent or DateExtent(ttl=0)

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

    def query(self, req: SearchRequest) -> tuple[tuple[date, date] | None, dict[str, Any]]:
        """The histogram's bounds (computed once, for the query and the shape) and the search body
        (also what a benchmark times)."""
        bounds = histogram_bounds(req, self.extent.get(self.es, self.index))
        return bounds, build_search(req, bounds, self.excluded_articles(req))

    def run(self, req: SearchRequest) -> dict[str, Any]:
        bounds, body = self.query(req)
        result = shape_results(req, self.es.search(index=self.index, **body).body, bounds)
        result["did_you_mean"] = did_you_mean(self.es, self.index, req) if result["total"] == 0 else None
        return result


def run_search(
    es: Elasticsearch, index: str, req: SearchRequest, extent: DateExtent | None = None
) -> dict[str, Any]:
    return ArticleSearch(es, index, extent).run(req)
