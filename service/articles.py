"""One article with its parts, entities and related coverage, for ``/api/articles/<id>`` and the
article page."""

from __future__ import annotations

import re
from typing import Any

from elasticsearch import Elasticsearch, NotFoundError

from service.normalize import normalize
from service.search.query import PART_FIELDS

ARTICLE_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,200}$")
MAX_PARTS = 1000
RELATED = 5
LIKE_CHARS = 5000  # enough text to find the article's subject, bounded for long ones


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
    article = {
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
    article["related"] = related_articles(es, index, article)
    return article


def related_articles(es: Elasticsearch, index: str, article: dict[str, Any]) -> list[dict[str, Any]]:
    """Other articles on the same subject: parts whose stems are like this article's words
    (``more_like_this``), ranked higher when they name the same people, places and organisations;
    one per article, best first."""
    like = normalize(" ".join([article["title"] or "", *(p["text"] for p in article["parts"])]))[:LIKE_CHARS]
    entity_ids = [e["id"] for e in sorted(article["entities"], key=lambda e: -e["count"])[:10]]
    response = es.search(
        index=index,
        size=RELATED,
        query={
            "bool": {
                "must": [
                    {
                        "more_like_this": {
                            "fields": ["text.stem"],
                            "like": like,
                            "min_term_freq": 1,
                            "min_doc_freq": 2,
                            "max_query_terms": 30,
                            "minimum_should_match": "20%",
                        }
                    }
                ],
                "should": [{"terms": {"entity_ids": entity_ids, "boost": 0.5}}] if entity_ids else [],
                "filter": [{"term": {"doc_type": "part"}}],
                "must_not": [{"term": {"article_id": article["id"]}}],
            }
        },
        collapse={"field": "article_id"},
        _source=["article_id", "display_title", "published_at", "source"],
    )
    return [
        {
            "id": hit["_source"]["article_id"],
            "title": hit["_source"].get("display_title"),
            "published_at": hit["_source"].get("published_at"),
            "source": hit["_source"].get("source"),
        }
        for hit in response["hits"]["hits"]
    ]
