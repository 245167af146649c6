"""Which HTTP methods the app answers (docs/reliability.md, "Security"): reading only. Every route
takes GET, and the HEAD and OPTIONS that Flask adds to a GET route; nothing writes or administers
over HTTP. No node is needed: the routes are read from the app's URL map, and OPTIONS and the
refused methods are answered before any search."""

from __future__ import annotations

import pytest

from service import create_app
from service.config import Settings

READ_ONLY = {"GET", "HEAD", "OPTIONS"}


@pytest.fixture(scope="module")
def app():
    app = create_app(Settings(es_url="http://127.0.0.1:9", es_index="test-methods", es_request_timeout=0.5))
    app.testing = True
    return app


def test_every_route_only_reads(app):
    routes = {rule.rule: rule.methods for rule in app.url_map.iter_rules()}
    assert any(r.startswith("/api/") for r in routes)
    assert {r: m for r, m in routes.items() if m != READ_ONLY} == {}


@pytest.mark.parametrize("path", ["/api/search", "/api/openapi.json", "/api/articles/x", "/"])
def test_options_names_get_head_and_options(app, path):
    response = app.test_client().open(path, method="OPTIONS")
    assert response.status_code == 200
    assert set(response.headers["Allow"].split(", ")) == READ_ONLY


def test_head_answers_as_get_without_a_body(app):
    client = app.test_client()
    get, head = client.get("/api/openapi.json"), client.head("/api/openapi.json")
    assert head.status_code == get.status_code == 200
    assert head.get_data() == b"" and head.headers["Content-Type"] == get.headers["Content-Type"]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_writing_methods_are_405_naming_the_allowed_ones(app, method):
    response = app.test_client().open("/api/search", method=method)
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == READ_ONLY
