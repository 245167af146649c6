"""Autocomplete: entities with a name word (or an alias) that starts with what the user typed, and
frequent title words. Parse (the prefix and size) → query (one aggregation a facet, one of title
words) → rank → shape.

Both come from aggregations over the articles, so only what is in the index is suggested. The
prefix may start any word of a name (נתנ finds בנימין נתניהו, not only names that start with it: a
first-word match is no better a guess), and any word of one of the gazetteer's other names for an
entity (ביב → ביבי → בנימין נתניהו; Put → Vladimir Putin → ולדימיר פוטין), which the index does not
hold: ``Aliases`` finds their ids, which join the aggregation's ``include``.

Ranking (issue 18): an archive of 1874-2015 has many rare old names that share a prefix with one
the reader means (נתנ: six 19th-century נתנאל before בנימין נתניהו; פוט: פוטבוס before Putin). An
entity scores its articles plus ``RECENT_WEIGHT`` times its articles of the index's last
``RECENT_YEARS`` years (a sub-aggregation of the same ``terms``): a recent article counts four, an
old one one. So a name mostly of the last decade beats one with up to four times its articles
elsewhere, while a name far more frequent in the past (בן-גוריון) still ranks. The candidates are
each type's ``CANDIDATES`` most frequent matches, re-ranked here. A name with a word typed in full
scores ``WHOLE_WORD_BOOST`` times as much (נתניה: the city gains on נתניהו): a boost rather than a
first place, since many a rare extracted name holds a short word that is also a prefix (פול פוט
גליון and one article before Putin, for פוט).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from elasticsearch import Elasticsearch
from werkzeug.datastructures import MultiDict

from service.model import ENTITY_TYPES
from service.normalize import normalize
from service.search.dates import DateExtent
from service.search.facets import ENTITY_FACETS
from service.search.lazy import Lazy
from service.search.lucene import lucene_escape
from service.search.name_variants import GazetteerLike
from service.search.request import InvalidRequest, int_arg

MAX_PREFIX = 50
MAX_SIZE = 20
RECENT_YEARS = 10
RECENT_WEIGHT = 3
CANDIDATES = 50  # per entity type, most articles first, re-ranked by score
MAX_ALIAS_IDS = 40
WHOLE_WORD_BOOST = 2


def _words(text: str) -> list[str]:
    return normalize(text).lower().split()


class Aliases:
    """The words of the gazetteer's other names of each entity (English names, nicknames, former
    names) that its canonical name lacks, sorted, for a prefix look-up by bisection."""

    def __init__(self, names: Iterable[tuple[str, str, str]]) -> None:
        """``names``: (another name, entity id, canonical name)."""
        found: set[tuple[str, str]] = set()
        for other, entity_id, canonical in names:
            own = set(_words(canonical))
            found |= {(w, entity_id) for w in _words(other) if w not in own}
        self.words = sorted(found)

    @classmethod
    def from_gazetteer(cls, gazetteer: GazetteerLike) -> Aliases:
        def names() -> Iterable[tuple[str, str, str]]:
            for s in gazetteer.surfaces:
                if not s.needs_prefix:
                    yield s.form, s.entity_id, gazetteer.entities[s.entity_id].name
            for entity_id, entity in gazetteer.entities.items():
                if entity.en:
                    yield entity.en, entity_id, entity.name

        return cls(names())

    def ids(self, prefix: str, limit: int = MAX_ALIAS_IDS) -> tuple[str, ...]:
        """The entities with an alias word that starts with ``prefix`` (at most ``limit``)."""
        found: dict[str, None] = {}
        i = bisect_left(self.words, (prefix,))
        while i < len(self.words) and self.words[i][0].startswith(prefix) and len(found) < limit:
            found[self.words[i][1]] = None
            i += 1
        return tuple(found)


class LazyAliases(Lazy[Aliases]):
    """``Aliases`` built on first use from ``load()`` (a gazetteer, itself loaded once)."""

    def __init__(self, load: Callable[[], GazetteerLike]) -> None:
        super().__init__(lambda: Aliases.from_gazetteer(load()))

    def ids(self, prefix: str, limit: int = MAX_ALIAS_IDS) -> tuple[str, ...]:
        return self.get().ids(prefix, limit)


def parse_suggest_args(args: MultiDict[str, str]) -> tuple[str, int]:
    prefix = normalize(args.get("prefix", "") or "").lower()
    if not prefix:
        raise InvalidRequest("'prefix' is required")
    if len(prefix) > MAX_PREFIX:
        raise InvalidRequest(f"'prefix' is longer than {MAX_PREFIX} characters")
    return prefix, int_arg(args, "size", 8, 1, MAX_SIZE)


def recent_since(extent: tuple[date, date] | None) -> date | None:
    """The first day that counts as recent: ``RECENT_YEARS`` calendar years before the index's last."""
    return date(max(extent[1].year - RECENT_YEARS, 1), 1, 1) if extent else None


