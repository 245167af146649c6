"""Hand-written hostile and odd input at the API and the page: each gets the answer it should, never a
500: the API its total (200) or a 400 naming the parameter, the page the same status with the bad
parameter dropped and named in Hebrew beside the results. Also regression tests for what the fuzzer found."""

import uuid
from dataclasses import dataclass

import pytest

from service.es import ensure_alias
from service.indexing.loader import index_articles
from service.ingest.sources import read_paths
from tests.project import SAMPLES


@pytest.fixture(scope="module")
def alias(es):
    alias = f"test-bad-{uuid.uuid4().hex[:8]}"
    ensure_alias(es, alias)
    assert not index_articles(es, alias, list(read_paths([SAMPLES]))).failed
    yield alias
    for name in es.indices.get_alias(name=alias):
        es.indices.delete(index=name)


SEED = "cfedd30feb2df8c6"  # the sample: the one article in the index
LATEST = "הכתבות האחרונות · 1 כתבות"  # the page without words: the newest articles, here the one
DATE_FORM = "(יש לכתוב שנה-חודש-יום, בין 1800-01-01 ל־"


@dataclass(frozen=True)
class Case:
    """A hostile or odd request. ``api``: the total it finds (200), or the parameter its 400 names;
    ``page``: what the page says (the Hebrew notice of a dropped parameter, or the count)."""

    params: dict
    api: int | str
    page: tuple[str, ...]

    @property
    def status(self) -> int:
        return 200 if isinstance(self.api, int) else 400


