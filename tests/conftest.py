"""Test fixtures. Search tests talk to a real Elasticsearch node that this session starts.

The node is started with ``scripts/elasticsearch.sh`` on its own port (ES_TEST_PORT, default 9250,
so a development node on 9200 is left alone) and stopped at the end if this session started it.
Set ES_TEST_URL to use a node you run yourself instead.

Every test that needs a node is marked ``es``: those using these fixtures (all of them rest on ``es_url``)
by ``pytest_collection_modifyitems`` below, and the modules that start a node of their own by their
``pytestmark``. ``pytest -m "not es"`` runs the others and starts no node; ``pytest -m es`` runs the rest.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from service import create_app
from service.config import Settings
from service.es import ensure_alias
from service.indexing.loader import index_articles
from service.ingest.sources import read_paths
from service.model import Article
from tests.project import FIXTURE_ARTICLES, SAMPLES, es_script
from tests.unplaceable import drop_stale


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark ``es`` whatever asks for the test node, so that no test can forget the marker."""
    for item in items:
        if "es_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.es)


def _es_script(command: str, port: str) -> subprocess.CompletedProcess:
    return es_script(command, port, heap=os.environ.get("ES_TEST_HEAP", "512m"))


@pytest.fixture(scope="session")
def es_url() -> Iterator[str]:
    if url := os.environ.get("ES_TEST_URL"):
        yield url
        return
    port = os.environ.get("ES_TEST_PORT", "9250")
    was_running = _es_script("status", port).returncode == 0
    started = _es_script("start", port)
    if started.returncode != 0:
        pytest.fail(f"could not start the test Elasticsearch:\n{started.stderr}", pytrace=False)
    yield f"http://127.0.0.1:{port}"
    if not was_running:
        _es_script("stop", port)


@pytest.fixture(scope="session")
def es(es_url: str) -> Elasticsearch:
    client = Elasticsearch(es_url, request_timeout=30)
    drop_stale(client)  # a killed run's red index would fail every health check after it
    return client


def _drop_alias_indices(es: Elasticsearch, alias: str) -> None:
    names = list(es.indices.get(index=f"{alias}-*", expand_wildcards="all"))
    if names:
        es.indices.delete(index=",".join(names))


@pytest.fixture
def make_alias(es: Elasticsearch) -> Iterator:
    """Fresh test aliases, with their indices deleted afterwards."""
    made: list[str] = []

    def make(prefix: str = "test") -> str:
        alias = f"{prefix}-{uuid.uuid4().hex[:10]}"
        made.append(alias)
        return alias

    yield make
    for alias in made:
        _drop_alias_indices(es, alias)


def paragraph_record(article_id: str, text: str, published_at: str = "2016-01-01T09:00:00+02:00") -> dict:
    """A JSON Lines article whose only body paragraph is ``text``, for tests that need a word in one
    article of their own."""
    return {
        "id": article_id,
        "url": f"https://example.test/{article_id}",
        "source": "ynet",
        "published_at": published_at,
        "title": "ידיעה",
        "body": [text],
    }


@contextmanager
def indexed_alias(es: Elasticsearch, prefix: str, paths: list[Path]) -> Iterator[str]:
    """A fresh alias holding the articles of ``paths``, indexed through the real pipeline, and
    deleted afterwards."""
    alias = f"test-{prefix}-{uuid.uuid4().hex[:10]}"
    ensure_alias(es, alias)
    articles = list(read_paths(paths))
    assert all(isinstance(a, Article) for a in articles), articles
    summary = index_articles(es, alias, articles)
    assert not summary.failed, summary.failed
    try:
        yield alias
    finally:
        _drop_alias_indices(es, alias)


@pytest.fixture(scope="module")
def sample_alias(es: Elasticsearch) -> Iterator[str]:
    """An alias holding the bundled sample article."""
    with indexed_alias(es, "sample", [SAMPLES]) as alias:
        yield alias


@pytest.fixture(scope="module")
def fixtures_alias(es: Elasticsearch) -> Iterator[str]:
    """An alias holding the sample article and the six articles of tests/fixtures/articles.jsonl."""
    with indexed_alias(es, "fixtures", [SAMPLES, FIXTURE_ARTICLES]) as alias:
        yield alias


@pytest.fixture
def client_for(es_url: str):
    """A Flask test client for an app that searches ``alias`` on the test node."""

    def make(alias: str, url: str | None = None):
        app = create_app(Settings(es_url=url or es_url, es_index=alias, es_request_timeout=5))
        app.testing = True
        return app.test_client()

    return make


@pytest.fixture
def cli_for(es_url: str):
    """A Flask CLI runner for an app that indexes ``alias`` on the test node."""

    def make(alias: str):
        return create_app(Settings(es_url=es_url, es_index=alias)).test_cli_runner()

    return make


@pytest.fixture
def make_outdated(es: Elasticsearch):
    """``make_outdated(alias)``: the alias on an index of an older mapping version, as a previous
    release left it (one version lower, without a field this version writes); returns its name."""
    import copy

    from service.es import create_index, load_index_definition

    def make(alias: str) -> str:
        old = copy.deepcopy(load_index_definition())
        old["mappings"]["_meta"]["version"] -= 1
        del old["mappings"]["properties"]["title_terms"]
        name = create_index(es, alias, old)
        es.indices.put_alias(index=name, name=alias)
        return name

    return make
