"""An Elasticsearch response → the API's result shape (one result per article)."""

from __future__ import annotations

from datetime import date
from typing import Any

from service.model import ENTITY_TYPES
from service.search.facets import DATE_FACET, ENTITY_FACETS, value_ref
from service.search.parts import part_view
from service.search.request import SearchRequest


def entity_refs(values: dict[str, list[str]] | None) -> dict[str, list[dict[str, str]]]:
    return {t: [value_ref(v) for v in (values or {}).get(t, [])] for t in ENTITY_TYPES}


def _snippet(part: dict[str, Any]) -> dict[str, Any]:
    highlighted = part.get("highlight", {}).get("parts.text")
    # html: highlighted fragments of the normalised text, article text escaped, matches in <mark>.
    # Without highlights (browsing), None: the page shows the start of the display text, escaped.
    view = part_view(part["_id"], part["_source"])  # a nested hit's _id is its article's
    return {**view, "html": highlighted or None, "score": part.get("_score")}


def _result(hit: dict[str, Any]) -> dict[str, Any]:
    src = hit["_source"]
    parts = hit.get("inner_hits", {}).get("parts", {}).get("hits", {}).get("hits", [])
    return {
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


def shape_results(
    req: SearchRequest,
    response: dict[str, Any],
    bounds: tuple[date, date] | None = None,
    *,
    relaxed: bool = False,
) -> dict[str, Any]:
    """``bounds``: the date histogram's first and last days, as given to ``query.build_search``;
    ``relaxed``: the results need only some of the query's words (``query.required_words``)."""
    aggs = response["aggregations"]
    total = response["hits"]["total"]["value"]
    return {
        "query": req.q,
        "page": req.page,
        "size": req.size,
        "sort": req.sort,
        "total": total,
        "relaxed": relaxed,
        "took_ms": response.get("took"),
        "results": [_result(hit) for hit in response["hits"]["hits"]],
        "facets": {t: ENTITY_FACETS[t].get_values(req, aggs) for t in ENTITY_TYPES},
        "dates": DATE_FACET.get_values(req, aggs.get("dates"), bounds),
    }
