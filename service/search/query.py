"""A validated ``SearchRequest`` → the body of one Elasticsearch search.

- Matching: a part (or its article's title) must match the query's content words (all of one or
  two, most of more; function words are ignored), each by its exact form or its stem, exact forms
  scoring higher and words that stand together higher still. Phrases match exact forms in order;
  an excluded word drops every article that contains it.
- Grouping: ``collapse`` on ``article_id``, one hit per article with its best parts as inner hits
  (highlighted with the HTML encoder, so article text comes back escaped).
- Facets: counts of articles (a cardinality of ``article_id``) per entity, disjunctive: each
  facet's aggregation applies every filter but its own, while the hits get all filters through
  ``post_filter``. Selected values are counted separately so that they are always returned.
  A text query's facets are estimated from its best parts (``FACET_SAMPLE``), browsing's exact.
- Dates: a histogram of articles whose interval follows the selected range (or, without one, the
  index's first and last dates), empty buckets included.
"""

from __future__ import annotations

import math
import re
from datetime import date, timedelta
from typing import Any

from service.search.parser import ENTITY_TYPES, SearchRequest
from service.search.stopwords import STOPWORDS

TIME_ZONE = "Asia/Jerusalem"  # dates are newsroom days
# Weights measured on HeQ questions (scripts/eval_retrieval.py): stems carry most of the score;
# the exact form adds a little, so that the form typed ranks first among equals.
EXACT_FIELDS = ["text^0.5", "title^0.25"]
STEM_FIELDS = ["text.stem", "title.stem^0.5"]
FACET_SIZE = 10
# Facet values are ranked by articles, and counting the distinct articles of every value of a facet
# was most of a search's time (a cardinality per bucket, for all buckets, since the order depended
# on it). Values are gathered by part count; only the top FACET_CANDIDATES get their articles
# counted (breadth first), and result.py keeps the FACET_SIZE with the most articles.
FACET_CANDIDATES = 3 * FACET_SIZE
# A text query's facets are counted on its best FACET_SAMPLE parts (per facet, after that facet's
# filters) and scaled up to the parts that match: counting every matching part grew with the index
# (a one-word query at a million parts spent 160 of its 210 ms there) while the best few thousand
# parts name the same leading values. Queries matching fewer parts are counted exactly; so are
# selected values, and browsing (counted on article documents), dates and totals.
FACET_SAMPLE = 5000
SNIPPETS_PER_ARTICLE = 3
# Highlighting re-analyses a part's text at search time. Past index.highlight.max_analyzed_offset
# (1,000,000 characters) the node refuses the whole search (400, which was our 500); with this in the
# request it highlights the first characters and leaves the rest unhighlighted instead. Ingest splits
# paragraphs far below it, so only a part that bypassed ingest is ever truncated, at a bounded cost.
HIGHLIGHT_MAX_ANALYZED_OFFSET = 100_000
SOURCE_FIELDS = ["article_id", "display_title", "url", "source", "published_at", "entities"]
PART_FIELDS = [
    "kind",
    "position",
    "display_heading",
    "display_text",
    "credit",
    "credit_people",
    "credit_agencies",
    "part_entity_ids",
]


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


def exclusion_clauses(req: SearchRequest) -> list[dict[str, Any]]:
    """What an excluded word or phrase matches: its exact form, and for a word its stem too."""
    return [{"match_phrase": {"text": x}} for x in req.query.excluded] + [
        {"match": {"text.stem": x}} for x in req.query.excluded if " " not in x
    ]


def required_words(n: int, question: bool = False) -> int:
    """How many of a query's n content words a part must match. Keywords: all of one or two, three
    quarters of more. A question is phrased unlike its answer, so any one word of up to three, a
    quarter of more (measured on HeQ questions: requiring most of a question's words left a third of
    the answers out of the top ten). Ranking does the rest: parts that match more words score higher."""
    if question:
        return 1 if n <= 3 else math.ceil(0.25 * n)
    return n if n <= 2 else math.ceil(0.75 * n)


