"""The OpenAPI 3.1 description of the JSON API, served at ``/api/openapi.json``.

Kept beside the code it describes, its bounds and enums taken from the parsers' own constants;
``tests/test_openapi_parameters.py`` checks that its parameters are the ones the parsers read, with
their enums, defaults and bounds; ``tests/test_fuzz.py`` fuzzes the API from it with schemathesis
(every answer checked against it), and ``tests/search/test_features.py`` reads it.
"""

from __future__ import annotations

from typing import Any

from service.model import ENTITY_TYPES
from service.search.dates import EARLIEST_DATE, INTERVALS
from service.search.facet_values import FACETS, MAX_PREFIX, MAX_VALUES
from service.search.facets import MAX_FILTER_VALUES
from service.search.keyword_facets import MAX_VALUE_LENGTH
from service.search.parser import (
    KIND_VALUES,
    KINDS,
    MAX_QUERY_LENGTH,
    MAX_RESULT_WINDOW,
    MAX_SIZE,
    SIMILAR_PATTERN,
    SORTS,
)
from service.search.spelling import FEW_RESULTS, MANY_TIMES
from service.search.suggest import MAX_PREFIX as MAX_SUGGEST_PREFIX
from service.search.suggest import MAX_SIZE as MAX_SUGGESTIONS

_TEXT = {"type": ["string", "null"]}  # a string, or null when absent
MAX_ID_LENGTH = 200  # an entity id in a filter (facets.EntityFacet.parse)


def _object(required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties}


