"""The search API against the real node: every parameter, facets, dates, grouping, escaping, errors.

The index holds the seed article and six small articles (tests/fixtures/articles.jsonl) written for
these tests, dated 2014-2016, with known people, places, organisations and credits.
"""

import pytest

from service.entities.gazetteer import load_gazetteer
from service.model import ENTITY_TYPES


@pytest.fixture(scope="module")
def alias(fixtures_alias):
    return fixtures_alias


@pytest.fixture(scope="module")
def ids():
    gazetteer = load_gazetteer()

    def entity_id(name: str, entity_type: str) -> str:
        return next(e.id for e in gazetteer.by_name()[name.lower()] if e.type == entity_type)

    return entity_id


def article_ids(body) -> list[str]:
    return [r["article_id"] for r in body["results"]]


SEED = "cfedd30feb2df8c6"


# -- the seed ------------------------------------------------------------------------------------


def test_two_names_find_the_seed_with_snippets(api):
    body = api(q="נתניהו ופוטין")
    assert SEED in article_ids(body)
    seed = next(r for r in body["results"] if r["article_id"] == SEED)
    assert seed["snippets"] and all(s["html"] for s in seed["snippets"])
    assert any("<mark>" in h for s in seed["snippets"] for h in s["html"])


def test_prefixed_name_matches_the_bare_name(api):
    body = api(q="לפוטין")
    assert {SEED, "a2", "a5"} <= set(article_ids(body))  # "פוטין" alone in a2 and a5


def test_quoted_phrase_matches_the_exact_phrase_only(api):
    phrase = api(q='"שיתוף הפעולה"')
    assert set(article_ids(phrase)) == {SEED, "a2", "a5"}
    # One of its words alone also finds a4 ("הפעולה של המשטרה"), which has no such phrase.
    assert "a4" in article_ids(api(q="הפעולה"))
    # Order counts: a4's "הפעולה המשותפת" is found by its words either way, by the phrase only in order.
    assert article_ids(api(q='"הפעולה המשותפת"')) == ["a4"]
    assert "a4" in article_ids(api(q="המשותפת הפעולה"))
    assert api(q='"המשותפת הפעולה"')["total"] == 0


def test_filter_by_person_returns_the_article(api, ids):
    body = api(person=ids("דימיטרי פסקוב", "person"))
    assert set(article_ids(body)) == {SEED, "a2"}


# -- parameters ----------------------------------------------------------------------------------


def test_every_word_must_match(api):
    assert set(article_ids(api(q="פוטין סוריה"))) == {SEED, "a2", "a5"}
    # No article has both: the search is relaxed to the best-matching words, and says so (issue 15).
    apart = api(q="פוטין חיפה")
    assert apart["relaxed"] is True
    assert set(article_ids(apart)) == set(article_ids(api(q="פוטין"))) | set(article_ids(api(q="חיפה")))


def test_excluded_word(api):
    with_word = set(article_ids(api(q="פוטין")))
    without = set(article_ids(api(q="פוטין -פסקוב")))
    assert without == with_word - {SEED, "a2"}


def test_or_within_a_facet_and_across_facets(api, ids):
    putin, netanyahu = ids("ולדימיר פוטין", "person"), ids("בנימין נתניהו", "person")
    jerusalem = ids("ירושלים", "place")
    assert set(article_ids(api(person=[putin, netanyahu]))) == {SEED, "a1", "a2", "a5"}
    assert set(article_ids(api(person=[putin, netanyahu], place=jerusalem))) == {SEED, "a1"}


def test_credit_filter(api):
    body = api(q="נתניהו")
    credit = next(v for v in body["facets"]["credit"] if v["name"] == 'לע"מ')
    assert set(article_ids(api(credit=credit["id"]))) == {SEED, "a1", "a5"}


def test_dates_are_whole_days_in_israel(api):
    assert set(article_ids(api(**{"from": "2015-12-20", "to": "2015-12-21"}))) == {"a1", "a2"}
    assert set(article_ids(api(**{"from": "2016-01-01"}))) == {"a5", "a6"}
    assert set(article_ids(api(to="2014-12-31"))) == {"a4"}


