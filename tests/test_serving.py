"""The serving layer as `make run` starts it (nginx in front of gunicorn's threaded workers), for
real, against the test node: slow clients cannot starve it, long API URLs are served, and the
errors nginx or gunicorn answer themselves carry the app's security headers (JSON under /api/)."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from service.headers import CONTENT_SECURITY_POLICY
from tests.project import ROOT
from tests.serving_stack import free_port, get, served

SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-frame-options": "DENY",
}
SEARCH = "/api/search?q=" + urllib.parse.quote("פוטין")


@pytest.fixture(scope="module")
def port(es_url: str, es) -> int:
    alias = f"test-serving-{int(time.time() * 1000) % 10**9}"
    try:
        with served(es_url, alias) as port:  # two workers, as `make run`
            yield port
    finally:
        for name in es.indices.get(index=f"{alias}-*", expand_wildcards="all"):
            es.indices.delete(index=name)


def assert_secure(headers: dict[str, str]) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert headers.get(name) == value, (name, headers)


def trickle(port: int, stop: threading.Event, sent: list[int]) -> None:
    """A slowloris connection: the request line one byte a second, reconnecting when dropped."""
    line = b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200
    while not stop.is_set():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                for byte in line:
                    if stop.wait(1.0):
                        return
                    s.send(bytes([byte]))
                    sent[0] += 1
        except OSError:
            stop.wait(0.2)


def test_slow_clients_do_not_starve_the_site(port):
    stop = threading.Event()
    sent = [0]
    slow = [threading.Thread(target=trickle, args=(port, stop, sent), daemon=True) for _ in range(40)]
    for t in slow:
        t.start()
    timings: list[tuple[str, int, float]] = []
    try:
        time.sleep(3)  # every slow connection is open and trickling before we measure
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            for path in ("/api/health", SEARCH):
                status, _, _, seconds = get(port, path)
                timings.append((path, status, seconds))
            time.sleep(0.5)
    finally:
        stop.set()
        for t in slow:
            t.join(10)
    assert sent[0] > 40 * 15, sent  # the slow clients really were trickling all along
    assert len(timings) >= 40
    assert all(status == 200 for _, status, _ in timings), timings
    worst = max(seconds for _, _, seconds in timings)
    print(f"\nslowloris: 40 trickling connections, {len(timings)} requests, worst {worst * 1000:.0f} ms")
    assert worst < 2.0, timings


def test_a_long_but_valid_api_url_is_served(port):
    # 20 people (the API's limit per facet), Hebrew ids of 60 letters, and a 30-word query: ~15 KB,
    # beyond gunicorn's default request line (4,094 bytes) and nginx's default buffers (8 KiB).
    people = "&".join("person=" + urllib.parse.quote(f"person:{'א' * 60}{i}") for i in range(20))
    query = urllib.parse.quote(" ".join(f"מילה{i}" for i in range(30)))
    path = f"/api/search?q={query}&{people}" + "&kind=section" * 500
    assert len(path) > 12_000
    status, headers, body, _ = get(port, path)
    assert status == 200, body[:300]
    assert headers["content-type"] == "application/json" and json.loads(body)["total"] == 0
    assert_secure(headers)


def test_an_overlong_url_is_a_json_414_with_the_security_headers(port):
    status, headers, body, _ = get(port, "/api/search?q=" + "x" * 70_000)
    assert status == 414
    assert headers["content-type"] == "application/json"
    assert json.loads(body)["error"] == "uri_too_long"
    assert_secure(headers)


@pytest.mark.parametrize("path", ["/api/search?q=a", "/?q=a"])
def test_an_overlong_header_is_a_431_with_the_security_headers_json_under_api(port, path):
    status, headers, body, _ = get(port, path, headers={"X-Big": "y" * 70_000})
    assert status == 431
    assert_secure(headers)
    if path.startswith("/api/"):
        assert headers["content-type"] == "application/json"
        assert json.loads(body)["error"] == "request_header_fields_too_large"
    else:
        assert headers["content-type"].startswith("text/html") and b"431" in body


def test_a_header_gunicorn_alone_would_refuse_passes_through(port):
    # 20 KB: over gunicorn's default field limit (8,190), within nginx's 64 KiB.
    status, headers, _, _ = get(port, SEARCH, headers={"X-Big": "y" * 20_000})
    assert status == 200
    assert_secure(headers)


def test_a_request_body_over_the_limit_is_a_json_413(port):
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("POST", "/api/search", body=b"x" * 200_000)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    assert response.status == 413 and json.loads(body)["error"] == "content_too_large"
    assert_secure({k.lower(): v for k, v in response.getheaders()})


def test_nginx_security_headers_match_the_app():
    text = (ROOT / "deploy" / "nginx" / "security_headers.conf").read_text(encoding="utf-8")
    found = dict(re.findall(r'^add_header ([\w-]+) "(.*)" always;$', text, re.M))
    assert {k.lower(): v for k, v in found.items()} == SECURITY_HEADERS


@pytest.fixture(scope="module")
def gunicorn_port(es_url: str) -> int:
    """gunicorn alone with the project's config (as without nginx, or in the Docker image)."""
    port = free_port()
    env = {"ES_URL": es_url, "ES_INDEX": "test-serving-none", "GUNICORN_BIND": f"127.0.0.1:{port}"}
    proc = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "service:create_app()"],
        cwd=ROOT,
        env={**__import__("os").environ, **env, "WEB_WORKERS": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(120):
            try:
                get(port, "/api/health", timeout=2)
                break
            except OSError:
                time.sleep(0.25)
        yield port
    finally:
        proc.terminate()
        proc.wait(30)


@pytest.mark.parametrize(("path", "json_body"), [("/api/search", True), ("/", False)], ids=["api", "page"])
def test_gunicorns_own_errors_carry_the_security_headers(gunicorn_port, path, json_body):
    # A header over gunicorn's 64 KiB field limit: gunicorn answers 431 itself, before Flask.
    status, headers, body, _ = get(gunicorn_port, path + "?q=a", headers={"X-Big": "y" * 70_000})
    assert status == 431
    assert_secure(headers)
    if json_body:
        assert headers["content-type"] == "application/json" and json.loads(body)["error"]
    else:
        assert headers["content-type"].startswith("text/html") and b"<html" in body.lower()


def test_gunicorn_alone_serves_long_api_urls(gunicorn_port):
    status, headers, _, _ = get(gunicorn_port, "/api/search?q=a" + "&kind=section" * 1000)
    assert status != 414 and headers["content-type"] == "application/json"


def test_run_sh_generates_a_config_nginx_accepts():
    # The config of the fixture's run is under .cache/nginx/; nginx -t checks one again here.
    confs = sorted((ROOT / ".cache" / "nginx").glob("*/nginx.conf"), key=lambda p: p.stat().st_mtime)
    assert confs, "run.sh generated no nginx config"
    prefix = confs[-1].parent
    check = subprocess.run(
        ["/usr/sbin/nginx", "-t", "-p", str(prefix), "-e", str(prefix / "error.log"), "-c", str(confs[-1])],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr
    assert Path(prefix / "site.conf").read_text().count("${") == 0  # every placeholder filled
