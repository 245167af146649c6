"""Did you mean: a query that found nothing → the same query with its unknown words corrected.

Elasticsearch's term suggester (core, no module needed) proposes for each word whose stems no
document contains the indexed stem within two edits, the closest first and then the most frequent.
In Hebrew that also covers full and defective spelling (סצנה / סצינה) and a missing or doubled
letter. It is asked only when a search finds nothing, and a correction is offered only if it finds
something.
"""

from __future__ import annotations

from typing import Any

from elasticsearch import Elasticsearch

from service.search.parser import parse_query
from service.search.query import filters, text_query
from service.search.request import SearchRequest


def suggest_body(text: str) -> dict[str, Any]:
    return {
        "text": text,
        "words": {
            "term": {
                # Stems: a known word with a prefix ("ולפוטין") is found there and left alone.
                "field": "text.stem",
                "suggest_mode": "missing",  # only words that no document contains
                "max_edits": 2,
                "prefix_length": 0,  # a typo may sit in the first letter, or a prefix be extra
                "min_word_length": 3,
                "size": 5,  # lemma tokens (``@…``) among them are skipped
            }
        },
    }


LEMMA_MARK = "@"  # .stem's lemma tokens (index_mappings/parts.json): not words to offer


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


def did_you_mean(es: Elasticsearch, index: str, req: SearchRequest) -> str | None:
    """A corrected query that finds articles with the request's filters, or None."""
    if req.query.empty:
        return None
    response = es.search(index=index, size=0, suggest=suggest_body(req.q))
    candidate = corrected(req.q, response["suggest"]["words"])
    if candidate is None or candidate == req.q:
        return None
    query = text_query(SearchRequest(q=candidate, query=parse_query(candidate)))
    query["bool"]["filter"] += filters(req)
    return candidate if es.count(index=index, query=query)["count"] else None
