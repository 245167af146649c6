"""An article and its entities → its document in the index (``index_mappings/articles.json``).

One document per article: its fields, the union of its entities (for filters, facets and the entity
page) and its parts (title, lead, sections, captions) as nested documents, each with a copy of the
title so that a query's words can all be found in one part or the title.
"""

from __future__ import annotations

import re
from typing import Any

from service.entities.extractor import ArticleEntities
from service.indexing.duplicates import dup_key
from service.model import ENTITY_TYPES, Article, facet_value
from service.normalize import normalize

ARTICLE_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,200}$")
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
    """An id outside ARTICLE_ID (the schema's): the API's part ids ``<article>#<n>`` would be ambiguous."""


def _parts(article: Article, entities: ArticleEntities, title: str) -> list[dict[str, Any]]:
    parts = []
    for position, (part, mentions) in enumerate(zip(article.parts, entities.parts, strict=True)):
        credit = part.credit
        parts.append(
            {
                "kind": part.kind,
                "position": position,
                "title": title,
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
    return parts


def article_document(article: Article, entities: ArticleEntities) -> dict[str, Any]:
    """The article's document, ``_id`` its id. Raises ``BadArticleId`` for an id that the schema
    would have refused (an Article built in code)."""
    if not ARTICLE_ID.match(article.id):
        raise BadArticleId(f"article id {article.id[:80]!r} is not 1-200 of A-Z a-z 0-9 _ . : -")
    all_mentions = [m for part in entities.parts for m in part]
    totals = entities.totals()
    return {
        "_id": article.id,
        "article_id": article.id,
        "display_title": article.title,
        "url": article.url or None,
        "source": article.source or None,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "authors": article.authors,
        "language": article.language,
        "entity_ids": sorted({m.entity_id for m in all_mentions}),
        "entities": _facet_values(all_mentions),
        "entity_counts": [{"id": e.id, "type": e.type, "name": e.name, "count": e.count} for e in totals],
        "entity_mentions": [{"id": e.id, "count": e.count} for e in totals],
        "display_lead": article.lead or None,
        "title_terms": title_terms(article),
        "dup_key": dup_key(article),
        "parts": _parts(article, entities, normalize(article.title)),
    }
