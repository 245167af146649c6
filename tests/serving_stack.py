"""The served stack as `make run` starts it (scripts/run.sh: nginx in front of gunicorn), for the
serving tests: started on a free port against a given node and alias, stopped with its process group."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

from tests.project import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, headers: dict[str, str] | None = None, timeout: float = 10):
    """(status, headers, body, seconds) of one GET on a fresh connection."""
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        body = response.read()
        headers = {k.lower(): v for k, v in response.getheaders()}
        return response.status, headers, body, time.monotonic() - started
    finally:
        conn.close()


@contextmanager
def served(es_url: str, alias: str, **env: str) -> Iterator[int]:
    """scripts/run.sh serving ``alias`` of ``es_url``; yields the port. Extra environment in ``env``."""
    port = free_port()
    environment = {**os.environ, "ES_URL": es_url, "ES_INDEX": alias, "BIND": f"127.0.0.1:{port}", **env}
    log = open(ROOT / "test-artifacts" / f"run-{port}.log", "w+")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        [str(ROOT / "scripts" / "run.sh")],
        env=environment,
        cwd=ROOT,
        start_new_session=True,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                get(port, "/api/health", timeout=5)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"run.sh did not serve:\n{log.read()}") from None
                time.sleep(0.5)
        yield port
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()
