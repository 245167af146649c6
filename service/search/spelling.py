"""Did you mean: a query → a variant of it that finds what the searcher meant.

Two sources, in order. The gazetteer's names (``name_variants``): a misspelt or English name → the
spelling the archive uses (``Putin`` → פוטין, ``אובאמה`` → אובמה). Then Elasticsearch's term suggester
(core, no module needed), which proposes for each word whose stems no document contains the indexed
stem within two edits, the closest first and then the most frequent; in Hebrew that also covers full
and defective spelling (סצנה / סצינה) and a missing or doubled letter, but it knows no names, so it
comes second (it turned ירושליים into ירושלמים).

A variant is offered when it finds something and the query found nothing, or when the query found
few articles (under ``FEW_RESULTS``) and the variant at least ``MANY_TIMES`` as many (אובאמה: 7
against 74 for אובמה): a misspelling that a few articles share should not hide the many that spell
the name right. A search that finds plenty costs nothing more.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from elasticsearch import Elasticsearch

from service.search.name_variants import LazyNameVariants, NameVariants
from service.search.parser import parse_query
from service.search.query import filters, text_query
from service.search.request import SearchRequest

MANY_TIMES = 5  # a variant is offered when it finds this many times the query's articles…
FEW_RESULTS = 20  # …and only for a query that finds fewer than this: a search that finds plenty asks nothing


def suggest_body(text: str) -> dict[str, Any]:
    return {
        "text": text,
        "words": {
            "term": {
                # Stems: a known word with a prefix ("ולפוטין") is found there and left alone.
                "field": "parts.text.stem",
                "suggest_mode": "missing",  # only words that no document contains
                "max_edits": 2,
                "prefix_length": 0,  # a typo may sit in the first letter, or a prefix be extra
                "min_word_length": 3,
                "size": 5,  # lemma tokens (``@…``) among them are skipped
            }
        },
    }


LEMMA_MARK = "@"  # .stem's lemma tokens (index_mappings/articles.json): not words to offer


def corrected(text: str, entries: list[dict[str, Any]]) -> str | None:
    """``text`` with each suggested word put in place (by the offsets the suggester reports)."""
    out, at = [], 0
    for entry in entries:
        words = [o["text"] for o in entry.get("options") or [] if not o["text"].startswith(LEMMA_MARK)]
        if entry["text"].startswith(LEMMA_MARK) or not words or entry["offset"] < at:
            continue  # a lemma token, no word, or another stem of the same word
        start = entry["offset"]
        out += [text[at:start], words[0]]
        at = start + entry["length"]
    if at == 0:
        return None
    return "".join([*out, text[at:]])


def articles_for(es: Elasticsearch, index: str, req: SearchRequest, text: str) -> int:
    """How many articles ``text`` finds with the request's filters, as the search counts them."""
    variant = replace(req, q=text, query=parse_query(text))
    query = text_query(variant)
    query["bool"]["filter"] += filters(req)
    return int(es.count(index=index, query=query)["count"])


def term_correction(es: Elasticsearch, index: str, req: SearchRequest) -> str | None:
    """The query with the words no document contains replaced by the term suggester's best."""
    response = es.search(index=index, size=0, suggest=suggest_body(req.q))
    return corrected(req.q, response["suggest"]["words"])


def suggestion(
    es: Elasticsearch,
    index: str,
    req: SearchRequest,
    total: int,
    names: NameVariants | LazyNameVariants | None = None,
) -> str | None:
    """A variant of the request's query to offer, given the ``total`` articles it found, or None.
    ``names``: the application's gazetteer names (without them, only the term suggester)."""
    if req.query.empty or total >= FEW_RESULTS:
        return None

    def candidates() -> Iterator[str | None]:  # the term suggester is asked only if a name does not do
        if names is not None:
            yield names.variant(req.q)
        yield term_correction(es, index, req)

    tried: set[str] = {req.q}
    for candidate in candidates():
        if candidate is None or candidate in tried:
            continue
        tried.add(candidate)
        if articles_for(es, index, req, candidate) >= max(1, MANY_TIMES * total):
            return candidate
    return None


def did_you_mean(es: Elasticsearch, index: str, req: SearchRequest) -> str | None:
    """A corrected query that finds articles with the request's filters, or None (for a query that
    found nothing; ``suggestion`` is the general form)."""
    return suggestion(es, index, req, 0)
