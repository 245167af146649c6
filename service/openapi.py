"""The OpenAPI 3.1 description of the JSON API, served at ``/api/openapi.json``.

Kept beside the code it describes; ``tests/test_openapi.py`` checks every response of the API
against it, and schemathesis can fuzz the API from it.
"""

from __future__ import annotations

from typing import Any

from service.search.parser import (
    EARLIEST_DATE,
    ENTITY_TYPES,
    KIND_GROUPS,
    KINDS,
    MAX_QUERY_LENGTH,
    MAX_SIZE,
    SORTS,
)

_ERROR = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
}
_REF = {"id": {"type": "string"}, "name": {"type": ["string", "null"]}}
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
        "heading": {"type": ["string", "null"]},
        "html": {
            "type": ["array", "null"],
            "items": {"type": "string"},
            "description": "Highlighted fragments: article text HTML-escaped, matches in <mark>.",
        },
        "text": {"type": "string"},
        "credit": {"type": ["string", "null"]},
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
        "approximate": {
            "type": "boolean",
            "description": "The count is estimated from the query's best-matching parts (broad text queries)",
        },
    },
}
_SEARCH_RESULT = {
    "type": "object",
    "required": ["query", "page", "size", "sort", "total", "results", "facets", "dates"],
    "properties": {
        "query": {"type": "string"},
        "page": {"type": "integer"},
        "size": {"type": "integer"},
        "sort": {"enum": list(SORTS)},
        "total": {"type": "integer", "description": "Matching articles."},
        "took_ms": {"type": ["integer", "null"]},
        "results": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["article_id", "title", "snippets", "entities"],
                "properties": {
                    "article_id": {"type": "string"},
                    "title": {"type": ["string", "null"]},
                    "url": {"type": ["string", "null"]},
                    "source": {"type": ["string", "null"]},
                    "published_at": {"type": ["string", "null"]},
                    "entities": _ENTITY_REFS,
                    "snippets": {"type": "array", "items": _SNIPPET},
                    "score": {"type": ["number", "null"]},
                },
            },
        },
        "facets": {
            "type": "object",
            "properties": {t: {"type": "array", "items": _FACET_VALUE} for t in ENTITY_TYPES},
        },
        "did_you_mean": {
            "type": ["string", "null"],
            "description": "When nothing was found: the query corrected, if that finds articles",
        },
        "dates": {
            "type": "object",
            "required": ["interval", "buckets"],
            "properties": {
                "interval": {"enum": ["day", "week", "month", "year", None]},
                "from": {"type": ["string", "null"]},
                "to": {"type": ["string", "null"]},
                "buckets": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"date": {"type": "string"}, "count": {"type": "integer"}},
                    },
                },
            },
        },
    },
}
_ARTICLE = {
    "type": "object",
    "required": ["id", "title", "parts", "entities"],
    "properties": {
        "id": {"type": "string"},
        "title": {"type": ["string", "null"]},
        "lead": {"type": ["string", "null"]},
        "url": {"type": ["string", "null"], "description": "As stored; not necessarily a web address"},
        "link": {
            "type": ["string", "null"],
            "description": "The url when it is an http(s) address a page may link to, else null",
        },
        "source": {"type": ["string", "null"]},
        "published_at": {"type": ["string", "null"]},
        "authors": {"type": "array", "items": {"type": "string"}},
        "language": {"type": ["string", "null"]},
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
            "description": "Every part in order, up to 10,000 (parts_truncated says when there are more)",
        },
        "parts_total": {"type": "integer", "description": "Parts the article has in the index"},
        "parts_truncated": {"type": "boolean", "description": "True when parts holds fewer than parts_total"},
        "related": {
            "type": "array",
            "description": "Other articles on the same subject, best first",
            "items": {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": {"type": "string"},
                    "title": {"type": ["string", "null"]},
                    "published_at": {"type": ["string", "null"]},
                    "source": {"type": ["string", "null"]},
                },
            },
        },
    },
}


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


def _param(name: str, schema: dict[str, Any], description: str, *, many: bool = False) -> dict[str, Any]:
    if many:
        schema = {"type": "array", "items": schema, "maxItems": 20}
    param = {"name": name, "in": "query", "required": False, "schema": schema, "description": description}
    if many:
        param["style"], param["explode"] = "form", True
    return param


def openapi_document() -> dict[str, Any]:
    search_params = [
        _param(
            "q",
            {"type": "string", "maxLength": MAX_QUERY_LENGTH},
            'Words (all must match, prefixes ignored), "quoted phrases" (exact forms), -excluded words.',
        ),
        *(
            _param(
                t,
                {"type": "string", "pattern": f"^{t}:[^|]+$"},
                f"{t} ids (OR within the facet, AND across facets)",
                many=True,
            )
            for t in ENTITY_TYPES
        ),
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
            {"enum": [*KIND_GROUPS, *KINDS]},
            "Parts to search: section, caption, or a part kind.",
            many=True,
        ),
        _param("sort", {"enum": list(SORTS), "default": "relevance"}, "Order of the articles."),
        _param(
            "page", {"type": "integer", "minimum": 1, "default": 1}, "Page, within the first 10,000 results."
        ),
        _param(
            "size", {"type": "integer", "minimum": 1, "maximum": MAX_SIZE, "default": 10}, "Articles a page."
        ),
    ]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Hebrew news search",
            "version": "1.0.0",
            "description": "Full-text search over Hebrew news articles, with entity and date facets.",
        },
        "paths": {
            "/api/search": {
                "get": {
                    "summary": "Search articles",
                    "operationId": "search",
                    "parameters": search_params,
                    "responses": {
                        "200": {
                            "description": "Articles, facets and dates",
                            "content": {"application/json": {"schema": _SEARCH_RESULT}},
                        },
                        **_errors(400, 503),
                    },
                }
            },
            "/api/articles/{article_id}": {
                "get": {
                    "summary": "One article with its parts and entities",
                    "operationId": "article",
                    "parameters": [
                        {"name": "article_id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {
                        "200": {
                            "description": "The article",
                            "content": {"application/json": {"schema": _ARTICLE}},
                        },
                        **_errors(404, 503),
                    },
                }
            },
            "/api/suggest": {
                "get": {
                    "summary": "Autocomplete: entity names and frequent title words",
                    "operationId": "suggest",
                    "parameters": [
                        {
                            "name": "prefix",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "string", "minLength": 1, "maxLength": 50},
                        },
                        _param(
                            "size",
                            {"type": "integer", "minimum": 1, "maximum": 20, "default": 8},
                            "Suggestions.",
                        ),
                    ],
                    "responses": {
                        "200": {
                            "description": "Suggestions",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["prefix", "entities", "terms"],
                                        "properties": {
                                            "prefix": {"type": "string"},
                                            "entities": {"type": "array", "items": {"type": "object"}},
                                            "terms": {"type": "array", "items": {"type": "object"}},
                                        },
                                    }
                                }
                            },
                        },
                        **_errors(400, 503),
                    },
                }
            },
            "/api/health": {
                "get": {
                    "summary": "The service's view of Elasticsearch",
                    "operationId": "health",
                    "responses": {
                        "200": {
                            "description": "Searches can be served",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        "503": {
                            "description": "Elasticsearch is unreachable or red",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                    },
                }
            },
            "/api/openapi.json": {
                "get": {
                    "summary": "This document",
                    "operationId": "openapi",
                    "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {}}}},
                }
            },
        },
        "components": {"schemas": {"Error": _ERROR}},
    }
