"""A validated ``SearchRequest`` → the body of one Elasticsearch search.

- Matching: a part (with its article's title) must match every content word of the query (function
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
  article that has it in any part, a subheading or a photo credit (``exclusion_clauses``).
- Articles: one document each, its parts ``nested`` (``index_mappings/articles.json``); an article
  scores as its best part and brings its best parts as inner hits (highlighted with the HTML
  encoder, so article text comes back escaped), its title highlighted in their copies of it;
  near-duplicate articles (one ``dup_key``) are one result (``similar_groups``).
- Facets (``facets.py``): exact counts of articles per entity, disjunctive: each facet's aggregation
  applies every filter but its own, while the hits get all filters through ``post_filter``.
- Dates: the matching articles' dates in fine buckets (days, or months when the span the histogram
  may cover, ``bounds``, is wide), their first and last, and how many have none; ``facets.DateFacet``
  sums them into at most 60 bars over the matches' dates (``dates.py``).
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from service.model import ENTITY_TYPES
from service.search.compounds import compound_clause, spelling
from service.search.dates import day_window
from service.search.facets import DATE_FACET, ENTITY_FACETS, all_of
from service.search.keyword_facets import KEYWORD_FACETS
from service.search.parts import PART_FIELDS
from service.search.request import ParsedQuery, SearchRequest
from service.search.stopwords import STOPWORDS

# Weights measured on HeQ questions (bench/eval_retrieval.py): stems carry most of the score;
# the exact form adds a little, so that the form typed ranks first among equals. A section's
# subheading counts as the title does (a word printed only there finds the article, not more).
EXACT_FIELDS = ["parts.text^0.5", "parts.title^0.25", "parts.heading^0.25"]
STEM_FIELDS = ["parts.text.stem", "parts.title.stem^0.5", "parts.heading.stem^0.5"]
SNIPPETS_PER_ARTICLE = 3
# Highlighting re-analyses a part's text at search time. Past index.highlight.max_analyzed_offset
# (1,000,000 characters) the node refuses the whole search (400, which was our 500); with this in the
# request it highlights the first characters and leaves the rest unhighlighted instead. Ingest splits
# paragraphs far below it, so only a part that bypassed ingest is ever truncated, at a bounded cost.
HIGHLIGHT_MAX_ANALYZED_OFFSET = 100_000
GROUPS_EXACT_BELOW = 3000  # the groups' cardinality is exact up to this (its precision_threshold)
DUP_KEY = "dup_key"  # near-duplicates share it (index_mappings/articles.json)
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


# Where an excluded word drops an article: anywhere in a part (the title is a part of its own), its
# subheading and its photo credit included, though a search's words are matched in text and title.
EXCLUDED_FIELDS = ["parts.text", "parts.heading", "parts.credit"]
EXCLUDED_STEM_FIELDS = ["parts.text.stem", "parts.heading.stem"]  # a credit has no stem (he_exact only)


def exclusion_clauses(req: SearchRequest) -> list[dict[str, Any]]:
    """What an excluded word or phrase matches in a part: its exact form (a phrase in order), and
    for a word its stem. One ``nested`` ``must_not`` of these drops every such article, however
    many (``text_query``)."""
    excluded = req.query.excluded
    return [{"match_phrase": {f: x}} for x in excluded for f in EXCLUDED_FIELDS] + [
        {"match": {f: x}} for x in excluded if " " not in x for f in EXCLUDED_STEM_FIELDS
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


def part_query(req: SearchRequest, relaxed: bool) -> dict[str, Any]:
    """What one part must match: the words (all, or relaxed the best subset) and phrases, in its
    text or its article's title, in a part of the kinds asked for."""
    q = req.query
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
        should.append({"match_phrase": {"parts.text": {"query": " ".join(content), "slop": 3, "boost": 2.0}}})
    must += [
        {
            "bool": {
                "should": [{"match_phrase": {f"parts.{field}": p}} for field in ("text", "title", "heading")],
                "minimum_should_match": 1,
            }
        }
        for p in q.phrases
    ]
    kinds = [{"terms": {"parts.kind": list(req.kinds)}}] if req.kinds else []
    return {"bool": {"must": must or [{"match_all": {}}], "should": should, "filter": kinds}}


