"""An article and its entities → the documents of the index (``index_mappings/parts.json``).

One ``article`` document per article (the union of its entities with mention counts, for facet
counts by article) and one ``part`` document per title, lead, section and caption, carrying its
article's fields and entities so that every filter applies to whole articles.
"""

from __future__ import annotations

import re
from typing import Any

from service.entities.extractor import ArticleEntities
from service.model import ENTITY_TYPES, Article, facet_value
from service.normalize import normalize

# Part ids are ``<article id>#<position>``. Article ids are restricted to ARTICLE_ID (no ``#``,
# schemas/article.schema.json), so a part id can never equal an article id (an explicit id
# ``story-7-2`` once overwrote part 2 of ``story-7``).
PART_SEPARATOR = "#"
ARTICLE_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,200}$")


def part_id(article_id: str, position: int) -> str:
    return f"{article_id}{PART_SEPARATOR}{position}"


def article_id_of(doc_id: str) -> str:
    """The article a document id belongs to (itself for an article document)."""
    return doc_id.split(PART_SEPARATOR, 1)[0]


_WORD = re.compile(r"\w[\w\"']*\w")


def title_terms(article: Article) -> list[str]:
    """Distinct words of the title and lead, for autocomplete of frequent terms."""
    text = normalize(f"{article.title} {article.lead}").lower()
    return sorted({w for w in _WORD.findall(text) if len(w) >= 3 and not w.isdigit()})


def _facet_values(mentions) -> dict[str, list[str]]:
    """Facet values by type (``model.facet_value``), so that a bucket names its entity."""
    values: dict[str, dict[str, None]] = {t: {} for t in ENTITY_TYPES}
    for m in mentions:
        values[m.type][facet_value(m.entity_id, m.name)] = None
    return {t: list(v) for t, v in values.items()}


class BadArticleId(ValueError):
    """An id outside ARTICLE_ID: its part ids could collide with another article's id."""


def _article_document(article: Article, entities: ArticleEntities, common: dict[str, Any]) -> dict[str, Any]:
    return {
        "_id": article.id,
        "doc_type": "article",
        **common,
        "display_lead": article.lead or None,
        "title_terms": title_terms(article),
        "entity_counts": [
            {"id": e.id, "type": e.type, "name": e.name, "count": e.count} for e in entities.totals()
        ],
        "entity_mentions": [{"id": e.id, "count": e.count} for e in entities.totals()],
    }


def _part_documents(
    article: Article, entities: ArticleEntities, common: dict[str, Any]
) -> list[dict[str, Any]]:
    docs = []
    for position, (part, mentions) in enumerate(zip(article.parts, entities.parts, strict=True)):
        credit = part.credit
        docs.append(
            {
                "_id": part_id(article.id, position),
                "doc_type": "part",
                **common,
                "kind": part.kind,
                "position": position,
                "heading": normalize(part.heading) or None,
                "display_heading": part.heading or None,
                "text": part.normalized,
                "display_text": part.text,
                "credit": credit.text if credit else None,
                "credit_people": list(credit.people) if credit else [],
                "credit_agencies": list(credit.agencies) if credit else [],
                "part_entity_ids": sorted({m.entity_id for m in mentions}),
            }
        )
    return docs


def article_documents(article: Article, entities: ArticleEntities) -> list[dict[str, Any]]:
    """The article document first, then its parts in order. Raises ``BadArticleId`` for an id that
    the schema would have refused (an Article built in code), rather than risk a collision."""
    if not ARTICLE_ID.match(article.id):
        raise BadArticleId(f"article id {article.id[:80]!r} is not 1-200 of A-Z a-z 0-9 _ . : -")
    published = article.published_at.isoformat() if article.published_at else None
    all_mentions = [m for part in entities.parts for m in part]
    common = {
        "article_id": article.id,
        "title": normalize(article.title),
        "display_title": article.title,
        "url": article.url or None,
        "source": article.source or None,
        "published_at": published,
        "authors": article.authors,
        "language": article.language,
        "entity_ids": sorted({m.entity_id for m in all_mentions}),
        "entities": _facet_values(all_mentions),
    }
    return [_article_document(article, entities, common), *_part_documents(article, entities, common)]
