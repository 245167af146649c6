"""The security headers on every answer of the app, with their exact values: a page, an API answer, an
error and a static file; and a view that sets one of them itself keeps its own."""

from __future__ import annotations

import pytest

from service import create_app
from service.config import Settings
from service.headers import CONTENT_SECURITY_POLICY

EXPECTED = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


@pytest.fixture
def client():
    app = create_app(Settings(es_url="http://127.0.0.1:9", es_index="never-used"))

    @app.route("/framed")
    def framed():
        return "embeddable", 200, {"X-Frame-Options": "SAMEORIGIN"}

    return app.test_client()


@pytest.mark.parametrize(
    "path", ["/api/no-such-thing", "/no-such-page", "/static/site.css", "/api/search?q=x"]
)
def test_every_answer_carries_the_four_headers(client, path):
    response = client.get(path)
    assert {name: response.headers.get(name) for name in EXPECTED} == EXPECTED


def test_the_policy_allows_no_inline_script_and_no_framing():
    policy = dict(part.strip().split(" ", 1) for part in CONTENT_SECURITY_POLICY.split(";"))
    assert policy["script-src"] == "'self'" and policy["frame-ancestors"] == "'none'"


def test_a_header_the_view_set_is_kept(client):
    response = client.get("/framed")
    assert response.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