CASES = {
    "very long query": Case({"q": "פוטין " * 99}, "'q'", ("החיפוש ארוך מדי", LATEST)),
    "too long query": Case({"q": "א" * 600}, "'q'", ("החיפוש ארוך מדי", LATEST)),
    "only punctuation": Case({"q": "?!.,;:()[]{}"}, 1, (LATEST,)),
    "lone gershayim": Case({"q": "״"}, 1, (LATEST,)),
    "lone quote": Case({"q": '"'}, 1, (LATEST,)),
    "lone geresh": Case({"q": "׳"}, 1, (LATEST,)),
    "unbalanced quotes": Case({"q": '"פוטין ונתניהו'}, 1, ("1 כתבות",)),
    "bidi controls": Case({"q": "\u202eפוטין\u202c\u200f"}, 1, ("1 כתבות",)),
    "mixed scripts": Case({"q": "Putin פוטין Путин بوتين"}, 1, ("1 כתבות", "מוצגות תוצאות לחלק מהמילים")),
    "sql injection": Case({"q": "'; DROP TABLE articles; --"}, 0, ("0 כתבות", "לא נמצאו כתבות עבור")),
    "script injection": Case({"q": "<script>alert(1)</script>"}, 0, ("0 כתבות", "&lt;script&gt;alert(1)")),
    "query_string syntax": Case({"q": "title:פוטין AND (x OR y) NOT z~2 /re.*/"}, 0, ("0 כתבות",)),
    "lucene regex in a filter": Case({"person": 'person:a"b@c.*'}, 0, ("0 כתבות", "a&#34;b@c.*")),
    "negative page": Case({"page": "-3"}, "'page'", ("אין עמוד כזה; מוצג העמוד הראשון.", LATEST)),
    "huge page": Case(
        {"page": "99999999999999999999"}, "'page'", ("אין עמוד כזה; מוצג העמוד הראשון.", LATEST)
    ),
    "page beyond the window": Case(
        {"page": "1000", "size": "50"}, "'page'", ("אפשר לדפדף רק בתוצאות הראשונות", LATEST)
    ),
    "size beyond the bound": Case({"size": "51"}, "'size'", ("מספר התוצאות בעמוד אינו תקין", LATEST)),
    "zero size": Case({"size": "0"}, "'size'", ("מספר התוצאות בעמוד אינו תקין", LATEST)),
    "malformed date": Case({"from": "2015-02-30"}, "'from'", ("תאריך ההתחלה אינו תקין " + DATE_FORM, LATEST)),
    "date with time": Case(
        {"from": "2015-12-01T10:00"}, "'from'", ("תאריך ההתחלה אינו תקין " + DATE_FORM, LATEST)
    ),
    "dates out of order": Case(
        {"from": "2016-01-01", "to": "2015-01-01"}, "'from' is after 'to'", ("טווח התאריכים הוסר", LATEST)
    ),
    "year zero": Case({"to": "0000-01-01"}, "'to'", ("תאריך הסיום אינו תקין " + DATE_FORM, LATEST)),
    "unknown sort": Case({"sort": "popularity"}, "'sort'", ("סדר המיון אינו מוכר", LATEST)),
    "repeated kind": Case({"kind": ["caption", "caption", "section"]}, 1, ("1 כתבות", "הצגת 1 תוצאות")),
    "empty values": Case({"q": "", "person": "", "from": "", "page": ""}, 1, (LATEST,)),
    "null byte": Case({"q": "פוטין\x00"}, 1, ("1 כתבות",)),
    "emoji": Case({"q": "פוטין 🇷🇺"}, 1, ("1 כתבות",)),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_api_answers_each_case_as_it_should(client_for, alias, case):
    response = client_for(alias).get("/api/search", query_string=case.params)
    assert response.status_code == case.status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    body = response.get_json()
    if case.status == 400:
        assert body["error"] == "invalid_request" and case.api in body["message"], body
    else:
        assert body["total"] == case.api, body
        assert [r["article_id"] for r in body["results"]] == [SEED] * case.api


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_page_answers_each_case_as_it_should(client_for, alias, case):
    response = client_for(alias).get("/", query_string=case.params)
    assert response.status_code == case.status
    html = response.get_data(as_text=True)
    for text in case.page:
        assert text in html, text
    assert "<script>alert(1)</script>" not in html


def test_injection_strings_find_nothing_and_harm_nothing(client_for, alias, es):
    def stored() -> dict[str, dict]:
        hits = es.search(index=alias, query={"match_all": {}}, size=100)["hits"]["hits"]
        return {h["_id"]: h["_source"] for h in hits}

    before = stored()
    client = client_for(alias)
    assert client.get("/api/search", query_string=CASES["sql injection"].params).get_json()["total"] == 0
    for case in ("script injection", "query_string syntax", "lucene regex in a filter"):
        assert client.get("/api/search", query_string=CASES[case].params).status_code == 200
    # The index is untouched: the sample's one document per article, every part in it, as before.
    articles = list(read_paths([SAMPLES]))
    assert {i: len(src["parts"]) for i, src in before.items()} == {a.id: len(a.parts) for a in articles}
    assert stored() == before


def test_fuzzer_regression_quotes_in_a_selected_facet_value(client_for, alias):
    # Found by schemathesis: a selected value's id went into a Lucene regular expression unescaped.
    body = client_for(alias).get("/api/search", query_string={"person": 'person:"x'}).get_json()
    assert body["total"] == 0 and body["facets"]["person"][0]["selected"]


@pytest.mark.parametrize("prefix", ['"', "\\", ".*", "(", "[", "~", "@", "#", "&", "<>", "א" * 50])
def test_suggest_with_regex_characters(client_for, alias, prefix):
    response = client_for(alias).get("/api/suggest", query_string={"prefix": prefix})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path", ["/api/articles/%00", "/api/articles/..%2F..%2Fetc", "/entities/person:%22x", "/articles/<b>"]
)
def test_odd_ids_are_404(client_for, alias, path):
    assert client_for(alias).get(path).status_code == 404


def test_security_headers_on_the_page(client_for, alias):
    response = client_for(alias).get("/", query_string={"q": "פוטין"})
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]
    html = response.get_data(as_text=True)
    assert "<script>" not in html.replace('<script src="/static/app.js" defer></script>', "")
    assert " style=" not in html and " on" + "click=" not in html


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize("path", ["/api/search", "/api/articles/x", "/api/reindex", "/api/index"])
def test_no_write_or_admin_endpoints_over_http(client_for, alias, method, path):
    response = client_for(alias).open(path, method=method)
    assert response.status_code in (404, 405)
