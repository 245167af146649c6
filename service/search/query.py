"""A validated ``SearchRequest`` → the body of one Elasticsearch search.

- Matching: a part (or its article's title) must match every content word of the query (function
  words are ignored), each by its exact form or by ``.stem``, whose analysis gives a word's
  prefix-stripped form and its lemmas (marked ``@``: טילי → טילי, @טיל), so that any inflected form
  matches (טיל finds טילי). Requiring every word is what a journalist expects of a search box: each
  added word narrows. A query is *relaxed* to its best-matching subset (``required_words``) when it
  reads as a question (``?``, a question word first, or more than ``MAX_KEYWORDS`` content words),
  whose words are phrased unlike its answer, and when the strict search finds nothing
  (``searching.py`` asks again); the answer then says so (``relaxed``). Text and query words are read
  one way (``he_stem``: the whole word when it is one, then its lemmas), so מלחמה does not match
  bread through מ+לחמה. A hyphenated word is one word (``compounds.py``). Exact forms score
  highest, then prefix-stripped forms (two tokens in common), then lemma-only matches (one), and words
  that stand together higher still. Phrases match exact forms in order; an excluded word drops every
  article that contains it.
- Grouping: ``collapse`` on ``article_id``, one hit per article with its best parts as inner hits
  (highlighted with the HTML encoder, so article text comes back escaped).
- Facets (``facets.py``): counts of articles per entity, disjunctive: each facet's aggregation
  applies every filter but its own, while the hits get all filters through ``post_filter``.
- Dates: a histogram of articles whose interval follows the selected range (or, without one, the
  index's first and last dates), empty buckets included.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from service.model import ENTITY_TYPES
from service.search.compounds import compound_clause, spelling
from service.search.facets import ARTICLES, DATE_FACET, ENTITY_FACETS, all_of, scope
from service.search.parts import PART_FIELDS
from service.search.request import ParsedQuery, SearchRequest
from service.search.stopwords import STOPWORDS

# Weights measured on HeQ questions (bench/eval_retrieval.py): stems carry most of the score;
# the exact form adds a little, so that the form typed ranks first among equals.
EXACT_FIELDS = ["text^0.5", "title^0.25"]
STEM_FIELDS = ["text.stem", "title.stem^0.5"]
SNIPPETS_PER_ARTICLE = 3
# Highlighting re-analyses a part's text at search time. Past index.highlight.max_analyzed_offset
# (1,000,000 characters) the node refuses the whole search (400, which was our 500); with this in the
# request it highlights the first characters and leaves the rest unhighlighted instead. Ingest splits
# paragraphs far below it, so only a part that bypassed ingest is ever truncated, at a bounded cost.
HIGHLIGHT_MAX_ANALYZED_OFFSET = 100_000
SOURCE_FIELDS = ["article_id", "display_title", "url", "source", "published_at", "entities"]


def _word_clause(word: str) -> dict[str, Any]:
    return {
        "bool": {
            "should": [
                {"multi_match": {"query": word, "fields": EXACT_FIELDS, "type": "best_fields"}},
                {"multi_match": {"query": word, "fields": STEM_FIELDS, "type": "best_fields"}},
            ],
            "minimum_should_match": 1,
        }
    }


def _compound_clauses(q: ParsedQuery) -> list[dict[str, Any]]:
    """Hyphenated words (אל-קאעידה): one clause each, the phrase of its pieces (``compounds``)."""
    return [compound_clause(parts, EXACT_FIELDS, STEM_FIELDS) for parts in q.compounds]


def exclusion_clauses(req: SearchRequest) -> list[dict[str, Any]]:
    """What an excluded word or phrase matches: its exact form, and for a word its stem too."""
    return [{"match_phrase": {"text": x}} for x in req.query.excluded] + [
        {"match": {"text.stem": x}} for x in req.query.excluded if " " not in x
    ]


# More content words than this read as a question (pasted text, a sentence), not as keywords.
MAX_KEYWORDS = 6


def content_words(q: ParsedQuery) -> list[str]:
    """The words that carry the topic: function and question words left out, unless that is all."""
    content = [w for w in q.words if w.lower() not in STOPWORDS]
    return content or ([] if q.compounds else list(q.words))


def content_clauses(q: ParsedQuery) -> list[dict[str, Any]]:
    """One clause per content word, each a unit that a strict search requires; a hyphenated word
    is one of them (one clause, one content word)."""
    return [_word_clause(w) for w in content_words(q)] + _compound_clauses(q)


def required_words(n: int, relaxed: bool = False) -> int:
    """How many of a query's n content words a part must match. Strict: all of them, so that each
    added word narrows. Relaxed: any one word of up to three, a quarter of more (measured on HeQ
    questions, which are phrased unlike their answers: requiring most of a question's words left a
    third of the answers out of the top ten). Ranking does the rest: parts that match more words
    score higher."""
    if relaxed:
        return 1 if n <= 3 else math.ceil(0.25 * n)
    return n


def starts_relaxed(q: ParsedQuery) -> bool:
    """A question, or more words than keywords usually are, is searched relaxed from the start."""
    return q.question or len(content_clauses(q)) > MAX_KEYWORDS


def relaxable(q: ParsedQuery) -> bool:
    """Whether relaxing asks for fewer words than the strict search (not so for one or no word)."""
    n = len(content_clauses(q))
    return required_words(n, relaxed=True) < n


def strict_form(q: ParsedQuery) -> str | None:
    """The query as keywords, searched strictly (a question's content words, its phrases and
    exclusions), for a relaxed question that has few enough words; None otherwise."""
    if not q.question or not relaxable(q) or len(content_clauses(q)) > MAX_KEYWORDS:
        return None
    hyphenated = [spelling(parts) for parts in q.compounds]
    quoted = [f'"{p}"' for p in q.phrases]
    excluded = [f'-"{x}"' if " " in x else f"-{x}" for x in q.excluded]
    return " ".join([*content_words(q), *hyphenated, *quoted, *excluded])


def text_query(
    req: SearchRequest, excluded_articles: list[str] | None = None, *, relaxed: bool | None = None
) -> dict[str, Any]:
    """The scoring part: words and phrases, without excluded parts and articles, on part documents.
    ``relaxed``: require the best-matching subset of the words instead of all; None decides by the
    query's form (``starts_relaxed``)."""
    q = req.query
    if relaxed is None:
        relaxed = starts_relaxed(q)
    content = content_words(q)
    clauses = content_clauses(q)
    must: list[dict[str, Any]] = []
    should: list[dict[str, Any]] = []
    if clauses:
        must.append(
            {
                "bool": {
                    "should": clauses,
                    "minimum_should_match": required_words(len(clauses), relaxed),
                }
            }
        )
    if len(content) >= 2:
        # Words that stand together in the text score higher than the same words apart.
        should.append({"match_phrase": {"text": {"query": " ".join(content), "slop": 3, "boost": 2.0}}})
    must += [
        {
            "bool": {
                "should": [{"match_phrase": {"text": p}}, {"match_phrase": {"title": p}}],
                "minimum_should_match": 1,
            }
        }
        for p in q.phrases
    ]
    must_not = exclusion_clauses(req)
    if excluded_articles:
        must_not.append({"terms": {"article_id": excluded_articles}})
    return {
        "bool": {
            "must": must or [{"match_all": {}}],
            "should": should,
            "must_not": must_not,
            "filter": [{"term": {"doc_type": "part"}}],
        }
    }


