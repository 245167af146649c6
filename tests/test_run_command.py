"""The README's run command, for real: scripts/run.sh under gunicorn against the test node."""

import os
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request

import pytest

from tests.project import ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read().decode("utf-8")


@pytest.fixture(params=["fresh", "outdated"])
def served(request, es_url, make_alias, make_outdated):
    """run.sh on an alias that does not exist yet, and on one an older release left behind."""
    alias = make_alias("test-run")
    if request.param == "outdated":
        make_outdated(alias)
    port = _free_port()
    env = {
        **os.environ,
        "ES_URL": es_url,
        "ES_INDEX": alias,
        "BIND": f"127.0.0.1:{port}",
        "WEB_WORKERS": "1",
    }
    proc = subprocess.Popen(
        [str(ROOT / "scripts" / "run.sh")],
        env=env,
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            _get(base + "/api/health")
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                os.killpg(proc.pid, signal.SIGTERM)
                pytest.fail(f"run.sh did not serve:\n{proc.stdout.read()}")
            time.sleep(0.5)
    yield base
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)


def test_run_command_serves_page_and_api(served):
    status, body = _get(served + "/api/search?q=" + urllib.parse.quote("פסקוב"))
    assert status == 200 and "אמר פסקוב" in body
    status, html = _get(served + "/?q=" + urllib.parse.quote("סוריה"))
    assert status == 200 and 'dir="rtl"' in html and "S-400" in html
