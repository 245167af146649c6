"""What a reader, an API client and a feed reader are told when the search fails, for each kind of
failure: the node unreachable or refusing to serve now (503 with Retry-After), a request the node
rejects (400 naming the node's reason), a parameter the caller can fix (400), and Werkzeug's own errors.

The failures are real exception objects of the Elasticsearch client, raised by routes of a test app
(how a real node's answers become these exceptions is the client's business, and the fault tests try it
against a node); what is checked here is the answer built from them and what is logged."""

from __future__ import annotations

import logging

import pytest
from elastic_transport import ApiResponseMeta, ConnectionTimeout, HttpHeaders, NodeConfig
from elastic_transport import ConnectionError as ESConnectionError
from elasticsearch import ApiError

from service import create_app
from service.config import Settings
from service.errors import (
    REJECTED_MESSAGE,
    REJECTED_MESSAGE_HE,
    UNAVAILABLE_MESSAGE,
    UNAVAILABLE_MESSAGE_HE,
    error_type,
    node_unavailable,
)
from service.search.request import InvalidRequest

PLACES = {"api": "/api/boom", "page": "/boom", "follow": "/feed-boom"}


def api_error(status: int, body: object, message: str = "node said no") -> ApiError:
    meta = ApiResponseMeta(status, "1.1", HttpHeaders(), 0.0, NodeConfig("http", "127.0.0.1", 9200))
    return ApiError(message, meta, body)


def cause(kind: str) -> dict:
    return {"error": {"type": "search_phase_execution_exception", "root_cause": [{"type": kind}]}}


@pytest.fixture
def raising():
    """``raising(exc)``: a test client whose /api/boom, /boom and /feed-boom (a feed: the ``follow``
    blueprint's endpoint) raise ``exc``."""

    def make(exc: Exception):
        app = create_app(Settings(es_url="http://127.0.0.1:9", es_index="never-used"))

        def boom():
            raise exc

        app.add_url_rule(PLACES["api"], "api.boom", boom)
        app.add_url_rule(PLACES["page"], "web.boom", boom)
        app.add_url_rule(PLACES["follow"], "follow.boom", boom)
        return app.test_client()

    return make


@pytest.mark.parametrize("exc", [ESConnectionError("down"), ConnectionTimeout("slow")], ids=["down", "slow"])
def test_an_unreachable_node_is_503_with_retry_after_everywhere(raising, exc, caplog):
    client = raising(exc)
    with caplog.at_level(logging.WARNING, logger="service.errors"):
        api, page, feed = (client.get(path) for path in PLACES.values())
    for response in (api, page, feed):
        assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert api.get_json() == {"error": "search_unavailable", "message": UNAVAILABLE_MESSAGE}
    assert UNAVAILABLE_MESSAGE_HE in page.get_data(as_text=True) and page.mimetype == "text/html"
    assert feed.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert feed.get_data(as_text=True) == f"503: {UNAVAILABLE_MESSAGE}\n{UNAVAILABLE_MESSAGE_HE}\n"
    assert [r.getMessage() for r in caplog.records] == [
        f"Elasticsearch unavailable: {type(exc).__name__}"
    ] * 3


@pytest.mark.parametrize("status", [401, 403, 404, 408, 429, 500, 502, 503])
def test_a_node_that_cannot_serve_now_is_503(raising, status, caplog):
    exc = api_error(status, cause("some_exception"))
    assert node_unavailable(exc)
    with caplog.at_level(logging.WARNING, logger="service.errors"):
        response = raising(exc).get(PLACES["api"])
    assert response.status_code == 503 and response.get_json()["error"] == "search_unavailable"
    said = [r.getMessage() for r in caplog.records]
    assert said == [f"Elasticsearch refused: {status} some_exception", "Elasticsearch unavailable: ApiError"]


@pytest.mark.parametrize(
    "kind",
    [
        "index_not_found_exception",
        "index_closed_exception",
        "cluster_block_exception",
        "no_shard_available_action_exception",
        "search_context_missing_exception",
    ],
)
def test_an_index_that_cannot_serve_is_503_whatever_the_status(raising, kind):
    exc = api_error(400, cause(kind))
    assert node_unavailable(exc)
    assert raising(exc).get(PLACES["page"]).status_code == 503


