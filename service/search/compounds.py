"""Hyphenated words (אל-קאעידה, בן-גוריון, S-400, ב-CNN): one unit of meaning, searched as one.

The tokenizer splits a hyphenated word into its pieces, at index time and in a query alike, so a query
word "אל-קאעידה" used to be the OR of אל and קאעידה: every article with the preposition אל. A
hyphenated word is the phrase of its pieces instead (``compound_clause``), or its joined spelling where
Hebrew writes one (אלקאעידה), and it counts as one content word of the query.

A Hebrew prefix written before a hyphen (ב-CNN, ה-8, וב-2020, מה-BBC) is a prefix, not a word: it is
dropped (``pieces``), so ב-CNN searches CNN, which also matches the text's "ב-CNN", whose ב is a token of
its own. The maqaf (בית־ספר) is normalised to a hyphen (service/normalize.py), so it behaves the same.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

# The hyphen and the en dash typed between two words (the maqaf is already a hyphen after normalize).
HYPHENS = re.compile(r"[-\u2013]+")
# Hebrew prefix chains (ו, ה, ב, כ, ל, מ, ש and their combinations: וב, שה, מה, וכש...), the same
# grammar as the entity matcher's: a piece that is only a prefix belongs to the next piece.
PREFIX_CHAIN = re.compile(r"ו?(?:ש|כש|מש|לכש)?[בלכמ]?ה?")
FINAL_LETTERS = "ךםןףץ"  # a word never has one inside it, so בן+גוריון has no joined spelling
# Analyses a query's pieces as written (standard + lowercase) against the .stem fields, whose index
# side keeps each word's prefix-stripped readings: "אל קאעידה" then also matches "לאל-קאעידה".
EXACT_ANALYZER = "he_exact"


def pieces(word: str) -> tuple[str, ...]:
    """The pieces of a (possibly) hyphenated word, without the prefix written before a hyphen:
    ``אל-קאעידה`` → (אל, קאעידה), ``ב-CNN`` → (CNN,), ``וב-S-400`` → (S, 400), ``פוטין`` → (פוטין,).
    One piece means a plain word."""
    parts = [p for p in HYPHENS.split(word) if any(c.isalnum() for c in p)]
    while len(parts) > 1 and PREFIX_CHAIN.fullmatch(parts[0]):
        parts.pop(0)
    return tuple(parts) or (word,)


def spelling(parts: Sequence[str]) -> str:
    """How a hyphenated word is typed back into a query (a link to the strict search, did-you-mean)."""
    return "-".join(parts)


def joined(parts: Sequence[str]) -> str | None:
    """The pieces written as one word (אלקאעידה, S400, COVID19), where that can be a word: not across a
    final letter (בןגוריון) nor between two numbers (1948-1967 is a range, not 19481967)."""
    if any(p[-1] in FINAL_LETTERS for p in parts[:-1]):
        return None
    if any(a[-1].isdigit() and b[0].isdigit() for a, b in pairwise(parts)):
        return None
    word = "".join(parts)
    return word if len(word) >= 3 else None


def compound_clause(
    parts: Sequence[str], exact_fields: Sequence[str], stem_fields: Sequence[str]
) -> dict[str, Any]:
    """The clause one hyphenated word must satisfy: its pieces as a phrase, in the exact fields or (for
    the first piece behind a prefix, לאל-קאעידה) in the stemmed fields' readings, or its joined
    spelling. ``exact_fields``/``stem_fields``: the query's fields with their boosts (query.py)."""
    phrase = " ".join(parts)
    should: list[dict[str, Any]] = [
        {"multi_match": {"query": phrase, "type": "phrase", "fields": list(exact_fields)}},
        {
            "multi_match": {
                "query": phrase,
                "type": "phrase",
                "fields": list(stem_fields),
                "analyzer": EXACT_ANALYZER,
            }
        },
    ]
    one_word = joined(parts)
    if one_word:
        should.append(
            {
                "multi_match": {
                    "query": one_word,
                    "fields": [*exact_fields, *stem_fields],
                    "analyzer": EXACT_ANALYZER,
                }
            }
        )
    return {"bool": {"should": should, "minimum_should_match": 1}}
