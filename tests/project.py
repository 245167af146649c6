"""The project's files as the tests use them, and its local-node script, named once so that a test module
finds them whatever folder it stands in."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SEED = SAMPLES / "000_905d7c85a112ab90.txt"
FIXTURES = ROOT / "tests" / "fixtures"
FIXTURE_ARTICLES = FIXTURES / "articles.jsonl"
ES_SCRIPT = ROOT / "scripts" / "elasticsearch.sh"


def es_script(command: str, port: str, heap: str = "512m") -> subprocess.CompletedProcess:
    """``scripts/elasticsearch.sh command`` for the node on ``port``: tests that freeze, stop or fill a
    node start one of their own with it, never touching the shared one."""
    env = {**os.environ, "ES_PORT": port, "ES_HEAP": heap}
    return subprocess.run([str(ES_SCRIPT), command], env=env, capture_output=True, text=True)
