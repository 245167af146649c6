"""An entity's page: what it is, how often it appears, when, and with whom."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from elasticsearch import Elasticsearch

from service.search.parser import ENTITY_TYPES
from service.search.query import TIME_ZONE, date_interval, lucene_escape

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
            "first": {"min": {"field": "published_at", "format": "yyyy-MM-dd"}},
            "last": {"max": {"field": "published_at", "format": "yyyy-MM-dd"}},
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
    first, last = aggs["first"].get("value_as_string"), aggs["last"].get("value_as_string")
    return {
        "id": entity_id,
        "type": entity_type,
        "name": _pair(aggs["name"]["buckets"][0]["key"])["name"],
        "articles": total,
        "mentions": int(aggs["mentions"]["this"]["count"]["value"]),
        "first": first,
        "last": last,
        "timeline": _timeline(es, index, articles, first, last),
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


def _timeline(es: Elasticsearch, index: str, articles: dict, first: str | None, last: str | None) -> dict:
    if not first or not last:
        return {"interval": None, "buckets": []}
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    interval = date_interval(start, end)
    response = es.search(
        index=index,
        size=0,
        query=articles,
        aggs={
            "dates": {
                "date_histogram": {
                    "field": "published_at",
                    "calendar_interval": interval,
                    "time_zone": TIME_ZONE,
                    "min_doc_count": 0,
                    "extended_bounds": {"min": first, "max": last},
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
