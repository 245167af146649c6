"""An Elasticsearch response → the API's result shape (one result per article)."""

from __future__ import annotations

import re
from typing import Any

from service.model import ENTITY_TYPES
from service.normalize import normalize
from service.search.facets import DATE_FACET, ENTITY_FACETS, value_ref
from service.search.keyword_facets import KEYWORD_FACETS
from service.search.parts import part_view
from service.search.query import DUP_KEY, SNIPPETS_PER_ARTICLE, groups_counted
from service.search.request import SearchRequest


def entity_refs(values: dict[str, list[str]] | None) -> dict[str, list[dict[str, str]]]:
    return {t: [value_ref(v) for v in (values or {}).get(t, [])] for t in ENTITY_TYPES}


def _snippet(part: dict[str, Any]) -> dict[str, Any]:
    highlighted = part.get("highlight", {}).get("parts.text")
    # html: highlighted fragments of the normalised text, article text escaped, matches in <mark>.
    # Without highlights (browsing), None: the page shows the start of the display text, escaped.
    view = part_view(part["_id"], part["_source"])  # a nested hit's _id is its article's
    return {**view, "html": highlighted or None, "score": part.get("_score")}


# A result shows at most this many passages of text: its snippets, each one highlighted fragment,
# and the first ones a second fragment while fewer parts matched (6 made one result a page).
FRAGMENTS_PER_RESULT = SNIPPETS_PER_ARTICLE
_WORDS = re.compile(r"\w+")


def _words(text: str | None) -> list[str]:
    return _WORDS.findall(normalize(text or "").lower())


def _repeats_title(part: dict[str, Any], title_words: list[str]) -> bool:
    """The title part, or a part that says only the title (a lead copied from it): the result's
    heading already shows it."""
    src = part["_source"]
    return src.get("kind") == "title" or _words(src.get("display_text")) == title_words


def _within_fragments(snippets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    spare = FRAGMENTS_PER_RESULT - len(snippets)
    out = []
    for s in snippets:
        if s["html"] and len(s["html"]) > 1:
            keep = 1 + max(0, min(spare, len(s["html"]) - 1))
            spare -= keep - 1
            s = {**s, "html": s["html"][:keep]}
        out.append(s)
    return out


def _title_html(parts: list[dict[str, Any]]) -> str | None:
    """The title with the query's words in <mark> (escaped), from a part's copy of it (every part
    has one: ``query.best_parts``), or None when nothing in it matched."""
    for p in parts:
        for html in p.get("highlight", {}).get("parts.title", []):
            if "<mark>" in html:
                return html
    return None


def _similar(hit: dict[str, Any], counts: dict[str, int]) -> dict[str, Any] | None:
    """The other matching articles of the result's near-duplicate group: their count
    (``counts``: matching articles per group of the page, ``query.build_similar_counts``) and the
    group's key (the ``similar`` parameter)."""
    key = (hit.get("fields", {}).get(DUP_KEY) or [None])[0]
    total = counts.get(key, 0) if key else 0
    return {"key": key, "count": total - 1} if total > 1 else None


def _result(hit: dict[str, Any], similar_counts: dict[str, int]) -> dict[str, Any]:
    src = hit["_source"]
    inner = hit.get("inner_hits", {}).get("parts", {}).get("hits", {})
    parts = inner.get("hits", [])
    matched = inner.get("total", {}).get("value", len(parts))
    # The title is shown as the result's heading; as a snippet it would only repeat it, and a
    # headline-only article has no other part: no snippet.
    title_words = _words(src.get("display_title"))
    shown = [p for p in parts if not _repeats_title(p, title_words)]
    snippets = _within_fragments([_snippet(p) for p in shown[:SNIPPETS_PER_ARTICLE]])
    return {
        "article_id": src["article_id"],
        "title": src.get("display_title"),
        "title_html": _title_html(parts),
        "url": src.get("url"),
        "source": src.get("source"),
        "published_at": src.get("published_at"),
        "entities": entity_refs(src.get("entities")),
        "snippets": snippets,
        # Matching parts not shown: those not fetched (the inner hits' total) and past the snippets.
        "more_snippets": max(0, matched - len(parts)) + len(shown) - len(snippets),
        "similar": _similar(hit, similar_counts),
        "score": hit.get("_score"),
    }


def shape_results(req: SearchRequest, response: dict[str, Any], *, relaxed: bool = False) -> dict[str, Any]:
    """``relaxed``: the results need only some of the query's words (``query.required_words``); the
    date histogram's range comes with its aggregations (``DateFacet.get_values``)."""
    aggs = response["aggregations"]
    total = response["hits"]["total"]["value"]
    groups = groups_counted(aggs)
    return {
        "query": req.q,
        "page": req.page,
        "size": req.size,
        "sort": req.sort,
        "total": total,
        # Results listed: near-duplicates count once (query.similar_groups); never above the total.
        "groups": min(total, groups) if groups is not None else total,
        "relaxed": relaxed,
        "took_ms": response.get("took"),
        "results": [_result(hit, response.get("similar_counts", {})) for hit in response["hits"]["hits"]],
        "facets": {t: f.get_values(req, aggs) for t, f in (ENTITY_FACETS | KEYWORD_FACETS).items()},
        "dates": DATE_FACET.get_values(req, aggs),
    }
