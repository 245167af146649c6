"""A frozen node (SIGSTOP) under the served stack at 50 concurrent clients, for real: every answer
is a 503 (with Retry-After) within 2.5 s, and the site serves again after SIGCONT by itself. The
circuit breaker (service/breaker.py) is what keeps the queue short; this node is our own (port
ES_SERVING_PORT, default 9254), since freezing the shared test node would stall everyone else."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
import urllib.parse
import uuid

import pytest
from elasticsearch import Elasticsearch

from service import create_app
from service.breaker import OPEN_SECONDS
from service.config import Settings
from tests.project import es_script
from tests.serving_stack import get, served

pytestmark = pytest.mark.es  # freezes a node of its own

PORT = os.environ.get("ES_SERVING_PORT", "9254")
URL = f"http://127.0.0.1:{PORT}"
CLIENTS = 50
SECONDS = 12.0
LIMIT = 2.5
SEARCH = "/api/search?q=" + urllib.parse.quote("פוטין")
PATHS = [
    SEARCH,
    "/?q=" + urllib.parse.quote("סוריה"),
    "/api/health",
    "/api/suggest?prefix=" + urllib.parse.quote("פו"),
    "/api/articles/no-such-article",
]


def node(command: str) -> subprocess.CompletedProcess:
    return es_script(command, PORT)


@pytest.fixture(scope="module")
def own_node():
    was_running = node("status").returncode == 0
    started = node("start")
    assert started.returncode == 0, started.stderr
    yield int(node("pid").stdout.strip())
    if not was_running:
        node("stop")


@pytest.fixture(scope="module")
def alias(own_node):
    alias = f"test-frozen-{uuid.uuid4().hex[:8]}"
    yield alias
    os.kill(own_node, signal.SIGCONT)  # whatever happened, never leave the node frozen
    es = Elasticsearch(URL, request_timeout=30)
    for name in es.indices.get(index=f"{alias}-*", expand_wildcards="all"):
        es.indices.delete(index=name)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def load(port: int, seconds: float) -> list[tuple[str, int, float, str | None]]:
    """``CLIENTS`` closed-loop clients for ``seconds``: (path, status, seconds, Retry-After)."""
    results: list[tuple[str, int, float, str | None]] = []
    lock = threading.Lock()
    begin = time.monotonic()
    deadline = begin + seconds

    def client(n: int) -> None:
        i = n
        while time.monotonic() < deadline:
            path = PATHS[i % len(PATHS)]
            i += 1
            started = time.monotonic()
            try:
                status, headers, _, took = get(port, path, timeout=10)
                row = (path, status, took, headers.get("retry-after"))
            except OSError as exc:
                row = (path, -1, time.monotonic() - started, type(exc).__name__)
            with lock:
                results.append((*row, started - begin))

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 30)
    return results


def test_a_frozen_node_at_50_clients_is_503_within_2_5_s_and_recovers(own_node, alias):
    with served(URL, alias) as port:
        assert get(port, SEARCH)[0] == 200
        os.kill(own_node, signal.SIGSTOP)
        try:
            results = load(port, SECONDS)
        finally:
            os.kill(own_node, signal.SIGCONT)
        started = time.monotonic()
        while get(port, SEARCH)[0] != 200:  # no restart: the breaker's probe finds the node again
            assert time.monotonic() - started < 30, "not served again within 30 s of SIGCONT"
            time.sleep(0.25)
        recovered = time.monotonic() - started
        times = [r[2] for r in results]
        print(
            f"\nfrozen node, {CLIENTS} clients, {SECONDS:.0f} s: {len(results)} answers, "
            f"p50 {percentile(times, 50) * 1000:.0f} ms, p99 {percentile(times, 99) * 1000:.0f} ms, "
            f"max {max(times) * 1000:.0f} ms; served again {recovered:.1f} s after SIGCONT"
        )
        assert len(results) > CLIENTS * 2
        assert {r[1] for r in results} == {503}, sorted({(r[0], r[1], r[3]) for r in results if r[1] != 503})
        assert max(times) <= LIMIT, sorted(((r[2], r[0], r[4]) for r in results), reverse=True)[:10]
        # every answer, the health check's too, says when to retry
        assert all(r[3] and int(r[3]) > 0 for r in results), "Retry-After"


def test_the_breaker_fails_fast_once_open_and_closes_by_itself(own_node, alias):
    """In-process, on the same frozen node: three timeouts open it, the next call is answered at
    once, and after SIGCONT the half-open probe closes it without a restart."""
    app = create_app(Settings(es_url=URL, es_index=alias))
    client = app.test_client()
    assert client.get("/api/health").status_code == 200
    os.kill(own_node, signal.SIGSTOP)
    try:
        for _ in range(3):
            assert client.get("/api/health").status_code == 503  # each waits its 1.5 s timeout
        started = time.monotonic()
        response = client.get(SEARCH)
        fast = time.monotonic() - started
        assert response.status_code == 503 and response.headers["Retry-After"]
        assert fast < 0.5, fast
        assert app.extensions["elasticsearch"].transport.breaker.state == "open"
    finally:
        os.kill(own_node, signal.SIGCONT)
    started = time.monotonic()
    while client.get("/api/health").status_code != 200:
        assert time.monotonic() - started < OPEN_SECONDS + 20
        time.sleep(0.2)
    assert app.extensions["elasticsearch"].transport.breaker.state == "closed"
