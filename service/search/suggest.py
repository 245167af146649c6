"""Autocomplete: entity names and frequent title words that start with what the user typed.
Parse (the prefix and size) → query (one aggregation a facet, one of title words) → shape.

Both come from aggregations over the articles, so only what is in the index is suggested,
most frequent first. The prefix is escaped before it goes into the aggregation's regular expression.
"""

from __future__ import annotations

from typing import Any

from elasticsearch import Elasticsearch
from werkzeug.datastructures import MultiDict

from service.model import ENTITY_TYPES
from service.normalize import normalize
from service.search.facets import ENTITY_FACETS
from service.search.lucene import lucene_escape
from service.search.request import InvalidRequest, int_arg

MAX_PREFIX = 50
MAX_SIZE = 20


def parse_suggest_args(args: MultiDict[str, str]) -> tuple[str, int]:
    prefix = normalize(args.get("prefix", "") or "").lower()
    if not prefix:
        raise InvalidRequest("'prefix' is required")
    if len(prefix) > MAX_PREFIX:
        raise InvalidRequest(f"'prefix' is longer than {MAX_PREFIX} characters")
    return prefix, int_arg(args, "size", 8, 1, MAX_SIZE)


def suggest_aggregations(prefix: str, size: int) -> dict[str, Any]:
    aggs = {t: ENTITY_FACETS[t].terms(size, include=ENTITY_FACETS[t].named(prefix)) for t in ENTITY_TYPES}
    aggs["terms"] = {"terms": {"field": "title_terms", "include": f"{lucene_escape(prefix)}.*", "size": size}}
    return aggs


def shape_suggestions(prefix: str, size: int, found: dict[str, Any]) -> dict[str, Any]:
    entities = [
        {"id": ref["id"], "type": t, "name": ref["name"], "count": ref["count"]}
        for t in ENTITY_TYPES
        for ref in ENTITY_FACETS[t].refs(found[t]["buckets"])
    ]
    entities.sort(key=lambda e: (not e["name"].lower().startswith(prefix), -e["count"], e["name"]))
    terms = [{"term": b["key"], "count": b["doc_count"]} for b in found["terms"]["buckets"]]
    return {"prefix": prefix, "entities": entities[:size], "terms": terms}


def suggest(es: Elasticsearch, index: str, args: MultiDict[str, str]) -> dict[str, Any]:
    """The entry point: the request's arguments → suggestions (InvalidRequest when they are bad)."""
    prefix, size = parse_suggest_args(args)
    aggs = suggest_aggregations(prefix, size)
    response = es.search(index=index, size=0, aggs=aggs)
    return shape_suggestions(prefix, size, response["aggregations"])
