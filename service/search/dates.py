"""Dates on the read side, defined once: the newsroom's time zone, the sane publication dates, the
histogram's range and interval, and the index's first and last days (cached)."""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

from elasticsearch import Elasticsearch

from service.model import EARLIEST_PUBLISHED, latest_published
from service.search.request import SearchRequest

TIME_ZONE = "Asia/Jerusalem"  # dates are newsroom days
# The sane publication dates (issue 12), defined once in service.model: what ingest accepts, what a
# query may ask for, and what the date histogram and extents consider. Anything else in the index
# (an old index, another writer) is left out of them rather than breaking every search.
EARLIEST_DATE = EARLIEST_PUBLISHED
EXTENT_TTL_SECONDS = 60.0


def latest_date() -> date:
    """The last day a query may name: ingest's latest publication time (now plus a day), in UTC."""
    return latest_published().date()


def sane_date_range() -> dict[str, dict[str, str]]:
    """A ``range`` query on ``published_at`` that keeps only sane dates."""
    return {
        "range": {
            "published_at": {
                "gte": EARLIEST_DATE.isoformat(),
                "lte": f"{latest_date().isoformat()}||/d",  # to the end of that day
                "format": "strict_date",
            }
        }
    }


def first_and_last() -> dict[str, Any]:
    """Aggregations of the first and last publication days (``yyyy-MM-dd``)."""
    return {
        "first": {"min": {"field": "published_at", "format": "strict_date"}},
        "last": {"max": {"field": "published_at", "format": "strict_date"}},
    }


def day_range(first: str | None, last: str | None) -> tuple[date, date] | None:
    """Two ``yyyy-MM-dd`` strings from the node → dates, or None when either is missing or not a
    date Python can hold (a defence in depth behind the sane-range filter)."""
    try:
        return (date.fromisoformat(first), date.fromisoformat(last)) if first and last else None
    except ValueError:
        return None


def days_of(aggs: dict[str, Any]) -> tuple[date, date] | None:
    """The answer to ``first_and_last()`` → the first and last days."""
    return day_range(aggs["first"].get("value_as_string"), aggs["last"].get("value_as_string"))


def date_interval(start: date, end: date) -> str:
    days = (end - start).days
    if days <= 45:
        return "day"
    if days <= 366:
        return "week"
    if days <= 366 * 8:
        return "month"
    return "year"


def histogram_window(start: date, end: date) -> dict[str, Any]:
    """A filter for the date histogram's documents: its own dates, with a day of slack each side (the
    extent is in UTC days, buckets in Israeli days), so every sane document is counted as before
    while one dated 9999 no longer stretches a daily histogram over eight millennia (too many
    buckets, and dates Python cannot hold). A filter rather than ``hard_bounds``, which the node
    rounds down to the interval and so drops the last month or year."""
    return {
        "range": {
            "published_at": {
                "gte": (start - timedelta(days=1)).isoformat(),
                "lt": (end + timedelta(days=2)).isoformat(),
                "time_zone": TIME_ZONE,
                "format": "strict_date",
            }
        }
    }


def histogram_bounds(req: SearchRequest, extent: tuple[date, date] | None) -> tuple[date, date] | None:
    """The histogram's range: the selected dates, completed by the index's first and last dates."""
    if req.date_from and req.date_to:
        return req.date_from, req.date_to
    if extent is None:
        return None
    start, end = req.date_from or extent[0], req.date_to or extent[1]
    return (start, end) if start <= end else None


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
            query={"bool": {"filter": [sane_date_range()]}},
            aggs=first_and_last(),
        )
        extent = days_of(response["aggregations"])
        self._cache[index] = (time.monotonic(), extent)
        return extent
