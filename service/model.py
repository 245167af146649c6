"""The article model every input form is parsed into, and the documents it becomes in the index."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any, Literal

from service.normalize import normalize

PartKind = Literal["title", "lead", "body", "caption"]


@dataclass(frozen=True)
class Credit:
    """A photo credit as printed, and who it names: photographers and agencies."""

    text: str
    people: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()


@dataclass(frozen=True)
class Part:
    """One searchable unit of an article: its title, lead, a body section or a photo caption.

    ``text`` is the original display text (paragraphs of a section separated by blank lines);
    the normalised form used for matching is derived from it.
    """

    kind: PartKind
    text: str
    heading: str = ""  # body sections under a subheading
    credit: Credit | None = None  # captions

    @cached_property
    def normalized(self) -> str:
        """Computed once: entity extraction and the documents both need it."""
        return normalize(self.text)


@dataclass
class Article:
    title: str
    parts: list[Part]
    url: str = ""
    source: str = ""
    published_at: datetime | date | None = None
    authors: list[str] = field(default_factory=list)
    language: str = "he"
    id: str = ""
    origin: str = ""  # where it was read from (file, or file:line), for reports
    warnings: list[str] = field(default_factory=list)  # what was cleaned on the way in

    def __post_init__(self) -> None:
        if not self.id:
            self.id = article_id(self.url, self.source, self.title, self.published_at)

    @property
    def lead(self) -> str:
        return next((p.text for p in self.parts if p.kind == "lead"), "")

    def to_json(self) -> dict[str, Any]:
        """The parsed article for inspection (``flask ingest``)."""
        return {
            "id": self.id,
            "url": self.url or None,
            "source": self.source or None,
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "language": self.language,
            "authors": self.authors,
            "title": self.title,
            "lead": self.lead or None,
            "sections": [
                {"heading": p.heading or None, "text": p.text} for p in self.parts if p.kind == "body"
            ],
            "captions": [
                {
                    "text": p.text,
                    "credit": p.credit.text if p.credit else None,
                    "people": list(p.credit.people) if p.credit else [],
                    "agencies": list(p.credit.agencies) if p.credit else [],
                }
                for p in self.parts
                if p.kind == "caption"
            ],
        }


def article_id(url: str, source: str, title: str, published_at: datetime | date | None) -> str:
    """A stable id, so that ingesting the same article again overwrites it instead of duplicating it."""
    if url.strip():
        key = url.strip()
    else:
        when = published_at.isoformat() if published_at else ""
        key = "\x1f".join([source.strip(), normalize(title), when])
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
