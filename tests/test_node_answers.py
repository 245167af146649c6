"""What the app makes of the nodes behind it (issue 20): a node that answers 429 (too many requests)
is "unavailable now" (503 with Retry-After, never the request's fault), and of several nodes in
ES_URL one that is down costs nothing while another answers. Also: the app's own answers carry
the security headers, without nginx in front (nginx adds them too, so the serving tests cannot tell).

The live node is the real test node; the failing ones are a closed port and a tiny stub that
answers every request with 429."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from service import create_app
from service.config import Settings
from service.headers import SECURITY_HEADERS

TOO_MANY = {
    "error": {
        "root_cause": [{"type": "too_many_requests", "reason": "slow down"}],
        "type": "too_many_requests",
        "reason": "slow down",
    },
    "status": 429,
}


class TooManyRequests(BaseHTTPRequestHandler):
    """Every request: 429, as a node under more load than it accepts answers it."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        body = json.dumps(TOO_MANY).encode()
        self.send_response(429)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Elastic-Product", "Elasticsearch")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_HEAD = do_PUT = _answer

    def log_message(self, *args) -> None:  # quiet
        pass


@pytest.fixture(scope="module")
def busy_node() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), TooManyRequests)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"  # closed again when the socket is


def test_a_node_answering_429_is_503_with_retry_after(busy_node):
    client = create_app(Settings(es_url=busy_node, es_index="anything")).test_client()
    api = client.get("/api/search", query_string={"q": "פוטין"})
    assert api.status_code == 503, api.get_json()
    assert api.get_json()["error"] == "search_unavailable" and int(api.headers["Retry-After"]) > 0
    page = client.get("/", query_string={"q": "פוטין"})
    assert page.status_code == 503 and "אינו זמין" in page.get_data(as_text=True)
    article = client.get("/api/articles/a1")
    assert article.status_code == 503 and article.get_json()["error"] == "search_unavailable"


def test_a_node_down_among_several_costs_nothing(es_url, sample_alias):
    hosts = f"{closed_port()},{es_url}"  # the dead one first: every request meets it
    client = create_app(Settings(es_url=hosts, es_index=sample_alias, es_request_timeout=10)).test_client()
    for _ in range(6):
        response = client.get("/api/search", query_string={"q": "פוטין"})
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["total"] == 1
    assert client.get("/api/health").status_code == 200


@pytest.mark.parametrize("path", ["/api/openapi.json", "/static/app.js", "/api/nowhere", "/nowhere"])
def test_the_app_itself_sends_the_security_headers(path):
    client = create_app(Settings(es_url=closed_port(), es_index="anything")).test_client()
    response = client.get(path)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (path, name)
    assert response.headers["X-Frame-Options"] == "DENY"


def test_a_page_that_cannot_reach_the_node_sends_them_too():
    client = create_app(Settings(es_url=closed_port(), es_index="anything")).test_client()
    response = client.get("/", query_string={"q": "פוטין"})
    assert response.status_code == 503
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
