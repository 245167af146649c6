"""Dates on the read side, defined once: the newsroom's time zone, the sane publication dates, the
histogram's intervals and buckets, and the index's first and last days (cached).

The histogram (issue 18) covers the *matching* articles' dates, not the index's: the counts request
asks a fine histogram of the matches (``fine_interval``: days when the span the histogram may cover
is at most about three years, else months; ``min_doc_count`` 1, so only days or months that hold an
article come back) with the matches' first and last dates; Python then picks the display interval
from those dates (``display_interval``: the finest of day … decade that gives at most ``MAX_BARS``
bars) and sums the fine buckets into it (``rebucket``), empty bars included. Why not ask the display
interval itself: it depends on the matches' dates, which are only known from the answer, and a
request before it (their min and max) would cost a round trip on every search; months cannot be
summed into days or weeks, so only when months came back and the matches span 60 weeks or less is
a second, small request made (a day histogram over that window, ``needs_days``).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

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


# The display intervals, finest first; each bar starts on a calendar boundary (weeks on Mondays,
# as the node's ``calendar_interval: week``; quarters in January, April, July and October; five
# years and decades on years divisible by 5 and 10).
INTERVALS = ("day", "week", "month", "quarter", "year", "5years", "decade")
MAX_BARS = 60
# The fine histogram is daily when the span it may cover is at most this: ~1,100 buckets at most,
# and only those holding an article come back (``min_doc_count`` 1). Wider spans ask months (the
# sane range, 1800 to now, is ~2,700 of them), and days only when the matches need them.
DAILY_SPAN_DAYS = 3 * 366
ZONE = ZoneInfo(TIME_ZONE)


def bucket_start(day: date, interval: str) -> date:
    """The first day of the ``interval`` bucket that holds ``day``."""
    if interval == "day":
        return day
    if interval == "week":
        return day - timedelta(days=day.weekday())
    if interval == "month":
        return day.replace(day=1)
    if interval == "quarter":
        return date(day.year, day.month - (day.month - 1) % 3, 1)
    years = {"year": 1, "5years": 5, "decade": 10}[interval]
    return date(day.year - day.year % years, 1, 1)


def next_bucket(start: date, interval: str) -> date:
    """The first day of the bucket after the one that starts on ``start``."""
    if interval == "day":
        return start + timedelta(days=1)
    if interval == "week":
        return start + timedelta(days=7)
    months = {"month": 1, "quarter": 3}.get(interval)
    if months:
        month = start.month - 1 + months
        return date(start.year + month // 12, month % 12 + 1, 1)
    years = {"year": 1, "5years": 5, "decade": 10}[interval]
    return date(start.year + years, 1, 1)


def bucket_end(start: date, interval: str | None) -> date:
    """The last day of the bucket that starts on ``start``."""
    return next_bucket(start, interval) - timedelta(days=1) if interval in INTERVALS else start


def bucket_starts(start: date, end: date, interval: str) -> list[date]:
    """The first days of the buckets that cover ``start`` to ``end``, in order."""
    starts, day = [], bucket_start(start, interval)
    while day <= end:
        starts.append(day)
        day = next_bucket(day, interval)
    return starts


def bars_needed(start: date, end: date, interval: str) -> int:
    """How many bars of ``interval`` cover ``start`` to ``end`` (without listing them)."""
    first, last = bucket_start(start, interval), bucket_start(end, interval)
    if interval == "day":
        return (last - first).days + 1
    if interval == "week":
        return (last - first).days // 7 + 1
    if interval in ("month", "quarter"):
        months = (last.year - first.year) * 12 + last.month - first.month
        return months // (1 if interval == "month" else 3) + 1
    years = {"year": 1, "5years": 5, "decade": 10}[interval]
    return (last.year - first.year) // years + 1


def display_interval(start: date, end: date, max_bars: int = MAX_BARS) -> str:
    """The finest interval that covers ``start`` to ``end`` in at most ``max_bars`` bars."""
    for interval in INTERVALS:
        if bars_needed(start, end, interval) <= max_bars:
            return interval
    return INTERVALS[-1]


def fine_interval(span: tuple[date, date] | None) -> str:
    """The interval the node counts in: days when the histogram may cover at most
    ``DAILY_SPAN_DAYS``, else months (which sum into every display interval from a month up)."""
    if span is not None and (span[1] - span[0]).days <= DAILY_SPAN_DAYS:
        return "day"
    return "month"


def needs_days(fine: str, start: date, end: date) -> bool:
    """Whether a histogram counted in ``fine`` buckets cannot be summed into the display interval
    of ``start`` to ``end`` (days or weeks out of months): the one case for a second request."""
    return fine == "month" and display_interval(start, end) in ("day", "week")


def rebucket(
    counts: Iterable[tuple[date, int]], start: date, end: date, interval: str | None = None
) -> list[dict[str, Any]]:
    """Fine buckets (first day, articles) → the display buckets from ``start`` to ``end``
    ({"date": first day, "count"}), empty ones included. A fine bucket counts in the bar that holds
    its first day (the node counted only articles in the range); one outside every bar is left out."""
    interval = interval or display_interval(start, end)
    sums = dict.fromkeys(bucket_starts(start, end, interval), 0)
    for day, count in counts:
        key = bucket_start(day, interval)
        if key in sums:
            sums[key] += count
    return [{"date": day.isoformat(), "count": n} for day, n in sums.items()]


def israeli_day(epoch_millis: float | None) -> date | None:
    """An instant of ``min``/``max`` (epoch milliseconds) → its day in Israel; None for none."""
    if epoch_millis is None:
        return None
    try:
        return datetime.fromtimestamp(epoch_millis / 1000, UTC).astimezone(ZONE).date()
    except (OverflowError, OSError, ValueError):
        return None


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


def day_window(start: date, end: date) -> dict[str, Any]:
    """A filter of the articles published from ``start`` to ``end``, whole days in Israel."""
    return {
        "range": {
            "published_at": {
                "gte": f"{start.isoformat()}||/d",
                "lte": f"{end.isoformat()}||/d",
                "time_zone": TIME_ZONE,
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
