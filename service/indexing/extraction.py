"""Entity extraction, run in one place: an article → its entities → its bulk actions.

The inline loader (``loader.index_articles``) and the pipeline's workers both call
``article_actions``, so that an article becomes the same document whichever path it takes.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from service.entities.extractor import ArticleEntities, EntityExtractor
from service.entities.factory import make_extractor
from service.indexing.documents import article_document
from service.model import Article, Part


@cache
def default_extractor() -> EntityExtractor:
    """Built on first use (loading the gazetteer takes about a second), then shared; which one is
    ``ENTITY_EXTRACTOR``'s choice."""
    extractor = make_extractor()
    extractor.warm_up()
    return extractor


def credit_names(part: Part) -> list[tuple[str, str]]:
    if part.credit is None:
        return []
    return [("person", n) for n in part.credit.people] + [("agency", n) for n in part.credit.agencies]


def extract_entities(article: Article, extractor: EntityExtractor | None = None) -> ArticleEntities:
    extractor = extractor or default_extractor()
    return extractor.extract([p.normalized for p in article.parts], [credit_names(p) for p in article.parts])


def article_actions(
    article: Article, index: str, extractor: EntityExtractor | None = None
) -> list[dict[str, Any]]:
    """The bulk actions of ``article`` for ``index``: its document with ``_index`` set. Raises
    ``documents.BadArticleId`` for an id the schema would have refused."""
    return [{**article_document(article, extract_entities(article, extractor)), "_index": index}]
