"""What every kind of search is asked: the validated request, and the error a caller can fix.

The base of the read side: the parser, the facets and the queries all use these, and they import
nothing else of the package.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from werkzeug.datastructures import MultiDict


class InvalidRequest(ValueError):
    """A parameter the caller can fix; the message says which and why. ``params`` names the
    parameters at fault (by default the first quoted name in the message), so that the web page can
    drop them and say so beside their controls, in Hebrew, instead of refusing the whole page."""

    def __init__(self, message: str, *, params: tuple[str, ...] | None = None) -> None:
        super().__init__(message)
        named = re.search(r"'([a-z_]+)'", message)
        self.params = params if params is not None else ((named.group(1),) if named else ())


@dataclass(frozen=True)
class ParsedQuery:
    words: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()  # words or phrases
    question: bool = False  # phrased as a question ("מי הוא מנכ"ל החברה?"), not as keywords
    # Hyphenated words (אל-קאעידה, S-400), each as its pieces without a leading prefix (ב-S-400 → S, 400):
    # one content word that matches as the phrase of its pieces (service/search/compounds.py).
    compounds: tuple[tuple[str, ...], ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.words or self.phrases or self.compounds)


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""  # the normalised query text, as typed
    query: ParsedQuery = field(default_factory=ParsedQuery)
    page: int = 1
    size: int = 10
    kinds: tuple[str, ...] = ()
    # Entity ids by type: OR within a type, AND across types.
    entities: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Sources and authors by parameter ("source", "author"), as for entities.
    keywords: tuple[tuple[str, tuple[str, ...]], ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"
    similar: str | None = None  # one group of near-duplicates (a dup_key): its articles, not collapsed

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    def selected(self, facet: str) -> tuple[str, ...]:
        """The selected values of a facet (an entity type, "source" or "author")."""
        return next((ids for t, ids in (*self.entities, *self.keywords) if t == facet), ())


_ASCII_INT = re.compile(r"-?[0-9]{1,12}")


def int_arg(args: MultiDict[str, str], name: str, default: int, low: int, high: int) -> int:
    """A whole number in ASCII digits: str.isdigit() and int() also take '²', '٣', '１' and '1_0',
    which either crashed (int('²')) or slipped through as other numbers."""
    raw = (args.get(name) or "").strip()
    if not raw:
        return default
    if not _ASCII_INT.fullmatch(raw):
        raise InvalidRequest(f"'{name}' must be a whole number (digits 0-9), got {raw[:40]!r}")
    value = int(raw)
    if not low <= value <= high:
        raise InvalidRequest(f"'{name}' must be between {low} and {high}, got {value}")
    return value
