"""Elasticsearch failing under the service, for real: a node of its own that the test freezes,
stops and starts again. The service answers 503 (JSON with Retry-After, or the Hebrew page) within
two seconds, and serves again by itself when the node returns, without a restart."""

import os
import signal
import subprocess
import time
import uuid

import pytest
from elasticsearch import Elasticsearch

from service import create_app
from service.config import Settings
from service.es import ensure_alias
from service.indexing.loader import index_articles
from service.ingest.sources import read_paths
from tests.project import SAMPLES, es_script

pytestmark = pytest.mark.es  # stops and restarts a node of its own

PORT = os.environ.get("ES_FAULT_PORT", "9253")
URL = f"http://127.0.0.1:{PORT}"


def node(command: str) -> subprocess.CompletedProcess:
    return es_script(command, PORT)


@pytest.fixture(scope="module")
def alias():
    started = node("start")
    assert started.returncode == 0, started.stderr
    es = Elasticsearch(URL, request_timeout=30)
    alias = f"test-faults-{uuid.uuid4().hex[:8]}"
    ensure_alias(es, alias)
    assert not index_articles(es, alias, list(read_paths([SAMPLES]))).failed
    warm_up(alias)
    yield alias
    if node("status").returncode != 0:
        node("start")
    for name in es.indices.get_alias(name=alias):
        es.indices.delete(index=name)
    node("stop")


class RequestTimer:
    """WSGI middleware: how long the app took over each request, from the call to the last byte of
    its answer. The 2 s limit is on the request's own time, not on the test's wall clock around it
    (the test client's work, or a busy machine between two lines of the test)."""

    def __init__(self, app) -> None:
        self.app, self.seconds = app, []

    def __call__(self, environ, start_response):
        started = time.monotonic()
        body = b"".join(self.app(environ, start_response))
        self.seconds.append(time.monotonic() - started)
        return [body]


def app_client(alias: str):
    """A test client whose app times its own requests (``client.timer.seconds``)."""
    app = create_app(Settings(es_url=URL, es_index=alias))
    app.wsgi_app = timer = RequestTimer(app.wsgi_app)
    client = app.test_client()
    client.timer = timer
    return client


def warm_up(alias: str) -> None:
    """The searches the tests make, once with a patient client: on a node that has just started, on
    a busy machine, the first search can outlast the service's 1.5 s timeout (a 503 before any fault)."""
    client = create_app(Settings(es_url=URL, es_index=alias, es_request_timeout=60)).test_client()
    for path in ("/api/search?q=פוטין", "/?q=פוטין"):
        assert client.get(path).status_code == 200, path


def timed(client, path: str, **params):
    response = client.get(path, query_string=params)
    return response, client.timer.seconds[-1]


def wait_until_served(client, deadline_seconds: float = 60) -> float:
    started = time.monotonic()
    while time.monotonic() - started < deadline_seconds:
        if client.get("/api/search", query_string={"q": "פוטין"}).status_code == 200:
            return time.monotonic() - started
        time.sleep(0.5)
    pytest.fail("the service did not serve again after the node returned")


def assert_unavailable(client):
    api, seconds = timed(client, "/api/search", q="פוטין")
    assert api.status_code == 503 and seconds < 2.0, (api.status_code, seconds)
    assert api.get_json()["error"] == "search_unavailable" and int(api.headers["Retry-After"]) > 0
    page, seconds = timed(client, "/", q="פוטין")
    assert page.status_code == 503 and seconds < 2.0
    assert "אינו זמין" in page.get_data(as_text=True)
    assert client.get("/api/health").status_code == 503


def test_a_frozen_node_times_out_into_503_and_recovers(alias):
    client = app_client(alias)
    assert client.get("/api/search", query_string={"q": "פוטין"}).status_code == 200
    pid = int(node("pid").stdout.strip())
    os.kill(pid, signal.SIGSTOP)  # the process hangs: connections open, nothing answers
    try:
        assert_unavailable(client)
    finally:
        os.kill(pid, signal.SIGCONT)
    wait_until_served(client)


def test_a_stopped_node_is_503_and_the_service_recovers_without_a_restart(alias):
    client = app_client(alias)
    assert client.get("/api/search", query_string={"q": "פוטין"}).status_code == 200
    assert node("stop").returncode == 0
    assert_unavailable(client)
    assert node("start").returncode == 0
    wait_until_served(client)
    body = client.get("/api/search", query_string={"q": "פוטין"}).get_json()
    assert body["total"] == 1  # nothing indexed before was lost


def test_the_app_starts_while_elasticsearch_is_down(alias):
    assert node("stop").returncode == 0
    client = app_client(alias)  # no error at start
    assert_unavailable(client)
    assert node("start").returncode == 0
    wait_until_served(client)
