"""Issue 12, findings 2 and 6 (read side): whatever is in the index (an old index, another writer,
a document that bypassed the ingest caps) never turns a search, a page or an API answer into a 500.

The poisoned documents are written straight into a test alias with the Elasticsearch client, so
that they reach the real node exactly as a writer without our ingest checks would leave them: built by
the write side's ``article_document`` (one document per article, its parts nested), then changed by
hand where the poison is in the stored shape itself (parts stored out of order, no parts at all)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from elasticsearch import Elasticsearch, helpers

from service.entities.extractor import ArticleEntities, Mention
from service.es import ensure_alias
from service.indexing.documents import article_document
from service.indexing.loader import index_articles
from service.ingest.sources import read_paths
from service.model import MAX_PARTS, Article, Part, part_id
from tests.project import SAMPLES

FAR_FUTURE = "9999-12-31T23:00:00-05:00"  # UTC: +10000-01-01, which Python's date cannot hold
FAR_PAST = "0001-01-01T00:00:00Z"
HUGE_PARAGRAPH_CHARS = 1_200_000  # past index.highlight.max_analyzed_offset (1,000,000)
MANY_PARTS = 2_500  # past the ingest cap (MAX_PARTS): only another writer leaves so many
POISON_ENTITY = "person:poison_test"
POISON_NAME = "רעל בדיקה"


def _document(article_id: str, texts: list[str], *, published_at: str, url: str = "") -> dict[str, Any]:
    """An article of body paragraphs ``texts`` naming the poison person, as the write side builds it
    (``published_at``: a time, or a day without one)."""
    when = datetime.fromisoformat(published_at) if "T" in published_at else date.fromisoformat(published_at)
    article = Article(
        title=f"כתבה {article_id}",
        parts=[Part("body", t) for t in texts],
        url=url,
        source="test",
        published_at=when,
        id=article_id,
    )
    mention = Mention(0, 0, 0, POISON_ENTITY, "person", POISON_NAME, "gazetteer")
    entities = ArticleEntities([[mention], *[[] for _ in texts[1:]]])
    return article_document(article, entities)


def _parts_out_of_order(doc: dict[str, Any]) -> dict[str, Any]:
    """Another writer's order: the nested parts stored last first (the article view sorts them)."""
    return {**doc, "parts": doc["parts"][::-1]}


def _without_parts(doc: dict[str, Any]) -> dict[str, Any]:
    """An article document with no nested part at all (no title part either)."""
    return {**doc, "parts": []}


def _huge_paragraph() -> str:
    words = "מילה רגילה בפסקה ארוכה מאוד "
    text = words * (HUGE_PARAGRAPH_CHARS // len(words))
    # The word searched for appears only past the highlighter's limit and once near the start.
    return "זברהחמוס " + text + " זברהחמוס סוף"


def _long_texts() -> list[str]:
    return [f"פסקה מספר {i}" for i in range(MANY_PARTS)]


@pytest.fixture(scope="module")
def alias(es: Elasticsearch):
    alias = f"test-poison-{uuid.uuid4().hex[:8]}"
    ensure_alias(es, alias)
    assert not index_articles(es, alias, list(read_paths([SAMPLES]))).failed
    day = "2016-01-03"
    docs = [
        _document("far-future", ["ידיעה מן העתיד הרחוק קרנפון"], published_at=FAR_FUTURE),
        _document("far-past", ["ידיעה מן העבר הרחוק קרנפון"], published_at=FAR_PAST),
        _document("huge", [_huge_paragraph()], published_at="2016-01-02T10:00:00+02:00"),
        _document("js-url", ["כתובת מסוכנת"], published_at=day, url="javascript:alert(1)"),
        _document("data-url", ["כתובת נתונים"], published_at=day, url=" data:text/html,x"),
        _document("http-url", ["כתובת תקינה"], published_at=day, url="https://example.org/a?b=1"),
        _parts_out_of_order(_document("long", _long_texts(), published_at="2016-01-04")),
        _without_parts(_document("no-parts", ["נעלם"], published_at=day)),
    ]
    assert docs[0]["published_at"] == FAR_FUTURE and len(docs[6]["parts"]) == MANY_PARTS > MAX_PARTS
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


def test_the_article_api_returns_every_part_in_order(client_for, alias):
    """Past the ingest cap and stored last first: every part, in order, each with its own text."""
    body = client_for(alias).get("/api/articles/long").get_json()
    assert [p["position"] for p in body["parts"]] == list(range(MANY_PARTS))
    assert [p["text"] for p in body["parts"]] == _long_texts()
    assert [p["id"] for p in body["parts"]][-1] == part_id("long", MANY_PARTS - 1)
    assert "parts_total" not in body and "parts_truncated" not in body  # one document holds them all


def test_the_article_page_shows_every_part_in_order(client_for, alias):
    html = client_for(alias).get("/articles/long").get_data(as_text=True)
    first, last = html.index(f"<p>{_long_texts()[0]}</p>"), html.index(f"<p>{_long_texts()[-1]}</p>")
    assert first < html.index("<p>פסקה מספר 1250</p>") < last
    assert html.count("<p>פסקה מספר ") == MANY_PARTS


def test_any_part_of_a_long_article_is_found_with_its_own_snippet(client_for, alias):
    body = client_for(alias).get("/api/search", query_string={"q": '"פסקה מספר 2499"'}).get_json()
    assert [r["article_id"] for r in body["results"]] == ["long"]
    assert body["results"][0]["snippets"][0]["id"] == part_id("long", MANY_PARTS - 1)


def test_an_article_without_parts_breaks_nothing(client_for, alias):
    client = client_for(alias)
    body = client.get("/api/articles/no-parts").get_json()
    assert body["title"] == "כתבה no-parts" and body["parts"] == []
    assert client.get("/articles/no-parts").status_code == 200
    # Browsing lists every article, a partless one too (with no snippet); no word can find it.
    for params, listed in (({"size": "50"}, True), ({"person": POISON_ENTITY}, True), ({"q": "נעלם"}, False)):
        response = client.get("/api/search", query_string=params)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        results = {r["article_id"]: r for r in response.get_json()["results"]}
        assert ("no-parts" in results) is listed, params
        if listed:
            assert results["no-parts"]["snippets"] == []
