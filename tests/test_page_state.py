"""The search page's state (issue 18), through the Flask test client on the real test node: bad
parameters named in Hebrew and dropped (never sticky), a new search without the old filters, the
sort menu true to the order, pages past the end, the 503 page keeping the query, chips with names."""

from urllib.parse import parse_qs, urlsplit

import pytest
from werkzeug.datastructures import MultiDict

from service.page_state import new_search_redirect, parse_forgivingly
from service.search.parser import parse_search_args
from tests.browser.support import _free_port


@pytest.fixture(scope="module")
def alias(fixtures_alias):
    return fixtures_alias


@pytest.fixture
def client(client_for, alias):
    return client_for(alias)


def putin_id(client) -> str:
    people = client.get("/api/search", query_string={"q": "פוטין"}).get_json()["facets"]["person"]
    return next(v["id"] for v in people if v["name"] == "ולדימיר פוטין")


# -- pure: the forgiving parse and the new-search rule ------------------------------------------


def test_each_bad_parameter_is_dropped_with_a_hebrew_message_and_the_rest_kept():
    args = MultiDict([("q", "פוטין"), ("from", "2015-02-30"), ("sort", "best"), ("person", "putin")])
    state = parse_forgivingly(args, parse_search_args)
    assert set(state.errors) == {"from", "sort", "person"}
    assert all(any("\u0590" <= c <= "\u05ff" for c in m) for m in state.errors.values())
    assert state.request.q == "פוטין" and state.request.sort == "relevance"
    assert list(state.args.items(multi=True)) == [("q", "פוטין")]


def test_a_reversed_range_drops_both_dates_with_one_message():
    state = parse_forgivingly(MultiDict({"from": "2016-01-02", "to": "2015-01-01"}), parse_search_args)
    assert set(state.errors) == {"from", "to"} and "מאוחר" in state.errors["from"]
    assert state.request.date_from is None and state.request.date_to is None


def test_the_search_box_starts_a_new_search_without_filters_unless_within():
    old = [("q", "נתניהו"), ("person", "person:x"), ("from", "2015-01-01"), ("sort", "newest")]
    changed = MultiDict([*old[1:], ("q", "פוטין"), ("prev_q", "נתניהו")])
    assert list(new_search_redirect(changed).items(multi=True)) == [("sort", "newest"), ("q", "פוטין")]
    within = MultiDict([*old[1:], ("q", "פוטין"), ("prev_q", "נתניהו"), ("within", "1")])
    assert sorted(new_search_redirect(within).keys()) == ["from", "person", "q", "sort"]
    same = MultiDict([*old, ("prev_q", "נתניהו")])  # the same words: a filter or page change, kept
    assert sorted(new_search_redirect(same).keys()) == ["from", "person", "q", "sort"]
    assert new_search_redirect(MultiDict(old)) is None  # not from the search box


# -- through the app --------------------------------------------------------------------------


def test_the_page_names_a_bad_value_in_hebrew_and_its_links_drop_it(client):
    response = client.get("/", query_string={"q": "פוטין", "to": "2015-13-01", "size": "3"})
    assert response.status_code == 400  # still a bad request, though the page shows results
    html = response.get_data(as_text=True)
    assert "תאריך הסיום אינו תקין" in html and 'class="result"' in html
    assert 'id="to-error"' in html and 'aria-describedby="to-error"' in html  # beside its input
    assert "2015-13-01" not in html  # neither in hidden inputs nor in any link
    assert "must be" not in html  # no English on the page


def test_the_box_keeps_a_too_long_query_for_editing_with_the_message_beside_it(client):
    long_q = "פוטין " * 120
    response = client.get("/", query_string={"q": long_q})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="q-error"' in html and 'aria-invalid="true"' in html
    assert "הכתבות האחרונות" in html  # the words were dropped: the latest articles are shown


def test_the_search_box_form_redirects_to_a_clean_new_search(client):
    response = client.get(
        "/", query_string={"q": "פסקוב", "prev_q": "פוטין", "person": putin_id(client), "sort": "newest"}
    )
    assert response.status_code == 303
    assert parse_qs(urlsplit(response.location).query) == {"q": ["פסקוב"], "sort": ["newest"]}


def test_the_search_form_carries_the_filters_only_with_the_within_box(client):
    html = client.get("/", query_string={"q": "פוטין", "person": putin_id(client)}).get_data(as_text=True)
    assert 'name="prev_q" value="פוטין"' in html and 'name="within"' in html
    plain = client.get("/", query_string={"q": "פוטין"}).get_data(as_text=True)
    assert 'name="prev_q"' not in plain  # no filters: nothing to keep or drop


def test_with_no_words_the_sort_menu_says_newest(client):
    html = client.get("/").get_data(as_text=True)
    assert '<option value="newest" selected>' in html and 'value="relevance"' not in html
    html = client.get("/", query_string={"q": "פוטין"}).get_data(as_text=True)
    assert '<option value="relevance" selected>' in html


def test_a_page_past_the_end_says_so_and_links_to_the_last_page(client):
    found = client.get("/api/search", query_string={"q": "פוטין", "size": 1}).get_json()["total"]
    html = client.get("/", query_string={"q": "פוטין", "size": 1, "page": found + 5}).get_data(as_text=True)
    assert f"העמוד {found + 5} אינו קיים" in html
    assert f"page={found}" in html and 'class="result"' not in html


def test_a_filter_that_matches_nothing_shows_its_name_not_its_id(client):
    entity = putin_id(client)
    html = client.get("/", query_string={"q": "הצבעה", "person": entity}).get_data(as_text=True)
    assert "ולדימיר פוטין" in html
    assert f">{entity}" not in html


def test_the_unavailable_page_keeps_the_query_and_offers_a_retry(client_for):
    client = client_for("anything", url=f"http://127.0.0.1:{_free_port()}")
    response = client.get("/", query_string={"q": "פוטין", "sort": "newest"})
    assert response.status_code == 503 and response.headers["Retry-After"]
    html = response.get_data(as_text=True)
    assert 'value="פוטין"' in html
    assert 'class="retry" href="/?q=' in html and "sort=newest" in html