def suggest_aggregations(
    prefix: str, size: int, since: date | None = None, alias_ids: tuple[str, ...] = ()
) -> dict[str, Any]:
    aggs: dict[str, Any] = {}
    for t in ENTITY_TYPES:
        facet = ENTITY_FACETS[t]
        include = facet.named(prefix)
        ids = tuple(i for i in alias_ids if i.startswith(f"{t}:"))
        if ids:
            include = f"({include})|({facet.of_ids(ids)})"
        agg = facet.terms(max(CANDIDATES, size), include=include)
        if since:
            recent = {"range": {"published_at": {"gte": since.isoformat(), "format": "strict_date"}}}
            agg["aggs"] = {"recent": {"filter": recent}}
        aggs[t] = agg
    aggs["terms"] = {"terms": {"field": "title_terms", "include": f"{lucene_escape(prefix)}.*", "size": size}}
    return aggs


def score(bucket: dict[str, Any], name: str, prefix: str) -> int:
    """Articles, with those of the last ``RECENT_YEARS`` counted ``1 + RECENT_WEIGHT`` times, all
    ``WHOLE_WORD_BOOST`` times when the prefix is a whole word of the name."""
    weighted = bucket["doc_count"] + RECENT_WEIGHT * bucket.get("recent", {}).get("doc_count", 0)
    return weighted * (WHOLE_WORD_BOOST if prefix in _words(name) else 1)


def shape_suggestions(prefix: str, size: int, found: dict[str, Any]) -> dict[str, Any]:
    entities = []
    for t in ENTITY_TYPES:
        for b in found[t]["buckets"]:
            ref = ENTITY_FACETS[t].ref(b["key"])
            entities.append(
                {**ref, "type": t, "count": b["doc_count"], "score": score(b, ref["name"], prefix)}
            )
    entities.sort(key=lambda e: (-e["score"], -e["count"], e["name"]))
    terms = [{"term": b["key"], "count": b["doc_count"]} for b in found["terms"]["buckets"]]
    return {"prefix": prefix, "entities": entities[:size], "terms": terms}


def suggest(
    es: Elasticsearch,
    index: str,
    args: MultiDict[str, str],
    extent: DateExtent | None = None,
    aliases: Aliases | LazyAliases | None = None,
) -> dict[str, Any]:
    """The entry point: the request's arguments → suggestions (InvalidRequest when they are bad).
    ``extent``: the index's first and last days (cached), for what counts as recent (none: count
    alone); ``aliases``: the gazetteer's other names (none: the index's names alone)."""
    prefix, size = parse_suggest_args(args)
    since = recent_since(extent.get(es, index)) if extent else None
    alias_ids = aliases.ids(prefix) if aliases else ()
    aggs = suggest_aggregations(prefix, size, since, alias_ids)
    response = es.search(index=index, size=0, aggs=aggs)
    return shape_suggestions(prefix, size, response["aggregations"])
