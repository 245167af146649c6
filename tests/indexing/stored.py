"""What an alias holds, read back from the node: the write-side tests judge a write by what a search
would see, not by what the writer reported."""

from __future__ import annotations

from elasticsearch import Elasticsearch


def with_parts(part_query: dict, size: int = 100) -> dict:
    """A query for the articles with a part matching ``part_query``, those parts (at most
    ``size``, in article order) as the inner hits named "parts"."""
    inner_hits = {"size": size, "sort": [{"parts.position": "asc"}]}
    return {"nested": {"path": "parts", "query": part_query, "inner_hits": inner_hits}}


def parts_of(hit: dict) -> list[dict]:
    """The sources of an article hit's inner hits from ``with_parts``."""
    return [p["_source"] for p in hit["inner_hits"]["parts"]["hits"]["hits"]]


def part_texts(es: Elasticsearch, alias: str, article_id: str) -> list[str]:
    """The display texts of an article's parts that a search finds, in article order, once
    refreshed (empty when the article is not there)."""
    es.indices.refresh(index=alias)
    query = {"bool": {"filter": [{"term": {"article_id": article_id}}, with_parts({"match_all": {}})]}}
    hits = es.search(index=alias, size=1, query=query)["hits"]["hits"]
    return [p["display_text"] for p in parts_of(hits[0])] if hits else []


def stored_documents(es: Elasticsearch, alias: str) -> list[tuple[str, dict]]:
    """Every document of ``alias`` with its source, by id, once refreshed."""
    es.indices.refresh(index=alias)
    hits = es.search(index=alias, size=1000, query={"match_all": {}})["hits"]["hits"]
    return sorted((h["_id"], h["_source"]) for h in hits)
