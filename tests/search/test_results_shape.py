"""A result's shape on the real node (issue 18): the title highlighted, at most three snippets and
how many more parts matched, no snippet that repeats a headline, near-duplicates as one result with
"N similar" and the ``similar`` search that lists them. Articles: tests/search/results_records.py."""

import pytest

from service.search.query import SNIPPETS_PER_ARTICLE
from service.search.result import FRAGMENTS_PER_RESULT
from tests.conftest import indexed_alias
from tests.search.results_records import GROUPS, RECORDS, write_records


@pytest.fixture(scope="module")
def alias(es, tmp_path_factory):
    with indexed_alias(es, "results", [write_records(tmp_path_factory.mktemp("results"))]) as alias:
        yield alias


def by_id(body) -> dict[str, dict]:
    return {r["article_id"]: r for r in body["results"]}


def test_the_title_shows_the_query_words_marked_and_escaped(api):
    long = by_id(api(q="הקרנף"))["long"]
    assert long["title"] == "מסע בעקבות הקרנף האחרון"
    assert long["title_html"] == "מסע בעקבות <mark>הקרנף</mark> האחרון"
    # A word found in the text only: nothing to mark in the title.
    assert by_id(api(q="ציידים"))["long"]["title_html"] is None


def test_an_inflected_form_is_marked_in_the_title_and_browsing_marks_nothing(api):
    wire = by_id(api(q="קרנפים", sort="oldest"))["wire-1"]  # the oldest of its group
    assert wire["title_html"] == "<mark>קרנף</mark> לבן נולד בספארי"
    assert all(r["title_html"] is None for r in api()["results"])


def test_at_most_three_snippets_and_the_count_of_the_others(api):
    long = by_id(api(q="הקרנף"))["long"]
    assert len(long["snippets"]) == SNIPPETS_PER_ARTICLE
    assert sum(len(s["html"]) for s in long["snippets"]) <= FRAGMENTS_PER_RESULT
    # Six paragraphs name the rhino (and match through the title copy too): three shown, three more.
    assert long["more_snippets"] == 3
    assert all("<mark>" in s["html"][0] for s in long["snippets"])


def test_a_part_that_matched_alone_may_show_two_fragments_within_the_limit(api):
    for r in api(q="קרנף", size=20)["results"]:
        assert len(r["snippets"]) <= SNIPPETS_PER_ARTICLE
        assert sum(len(s["html"] or [1]) for s in r["snippets"]) <= FRAGMENTS_PER_RESULT


def test_a_headline_only_article_shows_no_snippet(api):
    headline = by_id(api(q="כביש הערבה"))["headline"]
    assert headline["snippets"] == []
    assert headline["more_snippets"] == 0
    assert "<mark>" in headline["title_html"]


def test_near_duplicates_are_one_result_with_their_count(api):
    body = api(q="קרנף", size=20)
    results = by_id(body)
    assert body["total"] == len(RECORDS)  # the matching articles, not the groups
    for members in GROUPS.values():
        shown = [m for m in members if m in results]
        assert len(shown) == 1, (members, list(results))
        assert results[shown[0]]["similar"]["count"] == len(members) - 1
    # Newest first: a group is shown by its newest article.
    newest = by_id(api(q="קרנף", sort="newest", size=20))
    assert "wire-3" in newest and "flash-3" in newest
    assert newest["long"]["similar"] is None and newest["headline"]["similar"] is None
    assert len(body["results"]) == len(RECORDS) - 4


def test_a_group_counts_only_its_matching_articles(api):
    """The count follows the search's filters: wire-3 (day 6) falls outside 4-5 March, and
    flash-1..3 (days 7-9) leave the window whole."""
    results = by_id(api(q="קרנף", size=20, **{"from": "2016-03-04", "to": "2016-03-05"}))
    shown = [m for m in GROUPS["wire"] if m in results]
    assert len(shown) == 1 and results[shown[0]]["similar"]["count"] == 1
    assert not any(m in results for m in GROUPS["flash"])
    # Filtered to one source, each group member stands alone.
    assert by_id(api(q="קרנף", source="walla"))["wire-2"]["similar"] is None


def test_the_similar_search_lists_the_group(api):
    for members in GROUPS.values():
        first = next(r for r in api(q="קרנף", size=20)["results"] if r["article_id"] in members)
        group = api(q="קרנף", similar=first["similar"]["key"], size=20)
        assert sorted(r["article_id"] for r in group["results"]) == members
        assert group["total"] == len(members)
        assert all(r["similar"] is None for r in group["results"])


def test_pages_count_groups(api):
    """Collapsing pages through the groups: page 2 starts after the first page's groups."""
    every = [r["article_id"] for r in api(q="קרנף", sort="oldest", size=20)["results"]]
    pages = [api(q="קרנף", sort="oldest", size=2, page=page)["results"] for page in (1, 2, 3)]
    pages = [r["article_id"] for results in pages for r in results]
    assert pages == every[:6]


def test_a_bad_group_key_is_a_clear_400(api):
    body = api(expect=400, q="קרנף", similar="<script>")
    assert "'similar'" in str(body)


def test_the_page_links_the_similar_articles(client_for, alias):
    client = client_for(alias)
    page = client.get("/", query_string={"q": "קרנף", "sort": "oldest"}).get_data(as_text=True)
    assert page.count('class="similar"') == 2
    assert "2 כתבות דומות" in page
    assert "עוד מהכתבה" in page
