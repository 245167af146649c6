"""An Elasticsearch response → the API's result shape."""

from __future__ import annotations

from typing import Any

from service.search.parser import SearchRequest


def entity_refs(values: dict[str, list[str]] | None) -> dict[str, list[dict[str, str]]]:
    """{"person": ["person:x|Name", ...]} → {"person": [{"id": "person:x", "name": "Name"}, ...]}."""
    refs: dict[str, list[dict[str, str]]] = {}
    for entity_type, pairs in (values or {}).items():
        refs[entity_type] = [dict(zip(("id", "name"), pair.split("|", 1), strict=True)) for pair in pairs]
    return refs


def shape_results(req: SearchRequest, response: dict[str, Any]) -> dict[str, Any]:
    hits = response["hits"]
    results = []
    for hit in hits["hits"]:
        src = hit["_source"]
        highlights = hit.get("highlight", {}).get("text", [])
        results.append(
            {
                "id": hit["_id"],
                "article_id": src["article_id"],
                "kind": src["kind"],
                "position": src["position"],
                "text": src["display_text"],
                "snippets": highlights,  # HTML: article text escaped, matches in <mark>
                "heading": src.get("display_heading"),
                "credit": src.get("credit"),
                "credit_people": src.get("credit_people", []),
                "credit_agencies": src.get("credit_agencies", []),
                "title": src.get("display_title"),
                "url": src.get("url"),
                "source": src.get("source"),
                "published_at": src.get("published_at"),
                "score": hit.get("_score"),
                "entities": entity_refs(src.get("entities")),
                "part_entity_ids": src.get("part_entity_ids", []),
            }
        )
    return {
        "query": req.q,
        "page": req.page,
        "size": req.size,
        "total": hits["total"]["value"],
        "took_ms": response.get("took"),
        "results": results,
    }
