"""The article model every input form is parsed into, and the documents it becomes in the index."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from service.normalize import normalize

PartKind = Literal["title", "lead", "body", "caption"]


@dataclass(frozen=True)
class Part:
    """One searchable unit of an article: its title, lead, a body section or a photo caption."""

    kind: PartKind
    text: str  # original display text
    credit: str = ""  # captions only: the photo credit as printed

    @property
    def normalized(self) -> str:
        return normalize(self.text)


@dataclass
class Article:
    title: str
    parts: list[Part]
    url: str = ""
    source: str = ""
    published_at: datetime | None = None
    authors: list[str] = field(default_factory=list)
    language: str = "he"
    id: str = ""

    def __post_init__(self) -> None:
        if not self.id:
            self.id = article_id(self.url, self.source, self.title, self.published_at)


def article_id(url: str, source: str, title: str, published_at: datetime | None) -> str:
    """A stable id, so that ingesting the same article again overwrites it instead of duplicating it."""
    key = (
        url.strip()
        if url.strip()
        else "\x1f".join([source.strip(), normalize(title), published_at.isoformat() if published_at else ""])
    )
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def part_documents(article: Article) -> list[dict[str, Any]]:
    """The index documents of an article: one per part, with the article's fields denormalised."""
    published = article.published_at.isoformat() if article.published_at else None
    docs = []
    for position, part in enumerate(article.parts):
        docs.append(
            {
                "_id": f"{article.id}-{position}",
                "article_id": article.id,
                "kind": part.kind,
                "position": position,
                "text": part.normalized,
                "display_text": part.text,
                "credit": part.credit or None,
                "title": normalize(article.title),
                "display_title": article.title,
                "url": article.url or None,
                "source": article.source or None,
                "published_at": published,
            }
        )
    return docs
