"""Facets on the article's own keyword fields: its source (ynet, haaretz) and its authors.

A ``KeywordFacet`` is an ``EntityFacet`` whose values are the field's plain keywords: a value's id
and name are the keyword itself, its filter is on the field it aggregates, and its selected values
are included by exact value (no regular expression to escape). Counting, ordering and the shape of
the values are the entity facets' (disjunctive, exact, selected values always returned).
"""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from service.search.facets import MAX_FILTER_VALUES, EntityFacet
from service.search.lucene import lucene_escape
from service.search.request import InvalidRequest

MAX_VALUE_LENGTH = 200


class KeywordFacet(EntityFacet):
    """A source or an author: URL parameter ``param``, keyword field ``field``; OR within the facet,
    AND across facets."""

    def __init__(self, param: str, field: str) -> None:
        self.type = param
        self.field = field

    def parse(self, args: MultiDict[str, str]) -> tuple[str, ...]:
        """The selected values of the request's arguments, validated."""
        values = tuple(dict.fromkeys(v.strip() for v in args.getlist(self.type) if v.strip()))
        if len(values) > MAX_FILTER_VALUES:
            raise InvalidRequest(f"at most {MAX_FILTER_VALUES} values of '{self.type}'")
        for value in values:
            if len(value) > MAX_VALUE_LENGTH:
                raise InvalidRequest(
                    f"'{self.type}' values are at most {MAX_VALUE_LENGTH} characters, got {value[:60]!r}…"
                )
            if not value.isprintable():
                raise InvalidRequest(f"'{self.type}' values are printable text, got {value[:60]!r}")
        return values

    def add_filter(self, values: tuple[str, ...]) -> dict[str, Any]:
        return {"terms": {self.field: list(values)}}

    @staticmethod
    def named(prefix: str) -> str:
        """An ``include`` pattern: the values with a word that starts with ``prefix``, in any case
        (keywords keep their case: "Dana Cohen" is found by "dan")."""
        either = "".join(
            f"[{c.lower()}{c.upper()}]" if c.lower() != c.upper() else lucene_escape(c) for c in prefix
        )
        return rf"(.* )?{either}.*"

    @staticmethod
    def ref(key: str) -> dict[str, str]:
        return {"id": key, "name": key}

    def include_selected(self, ids: tuple[str, ...]) -> list[str]:
        return list(ids)


KEYWORD_FACETS = {f.type: f for f in (KeywordFacet("source", "source"), KeywordFacet("author", "authors"))}
KEYWORD_TYPES = tuple(KEYWORD_FACETS)
