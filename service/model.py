"""The article model every input form is parsed into, with the limits that keep one article from
harming search and the facet types and value encoding the index shares with the read side."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from typing import Any, Literal

from service.normalize import normalize

PartKind = Literal["title", "lead", "body", "caption"]

# The facet types of the index (index_mappings/articles.json ``entities.<type>``): what the write side
# fills and the read side counts, defined here once so that both agree.
ENTITY_TYPES = ("person", "place", "organisation", "credit")


def facet_value(entity_id: str, name: str) -> str:
    """A facet value as stored: ``"<id>|<canonical name>"``, so that a bucket names its entity."""
    return f"{entity_id}|{name}"


def split_facet_value(value: str) -> tuple[str, str]:
    """``"person:x|Name"`` → ``("person:x", "Name")``."""
    entity_id, _, name = value.partition("|")
    return entity_id, name


def part_id(article_id: str, position: int) -> str:
    """A part's id in the API, ``<article id>#<position>``: article ids have no ``#``
    (schemas/article.schema.json), so it names one part of one article."""
    return f"{article_id}#{position}"


# Publication dates outside this range are refused at ingest, and by the query parser: a date
# such as 9999-12-31T23:00-05:00 is year 10000 in UTC, which Python's dates cannot represent, so
# one such article made every search that aggregates dates fail.
EARLIEST_PUBLISHED = date(1800, 1, 1)
FUTURE_MARGIN = timedelta(days=1)  # clocks and time zones: "tomorrow" somewhere is today here

# Limits that keep one article from harming search. The highlighter refuses a field longer than
# index.highlight.max_analyzed_offset (1,000,000 characters), so longer text is split into parts of
# at most MAX_PART_CHARS: 20,000 characters is ten times the longest paragraph of a real article and
# keeps highlighting cheap. A long real article has about 100 parts and 50,000 characters;
# MAX_PARTS and MAX_ARTICLE_CHARS (the schema's limit on a body) are far above that, and refuse
# the pathological (one 4 MB line of blank-line-separated letters was 666,000 parts).
MAX_PART_CHARS = 20_000
MAX_PARTS = 1_000
MAX_ARTICLE_CHARS = 2_000_000


def latest_published(now: datetime | None = None) -> datetime:
    """The latest publication time accepted: now plus a day."""
    return (now or datetime.now(UTC)) + FUTURE_MARGIN


def published_range_error(value: datetime | date, now: datetime | None = None) -> str | None:
    """Why ``value`` is not a plausible publication date, or None when it is."""
    day = value.date() if isinstance(value, datetime) else value
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)  # naive: read as UTC rather than fail to compare
    latest = latest_published(now)
    if day < EARLIEST_PUBLISHED:
        return f"published_at {value.isoformat()} is before {EARLIEST_PUBLISHED.isoformat()}"
    late = value > latest if isinstance(value, datetime) else day > latest.date()
    if late:
        return f"published_at {value.isoformat()} is in the future (after {latest.date().isoformat()})"
    return None


_SENTENCE_END = re.compile(r"(?<=[.!?…:;])\s+")


def _pieces(text: str, limit: int) -> list[str]:
    """``text`` cut into pieces of at most ``limit`` characters: between sentences when possible,
    else between words, else anywhere. Only the whitespace at a cut is dropped."""
    pieces: list[str] = []
    while len(text) > limit:
        window = text[: limit + 1]
        cut = max((m.start() for m in _SENTENCE_END.finditer(window) if m.start() > 0), default=-1)
        if cut <= 0:
            cut = window.rfind(" ")
        if cut <= 0:
            pieces.append(text[:limit])
            text = text[limit:]
            continue
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text.strip():
        pieces.append(text.rstrip())
    return pieces


def split_long_part(part: Part, limit: int = MAX_PART_CHARS) -> list[Part]:
    """A part whose text is over ``limit`` characters → several parts of the same kind, heading
    and credit that together hold all its text (paragraphs kept whole when they fit)."""
    if len(part.text) <= limit:
        return [part]
    texts: list[str] = []
    group = ""
    for paragraph in part.text.split("\n\n"):
        for piece in _pieces(paragraph, limit):
            if group and len(group) + 2 + len(piece) <= limit:
                group += "\n\n" + piece
            else:
                if group:
                    texts.append(group)
                group = piece
    if group:
        texts.append(group)
    return [Part(part.kind, text, heading=part.heading, credit=part.credit) for text in texts]


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
