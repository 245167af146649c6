"""Issue 12, findings 2 and 6 (read side): whatever is in the index (an old index, another writer,
a document that bypassed the ingest caps) never turns a search, a page or an API answer into a 500.

The poisoned documents are written straight into a test alias with the Elasticsearch client, so
that they reach the real node exactly as a writer without our ingest checks would leave them."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from elasticsearch import Elasticsearch, helpers

from service.es import ensure_alias
from service.indexing.loader import index_articles
from service.ingest.sources import read_paths
from service.search import article as articles_module
from tests.project import SAMPLES

FAR_FUTURE = "9999-12-31T23:00:00-05:00"  # UTC: +10000-01-01, which Python's date cannot hold
FAR_PAST = "0001-01-01T00:00:00Z"
HUGE_PARAGRAPH_CHARS = 1_200_000  # past index.highlight.max_analyzed_offset (1,000,000)
MANY_PARTS = 2_500  # more than one page of 1,000 parts
POISON_ENTITY = "person:poison_test"


def _docs(article_id: str, texts: list[str], *, published_at: str | None, url: str | None = None):
    """An article document and its parts, as the index mapping holds them."""
    common = {
        "article_id": article_id,
        "title": f"כתבה {article_id}",
        "display_title": f"כתבה {article_id}",
        "url": url,
        "source": "test",
        "published_at": published_at,
        "authors": [],
        "language": "he",
        "entity_ids": [POISON_ENTITY],
        "entities": {"person": [f"{POISON_ENTITY}|רעל בדיקה"]},
    }
    yield {
        "_id": article_id,
        "doc_type": "article",
        **common,
        "display_lead": None,
        "title_terms": ["כתבה"],
        "entity_counts": [{"id": POISON_ENTITY, "type": "person", "name": "רעל בדיקה", "count": 1}],
        "entity_mentions": [{"id": POISON_ENTITY, "count": 1}],
    }
    for position, text in enumerate(texts):
        yield {
            "_id": f"{article_id}~part~{position}",
            "doc_type": "part",
            **common,
            "kind": "body",
            "position": position,
            "text": text,
            "display_text": text,
            "part_entity_ids": [],
        }


def _huge_paragraph() -> str:
    words = "מילה רגילה בפסקה ארוכה מאוד "
    text = words * (HUGE_PARAGRAPH_CHARS // len(words))
    # The word searched for appears only past the highlighter's limit and once near the start.
    return "זברהחמוס " + text + " זברהחמוס סוף"


@pytest.fixture(scope="module")
def alias(es: Elasticsearch):
    alias = f"test-poison-{uuid.uuid4().hex[:8]}"
    ensure_alias(es, alias)
    assert not index_articles(es, alias, list(read_paths([SAMPLES]))).failed
    docs = [
        *_docs("far-future", ["ידיעה מן העתיד הרחוק קרנפון"], published_at=FAR_FUTURE),
        *_docs("far-past", ["ידיעה מן העבר הרחוק קרנפון"], published_at=FAR_PAST),
        *_docs("huge", [_huge_paragraph()], published_at="2016-01-02T10:00:00+02:00"),
        *_docs("js-url", ["כתובת מסוכנת"], published_at="2016-01-03", url="javascript:alert(1)"),
        *_docs("data-url", ["כתובת נתונים"], published_at="2016-01-03", url=" data:text/html,x"),
        *_docs("http-url", ["כתובת תקינה"], published_at="2016-01-03", url="https://example.org/a?b=1"),
        *_docs("long", [f"פסקה מספר {i}" for i in range(MANY_PARTS)], published_at="2016-01-04"),
    ]
    actions = [{"_index": alias, "_id": d.pop("_id"), "_source": d} for d in docs]
    _, errors = helpers.bulk(es.options(request_timeout=120), actions, refresh=True, raise_on_error=False)
    assert not errors, errors[:3]
    yield alias
    for name in es.indices.get_alias(name=alias):
        es.indices.delete(index=name)


def _is_iso_day(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


# --- finding 2: a publication date out of any sane range ---------------------------------------


@pytest.mark.parametrize(
    "path,params",
    [
        ("/api/search", {"q": "פוטין"}),
        ("/api/search", {}),  # browsing: the histogram spans the index's first and last dates
        ("/api/search", {"q": "קרנפון"}),  # matches the poisoned articles themselves
        ("/api/search", {"q": "קרנפון", "sort": "oldest"}),
        ("/api/search", {"person": POISON_ENTITY}),
        ("/api/search", {"from": "2015-01-01"}),
        ("/api/search", {"to": "2016-12-31"}),
        ("/", {}),
        ("/", {"q": "קרנפון"}),
        ("/", {"q": "פוטין"}),
        ("/entities/" + POISON_ENTITY, {}),
        ("/articles/far-future", {}),
        ("/api/articles/far-future", {}),
        ("/articles/far-past", {}),
    ],
)
def test_out_of_range_dates_in_the_index_break_nothing(client_for, alias, path, params):
    response = client_for(alias).get(path, query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    if path == "/api/search":
        dates = response.get_json()["dates"]
        assert all(_is_iso_day(b["date"]) for b in dates["buckets"])
        assert all("1800-01-01" <= b["date"] <= date.today().isoformat() for b in dates["buckets"])


def test_the_histogram_ignores_out_of_range_dates(client_for, alias):
    """The extent is the sane articles' first and last day: the sample's and the long article's."""
    dates = client_for(alias).get("/api/search").get_json()["dates"]
    assert dates["interval"] == "day"
    assert dates["buckets"][0]["date"] == "2015-12-22" and dates["buckets"][-1]["date"] == "2016-01-04"
    # The poisoned articles are still found and listed; only the histogram leaves them out.
    found = client_for(alias).get("/api/search", query_string={"q": "קרנפון"}).get_json()
    assert {r["article_id"] for r in found["results"]} == {"far-future", "far-past"}


