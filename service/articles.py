"""One article with its parts and entities, for ``/api/articles/<id>`` and the article page."""

from __future__ import annotations

import re
from typing import Any

from elasticsearch import Elasticsearch, NotFoundError

from service.search.query import PART_FIELDS

ARTICLE_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,200}$")
MAX_PARTS = 1000


def get_article(es: Elasticsearch, index: str, article_id: str) -> dict[str, Any] | None:
    if not ARTICLE_ID.match(article_id):
        return None
    try:
        doc = es.get(index=index, id=article_id)
    except NotFoundError:
        return None
    src = doc["_source"]
    if src.get("doc_type") != "article":
        return None
    parts = es.search(
        index=index,
        query={"bool": {"filter": [{"term": {"article_id": article_id}}, {"term": {"doc_type": "part"}}]}},
        sort=[{"position": "asc"}],
        size=MAX_PARTS,
        _source=PART_FIELDS,
    )
    return {
        "id": article_id,
        "title": src.get("display_title"),
        "lead": src.get("display_lead"),
        "url": src.get("url"),
        "source": src.get("source"),
        "published_at": src.get("published_at"),
        "authors": src.get("authors", []),
        "language": src.get("language"),
        "entities": src.get("entity_counts", []),
        "parts": [
            {
                "id": hit["_id"],
                "kind": hit["_source"]["kind"],
                "position": hit["_source"]["position"],
                "heading": hit["_source"].get("display_heading"),
                "text": hit["_source"]["display_text"],
                "credit": hit["_source"].get("credit"),
                "credit_people": hit["_source"].get("credit_people", []),
                "credit_agencies": hit["_source"].get("credit_agencies", []),
                "entity_ids": hit["_source"].get("part_entity_ids", []),
            }
            for hit in parts["hits"]["hits"]
        ],
    }