def test_kind(api):
    captions = api(q="פוטין", kind="caption")
    assert {s["kind"] for r in captions["results"] for s in r["snippets"]} == {"caption"}
    sections = api(q="פוטין", kind="section")
    assert "caption" not in {s["kind"] for r in sections["results"] for s in r["snippets"]}


def test_sort(api):
    newest = api(sort="newest")["results"]
    dates = [r["published_at"][:10] for r in newest]
    assert dates == sorted(dates, reverse=True)
    oldest = [r["published_at"][:10] for r in api(sort="oldest")["results"]]
    assert oldest == sorted(oldest)


def test_pages_do_not_overlap(api):
    first, second = api(size=3, sort="newest"), api(size=3, page=2, sort="newest")
    assert first["total"] == second["total"] == 7
    assert len(first["results"]) == 3 and not set(article_ids(first)) & set(article_ids(second))


# -- grouping, facets, dates ---------------------------------------------------------------------


def test_one_result_per_article(api):
    body = api(q="פוטין", size=50)
    assert len(article_ids(body)) == len(set(article_ids(body))) == body["total"]
    seed = next(r for r in body["results"] if r["article_id"] == SEED)
    assert 1 < len(seed["snippets"]) <= 3


def test_facet_counts_are_articles(api):
    facets = api(q="פוטין")["facets"]
    putin = next(v for v in facets["person"] if v["name"] == "ולדימיר פוטין")
    assert putin["count"] == 3  # the seed, a2 and a5; not the number of parts


@pytest.mark.parametrize("q", ["", "פוטין", "נתניהו", "פוטין חיפה"])  # browsing, broad, relaxed
def test_facet_counts_are_exact_a_value_counts_what_selecting_it_finds(api, client_for, alias, q):
    """Every count is of article documents, exactly (no sample, no estimate): clicking a value
    finds as many articles as it showed, each of them with that value; the histogram adds up to
    the total."""
    body = api(q=q, size=50)
    assert sum(b["count"] for b in body["dates"]["buckets"]) == body["total"] == len(body["results"])
    checked = 0
    for entity_type in ENTITY_TYPES:
        for value in body["facets"][entity_type]:
            assert set(value) == {"id", "name", "count", "selected"}, value  # no "approximate"
            chosen = api(q=q, size=50, **{entity_type: value["id"]})
            assert value["count"] == chosen["total"] == len(chosen["results"]) > 0, (entity_type, value)
            found = [{e["id"] for e in r["entities"][entity_type]} for r in chosen["results"]]
            assert all(value["id"] in ids for ids in found), (entity_type, value)
            checked += 1
    assert checked >= 5
    page = client_for(alias).get("/", query_string={"q": q}).get_data(as_text=True)
    assert "≈" not in page and 'title="הערכה"' not in page  # the page marks no estimate


def test_facets_are_disjunctive_and_keep_selected_values(api, ids):
    putin, jerusalem = ids("ולדימיר פוטין", "person"), ids("ירושלים", "place")
    body = api(person=putin)
    people = {v["name"]: v for v in body["facets"]["person"]}
    # The person facet ignores its own selection: other people still show their counts.
    assert people["ולדימיר פוטין"]["selected"] and people["בנימין נתניהו"]["count"] == 3
    # Other facets apply it: only places of Putin's articles.
    assert "חיפה" not in {v["name"] for v in body["facets"]["place"]}
    # A selected value that matches nothing is still returned.
    nothing = api(person=putin, place=jerusalem, q="חיפה")
    assert any(v["id"] == putin and v["selected"] for v in nothing["facets"]["person"])


def test_date_histogram_interval_and_empty_buckets(api):
    days = api(**{"from": "2015-12-15", "to": "2015-12-31"})["dates"]
    assert days["interval"] == "day" and len(days["buckets"]) == 17
    assert {b["date"]: b["count"] for b in days["buckets"]}["2015-12-20"] == 1
    assert sum(b["count"] for b in days["buckets"]) == 3  # a1, a2 and the seed
    everything = api()["dates"]
    assert everything["interval"] == "month"
    assert everything["buckets"][0]["date"] == "2014-03-01"
    assert sum(b["count"] for b in everything["buckets"]) == 7
    assert any(b["count"] == 0 for b in everything["buckets"])


