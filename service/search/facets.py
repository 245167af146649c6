"""The facets as objects: one class per facet kind, each owning its parameter validation, its filter,
its aggregation, its value encoding and the shape of its result, in the way ``elasticsearch.dsl``'s
``FacetedSearch`` facets do (``add_filter``, ``get_aggregation(s)``, ``get_values``).

``EntityFacet`` (one instance per type in ``model.ENTITY_TYPES``) and ``DateFacet`` serve the
search, the entity page, suggest and the page's histogram bars.

Why not ``elasticsearch.dsl.TermsFacet``/``DateHistogramFacet`` themselves: they filter on the field
they aggregate, while ours filter on ``entity_ids`` and aggregate ``entities.<type>`` (``"id|name"``
values, so that a bucket names its entity); ours count selected values separately so that they are
always returned; and the date facet picks its interval from the selected range or the index's
extent, since the integ-test node has no ``auto_date_histogram``. The bodies stay plain dicts, like
the rest of ``query.py``. Every count is of article documents (one per article), so exact.
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from werkzeug.datastructures import MultiDict

from service.model import ENTITY_TYPES, split_facet_value
from service.search.dates import (
    EARLIEST_DATE,
    TIME_ZONE,
    date_interval,
    histogram_window,
    latest_date,
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

    def refs(self, buckets: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Buckets of ``terms()`` → {"id", "name", "count"}."""
        return [{**value_ref(b["key"]), "count": b["doc_count"]} for b in buckets]

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
            include = self.of_ids(selected)
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
            ref = value_ref(bucket["key"])
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


def _last_day(start: date, interval: str | None) -> date:
    """The last day of the bucket that starts on ``start``."""
    if interval == "week":
        return start + timedelta(days=6)
    if interval == "month":
        return start.replace(day=monthrange(start.year, start.month)[1])
    if interval == "year":
        return start.replace(month=12, day=31)
    return start


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

    def histogram(self, bounds: tuple[date, date]) -> dict[str, Any]:
        """The ``date_histogram`` over ``bounds``, counting articles."""
        return {
            "date_histogram": {
                "field": self.field,
                "calendar_interval": date_interval(*bounds),
                "time_zone": TIME_ZONE,
                "min_doc_count": 0,
                "extended_bounds": {"min": bounds[0].isoformat(), "max": bounds[1].isoformat()},
                "format": "yyyy-MM-dd",
            },
        }

    def get_aggregation(self, filters: list[dict[str, Any]], bounds: tuple[date, date]) -> dict:
        window = [*filters, histogram_window(*bounds)]
        return {"filter": all_of(window), "aggs": {"histogram": self.histogram(bounds)}}

    @staticmethod
    def buckets(histogram: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"date": b["key_as_string"], "count": b["doc_count"]} for b in histogram["buckets"]]

    def get_values(
        self, req: SearchRequest, agg: dict[str, Any] | None, bounds: tuple[date, date] | None
    ) -> dict[str, Any]:
        return {
            "interval": date_interval(*bounds) if bounds else None,
            "from": req.date_from.isoformat() if req.date_from else None,
            "to": req.date_to.isoformat() if req.date_to else None,
            "buckets": self.buckets(agg["histogram"]) if agg else [],
        }

    @staticmethod
    def bars(dates: dict[str, Any], label: Callable[[str], str]) -> list[dict[str, Any]]:
        """Bars of the histogram, each with the first and last day it covers (for its link)."""
        top = max((b["count"] for b in dates.get("buckets", [])), default=0) or 1
        bars = []
        for b in dates.get("buckets", []):
            start = date.fromisoformat(b["date"])
            end = _last_day(start, dates.get("interval"))
            bars.append(
                {
                    "from": start.isoformat(),
                    "to": end.isoformat(),
                    "count": b["count"],
                    "height": b["count"] / top,
                    "label": label(start.isoformat()),
                }
            )
        return bars


DATE_FACET = DateFacet()