_ERROR = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
}
_REF = {"id": {"type": "string"}, "name": _TEXT}
_ENTITY_REFS = {
    "type": "object",
    "properties": {
        t: {"type": "array", "items": {"type": "object", "properties": _REF}} for t in ENTITY_TYPES
    },
}
_SNIPPET = {
    "type": "object",
    "required": ["id", "kind", "position", "text"],
    "properties": {
        "id": {"type": "string"},
        "kind": {"enum": list(KINDS)},
        "position": {"type": "integer"},
        "heading": _TEXT,
        "html": {
            "type": ["array", "null"],
            "items": {"type": "string"},
            "description": "Highlighted fragments: article text HTML-escaped, matches in <mark>.",
        },
        "text": {"type": "string"},
        "credit": _TEXT,
        "credit_people": {"type": "array", "items": {"type": "string"}},
        "credit_agencies": {"type": "array", "items": {"type": "string"}},
        "entity_ids": {"type": "array", "items": {"type": "string"}},
        "score": {"type": ["number", "null"]},
    },
}
_FACET_VALUE = {
    "type": "object",
    "required": ["id", "count", "selected"],
    "properties": {
        **_REF,
        "count": {"type": "integer"},
        "selected": {"type": "boolean"},
    },
}
_SEARCH_RESULT = {
    "type": "object",
    "required": ["query", "page", "size", "sort", "total", "groups", "relaxed", "results", "facets", "dates"],
    "properties": {
        "query": {"type": "string"},
        "page": {"type": "integer"},
        "size": {"type": "integer"},
        "sort": {"enum": list(SORTS)},
        "total": {"type": "integer", "description": "Matching articles."},
        "groups": {
            "type": "integer",
            "description": "Results the search lists across its pages: near-duplicate articles count once"
            " (equal to total when none are grouped, or with 'similar'); the pages' count rests on it.",
        },
        "relaxed": {
            "type": "boolean",
            "description": (
                "True when the results need only some of the query's words (the best-matching ones): "
                "for a question (a final '?', a question word first, or more than six content words), or "
                "when no article has every word. False when every content word had to match."
            ),
        },
        "took_ms": {"type": ["integer", "null"]},
        "results": {
            "type": "array",
            "items": _object(
                ["article_id", "title", "snippets", "entities"],
                {
                    "article_id": {"type": "string"},
                    "title": _TEXT,
                    "title_html": {
                        "type": ["string", "null"],
                        "description": (
                            "The title with the query's matches in <mark>, HTML-escaped (its "
                            "normalised form, as the snippets' html); null when nothing in it matched."
                        ),
                    },
                    "url": _TEXT,
                    "source": _TEXT,
                    "published_at": _TEXT,
                    "entities": _ENTITY_REFS,
                    "snippets": {
                        "type": "array",
                        "maxItems": 3,
                        "items": _SNIPPET,
                        "description": (
                            "The best matching parts, at most 3 (with at most 3 highlighted fragments in "
                            "all); never the title again (a headline-only article has none)."
                        ),
                    },
                    "more_snippets": {
                        "type": "integer",
                        "minimum": 0,
                        "description": "How many more of the article's parts matched (shown on its page).",
                    },
                    "similar": {
                        "type": ["object", "null"],
                        "required": ["key", "count"],
                        "properties": {"key": {"type": "string"}, "count": {"type": "integer", "minimum": 1}},
                        "description": (
                            "Near-duplicates of this article that match too (the same text, or a headline "
                            "of the same source and title), shown as this one result: how many, and "
                            "their group's key for the 'similar' parameter, which lists them. Null: none."
                        ),
                    },
                    "score": {"type": ["number", "null"]},
                },
            ),
        },
        "facets": {
            "type": "object",
            "properties": {t: {"type": "array", "items": _FACET_VALUE} for t in FACETS},
        },
        "did_you_mean": {
            "type": ["string", "null"],
            "description": (
                f"When the query finds fewer than {FEW_RESULTS} articles (or none): a variant of it "
                f"(a name's usual spelling, a word corrected) that finds at least {MANY_TIMES} times as "
                "many, with the same filters; else null"
            ),
        },
        "dates": {
            "type": "object",
            "description": (
                "The matching articles' publication dates (Israeli days): a histogram from the first to the"
                " last match (or over the dates asked, from/to), in at most 60 buckets of the finest interval"
                " that fits, and the matches without a date"
            ),
            "required": ["interval", "from", "to", "first", "last", "undated", "buckets"],
            "properties": {
                "interval": {
                    "enum": [*INTERVALS, None],
                    "description": "The buckets' length (weeks start on Monday); null: no dated match",
                },
                "from": {**_TEXT, "description": "The 'from' asked (YYYY-MM-DD), or null"},
                "to": {**_TEXT, "description": "The 'to' asked (YYYY-MM-DD), or null"},
                "first": {**_TEXT, "description": "The first matching article's day (YYYY-MM-DD), or null"},
                "last": {**_TEXT, "description": "The last matching article's day (YYYY-MM-DD), or null"},
                "undated": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Matching articles without a date (none when from or to is asked)",
                },
                "buckets": {
                    "type": "array",
                    "maxItems": 60,
                    "description": "In date order, empty ones included",
                    "items": {
                        "type": "object",
                        "required": ["date", "count"],
                        "properties": {
                            "date": {"type": "string", "description": "The bucket's first day (YYYY-MM-DD)"},
                            "count": {"type": "integer", "minimum": 0},
                        },
                    },
                },
            },
        },
    },
}
_ARTICLE = _object(
    ["id", "title", "parts", "entities"],
    {
        "id": {"type": "string"},
        "title": _TEXT,
        "lead": _TEXT,
        "url": {"type": ["string", "null"], "description": "As stored; not necessarily a web address"},
        "link": {
            "type": ["string", "null"],
            "description": "The url when it is an http(s) address a page may link to, else null",
        },
        "source": _TEXT,
        "published_at": _TEXT,
        "authors": {"type": "array", "items": {"type": "string"}},
        "language": _TEXT,
        "entities": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "string"},
                    "type": {"enum": list(ENTITY_TYPES)},
                    "name": {"type": "string"},
                    "count": {"type": "integer"},
                },
            },
        },
        "parts": {
            "type": "array",
            "items": {"type": "object"},
            "description": "Every part in order",
        },
        "related": {
            "type": "array",
            "description": "Other articles on the same subject, best first",
            "items": {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": {"type": "string"},
                    "title": _TEXT,
                    "published_at": _TEXT,
                    "source": _TEXT,
                },
            },
        },
    },
)


