"""The one search entry point shared by the API and the web page."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from elasticsearch import Elasticsearch

from service.search.parser import SearchRequest
from service.search.query import build_search
from service.search.result import shape_results

EXTENT_TTL_SECONDS = 60.0


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
        response = es.search(
            index=index,
            size=0,
            query={"term": {"doc_type": "article"}},
            aggs={
                "first": {"min": {"field": "published_at", "format": "yyyy-MM-dd"}},
                "last": {"max": {"field": "published_at", "format": "yyyy-MM-dd"}},
            },
        )
        aggs = response["aggregations"]
        extent = None
        if aggs["first"].get("value") is not None:
            extent = (
                date.fromisoformat(aggs["first"]["value_as_string"]),
                date.fromisoformat(aggs["last"]["value_as_string"]),
            )
        self._cache[index] = (time.monotonic(), extent)
        return extent


def run_search(
    es: Elasticsearch, index: str, req: SearchRequest, extent: DateExtent | None = None
) -> dict[str, Any]:
    bounds = (extent or DateExtent(ttl=0)).get(es, index)
    response = es.search(index=index, **build_search(req, bounds))
    return shape_results(req, response.body, bounds)
