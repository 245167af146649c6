"""Turn failures into answers: bad parameters are 400, an unreachable Elasticsearch is 503."""

from __future__ import annotations

import logging

from elastic_transport import ConnectionError as ESConnectionError
from elastic_transport import ConnectionTimeout
from elasticsearch import ApiError
from flask import Flask, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from service.search.request import InvalidRequest

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
UNAVAILABLE_MESSAGE = "The search backend (Elasticsearch) is unavailable; try again shortly."
UNAVAILABLE_MESSAGE_HE = "מנוע החיפוש אינו זמין כרגע. נסו שוב בעוד כמה רגעים."


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _is_follow() -> bool:
    """A feed or an export (service/follow.py): read by feed readers, spreadsheets and scripts,
    which are told in plain text rather than with the search page."""
    return request.blueprint == "follow"


def _plain(status: int, message_he: str, message: str):
    body = f"{status}: {message}\n{message_he}\n"
    return make_response(body, status, {"Content-Type": "text/plain; charset=utf-8"})


def _unavailable(exc: Exception):
    # The exception text can name hosts and credentials; log its type, never show it.
    log.warning("Elasticsearch unavailable: %s", type(exc).__name__)
    if _is_follow():
        body = _plain(503, UNAVAILABLE_MESSAGE_HE, UNAVAILABLE_MESSAGE)
    elif _is_api():
        body = jsonify(error="search_unavailable", message=UNAVAILABLE_MESSAGE)
    else:
        body = render_template("unavailable.html", message=UNAVAILABLE_MESSAGE_HE)
    response = make_response(body, 503)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _invalid(exc: InvalidRequest):
    if _is_follow():
        return _plain(400, "בקשה שגויה: תקנו את הפרמטרים של החיפוש.", f"invalid request: {exc}")
    if _is_api():
        return jsonify(error="invalid_request", message=str(exc)), 400
    return render_template("search.html", error=str(exc), result=None, req=None, args=request.args), 400


# A refusal that says the node or the index cannot serve now (not that the request was wrong):
# a missing or closed index (an alias not yet built, a reindex gone wrong), blocks, no shard.
UNAVAILABLE_ERRORS = frozenset(
    {
        "index_not_found_exception",
        "index_closed_exception",
        "cluster_block_exception",
        "no_shard_available_action_exception",
        "search_context_missing_exception",
    }
)
REJECTED_MESSAGE = (
    "The search engine refused this request ({reason}); try fewer words or filters, or an earlier page."
)
REJECTED_MESSAGE_HE = "מנוע החיפוש דחה את הבקשה ({reason}). נסו פחות מילים או מסננים, או עמוד מוקדם יותר."


def error_type(exc: ApiError) -> str:
    """The node's own name for the failure: the first root cause's type, which is more telling than
    the wrapper's (``search_phase_execution_exception``); never the reason text, which can name
    indices and hosts."""
    body = exc.body if isinstance(exc.body, dict) else {}
    error = body.get("error")
    if isinstance(error, dict):
        causes = error.get("root_cause") or [error]
        if isinstance(causes[0], dict) and isinstance(causes[0].get("type"), str):
            return causes[0]["type"]
    return str(exc.message)[:80]


def node_unavailable(exc: ApiError) -> bool:
    """True when a node's error means "cannot serve now" (503), False when it refuses this one
    request (400). 404 from a search or an article lookup that reached here is the index."""
    status = exc.meta.status
    return status in (401, 403, 404, 408, 429) or status >= 500 or error_type(exc) in UNAVAILABLE_ERRORS


def _api_error(exc: ApiError):
    """Whatever the node answers, never a 500: 503 when it cannot serve now, else the request's 400
    (a result window the index owner lowered, a query past a node limit)."""
    if node_unavailable(exc):
        log.warning("Elasticsearch refused: %s %s", exc.meta.status, error_type(exc))
        return _unavailable(exc)
    reason = error_type(exc)
    log.warning("Elasticsearch rejected a request: %s %s on %s", exc.meta.status, reason, request.path)
    if _is_follow():
        return _plain(400, REJECTED_MESSAGE_HE.format(reason=reason), REJECTED_MESSAGE.format(reason=reason))
    if _is_api():
        return jsonify(error="search_rejected", message=REJECTED_MESSAGE.format(reason=reason)), 400
    message = REJECTED_MESSAGE_HE.format(reason=reason)
    return render_template("search.html", error=message, result=None, req=None, args=request.args), 400


def _http_error(exc: HTTPException):
    if _is_api():
        response = jsonify(error=exc.name.lower().replace(" ", "_"), message=exc.description)
        # Werkzeug's own headers (Allow on a 405, WWW-Authenticate...), but our JSON content type.
        for name, value in exc.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response, exc.code
    if exc.code == 404:
        return render_template("not_found.html"), 404
    return exc


def register(app: Flask) -> None:
    app.register_error_handler(ESConnectionError, _unavailable)
    app.register_error_handler(ConnectionTimeout, _unavailable)
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(InvalidRequest, _invalid)
    app.register_error_handler(HTTPException, _http_error)
