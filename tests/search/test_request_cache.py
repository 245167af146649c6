"""The node's shard request cache answers repeated searches (``Settings.request_cache``), and never
with a stale answer: the node drops its entries when a refresh changed the index."""

from __future__ import annotations

import pytest
from elasticsearch import Elasticsearch

from service import create_app
from service.config import Settings
from service.es import ensure_alias
from service.indexing.loader import index_articles
from service.ingest.sources import article_from_record, read_paths
from tests.conftest import paragraph_record
from tests.project import SAMPLES


def test_the_request_cache_is_on_unless_turned_off():
    assert Settings.from_env({}).request_cache is True
    assert Settings.from_env({"SEARCH_REQUEST_CACHE": "0"}).request_cache is False
    assert Settings.from_env({"SEARCH_REQUEST_CACHE": "1"}).request_cache is True
    with pytest.raises(ValueError, match="SEARCH_REQUEST_CACHE"):
        Settings.from_env({"SEARCH_REQUEST_CACHE": "yes"})


def _hits(es: Elasticsearch, alias: str) -> int:
    stats = es.indices.stats(index=alias, metric="request_cache")["_all"]["primaries"]["request_cache"]
    return stats["hit_count"]


def _client(es_url: str, alias: str, cache: bool):
    app = create_app(Settings(es_url=es_url, es_index=alias, es_request_timeout=5, request_cache=cache))
    app.testing = True
    return app.test_client()


def _answer(client, **params) -> dict:
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    body = response.get_json()
    body.pop("took_ms")
    return body


@pytest.fixture
def alias(es: Elasticsearch, make_alias) -> str:
    name = make_alias("cache")
    ensure_alias(es, name)
    assert not index_articles(es, name, list(read_paths([SAMPLES]))).failed
    return name


def test_a_repeated_search_is_answered_from_the_cache_only_when_it_is_on(es, es_url, alias):
    answers = {}
    hits = {}
    for cache in (False, True):
        client = _client(es_url, alias, cache)
        _answer(client, q="")  # the app's first search also asks for the index's dates (cached in-process)
        es.indices.clear_cache(index=alias, request=True)
        before = _hits(es, alias)
        answers[cache] = [_answer(client, q=""), _answer(client, q="")]
        hits[cache] = _hits(es, alias) - before
    assert hits[False] == 0
    assert hits[True] >= 1
    assert answers[True][0] == answers[True][1] == answers[False][0]


def test_a_cached_search_sees_an_article_indexed_since(es, es_url, alias):
    client = _client(es_url, alias, cache=True)
    first = [_answer(client, q=""), _answer(client, q="")]
    assert first[0]["total"] == first[1]["total"] == 1
    article = article_from_record(paragraph_record("cache-new", "ידיעה חדשה על מטמון"))
    assert not index_articles(es, alias, [article]).failed  # refreshes the index
    after = _answer(client, q="")
    assert after["total"] == 2
    assert "cache-new" in {r["article_id"] for r in after["results"]}