@pytest.mark.parametrize("status", [400, 413, 499])
def test_a_request_the_node_rejects_is_400_naming_its_reason(raising, status, caplog):
    exc = api_error(status, cause("too_many_clauses"))
    assert not node_unavailable(exc)
    client = raising(exc)
    with caplog.at_level(logging.WARNING, logger="service.errors"):
        api, page, feed = (client.get(path) for path in PLACES.values())
    assert (api.status_code, page.status_code, feed.status_code) == (400, 400, 400)
    message = REJECTED_MESSAGE.format(reason="too_many_clauses")
    assert api.get_json() == {"error": "search_rejected", "message": message}
    message_he = REJECTED_MESSAGE_HE.format(reason="too_many_clauses")
    assert message_he in page.get_data(as_text=True) and page.mimetype == "text/html"
    assert feed.get_data(as_text=True) == f"400: {message}\n{message_he}\n"
    assert feed.headers["Content-Type"] == "text/plain; charset=utf-8"
    said = [r.getMessage() for r in caplog.records]
    assert said == [
        f"Elasticsearch rejected a request: {status} too_many_clauses on {p}" for p in PLACES.values()
    ]


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (cause("too_many_clauses"), "too_many_clauses"),
        ({"error": {"type": "parsing_exception"}}, "parsing_exception"),  # no root cause: the error itself
        ({"error": {"type": "parsing_exception", "root_cause": []}}, "parsing_exception"),
        ({"error": {"type": "x", "root_cause": [{"type": 7}]}}, "node said no"),  # not a name: the message
        ({"error": {"root_cause": ["text"]}}, "node said no"),
        ({"error": "a plain string"}, "node said no"),
        ("not json at all", "node said no"),
        (None, "node said no"),
    ],
)
def test_the_reason_is_the_first_root_cause_type_else_the_message(body, kind):
    assert error_type(api_error(400, body)) == kind


def test_a_long_message_is_cut_to_80_characters():
    assert error_type(api_error(400, None, message="m" * 200)) == "m" * 80


def test_a_parameter_the_caller_can_fix_is_400_saying_what(raising):
    client = raising(InvalidRequest("'size' must be at most 100"))
    api, page, feed = (client.get(path) for path in PLACES.values())
    assert api.status_code == 400
    assert api.get_json() == {"error": "invalid_request", "message": "'size' must be at most 100"}
    assert page.status_code == 400 and "&#39;size&#39; must be at most 100" in page.get_data(as_text=True)
    assert feed.status_code == 400 and feed.headers["Content-Type"] == "text/plain; charset=utf-8"
    said = feed.get_data(as_text=True)
    assert (
        said == "400: invalid request: 'size' must be at most 100\nבקשה שגויה: תקנו את הפרמטרים של החיפוש.\n"
    )


def test_werkzeug_errors_under_api_are_json_with_their_own_headers():
    client = create_app(Settings(es_url="http://127.0.0.1:9")).test_client()
    missing = client.get("/api/no-such-thing")
    assert missing.status_code == 404
    assert missing.get_json() == {"error": "not_found", "message": missing.get_json()["message"]}
    assert "not found" in missing.get_json()["message"].lower()
    wrong_method = client.post("/api/search")
    assert wrong_method.status_code == 405 and wrong_method.get_json()["error"] == "method_not_allowed"
    assert "GET" in wrong_method.headers["Allow"] and wrong_method.mimetype == "application/json"


def test_werkzeug_errors_of_pages_keep_their_status():
    client = create_app(Settings(es_url="http://127.0.0.1:9")).test_client()
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and missing.mimetype == "text/html"
    assert "הדף המבוקש לא נמצא." in missing.get_data(as_text=True)
    wrong_method = client.post("/")
    assert wrong_method.status_code == 405 and "GET" in wrong_method.headers["Allow"]
