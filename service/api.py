"""The JSON API: search, articles, suggestions, health and its OpenAPI description."""

from __future__ import annotations

from elastic_transport import ConnectionError as ESConnectionError
from elastic_transport import ConnectionTimeout
from flask import Blueprint, abort, current_app, jsonify, request

from service.errors import RETRY_AFTER_SECONDS
from service.es import get_es, get_settings, search_context
from service.openapi import openapi_document
from service.search.article import get_article
from service.search.facet_values import facet_values
from service.search.parser import parse_search_args
from service.search.request import SearchRequest
from service.search.searching import run_search
from service.search.suggest import LazyAliases, suggest

bp = Blueprint("api", __name__, url_prefix="/api")


def _search(req: SearchRequest) -> dict:
    """A validated search against the configured alias, with the app's cached date extent."""
    return run_search(get_es(), get_settings().es_index, req, *search_context())


@bp.get("/search")
def search():
    return jsonify(_search(parse_search_args(request.args)))


@bp.get("/articles/<article_id>")
def article(article_id: str):
    found = get_article(get_es(), get_settings().es_index, article_id)
    if found is None:
        abort(404, description=f"no article with id {article_id[:80]!r}")
    return jsonify(found)


def _aliases() -> LazyAliases:
    """The gazetteer's other names of entities, for suggestions (``create_app`` made them)."""
    return current_app.extensions["suggest_aliases"]


@bp.get("/suggest")
def suggestions():
    extent = search_context()[0]
    return jsonify(suggest(get_es(), get_settings().es_index, request.args, extent, _aliases()))


@bp.get("/facets/<facet_type>")
def facet(facet_type: str):
    """A facet's values under the query string's search with a name word starting with ``prefix``."""
    return jsonify(facet_values(get_es(), get_settings().es_index, facet_type, request.args))


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.get("/health")
def health():
    """The node's state as seen from here: 200 when searches can be served, else 503."""
    settings = get_settings()
    es = get_es()
    try:
        cluster = es.cluster.health(timeout="1s")
        index_ready = bool(es.indices.exists_alias(name=settings.es_index))
    except (ESConnectionError, ConnectionTimeout) as exc:
        body = {"status": "unavailable", "elasticsearch": {"reachable": False, "error": type(exc).__name__}}
        return jsonify(body), 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}
    # No alias (never built, or a reindex gone wrong): every search would answer 503, so must this.
    ok = cluster["status"] in ("green", "yellow") and index_ready
    body = {
        "status": "ok" if ok else ("degraded" if index_ready else "no_index"),
        "elasticsearch": {
            "reachable": True,
            "cluster_status": cluster["status"],
            "number_of_nodes": cluster["number_of_nodes"],
        },
        "index": {"alias": settings.es_index, "exists": index_ready},
    }
    if ok:
        return jsonify(body), 200
    return jsonify(body), 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}