def test_entity_timeline_ignores_out_of_range_dates(client_for, alias):
    page = client_for(alias).get("/entities/" + POISON_ENTITY)
    assert page.status_code == 200
    assert "10000" not in page.get_data(as_text=True)


@pytest.mark.parametrize(
    "params",
    [
        {"from": "1799-12-31"},
        {"to": "1799-12-31"},
        {"to": (date.today() + timedelta(days=3)).isoformat()},
        {"from": "9999-12-31"},
        {"from": "0001-01-01", "to": "2016-01-01"},
    ],
)
def test_query_dates_outside_the_sane_range_are_a_clear_400(client_for, alias, params):
    client = client_for(alias)
    api = client.get("/api/search", query_string={"q": "פוטין", **params})
    assert api.status_code == 400
    body = api.get_json()
    assert body["error"] == "invalid_request" and "1800-01-01" in body["message"]
    page = client.get("/", query_string={"q": "פוטין", **params})
    assert page.status_code == 400
    assert "1800-01-01" in page.get_data(as_text=True)


def test_query_dates_at_the_edges_of_the_range_are_accepted(client_for, alias):
    tomorrow = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()
    response = client_for(alias).get("/api/search", query_string={"from": "1800-01-01", "to": tomorrow})
    assert response.status_code == 200, response.get_json()


# --- finding 2: a paragraph past the highlighter's limit --------------------------------------


def test_a_paragraph_past_the_highlight_limit_is_found_and_truncated_not_a_500(client_for, alias):
    client = client_for(alias)
    response = client.get("/api/search", query_string={"q": "זברהחמוס"})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    body = response.get_json()
    assert [r["article_id"] for r in body["results"]] == ["huge"]
    snippet = body["results"][0]["snippets"][0]
    # Highlighted within the analysed prefix (the first occurrence), nothing past it.
    assert any("<mark>זברהחמוס</mark>" in h for h in snippet["html"])
    assert sum(len(h) for h in snippet["html"]) < 2_000
    page = client.get("/", query_string={"q": "זברהחמוס"})
    assert page.status_code == 200
    assert client.get("/articles/huge").status_code == 200


def test_a_match_only_past_the_limit_still_answers(client_for, alias):
    """A word that occurs only past the analysed prefix: found (the index has it), shown without a
    highlight rather than failing."""
    response = client_for(alias).get("/api/search", query_string={"q": "סוף"})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert "huge" in {r["article_id"] for r in response.get_json()["results"]}


# --- any 4xx from the node is the request's 400 or a 503, never a 500 -------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/search?q=x",
        "/api/search",
        "/api/suggest?prefix=x",
        "/api/articles/abc",
        "/",
        "/?q=x",
        "/articles/abc",
        "/entities/person:x",
    ],
)
def test_a_missing_index_is_a_503_not_a_500(client_for, path):
    response = client_for(f"test-missing-{uuid.uuid4().hex[:8]}").get(path)
    assert response.status_code == 503, response.get_data(as_text=True)[:300]
    assert response.headers["Retry-After"]
    if path.startswith("/api/"):
        assert response.get_json()["error"] == "search_unavailable"


