"""What an alias holds, read back from the node: the write-side tests judge a write by what a search
would see, not by what the writer reported."""

from __future__ import annotations

from elasticsearch import Elasticsearch


def part_texts(es: Elasticsearch, alias: str, article_id: str) -> list[str]:
    """The display texts of an article's parts that a search finds, in article order, once
    refreshed (empty when the article is not there)."""
    es.indices.refresh(index=alias)
    hits = es.search(
        index=alias,
        size=1,
        query={
            "bool": {
                "filter": [
                    {"term": {"article_id": article_id}},
                    {
                        "nested": {
                            "path": "parts",
                            "query": {"match_all": {}},
                            "inner_hits": {"size": 100, "sort": [{"parts.position": "asc"}]},
                        }
                    },
                ]
            }
        },
    )["hits"]["hits"]
    if not hits:
        return []
    return [p["_source"]["display_text"] for p in hits[0]["inner_hits"]["parts"]["hits"]["hits"]]


def stored_documents(es: Elasticsearch, alias: str) -> list[tuple[str, dict]]:
    """Every document of ``alias`` with its source, by id, once refreshed."""
    es.indices.refresh(index=alias)
    hits = es.search(index=alias, size=1000, query={"match_all": {}})["hits"]["hits"]
    return sorted((h["_id"], h["_source"]) for h in hits)
