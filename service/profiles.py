"""An entity's page: what it is, how often it appears, when, and with whom."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from elasticsearch import Elasticsearch

from service.search.parser import ENTITY_TYPES, sane_date_range
from service.search.query import TIME_ZONE, date_interval, histogram_window, lucene_escape
from service.searching import day_range

ENTITY_ID = re.compile(r"^(person|place|organisation|credit):[^|\s]{1,200}$")
RELATED = 8


def _pair(value: str) -> dict[str, str]:
    entity_id, _, name = value.partition("|")
    return {"id": entity_id, "name": name}


def entity_profile(es: Elasticsearch, index: str, entity_id: str) -> dict[str, Any] | None:
    """None when the id is malformed or no article mentions the entity."""
    match = ENTITY_ID.match(entity_id)
    if not match:
        return None
    entity_type = match.group(1)
    articles = {"bool": {"filter": [{"term": {"doc_type": "article"}}, {"term": {"entity_ids": entity_id}}]}}
    response = es.search(
        index=index,
        size=10,
        query=articles,
        sort=[{"published_at": {"order": "desc", "missing": "_last"}}],
        _source=["article_id", "display_title", "published_at", "source"],
        aggs={
            "name": {
                "terms": {"field": f"entities.{entity_type}", "include": lucene_escape(entity_id) + r"\|.*"}
            },
            "mentions": {
                "nested": {"path": "entity_mentions"},
                "aggs": {
                    "this": {
                        "filter": {"term": {"entity_mentions.id": entity_id}},
                        "aggs": {"count": {"sum": {"field": "entity_mentions.count"}}},
                    }
                },
            },
            # Only sane dates: one dated 9999 made the page a 500 (see searching.DateExtent).
            "sane": {
                "filter": sane_date_range(),
                "aggs": {
                    "first": {"min": {"field": "published_at", "format": "strict_date"}},
                    "last": {"max": {"field": "published_at", "format": "strict_date"}},
                },
            },
            **{
                f"related_{t}": {"terms": {"field": f"entities.{t}", "size": RELATED + 1}}
                for t in ENTITY_TYPES
            },
        },
    )
    aggs = response["aggregations"]
    total = response["hits"]["total"]["value"]
    if not total or not aggs["name"]["buckets"]:
        return None
    sane = aggs["sane"]
    days = day_range(sane["first"].get("value_as_string"), sane["last"].get("value_as_string"))
    first, last = (days[0].isoformat(), days[1].isoformat()) if days else (None, None)
    return {
        "id": entity_id,
        "type": entity_type,
        "name": _pair(aggs["name"]["buckets"][0]["key"])["name"],
        "articles": total,
        "mentions": int(aggs["mentions"]["this"]["count"]["value"]),
        "first": first,
        "last": last,
        "timeline": _timeline(es, index, articles, days),
        "latest": [
            {
                "article_id": h["_source"]["article_id"],
                "title": h["_source"].get("display_title"),
                "published_at": h["_source"].get("published_at"),
                "source": h["_source"].get("source"),
            }
            for h in response["hits"]["hits"]
        ],
        "related": {
            t: [
                {**_pair(b["key"]), "count": b["doc_count"]}
                for b in aggs[f"related_{t}"]["buckets"]
                if not b["key"].startswith(entity_id + "|")
            ][:RELATED]
            for t in ENTITY_TYPES
        },
    }


def _timeline(es: Elasticsearch, index: str, articles: dict, days: tuple[date, date] | None) -> dict:
    if days is None:
        return {"interval": None, "buckets": []}
    start, end = days
    interval = date_interval(start, end)
    response = es.search(
        index=index,
        size=0,
        query={"bool": {"filter": [articles, histogram_window(start, end)]}},
        aggs={
            "dates": {
                "date_histogram": {
                    "field": "published_at",
                    "calendar_interval": interval,
                    "time_zone": TIME_ZONE,
                    "min_doc_count": 0,
                    "extended_bounds": {"min": start.isoformat(), "max": end.isoformat()},
                    "format": "yyyy-MM-dd",
                }
            }
        },
    )
    buckets = response["aggregations"]["dates"]["buckets"]
    return {
        "interval": interval,
        "buckets": [{"date": b["key_as_string"], "count": b["doc_count"]} for b in buckets],
    }
