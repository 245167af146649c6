"""The one search entry point shared by the API and the web page."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from elasticsearch import Elasticsearch

from service.search.parser import SearchRequest, sane_date_range
from service.search.query import build_search, exclusion_clauses
from service.search.result import shape_results
from service.search.spelling import did_you_mean

EXTENT_TTL_SECONDS = 60.0


def day_range(first: str | None, last: str | None) -> tuple[date, date] | None:
    """Two ``yyyy-MM-dd`` strings from the node → dates, or None when either is missing or not a
    date Python can hold (a defence in depth behind the sane-range filter)."""
    try:
        return (date.fromisoformat(first), date.fromisoformat(last)) if first and last else None
    except ValueError:
        return None


class DateExtent:
    """The first and last publication dates behind an alias, cached for a minute: the date
    histogram needs them when no closed range is selected (the integ-test distribution has no
    auto_date_histogram), and one cheap aggregation a minute beats one per search."""

    def __init__(self, ttl: float = EXTENT_TTL_SECONDS) -> None:
        self.ttl = ttl
        self._cache: dict[str, tuple[float, tuple[date, date] | None]] = {}

    def get(self, es: Elasticsearch, index: str) -> tuple[date, date] | None:
        cached = self._cache.get(index)
        if cached and time.monotonic() - cached[0] < self.ttl:
            return cached[1]
        # Only sane dates count: one article dated 9999-12-31 (+10000-01-01 in UTC) made every
        # search a 500 (Python's date cannot hold it) and would stretch the histogram over millennia.
        response = es.search(
            index=index,
            size=0,
            query={"bool": {"filter": [{"term": {"doc_type": "article"}}, sane_date_range()]}},
            aggs={
                "first": {"min": {"field": "published_at", "format": "strict_date"}},
                "last": {"max": {"field": "published_at", "format": "strict_date"}},
            },
        )
        aggs = response["aggregations"]
        extent = day_range(aggs["first"].get("value_as_string"), aggs["last"].get("value_as_string"))
        self._cache[index] = (time.monotonic(), extent)
        return extent


MAX_EXCLUDED_ARTICLES = 10_000


def excluded_articles(es: Elasticsearch, index: str, req: SearchRequest) -> list[str]:
    """Articles that contain an excluded word or phrase in any part: "-פסקוב" drops the whole
    article, not only its parts that name him. A second, cheap request, made only when the query
    has exclusions (at most MAX_EXCLUDED_ARTICLES articles are excluded)."""
    if not req.query.excluded:
        return []
    response = es.search(
        index=index,
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


def run_search(
    es: Elasticsearch, index: str, req: SearchRequest, extent: DateExtent | None = None
) -> dict[str, Any]:
    bounds = (extent or DateExtent(ttl=0)).get(es, index)
    body = build_search(req, bounds, excluded_articles(es, index, req))
    response = es.search(index=index, **body)
    result = shape_results(req, response.body, bounds)
    result["did_you_mean"] = did_you_mean(es, index, req) if result["total"] == 0 else None
    return result