@pytest.fixture
def small_window_alias(es: Elasticsearch, make_alias):
    """An index whose owner lowered index.max_result_window: the node refuses deep pages (400)."""
    alias = make_alias()
    name = ensure_alias(es, alias)
    assert not index_articles(es, alias, list(read_paths([SAMPLES]))).failed
    es.indices.put_settings(index=name, settings={"index.max_result_window": 5})
    return alias


def test_a_request_the_node_refuses_is_a_400_with_a_message(client_for, small_window_alias):
    client = client_for(small_window_alias)
    api = client.get("/api/search", query_string={"q": "פוטין", "page": "2", "size": "10"})
    assert api.status_code == 400, api.get_data(as_text=True)[:300]
    body = api.get_json()
    assert body["error"] == "search_rejected" and body["message"]
    page = client.get("/", query_string={"q": "פוטין", "page": "2", "size": "10"})
    assert page.status_code == 400
    assert 'dir="rtl"' in page.get_data(as_text=True)


def test_a_closed_index_is_a_503(es, client_for, make_alias):
    alias = make_alias()
    name = ensure_alias(es, alias)
    es.indices.close(index=name)
    response = client_for(alias).get("/api/search", query_string={"q": "פוטין"})
    assert response.status_code == 503, response.get_data(as_text=True)[:300]


# --- finding 6: integer parameters, 405s, links, long articles --------------------------------

ODD_NUMBERS = ["²", "٣", "１", "1_0", "+5", "5.0", "1e3", "0x10", "五", "-0", "9" * 5000]


@pytest.mark.parametrize("value", ODD_NUMBERS)
@pytest.mark.parametrize(
    "path,params,name",
    [
        ("/api/suggest", {"prefix": "פו"}, "size"),
        ("/api/search", {"q": "x"}, "size"),
        ("/api/search", {}, "page"),
    ],
)
def test_every_integer_parameter_takes_ascii_digits_only(client_for, alias, path, params, name, value):
    response = client_for(alias).get(path, query_string={**params, name: value})
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert name in response.get_json()["message"]


@pytest.mark.parametrize("value", ["²", "٣", "1_0"])
def test_the_page_takes_ascii_digits_only(client_for, alias, value):
    assert client_for(alias).get("/", query_string={"q": "x", "page": value}).status_code == 400


@pytest.mark.parametrize("value", [" 3 ", "03"])
def test_plain_numbers_still_work(client_for, alias, value):
    response = client_for(alias).get("/api/suggest", query_string={"prefix": "פו", "size": value})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "method,path",
    [("post", "/api/search"), ("delete", "/api/articles/abc"), ("put", "/api/suggest"), ("post", "/")],
)
def test_a_405_names_the_allowed_methods(client_for, alias, method, path):
    response = getattr(client_for(alias), method)(path)
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    if path.startswith("/api/"):
        assert response.get_json()["error"] == "method_not_allowed"


@pytest.mark.parametrize("article_id", ["js-url", "data-url"])
def test_only_http_urls_are_linked(client_for, alias, article_id):
    html = client_for(alias).get(f"/articles/{article_id}").get_data(as_text=True)
    assert not re.search(r'<a [^>]*href="\s*(javascript|data):', html, re.IGNORECASE)
    assert "לכתבה המקורית" not in html
    # The API still returns the stored string: it is data, not a link.
    assert client_for(alias).get(f"/api/articles/{article_id}").get_json()["url"]


def test_http_urls_are_still_linked(client_for, alias):
    html = client_for(alias).get("/articles/http-url").get_data(as_text=True)
    assert 'href="https://example.org/a?b=1"' in html


def test_the_article_api_returns_every_part(client_for, alias):
    body = client_for(alias).get("/api/articles/long").get_json()
    assert [p["position"] for p in body["parts"]] == list(range(MANY_PARTS))
    assert body["parts_total"] == MANY_PARTS and body["parts_truncated"] is False


def test_the_article_api_says_when_parts_are_truncated(client_for, alias, monkeypatch):
    monkeypatch.setattr(articles_module, "MAX_PARTS", 1_200)
    body = client_for(alias).get("/api/articles/long").get_json()
    assert [p["position"] for p in body["parts"]] == list(range(1_200))
    assert body["parts_total"] == MANY_PARTS and body["parts_truncated"] is True
    html = client_for(alias).get("/articles/long").get_data(as_text=True)
    assert "1,200" in html or "1200" in html