def text_query(req: SearchRequest, excluded_articles: list[str] | None = None) -> dict[str, Any]:
    """The scoring part: words and phrases, without excluded parts and articles, on part documents."""
    q = req.query
    content = [w for w in q.words if w.lower() not in STOPWORDS] or list(q.words)
    must: list[dict[str, Any]] = []
    should: list[dict[str, Any]] = []
    if content:
        must.append(
            {
                "bool": {
                    "should": [_word_clause(w) for w in content],
                    "minimum_should_match": required_words(len(content), q.question),
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


def entity_filter(ids: tuple[str, ...]) -> dict[str, Any]:
    return {"terms": {"entity_ids": list(ids)}}


def filters(req: SearchRequest, *, without: str | None = None) -> list[dict[str, Any]]:
    """Every filter of the request, leaving out one facet's own (for disjunctive counts)."""
    out: list[dict[str, Any]] = []
    if req.kinds:
        out.append({"terms": {"kind": list(req.kinds)}})
    if req.date_from or req.date_to:
        # Whole days in Israeli time: from the start of `from` to the end of `to`.
        rng: dict[str, str] = {"time_zone": TIME_ZONE}
        if req.date_from:
            rng["gte"] = f"{req.date_from.isoformat()}||/d"
        if req.date_to:
            rng["lte"] = f"{req.date_to.isoformat()}||/d"
        out.append({"range": {"published_at": rng}})
    out += [entity_filter(ids) for entity_type, ids in req.entities if entity_type != without]
    return out


def _bool(clauses: list[dict[str, Any]]) -> dict[str, Any]:
    return {"bool": {"filter": clauses}} if clauses else {"match_all": {}}


ARTICLES = {"articles": {"cardinality": {"field": "article_id"}}}
ARTICLE_DOCS = {"term": {"doc_type": "article"}}
_LUCENE_REGEX_SPECIAL = re.compile(r'([.?+*|{}\[\]()"\\#@&<>~^$])')


def lucene_escape(text: str) -> str:
    """Escape text for a Lucene regular expression (an aggregation's include), which is not
    Python's syntax: re.escape leaves '"' and '@' alone and Lucene treats them as operators."""
    return _LUCENE_REGEX_SPECIAL.sub(r"\\\1", text)


def counts_on_articles(req: SearchRequest) -> bool:
    """Browsing (no words, phrases or exclusions, no part-kind filter): every article that passes
    the filters matches as a whole, so facets, dates and the total count article documents (one
    per article: plain document counts) instead of distinct article ids among all their parts."""
    return req.query.empty and not req.query.excluded and not req.kinds


def _scope(clauses: list[dict[str, Any]], on_articles: bool) -> dict[str, Any]:
    return _bool([ARTICLE_DOCS, *clauses] if on_articles else clauses)


def _facet(req: SearchRequest, entity_type: str, on_articles: bool = False) -> dict[str, Any]:
    field = f"entities.{entity_type}"
    count = {} if on_articles else {"aggs": ARTICLES}
    top: dict[str, Any] = {
        "field": field,
        "size": FACET_SIZE if on_articles else FACET_CANDIDATES,
        "order": [{"_count": "desc"}, {"_key": "asc"}],
    }
    if not on_articles:
        top["collect_mode"] = "breadth_first"
    ranked: dict[str, Any] = {"terms": top, **count}
    aggs: dict[str, Any] = (
        {"top": ranked}
        if on_articles
        else {"sample": {"sampler": {"shard_size": FACET_SAMPLE}, "aggs": {"top": ranked}}}
    )
    selected = req.selected(entity_type)
    if selected:
        pattern = "(" + "|".join(lucene_escape(i) for i in selected) + r")\|.*"
        aggs["selected"] = {"terms": {"field": field, "size": len(selected), "include": pattern}, **count}
    return {"filter": _scope(filters(req, without=entity_type), on_articles), "aggs": aggs}


def date_interval(start: date, end: date) -> str:
    days = (end - start).days
    if days <= 45:
        return "day"
    if days <= 366:
        return "week"
    if days <= 366 * 8:
        return "month"
    return "year"


def histogram_window(start: date, end: date) -> dict[str, Any]:
    """A filter for the date histogram's documents: its own dates, with a day of slack each side (the
    extent is in UTC days, buckets in Israeli days), so every sane document is counted as before
    while one dated 9999 no longer stretches a daily histogram over eight millennia (too many
    buckets, and dates Python cannot hold). A filter rather than ``hard_bounds``, which the node
    rounds down to the interval and so drops the last month or year."""
    return {
        "range": {
            "published_at": {
                "gte": (start - timedelta(days=1)).isoformat(),
                "lt": (end + timedelta(days=2)).isoformat(),
                "time_zone": TIME_ZONE,
                "format": "strict_date",
            }
        }
    }


def histogram_bounds(req: SearchRequest, extent: tuple[date, date] | None) -> tuple[date, date] | None:
    """The histogram's range: the selected dates, completed by the index's first and last dates."""
    if req.date_from and req.date_to:
        return req.date_from, req.date_to
    if extent is None:
        return None
    start, end = req.date_from or extent[0], req.date_to or extent[1]
    return (start, end) if start <= end else None


def _dates(req: SearchRequest, bounds: tuple[date, date], on_articles: bool = False) -> dict[str, Any]:
    histogram = {
        "date_histogram": {
            "field": "published_at",
            "calendar_interval": date_interval(*bounds),
            "time_zone": TIME_ZONE,
            "min_doc_count": 0,
            "extended_bounds": {"min": bounds[0].isoformat(), "max": bounds[1].isoformat()},
            "format": "yyyy-MM-dd",
        },
        **({} if on_articles else {"aggs": ARTICLES}),
    }
    window = [*filters(req), histogram_window(*bounds)]
    return {"filter": _scope(window, on_articles), "aggs": {"histogram": histogram}}


def build_search(
    req: SearchRequest, extent: tuple[date, date] | None = None, excluded_articles: list[str] | None = None
) -> dict[str, Any]:
    """``extent``: the first and last publication dates in the index, for the date histogram;
    ``excluded_articles``: articles with an excluded word in some part."""
    sort: list[Any]
    if req.sort == "newest" or (req.sort == "relevance" and req.query.empty):
        sort = [{"published_at": {"order": "desc", "missing": "_last"}}, "_score"]
    elif req.sort == "oldest":
        sort = [{"published_at": {"order": "asc", "missing": "_last"}}, "_score"]
    else:
        sort = ["_score", {"published_at": {"order": "desc", "missing": "_last"}}]
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
    on_articles = counts_on_articles(req)
    aggs: dict[str, Any] = {t: _facet(req, t, on_articles) for t in ENTITY_TYPES}
    bounds = histogram_bounds(req, extent)
    if bounds:
        aggs["dates"] = _dates(req, bounds, on_articles)
    aggs["total_articles"] = {"filter": _scope(filters(req), on_articles)}
    if not on_articles:
        aggs["total_articles"]["aggs"] = ARTICLES
    else:  # article documents are outside the query (parts only): count them from the whole index
        aggs = {"on_articles": {"global": {}, "aggs": aggs}}
    return {
        "query": text_query(req, excluded_articles),
        "post_filter": _bool(filters(req)),
        "collapse": {"field": "article_id", "inner_hits": inner_hits},
        "sort": sort,
        "from": req.offset,
        "size": req.size,
        "track_total_hits": True,
        "_source": SOURCE_FIELDS,
        "aggs": aggs,
    }
