"""One article with its parts, entities and related coverage, for ``/api/articles/<id>`` and the
article page: parse (the id) → query (the article, its parts, related articles) → shape."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from elasticsearch import Elasticsearch, NotFoundError

from service.normalize import normalize
from service.search.parts import part_view

ARTICLE_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,200}$")
RELATED = 5
LIKE_CHARS = 5000  # enough text to find the article's subject, bounded for long ones
LINK_SCHEMES = ("http", "https")


def safe_link(url: object) -> str | None:
    """The URL if a page may link to it (http or https with a host), else None: a ``javascript:`` or
    ``data:`` URL stored by another writer is shown by the API as data, never linked by a page."""
    if not isinstance(url, str):
        return None
    try:
        parsed = urlsplit(url.strip())
    except ValueError:  # e.g. "http://[not-an-address"
        return None
    return url.strip() if parsed.scheme.lower() in LINK_SCHEMES and parsed.netloc else None


def article_summary(src: dict[str, Any], id_key: str = "id") -> dict[str, Any]:
    """An article named elsewhere (related: its id as "id"; an entity's latest: as "article_id"),
    from a hit's ``_source`` limited to SUMMARY_FIELDS: id, title, date and source."""
    return {
        id_key: src["article_id"],
        "title": src.get("display_title"),
        "published_at": src.get("published_at"),
        "source": src.get("source"),
    }


SUMMARY_FIELDS = ["article_id", "display_title", "published_at", "source"]


class ArticleView:
    """The article page's data; ``get`` is the entry point (None: no such article)."""

    def __init__(self, es: Elasticsearch, index: str) -> None:
        self.es, self.index = es, index

    def get(self, article_id: str) -> dict[str, Any] | None:
        if not ARTICLE_ID.match(article_id):
            return None
        try:
            doc = self.es.get(index=self.index, id=article_id)
        except NotFoundError as exc:
            if not isinstance(exc.body, dict) or "error" not in exc.body:
                return None  # no such document
            raise  # no such index: the error handlers make it a 503
        src = doc["_source"]
        article = self.shape(article_id, src, self.parts(article_id, src))
        article["related"] = self.related(article)
        return article

    @staticmethod
    def shape(article_id: str, src: dict[str, Any], parts: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "id": article_id,
            "title": src.get("display_title"),
            "lead": src.get("display_lead"),
            "url": src.get("url"),
            "link": safe_link(src.get("url")),
            "source": src.get("source"),
            "published_at": src.get("published_at"),
            "authors": src.get("authors", []),
            "language": src.get("language"),
            "entities": src.get("entity_counts", []),
            "parts": parts,
        }

    @staticmethod
    def parts(article_id: str, src: dict[str, Any]) -> list[dict[str, Any]]:
        """The article's parts in order."""
        parts = sorted(src.get("parts") or [], key=lambda p: p.get("position", 0))
        return [part_view(article_id, p) for p in parts]

    def related(self, article: dict[str, Any]) -> list[dict[str, Any]]:
        """Other articles on the same subject: articles with a part whose stems are like this
        article's words (``more_like_this``), ranked higher when they name the same people, places and
        organisations; best first."""
        response = self.es.search(
            index=self.index, size=RELATED, query=related_query(article), _source=SUMMARY_FIELDS
        )
        return [article_summary(h["_source"]) for h in response["hits"]["hits"]]


def related_query(article: dict[str, Any]) -> dict[str, Any]:
    text = article["title"] or ""
    for part in article["parts"]:
        if len(text) >= LIKE_CHARS:
            break
        text += " " + part["text"][:LIKE_CHARS]
    like = normalize(text)[:LIKE_CHARS]
    entity_ids = [e["id"] for e in sorted(article["entities"], key=lambda e: -e["count"])[:10]]
    like_this = {
        "more_like_this": {
            "fields": ["parts.text.stem"],
            "like": like,
            "min_term_freq": 1,
            "min_doc_freq": 2,
            "max_query_terms": 60,  # two terms a word on .stem (its form and its lemma)
            "minimum_should_match": "15%",
        }
    }
    return {
        "bool": {
            "must": [{"nested": {"path": "parts", "score_mode": "max", "query": like_this}}],
            "should": [{"terms": {"entity_ids": entity_ids, "boost": 0.5}}] if entity_ids else [],
            "must_not": [{"term": {"article_id": article["id"]}}],
        }
    }


def get_article(es: Elasticsearch, index: str, article_id: str) -> dict[str, Any] | None:
    return ArticleView(es, index).get(article_id)
