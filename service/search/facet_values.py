"""A facet's values under the current search whose name has a word that starts with a prefix: what
the page's filter box ("סינון רשימה") finds in a long list, beyond the top values the search returns.
Parse (the facet, the prefix, the search's own parameters) → query (one filtered ``terms``
aggregation, counted like the facet: under every filter but its own; relaxed when the page's search
is, as ``searching.py`` decides) → shape ({id, name, count,
selected}, most articles first).
"""

from __future__ import annotations

from typing import Any

from elasticsearch import Elasticsearch
from werkzeug.datastructures import MultiDict

from service.normalize import normalize
from service.search.facets import ENTITY_FACETS, EntityFacet, all_of
from service.search.keyword_facets import KEYWORD_FACETS
from service.search.parser import parse_search_args
from service.search.query import filters, relaxable, starts_relaxed, text_query
from service.search.request import InvalidRequest, SearchRequest

FACETS: dict[str, EntityFacet] = ENTITY_FACETS | KEYWORD_FACETS
MAX_PREFIX = 50
MAX_VALUES = 20


def parse_facet_values_args(
    facet_type: str, args: MultiDict[str, str]
) -> tuple[EntityFacet, str, SearchRequest]:
    """The facet, the prefix (lower-cased for entity names, whose values are) and the search,
    validated."""
    facet = FACETS.get(facet_type)
    if facet is None:
        raise InvalidRequest(f"'type' must be one of {', '.join(FACETS)}, got {facet_type[:40]!r}")
    raw = args.get("prefix", "") or ""
    if len(raw) > MAX_PREFIX:
        raise InvalidRequest(f"'prefix' is longer than {MAX_PREFIX} characters")
    prefix = normalize(raw).strip()
    if not prefix:
        raise InvalidRequest("'prefix' is required")
    if facet_type in ENTITY_FACETS:
        prefix = prefix.lower()  # sources and authors are matched in either case (KeywordFacet.named)
    return facet, prefix, parse_search_args(args)


def facet_values_body(
    facet: EntityFacet, prefix: str, req: SearchRequest, relaxed: bool | None = None
) -> dict[str, Any]:
    """One search: the request's articles, the facet's values among them that match the prefix,
    and ("all") how many articles the search itself finds (every filter applied)."""
    top = facet.terms(MAX_VALUES, include=facet.named(prefix))
    return {
        "query": text_query(req, relaxed=relaxed),
        "size": 0,
        "track_total_hits": False,
        "aggs": {
            "values": {"filter": all_of(filters(req, without=facet.type)), "aggs": {"top": top}},
            "all": {"filter": all_of(filters(req))},
        },
    }


def facet_values(es: Elasticsearch, index: str, facet_type: str, args: MultiDict[str, str]) -> dict[str, Any]:
    """The entry point: the route's facet type and arguments → {"type", "prefix", "values"}."""
    facet, prefix, req = parse_facet_values_args(facet_type, args)
    response = es.search(index=index, **facet_values_body(facet, prefix, req))
    if (
        not response["aggregations"]["all"]["doc_count"]
        and not starts_relaxed(req.query)
        and relaxable(req.query)
    ):
        # Nothing found strictly: the page shows the relaxed answer when it finds something
        # (searching.py), and so do its facets.
        relaxed = es.search(index=index, **facet_values_body(facet, prefix, req, relaxed=True))
        response = relaxed if relaxed["aggregations"]["all"]["doc_count"] else response
    selected = set(req.selected(facet.type))
    buckets = response["aggregations"]["values"]["top"]["buckets"]
    values = [{**ref, "selected": ref["id"] in selected} for ref in facet.refs(buckets)]
    return {"type": facet.type, "prefix": prefix, "values": values}
