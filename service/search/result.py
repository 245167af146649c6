"""An Elasticsearch response → the API's result shape (one result per article)."""

from __future__ import annotations

from datetime import date
from typing import Any

from service.search.parser import ENTITY_TYPES, SearchRequest
from service.search.query import FACET_SIZE, date_interval, histogram_bounds


def split_value(value: str) -> dict[str, str]:
    """A facet value "person:x|Name" → {"id": "person:x", "name": "Name"}."""
    entity_id, _, name = value.partition("|")
    return {"id": entity_id, "name": name}


def entity_refs(values: dict[str, list[str]] | None) -> dict[str, list[dict[str, str]]]:
    return {t: [split_value(v) for v in (values or {}).get(t, [])] for t in ENTITY_TYPES}


def _snippet(part: dict[str, Any]) -> dict[str, Any]:
    src = part["_source"]
    highlighted = part.get("highlight", {}).get("text")
    return {
        "id": part["_id"],
        "kind": src.get("kind"),
        "position": src.get("position"),
        "heading": src.get("display_heading"),
        # HTML: highlighted fragments of the normalised text, article text escaped, matches in
        # <mark>. Without highlights (browsing), the start of the display text, also escaped.
        "html": highlighted or None,
        "text": src.get("display_text") or "",
        "credit": src.get("credit"),
        "credit_people": src.get("credit_people", []),
        "credit_agencies": src.get("credit_agencies", []),
        "entity_ids": src.get("part_entity_ids", []),
        "score": part.get("_score"),
    }


def articles(bucket: dict[str, Any]) -> int:
    """Articles in a bucket: distinct article ids among parts, or article documents when browsing."""
    return bucket["articles"]["value"] if "articles" in bucket else bucket["doc_count"]


def _facet(req: SearchRequest, entity_type: str, agg: dict[str, Any], total: int) -> list[dict[str, Any]]:
    selected = set(req.selected(entity_type))
    values: dict[str, dict[str, Any]] = {}
    sample = agg.get("sample", agg)
    # Counted on the best parts only (query.FACET_SAMPLE) when more match: scaled up, marked.
    scale = agg["doc_count"] / sample["doc_count"] if sample["doc_count"] < agg["doc_count"] else 1.0
    # An estimate never exceeds the articles that can have the value: the total, when the facet's
    # filters are the search's (nothing of its own selected), else the parts in its bucket.
    cap = agg["doc_count"] if selected else total
    # Candidates may come by part count: keep the FACET_SIZE with the most articles.
    top = sorted(sample["top"]["buckets"], key=lambda b: (-articles(b), b["key"]))[:FACET_SIZE]
    for bucket in top:
        ref = split_value(bucket["key"])
        count = min(round(articles(bucket) * scale), cap)
        values[ref["id"]] = {
            **ref,
            "count": count,
            "selected": ref["id"] in selected,
            "approximate": scale > 1,
        }
    for bucket in agg.get("selected", {}).get("buckets", []):  # counted exactly
        ref = split_value(bucket["key"])
        values[ref["id"]] = {**ref, "count": articles(bucket), "selected": True, "approximate": False}
    for entity_id in selected - set(values):  # selected, but no article matches any more
        values[entity_id] = {
            "id": entity_id,
            "name": None,
            "count": 0,
            "selected": True,
            "approximate": False,
        }
    ordered = sorted(values.values(), key=lambda v: (not v["selected"], -v["count"], v["name"] or ""))
    return ordered


def _dates(
    req: SearchRequest, agg: dict[str, Any] | None, bounds: tuple[date, date] | None
) -> dict[str, Any]:
    return {
        "interval": date_interval(*bounds) if bounds else None,
        "from": req.date_from.isoformat() if req.date_from else None,
        "to": req.date_to.isoformat() if req.date_to else None,
        "buckets": [{"date": b["key_as_string"], "count": articles(b)} for b in agg["histogram"]["buckets"]]
        if agg
        else [],
    }


def shape_results(
    req: SearchRequest, response: dict[str, Any], extent: tuple[date, date] | None = None
) -> dict[str, Any]:
    results = []
    for hit in response["hits"]["hits"]:
        src = hit["_source"]
        parts = hit.get("inner_hits", {}).get("parts", {}).get("hits", {}).get("hits", [])
        results.append(
            {
                "article_id": src["article_id"],
                "title": src.get("display_title"),
                "url": src.get("url"),
                "source": src.get("source"),
                "published_at": src.get("published_at"),
                "entities": entity_refs(src.get("entities")),
                # The title is shown as the result's heading; as a snippet it would only repeat it.
                "snippets": [_snippet(p) for p in parts if p["_source"].get("kind") != "title"]
                or [_snippet(p) for p in parts],
                "score": hit.get("_score"),
            }
        )
    aggs = response["aggregations"]
    aggs = aggs.get("on_articles", aggs)  # browsing: counted on article documents
    total = articles(aggs["total_articles"])
    return {
        "query": req.q,
        "page": req.page,
        "size": req.size,
        "sort": req.sort,
        "total": total,
        "took_ms": response.get("took"),
        "results": results,
        "facets": {t: _facet(req, t, aggs[t], total) for t in ENTITY_TYPES},
        "dates": _dates(req, aggs.get("dates"), histogram_bounds(req, extent)),
    }
