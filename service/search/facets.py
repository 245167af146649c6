"""The facets as objects: one class per facet kind, each owning its parameter validation, its filter,
its aggregation, its value encoding and the shape of its result, in the way ``elasticsearch.dsl``'s
``FacetedSearch`` facets do (``add_filter``, ``get_aggregation(s)``, ``get_values``).

``EntityFacet`` (one instance per type in ``model.ENTITY_TYPES``) and ``DateFacet`` serve the
search, the entity page, suggest and the page's histogram bars.

Why not ``elasticsearch.dsl.TermsFacet``/``DateHistogramFacet`` themselves: they filter on the field
they aggregate, while ours filter on ``entity_ids`` and aggregate ``entities.<type>`` (``"id|name"``
values, so that a bucket names its entity); ours count selected values separately so that they are
always returned; and the date facet counts the matches in fine buckets and sums them in Python into
an interval that follows the matches' dates (``dates.py``), since the integ-test node has no
``auto_date_histogram``. The bodies stay plain dicts, like
the rest of ``query.py``. Every count is of article documents (one per article), so exact.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from werkzeug.datastructures import MultiDict

from service.model import ENTITY_TYPES, split_facet_value
from service.search.dates import (
    EARLIEST_DATE,
    TIME_ZONE,
    bucket_end,
    display_interval,
    fine_interval,
    israeli_day,
    latest_date,
    needs_days,
    rebucket,
    sane_date_range,
)
from service.search.lucene import lucene_escape
from service.search.request import InvalidRequest, SearchRequest

FACET_SIZE = 10
MAX_FILTER_VALUES = 20


def all_of(clauses: list[dict[str, Any]]) -> dict[str, Any]:
    return {"bool": {"filter": clauses}} if clauses else {"match_all": {}}


def value_ref(value: str) -> dict[str, str]:
    """A facet value "person:x|Name" → {"id": "person:x", "name": "Name"}."""
    entity_id, name = split_facet_value(value)
    return {"id": entity_id, "name": name}


class EntityFacet:
    """People, places, organisations or photo credits: OR within the facet, AND across facets."""

    def __init__(self, entity_type: str) -> None:
        self.type = entity_type
        self.field = f"entities.{entity_type}"

    def parse(self, args: MultiDict[str, str]) -> tuple[str, ...]:
        """The selected ids of the request's arguments, validated."""
        ids = tuple(dict.fromkeys(v.strip() for v in args.getlist(self.type) if v.strip()))
        if len(ids) > MAX_FILTER_VALUES:
            raise InvalidRequest(f"at most {MAX_FILTER_VALUES} values of '{self.type}'")
        for entity_id in ids:
            if not entity_id.startswith(f"{self.type}:") or len(entity_id) > 200 or "|" in entity_id:
                example = f"{self.type}:..."
                raise InvalidRequest(f"'{self.type}' takes ids such as '{example}', got {entity_id[:60]!r}")
        return ids

    @staticmethod
    def add_filter(ids: tuple[str, ...]) -> dict[str, Any]:
        return {"terms": {"entity_ids": list(ids)}}

    @staticmethod
    def of_ids(ids: tuple[str, ...]) -> str:
        """An ``include`` pattern: the values of these ids, whatever their names."""
        return "(" + "|".join(lucene_escape(i) for i in ids) + r")\|.*"

    @staticmethod
    def named(prefix: str) -> str:
        """An ``include`` pattern: the values with a name word that starts with ``prefix``."""
        return rf"[^|]*\|(.* )?{lucene_escape(prefix)}.*"

    def terms(self, size: int | None = None, include: str | None = None) -> dict[str, Any]:
        """A plain ``terms`` aggregation of the facet's values (most documents first)."""
        params: dict[str, Any] = {"field": self.field}
        if include is not None:
            params["include"] = include
        if size is not None:
            params["size"] = size
        return {"terms": params}

    @staticmethod
    def ref(key: str) -> dict[str, str]:
        """A bucket's key → {"id", "name"}."""
        return value_ref(key)

    def include_selected(self, ids: tuple[str, ...]) -> str | list[str]:
        """The ``include`` of the selected values' aggregation."""
        return self.of_ids(ids)

    def refs(self, buckets: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Buckets of ``terms()`` → {"id", "name", "count"}."""
        return [{**self.ref(b["key"]), "count": b["doc_count"]} for b in buckets]

    def get_aggregations(self, req: SearchRequest, others: list[dict[str, Any]]) -> dict[str, Any]:
        """The facet's named aggregations, counted under every filter of the request but its own
        (``others``): its top values ("top") and its selected ones ("selected"), in one ``filter``
        aggregation named after the facet, or, with no other filter, side by side as
        ``<type>_top`` and ``<type>_selected`` (a filter of nothing still costs a pass over the
        matching articles: 9 of 75 ms at a million parts, docs/benchmarks.md)."""
        top = {"field": self.field, "size": FACET_SIZE, "order": [{"_count": "desc"}, {"_key": "asc"}]}
        aggs: dict[str, Any] = {"top": {"terms": top}}
        selected = req.selected(self.type)
        if selected:
            include = self.include_selected(selected)
            aggs["selected"] = {"terms": {"field": self.field, "size": len(selected), "include": include}}
        if others:
            return {self.type: {"filter": all_of(others), "aggs": aggs}}
        return {f"{self.type}_{name}": agg for name, agg in aggs.items()}

    def found(self, aggs: dict[str, Any]) -> dict[str, Any]:
        """This facet's part of a response's aggregations, in either shape of ``get_aggregations``."""
        if self.type in aggs:
            return aggs[self.type]
        side_by_side = {name: f"{self.type}_{name}" for name in ("top", "selected")}
        return {name: aggs[key] for name, key in side_by_side.items() if key in aggs}

    def get_values(self, req: SearchRequest, aggs: dict[str, Any]) -> list[dict[str, Any]]:
        """The facet's values (from a response's aggregations), selected first, then by articles."""
        agg = self.found(aggs)
        selected = set(req.selected(self.type))
        values: dict[str, dict[str, Any]] = {}
        for bucket in agg["top"]["buckets"] + agg.get("selected", {}).get("buckets", []):
            ref = self.ref(bucket["key"])
            values[ref["id"]] = {**ref, "count": bucket["doc_count"], "selected": ref["id"] in selected}
        for entity_id in selected - set(values):  # selected, but no article matches any more
            values[entity_id] = {"id": entity_id, "name": None, "count": 0, "selected": True}
        return sorted(values.values(), key=lambda v: (not v["selected"], -v["count"], v["name"] or ""))


ENTITY_FACETS = {t: EntityFacet(t) for t in ENTITY_TYPES}


def _date_arg(args: MultiDict[str, str], name: str) -> date | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = date.fromisoformat(raw[:10]) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw[:10]) else None
    except ValueError:
        value = None
    if value is None or len(raw) != 10:
        raise InvalidRequest(f"'{name}' must be a date as YYYY-MM-DD, got {raw[:40]!r}")
    if not EARLIEST_DATE <= value <= latest_date():
        raise InvalidRequest(f"'{name}' must be between {EARLIEST_DATE} and {latest_date()}, got {raw}")
    return value


class DateFacet:
    """Publication dates: whole days in Israeli time, a histogram of articles with empty buckets."""

    field = "published_at"

    @staticmethod
    def parse(args: MultiDict[str, str]) -> tuple[date | None, date | None]:
        """The selected ``from`` and ``to`` days, validated."""
        date_from, date_to = _date_arg(args, "from"), _date_arg(args, "to")
        if date_from and date_to and date_from > date_to:
            raise InvalidRequest("'from' is after 'to'", params=("from", "to"))
        return date_from, date_to

    def add_filter(self, req: SearchRequest) -> dict[str, Any] | None:
        """From the start of ``from`` to the end of ``to``, in whole Israeli days."""
        if not (req.date_from or req.date_to):
            return None
        rng: dict[str, str] = {"time_zone": TIME_ZONE}
        if req.date_from:
            rng["gte"] = f"{req.date_from.isoformat()}||/d"
        if req.date_to:
            rng["lte"] = f"{req.date_to.isoformat()}||/d"
        return {"range": {self.field: rng}}

    def histogram(self, interval: str) -> dict[str, Any]:
        """A ``date_histogram`` of articles in ``interval`` buckets (Israeli days), only the buckets
        that hold an article: the display buckets are made from these (``dates.rebucket``)."""
        return {
            "date_histogram": {
                "field": self.field,
                "calendar_interval": interval,
                "time_zone": TIME_ZONE,
                "min_doc_count": 1,
                "format": "yyyy-MM-dd",
            },
        }

    def get_aggregations(
        self,
        req: SearchRequest,
        filters: list[dict[str, Any]],
        bounds: tuple[date, date] | None,
        window: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The matches' dates ("dates": a fine histogram, named after its interval, and their first
        and last instants; sane dates only) and, with no date selected, the matches without a date
        ("undated"). ``bounds``: the span the histogram may cover, which picks the fine interval
        (``dates.fine_interval``); ``window``: a filter of the days to count in days instead (the
        second request, ``dates.needs_days``)."""
        fine = "day" if window else fine_interval(bounds)
        clauses = [*filters, sane_date_range(), *([window] if window else [])]
        aggs: dict[str, Any] = {
            "dates": {
                "filter": all_of(clauses),
                "aggs": {
                    fine: self.histogram(fine),
                    "first": {"min": {"field": self.field}},
                    "last": {"max": {"field": self.field}},
                },
            }
        }
        if window is None and not (req.date_from or req.date_to):
            no_date = {"bool": {"must_not": [{"exists": {"field": self.field}}]}}
            missing = {"missing": {"field": self.field}}
            aggs["undated"] = {"filter": all_of([*filters, no_date])} if filters else missing
        return aggs

    @staticmethod
    def counts(histogram: dict[str, Any]) -> list[tuple[date, int]]:
        """A fine histogram's buckets → (first day, articles)."""
        return [(date.fromisoformat(b["key_as_string"]), b["doc_count"]) for b in histogram["buckets"]]

    @staticmethod
    def matched_days(agg: dict[str, Any]) -> tuple[date | None, date | None]:
        """The matches' first and last days in Israel (None when nothing dated matches)."""
        return israeli_day(agg["first"].get("value")), israeli_day(agg["last"].get("value"))

    def display_range(self, req: SearchRequest, agg: dict[str, Any] | None) -> tuple[date, date] | None:
        """The histogram's days: the selected ones, completed by the matches' first and last."""
        first, last = self.matched_days(agg) if agg else (None, None)
        start, end = req.date_from or first, req.date_to or last
        return (start, end) if start and end and start <= end else None

    def days_needed(self, req: SearchRequest, aggs: dict[str, Any]) -> tuple[date, date] | None:
        """The days to ask again in a day histogram, when months came back but the bars are days
        or weeks; None otherwise (nearly always)."""
        agg = aggs.get("dates")
        span = self.display_range(req, agg)
        return span if agg and span and "month" in agg and needs_days("month", *span) else None

    def get_values(self, req: SearchRequest, aggs: dict[str, Any]) -> dict[str, Any]:
        """The API's "dates" from a response's aggregations: the display interval, the selected
        days, the matches' first and last days, how many match without a date, and the bars'
        buckets ({"date": first day, "count"}) from the first to the last day shown, empty ones
        included (none when no histogram was asked)."""
        agg = aggs.get("dates")
        first, last = self.matched_days(agg) if agg else (None, None)
        span = self.display_range(req, agg)
        interval, buckets = None, []
        if agg and span:
            fine = "day" if "day" in agg else "month"
            # Months cannot be split into days: without the second request, months it is.
            interval = "month" if needs_days(fine, *span) else display_interval(*span)
            buckets = rebucket(self.counts(agg[fine]), *span, interval)
        undated = aggs.get("undated", {}).get("doc_count", 0)
        return {
            "interval": interval,
            "from": req.date_from.isoformat() if req.date_from else None,
            "to": req.date_to.isoformat() if req.date_to else None,
            "first": first.isoformat() if first else None,
            "last": last.isoformat() if last else None,
            "undated": undated,
            "buckets": buckets,
        }

    def timeline(self, histogram: dict[str, Any], days: tuple[date, date]) -> dict[str, Any]:
        """An entity's timeline from a fine histogram of its articles over ``days`` (the UTC days
        of its first and last article, widened to the Israeli days the buckets name)."""
        counts = self.counts(histogram)
        if not counts:
            return {"interval": None, "buckets": []}
        start, end = min(days[0], counts[0][0]), max(days[1], counts[-1][0])
        interval = display_interval(start, end)
        return {"interval": interval, "buckets": rebucket(counts, start, end, interval)}

    @staticmethod
    def bars(dates: dict[str, Any], label: Callable[[date, str], str]) -> list[dict[str, Any]]:
        """Bars of the histogram, each with the days it covers (for its link: its bucket's, within
        the selected and the sane dates, so that a link never asks for a day the search refuses),
        its height (0 to 1), its ``label`` (first day, interval) and its bucket's first day."""
        buckets = dates.get("buckets", [])
        interval = dates.get("interval") or "day"
        top = max((b["count"] for b in buckets), default=0) or 1
        lowest = date.fromisoformat(dates["from"]) if dates.get("from") else EARLIEST_DATE
        highest = date.fromisoformat(dates["to"]) if dates.get("to") else latest_date()
        bars = []
        for b in buckets:
            start = date.fromisoformat(b["date"])
            bars.append(
                {
                    "from": max(start, lowest).isoformat(),
                    "to": min(bucket_end(start, interval), highest).isoformat(),
                    "start": start.isoformat(),
                    "interval": interval,
                    "count": b["count"],
                    "height": b["count"] / top,
                    "label": label(start, interval),
                }
            )
        return bars


DATE_FACET = DateFacet()