def _errors(*codes: int) -> dict[str, Any]:
    text = {
        400: "A parameter is invalid (the message says which), or Elasticsearch refused this request "
        "(error 'search_rejected').",
        404: "Not found.",
        503: "Elasticsearch is unavailable; retry after the Retry-After header's seconds.",
    }
    return {
        str(c): {
            "description": text[c],
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        for c in codes
    }


def _param(
    name: str,
    schema: dict[str, Any],
    description: str,
    *,
    many: bool = False,
    most: int | None = MAX_FILTER_VALUES,
) -> dict[str, Any]:
    """A query parameter; ``many``: repeatable, at most ``most`` values (None: no limit)."""
    if many:
        schema = {"type": "array", "items": schema, **({"maxItems": most} if most else {})}
    param = {"name": name, "in": "query", "required": False, "schema": schema, "description": description}
    if many:
        param["style"], param["explode"] = "form", True
    return param


def _filter_params() -> list[dict[str, Any]]:
    """The facets' parameters: entity ids by type, sources and authors (repeatable)."""
    return [
        *(
            _param(
                t,
                {"type": "string", "pattern": f"^{t}:[^|]*$", "maxLength": MAX_ID_LENGTH},
                f"{t} ids (OR within the facet, AND across facets)",
                many=True,
            )
            for t in ENTITY_TYPES
        ),
        _param(
            "source",
            {"type": "string", "minLength": 1, "maxLength": MAX_VALUE_LENGTH},
            "Sources, as the facet names them (OR within the facet, AND across facets)",
            many=True,
        ),
        _param(
            "author",
            {"type": "string", "minLength": 1, "maxLength": MAX_VALUE_LENGTH},
            "Authors, as the facet names them (OR within the facet, AND across facets)",
            many=True,
        ),
    ]


def _search_params() -> list[dict[str, Any]]:
    return [
        _param(
            "q",
            {"type": "string", "maxLength": MAX_QUERY_LENGTH},
            "Words (a part must match every content word, in any inflected form; function words are "
            'ignored), "quoted" words or phrases (exact forms, in order), -word or -"a phrase" (drops '
            "every article that has it). A question (a final '?', or a question word first) or more than "
            "six content words need only some of the words: any one of up to three, a quarter of more; "
            "so does a query that no article matches in full, asked again ('relaxed').",
        ),
        *_filter_params(),
        _param(
            "from",
            {"type": "string", "format": "date"},
            f"First day (YYYY-MM-DD, Israeli time), from {EARLIEST_DATE} to tomorrow.",
        ),
        _param(
            "to",
            {"type": "string", "format": "date"},
            f"Last day (YYYY-MM-DD), not before 'from', from {EARLIEST_DATE} to tomorrow.",
        ),
        _param(
            "kind",
            {"enum": list(KIND_VALUES)},
            "Parts to search: section, caption, or a part kind.",
            many=True,
            most=None,  # repeats count once: there are only so many kinds
        ),
        _param("sort", {"enum": list(SORTS), "default": "relevance"}, "Order of the articles."),
        _param(
            "page",
            {"type": "integer", "minimum": 1, "maximum": MAX_RESULT_WINDOW, "default": 1},
            f"Page; page × size may not pass {MAX_RESULT_WINDOW:,}, the results a search can list.",
        ),
        _param(
            "size", {"type": "integer", "minimum": 1, "maximum": MAX_SIZE, "default": 10}, "Articles a page."
        ),
        _param(
            "similar",
            {"type": "string", "pattern": f"^{SIMILAR_PATTERN}$"},
            "A group of near-duplicate articles (a result's similar.key): lists the group's articles.",
        ),
    ]


def _get(operation: str, summary: str, responses: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"get": {"summary": summary, "operationId": operation, **extra, "responses": responses}}


def _json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_SUGGESTIONS = {
    "type": "object",
    "required": ["prefix", "entities", "terms"],
    "properties": {
        "prefix": {"type": "string"},
        "entities": {
            "type": "array",
            "description": (
                "Entities with a name word or an alias word that starts with the prefix, best first: "
                "score = (articles + 3 × articles since 1 January ten years before the year of the "
                "index's last article), doubled when the prefix is a whole word of the name"
            ),
            "items": _object(
                ["id", "type", "name", "count", "score"],
                {
                    "id": {"type": "string"},
                    "type": {"enum": list(ENTITY_TYPES)},
                    "name": {"type": "string"},
                    "count": {"type": "integer"},
                    "score": {"type": "integer"},
                },
            ),
        },
        "terms": {"type": "array", "items": {"type": "object"}},
    },
}
_FACET_VALUES = _object(
    ["type", "prefix", "values"],
    {
        "type": {"enum": list(FACETS)},
        "prefix": {"type": "string"},
        "values": {"type": "array", "maxItems": MAX_VALUES, "items": _FACET_VALUE},
    },
)
_FACET_TYPE = {"name": "facet_type", "in": "path", "required": True, "schema": {"enum": list(FACETS)}}


def _prefix(max_length: int) -> dict[str, Any]:
    return {
        "name": "prefix",
        "in": "query",
        "required": True,
        "schema": {"type": "string", "minLength": 1, "maxLength": max_length},
    }


_ARTICLE_ID = {"name": "article_id", "in": "path", "required": True, "schema": {"type": "string"}}


def _paths() -> dict[str, Any]:
    suggest_size = _param(
        "size", {"type": "integer", "minimum": 1, "maximum": MAX_SUGGESTIONS, "default": 8}, "Suggestions."
    )
    return {
        "/api/search": _get(
            "search",
            "Search articles",
            {"200": _json("Articles, facets and dates", _SEARCH_RESULT), **_errors(400, 503)},
            parameters=_search_params(),
        ),
        "/api/articles/{article_id}": _get(
            "article",
            "One article with its parts and entities",
            {"200": _json("The article", _ARTICLE), **_errors(404, 503)},
            parameters=[_ARTICLE_ID],
        ),
        "/api/suggest": _get(
            "suggest",
            "Autocomplete: entity names and frequent title words",
            {"200": _json("Suggestions", _SUGGESTIONS), **_errors(400, 503)},
            parameters=[_prefix(MAX_SUGGEST_PREFIX), suggest_size],
        ),
        "/api/facets/{facet_type}": _get(
            "facet_values",
            "A facet's values under a search with a word starting with prefix (20, most articles first)",
            {"200": _json("The facet's values", _FACET_VALUES), **_errors(400, 503)},
            parameters=[_FACET_TYPE, _prefix(MAX_PREFIX), *_search_params()],
        ),
        "/api/health": _get(
            "health",
            "The service's view of Elasticsearch",
            {
                "200": _json(
                    "Searches can be served: Elasticsearch answers, its cluster green or yellow, and the"
                    " alias searches go through exists (status ok)",
                    {"type": "object"},
                ),
                "503": _json(
                    "Searches cannot be served: Elasticsearch is unreachable, refuses to serve (an Error),"
                    " its cluster is red (status degraded), or the alias is missing (status no_index,"
                    " index.exists false)",
                    {"type": "object"},
                ),
            },
        ),
        "/api/openapi.json": _get(
            "openapi",
            "This document",
            {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {}}}},
        ),
    }


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Hebrew news search",
            "version": "1.0.0",
            "description": "Full-text search over Hebrew news articles, with entity and date facets.",
        },
        "paths": _paths(),
        "components": {"schemas": {"Error": _ERROR}},
    }