# -- escaping and errors -------------------------------------------------------------------------


def test_article_text_comes_back_escaped(api):
    body = api(q="הצבעה")
    html = " ".join(h for r in body["results"] for s in r["snippets"] for h in s["html"])
    assert "&lt;script&gt;" in html and "<script>" not in html


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "popular"},
        {"page": "400", "size": "50"},
        {"from": "2016-01-01", "to": "2015-01-01"},
        {"q": "א" * 501},
        {"size": "0"},
        {"person": "place:x"},
        {"from": "yesterday"},
    ],
)
def test_bad_parameters_are_400_with_a_message(api, params):
    body = api(expect=400, **params)
    assert body["error"] == "invalid_request" and body["message"]


def test_article_endpoint(client_for, alias):
    client = client_for(alias)
    body = client.get(f"/api/articles/{SEED}").get_json()
    assert body["title"].startswith("אחרי חיסול קונטאר")
    assert [p["kind"] for p in body["parts"]][:2] == ["title", "lead"]
    assert any(e["name"] == "ולדימיר פוטין" and e["count"] >= 10 for e in body["entities"])
    assert client.get("/api/articles/no-such-article").status_code == 404
    assert client.get("/api/articles/" + "x" * 300).status_code == 404


def test_suggest(client_for, alias):
    client = client_for(alias)
    body = client.get("/api/suggest", query_string={"prefix": "פוט"}).get_json()
    assert body["entities"][0]["name"] == "ולדימיר פוטין"
    terms = client.get("/api/suggest", query_string={"prefix": "תקצ"}).get_json()["terms"]
    assert "תקציב" in {t["term"] for t in terms}
    assert client.get("/api/suggest").status_code == 400
    weird = client.get("/api/suggest", query_string={"prefix": '.*[("\\'}).get_json()
    assert weird["entities"] == []


def test_openapi_document(client_for, alias):
    doc = client_for(alias).get("/api/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    assert {"/api/search", "/api/articles/{article_id}", "/api/suggest", "/api/health"} <= set(doc["paths"])
    names = {p["name"] for p in doc["paths"]["/api/search"]["get"]["parameters"]}
    assert names == {
        "q",
        "person",
        "place",
        "organisation",
        "credit",
        "source",
        "author",
        "from",
        "to",
        "kind",
        "sort",
        "page",
        "size",
        "similar",
    }


def test_unknown_api_route_is_json_404(client_for, alias):
    response = client_for(alias).get("/api/nothing-here")
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"


def test_a_misspelt_query_that_finds_nothing_gets_a_correction_that_finds_something(api, client_for, alias):
    assert api(q="פוטין")["did_you_mean"] is None  # found: nothing to correct
    typo = api(q="נתניחו")
    assert typo["total"] == 0 and typo["did_you_mean"] == "נתניהו"
    assert api(q=typo["did_you_mean"])["total"] > 0
    # Known words are left as typed, prefixed or not.
    assert api(q="נתניחו ולפוטין")["did_you_mean"] == "נתניהו ולפוטין"
    # No correction is offered when it would find nothing either.
    assert api(q="זזזזקקקק")["did_you_mean"] is None
    page = client_for(alias).get("/", query_string={"q": "נתניחו"}).get_data(as_text=True)
    assert "האם התכוונת ל" in page and "«נתניהו»" in page


def test_an_article_lists_related_coverage(client_for, alias):
    client = client_for(alias)
    related = [r["id"] for r in client.get(f"/api/articles/{SEED}").get_json()["related"]]
    assert related and SEED not in related and len(related) == len(set(related))
    # The seed is about Putin and Netanyahu on Syria: the fixtures' Putin articles come first,
    # the Haifa police and the Knesset budget after them if at all.
    assert set(related[:2]) == {"a2", "a5"}
    assert all(related.index(x) > 1 for x in ("a4", "a6") if x in related)
    page = client.get(f"/articles/{SEED}").get_data(as_text=True)
    assert "כתבות קשורות" in page and 'href="/articles/a5"' in page