def text_query(
    req: SearchRequest, *, relaxed: bool | None = None, inner_hits: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The scoring part, on article documents: an article scores as its best matching part
    (``part_query``), and is left out when any of its parts has an excluded word. ``relaxed``:
    require the best-matching subset of the words instead of all; None decides by the query's form
    (``starts_relaxed``). ``inner_hits``: the parts to return with each article. Browsing (no
    words, no part kind) lists every article, with its first parts when it has any and they are
    asked for: only those are looked at (a nested clause over every part cost 60 of 67 ms at a
    million parts)."""
    if relaxed is None:
        relaxed = starts_relaxed(req.query)
    browsing = req.query.empty and not req.kinds
    query = part_query(req, relaxed)
    if browsing:
        query = {"range": {"parts.position": {"lt": SNIPPETS_PER_ARTICLE}}}
    nested: dict[str, Any] = {"path": "parts", "score_mode": "max", "query": query}
    if inner_hits:
        nested["inner_hits"] = inner_hits
    must_not = exclusion_clauses(req)
    return {
        "bool": {
            "must": [{"match_all": {}}] if browsing else [{"nested": nested}],
            "should": [{"nested": nested}] if browsing and inner_hits else [],
            "must_not": (
                [{"nested": {"path": "parts", "query": {"bool": {"should": must_not}}}}] if must_not else []
            ),
            "filter": [{"term": {DUP_KEY: req.similar}}] if req.similar else [],
        }
    }


def filters(req: SearchRequest, *, without: str | None = None) -> list[dict[str, Any]]:
    """Every filter on whole articles (dates, entities, sources, authors), leaving out one facet's
    own (for disjunctive counts). The part-kind filter is in ``part_query``."""
    out: list[dict[str, Any]] = []
    dates = DATE_FACET.add_filter(req)
    if dates:
        out.append(dates)
    out += [ENTITY_FACETS[t].add_filter(ids) for t, ids in req.entities if t != without]
    out += [KEYWORD_FACETS[t].add_filter(values) for t, values in req.keywords if t != without]
    return out


def sort_order(req: SearchRequest) -> list[Any]:
    if req.sort == "newest" or (req.sort == "relevance" and req.query.empty):
        return [{"published_at": {"order": "desc", "missing": "_last"}}, "_score"]
    if req.sort == "oldest":
        return [{"published_at": {"order": "asc", "missing": "_last"}}, "_score"]
    return ["_score", {"published_at": {"order": "desc", "missing": "_last"}}]


def best_parts(req: SearchRequest) -> dict[str, Any]:
    """The inner hits of an article: its best parts, highlighted when there are words to mark, one
    more than the snippets shown (the title part is not shown as a snippet; ``result.py``); their
    total counts the article's matching parts (``more_snippets``). The title is highlighted in
    each part's copy of it (``parts.title``): short, and nothing more to fetch or ask."""
    inner_hits: dict[str, Any] = {
        "name": "parts",
        "size": SNIPPETS_PER_ARTICLE + 1,
        "_source": [f"parts.{f}" for f in PART_FIELDS],
        "sort": ["_score", {"parts.position": "asc"}] if not req.query.empty else [{"parts.position": "asc"}],
    }
    if not req.query.empty:
        inner_hits["highlight"] = {
            "encoder": "html",
            "pre_tags": ["<mark>"],
            "post_tags": ["</mark>"],
            "max_analyzed_offset": HIGHLIGHT_MAX_ANALYZED_OFFSET,
            "fields": {
                "parts.text": {
                    "matched_fields": ["parts.text", "parts.text.stem"],
                    "number_of_fragments": 2,
                    "fragment_size": 180,
                    "no_match_size": 180,
                },
                "parts.title": {
                    "matched_fields": ["parts.title", "parts.title.stem"],
                    "number_of_fragments": 0,  # the whole title
                },
            },
        }
    return inner_hits


def similar_groups(req: SearchRequest) -> dict[str, Any]:
    """Near-duplicate articles (the same ``dup_key``, ``service/indexing/duplicates.py``) as one
    result, the first in the search's order; how many of each group match is asked afterwards, for
    the page's groups only (``build_similar_counts``). The total stays the matching articles'. Not
    when the search is one group's articles (``similar``): it lists them."""
    return {} if req.similar else {"collapse": {"field": DUP_KEY}}


def build_similar_counts(
    req: SearchRequest, keys: list[str], *, relaxed: bool | None = None
) -> dict[str, Any]:
    """How many matching articles each of the page's groups of near-duplicates holds: the search's
    query and filters, on those groups only. One search of a few ms (the groups' filter leads),
    where the collapse's inner hits ran one search per result (a third of the hits' time)."""
    return {
        "query": {
            "bool": {
                "must": [text_query(req, relaxed=relaxed)],
                "filter": [*filters(req), {"terms": {DUP_KEY: keys}}],
            }
        },
        "size": 0,
        "track_total_hits": False,
        "aggs": {"similar": {"terms": {"field": DUP_KEY, "size": len(keys)}}},
    }


def aggregations(req: SearchRequest, bounds: tuple[date, date] | None) -> dict[str, Any]:
    """The facets and the date histogram, counted on the matching articles: exact."""
    aggs: dict[str, Any] = {}
    for t in ENTITY_TYPES:
        aggs |= ENTITY_FACETS[t].get_aggregations(req, filters(req, without=t))
    for t, facet in KEYWORD_FACETS.items():
        aggs |= facet.get_aggregations(req, filters(req, without=t))
    if bounds:
        aggs |= DATE_FACET.get_aggregations(req, filters(req), bounds)
    return aggs


def result_groups(clauses: list[dict[str, Any]]) -> dict[str, Any]:
    """How many results the search lists (groups of near-duplicates, ``similar_groups``), for its
    pages: the number of distinct ``dup_key`` among the matching articles (exact below the
    cardinality's precision threshold, 3,000, and within a few per cent above; only the pages'
    count rests on it). Asked in the hits' search, whose aggregations ignore its ``post_filter``:
    so wrapped in the filters when there are any (a filter of nothing still costs a pass)."""
    count = {"cardinality": {"field": DUP_KEY, "precision_threshold": GROUPS_EXACT_BELOW}}
    if clauses:
        return {"groups": {"filter": all_of(clauses), "aggs": {"count": count}}}
    return {"groups_count": count}


def groups_counted(aggregations: dict[str, Any]) -> int | None:
    """The number of groups ``result_groups`` counted, None when it was not asked."""
    groups = aggregations.get("groups", {}).get("count") or aggregations.get("groups_count")
    return groups["value"] if groups else None


def every_group_single(response: dict[str, Any]) -> bool:
    """Every matching article is a group of its own (as many groups as articles), told for sure
    only where the groups' count is exact."""
    total = response["hits"]["total"]["value"]
    return total <= GROUPS_EXACT_BELOW and groups_counted(response.get("aggregations", {})) == total


def build_search(
    req: SearchRequest, bounds: tuple[date, date] | None = None, *, relaxed: bool | None = None
) -> dict[str, Any]:
    """The whole search as one body. ``bounds``: the days the date histogram may cover
    (``dates.histogram_bounds``), which pick its fine interval, None for no histogram;
    ``relaxed``: as for ``text_query``. The total is the hits' (every filter applied)."""
    hits, counts = build_searches(req, bounds, relaxed=relaxed)
    return {**hits, "aggs": {**hits.get("aggs", {}), **counts["aggs"]}}


def build_searches(
    req: SearchRequest, bounds: tuple[date, date] | None = None, *, relaxed: bool | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The search as two bodies that the node can run side by side (``searching.py`` sends them in
    one ``msearch``): the hits (a page of articles with their best parts, and the total) and the
    counts (the facets and the date histogram: no hits, no inner hits, and so request-cacheable
    by default, which the next page reuses). Arguments as for ``build_search``."""
    hits = {
        "query": text_query(req, relaxed=relaxed, inner_hits=best_parts(req)),
        "post_filter": all_of(filters(req)),
        "sort": sort_order(req),
        "from": req.offset,
        "size": req.size,
        "track_total_hits": True,
        "_source": SOURCE_FIELDS,
        **similar_groups(req),
    }
    if not req.similar:
        # Counted beside the hits rather than with the facets: the two searches run side by side
        # on the node's two cores and the facets' is the longer, so the count costs no waiting.
        hits["aggs"] = result_groups(filters(req))
    counts = {
        "query": text_query(req, relaxed=relaxed),
        "size": 0,
        "track_total_hits": False,
        "aggs": aggregations(req, bounds),
    }
    return hits, counts


def build_day_counts(req: SearchRequest, days: tuple[date, date], *, relaxed: bool | None = None) -> dict:
    """The second, small request of a date histogram that came back in months but shows days or
    weeks (``facets.DateFacet.days_needed``): the counts request's query, with only the matches'
    days over ``days`` to count."""
    _, counts = build_searches(req, relaxed=relaxed)
    aggs = DATE_FACET.get_aggregations(req, filters(req), days, window=day_window(*days))
    return {**counts, "aggs": aggs}
