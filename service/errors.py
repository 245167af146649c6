"""Turn failures into answers: bad parameters are 400, an unreachable Elasticsearch is 503."""

from __future__ import annotations

import logging

from elastic_transport import ConnectionError as ESConnectionError
from elastic_transport import ConnectionTimeout
from elasticsearch import ApiError
from flask import Flask, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from service.search.parser import InvalidRequest

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
UNAVAILABLE_MESSAGE = "The search backend (Elasticsearch) is unavailable; try again shortly."
UNAVAILABLE_MESSAGE_HE = "מנוע החיפוש אינו זמין כרגע. נסו שוב בעוד כמה רגעים."


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _unavailable(exc: Exception):
    # The exception text can name hosts and credentials; log its type, never show it.
    log.warning("Elasticsearch unavailable: %s", type(exc).__name__)
    if _is_api():
        body = jsonify(error="search_unavailable", message=UNAVAILABLE_MESSAGE)
    else:
        body = render_template("unavailable.html", message=UNAVAILABLE_MESSAGE_HE)
    response = make_response(body, 503)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _invalid(exc: InvalidRequest):
    if _is_api():
        return jsonify(error="invalid_request", message=str(exc)), 400
    return render_template("search.html", error=str(exc), result=None, req=None, args=request.args), 400


def _api_error(exc: ApiError):
    # 429 and 5xx from the cluster mean it cannot serve now; anything else is our bug.
    if exc.meta.status == 429 or exc.meta.status >= 500:
        return _unavailable(exc)
    raise exc


def _http_error(exc: HTTPException):
    if _is_api():
        return jsonify(error=exc.name.lower().replace(" ", "_"), message=exc.description), exc.code
    if exc.code == 404:
        return render_template("not_found.html"), 404
    return exc


def register(app: Flask) -> None:
    app.register_error_handler(ESConnectionError, _unavailable)
    app.register_error_handler(ConnectionTimeout, _unavailable)
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(InvalidRequest, _invalid)
    app.register_error_handler(HTTPException, _http_error)
