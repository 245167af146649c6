"""A validated search request → the body of an Elasticsearch search."""

from __future__ import annotations

from typing import Any

from service.search.parser import SearchRequest

# Exact forms score above stemmed ones, so "סוריה" ranks a literal "סוריה" over "בסוריה".
TEXT_FIELDS = ["text^2", "text.stem", "title^0.5", "title.stem^0.3"]


def build_search(req: SearchRequest) -> dict[str, Any]:
    filters: list[dict[str, Any]] = [{"term": {"doc_type": "part"}}]
    if req.kinds:
        filters.append({"terms": {"kind": list(req.kinds)}})
    for _entity_type, ids in req.entities:
        filters.append({"terms": {"entity_ids": list(ids)}})
    if req.q:
        must: dict[str, Any] = {
            "multi_match": {
                "query": req.q,
                "fields": TEXT_FIELDS,
                "type": "most_fields",
                "operator": "and",
            }
        }
    else:
        must = {"match_all": {}}
    body: dict[str, Any] = {
        "query": {"bool": {"must": [must], "filter": filters}},
        "from": req.offset,
        "size": req.size,
        "track_total_hits": True,
        "_source": [
            "article_id",
            "display_heading",
            "credit_people",
            "credit_agencies",
            "kind",
            "position",
            "display_text",
            "credit",
            "display_title",
            "url",
            "entities",
            "part_entity_ids",
            "source",
            "published_at",
        ],
    }
    if req.q:
        body["highlight"] = {
            "encoder": "html",
            "pre_tags": ["<mark>"],
            "post_tags": ["</mark>"],
            "fields": {
                "text": {
                    "matched_fields": ["text", "text.stem"],
                    "number_of_fragments": 2,
                    "fragment_size": 160,
                }
            },
        }
    else:
        body["sort"] = [{"published_at": {"order": "desc", "missing": "_last"}}, "_doc"]
    return body
