"""Autocomplete: entity names and frequent title words that start with what the user typed.

Both come from aggregations over the article documents, so only what is in the index is suggested,
most frequent first. The prefix is escaped before it goes into the aggregation's regular expression.
"""

from __future__ import annotations

from typing import Any

from elasticsearch import Elasticsearch
from werkzeug.datastructures import MultiDict

from service.normalize import normalize
from service.search.parser import ENTITY_TYPES, InvalidRequest, int_arg
from service.search.query import lucene_escape

MAX_PREFIX = 50
MAX_SIZE = 20


def parse_suggest_args(args: MultiDict[str, str]) -> tuple[str, int]:
    prefix = normalize(args.get("prefix", "") or "").lower()
    if not prefix:
        raise InvalidRequest("'prefix' is required")
    if len(prefix) > MAX_PREFIX:
        raise InvalidRequest(f"'prefix' is longer than {MAX_PREFIX} characters")
    return prefix, int_arg(args, "size", 8, 1, MAX_SIZE)


def suggest(es: Elasticsearch, index: str, prefix: str, size: int) -> dict[str, Any]:
    escaped = lucene_escape(prefix)
    # "id|name": a name word starting with the prefix.
    name_pattern = rf"[^|]*\|(.* )?{escaped}.*"
    aggs: dict[str, Any] = {
        t: {"terms": {"field": f"entities.{t}", "include": name_pattern, "size": size}} for t in ENTITY_TYPES
    }
    aggs["terms"] = {"terms": {"field": "title_terms", "include": f"{escaped}.*", "size": size}}
    response = es.search(index=index, size=0, query={"term": {"doc_type": "article"}}, aggs=aggs)
    found = response["aggregations"]
    entities = []
    for entity_type in ENTITY_TYPES:
        for bucket in found[entity_type]["buckets"]:
            entity_id, _, name = bucket["key"].partition("|")
            entities.append(
                {"id": entity_id, "type": entity_type, "name": name, "count": bucket["doc_count"]}
            )
    entities.sort(key=lambda e: (not e["name"].lower().startswith(prefix), -e["count"], e["name"]))
    terms = [{"term": b["key"], "count": b["doc_count"]} for b in found["terms"]["buckets"]]
    return {"prefix": prefix, "entities": entities[:size], "terms": terms}