def filters(req: SearchRequest, *, without: str | None = None) -> list[dict[str, Any]]:
    """Every filter of the request, leaving out one facet's own (for disjunctive counts)."""
    out: list[dict[str, Any]] = []
    if req.kinds:
        out.append({"terms": {"kind": list(req.kinds)}})
    dates = DATE_FACET.add_filter(req)
    if dates:
        out.append(dates)
    out += [ENTITY_FACETS[t].add_filter(ids) for t, ids in req.entities if t != without]
    return out


def counts_on_articles(req: SearchRequest) -> bool:
    """Browsing (no words, phrases or exclusions, no part-kind filter): every article that passes
    the filters matches as a whole, so facets, dates and the total count article documents (one
    per article: plain document counts) instead of distinct article ids among all their parts."""
    return req.query.empty and not req.query.excluded and not req.kinds


def sort_order(req: SearchRequest) -> list[Any]:
    if req.sort == "newest" or (req.sort == "relevance" and req.query.empty):
        return [{"published_at": {"order": "desc", "missing": "_last"}}, "_score"]
    if req.sort == "oldest":
        return [{"published_at": {"order": "asc", "missing": "_last"}}, "_score"]
    return ["_score", {"published_at": {"order": "desc", "missing": "_last"}}]


def best_parts(req: SearchRequest) -> dict[str, Any]:
    """The inner hits of an article: its best parts, highlighted when there are words to mark."""
    inner_hits: dict[str, Any] = {
        "name": "parts",
        "size": SNIPPETS_PER_ARTICLE,
        "_source": PART_FIELDS,
        "sort": ["_score", {"position": "asc"}] if not req.query.empty else [{"position": "asc"}],
    }
    if not req.query.empty:
        inner_hits["highlight"] = {
            "encoder": "html",
            "pre_tags": ["<mark>"],
            "post_tags": ["</mark>"],
            "max_analyzed_offset": HIGHLIGHT_MAX_ANALYZED_OFFSET,
            "fields": {
                "text": {
                    "matched_fields": ["text", "text.stem"],
                    "number_of_fragments": 2,
                    "fragment_size": 180,
                    "no_match_size": 180,
                },
            },
        }
    return inner_hits


def aggregations(req: SearchRequest, bounds: tuple[date, date] | None) -> dict[str, Any]:
    """The facets, the date histogram and the article total."""
    on_articles = counts_on_articles(req)
    aggs: dict[str, Any] = {
        t: ENTITY_FACETS[t].get_aggregation(req, filters(req, without=t), on_articles) for t in ENTITY_TYPES
    }
    if bounds:
        aggs["dates"] = DATE_FACET.get_aggregation(filters(req), bounds, on_articles)
    aggs["total_articles"] = {"filter": scope(filters(req), on_articles)}
    if not on_articles:
        aggs["total_articles"]["aggs"] = ARTICLES
    else:  # article documents are outside the query (parts only): count them from the whole index
        aggs = {"on_articles": {"global": {}, "aggs": aggs}}
    return aggs


def build_search(
    req: SearchRequest,
    bounds: tuple[date, date] | None = None,
    excluded_articles: list[str] | None = None,
    *,
    relaxed: bool | None = None,
) -> dict[str, Any]:
    """``bounds``: the date histogram's first and last days (``dates.histogram_bounds``), None for no
    histogram; ``excluded_articles``: articles with an excluded word in some part; ``relaxed``: as
    for ``text_query``."""
    return {
        "query": text_query(req, excluded_articles, relaxed=relaxed),
        "post_filter": all_of(filters(req)),
        "collapse": {"field": "article_id", "inner_hits": best_parts(req)},
        "sort": sort_order(req),
        "from": req.offset,
        "size": req.size,
        "track_total_hits": True,
        "_source": SOURCE_FIELDS,
        "aggs": aggregations(req, bounds),
    }
