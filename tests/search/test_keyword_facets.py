"""Source and author facets (issue 18) on the real node, over articles of this module's own: exact
counts, OR within a facet and AND across facets, disjunctive counts, selected values kept, bad
parameters refused with a message naming them; the filter box's endpoint (/api/facets/<type>); and
the page's fieldsets and chips."""

import json

import pytest

from tests.conftest import indexed_alias, paragraph_record

# id: (source, authors, text); texts unlike each other, so that no two are grouped as near-duplicates
ARTICLES = {
    "k1": ("ynet", ["דנה כהן", "יוסי לוי"], "הממשלה אישרה את תקציב המדינה לשנה הבאה אחרי לילה ארוך."),
    "k2": ("haaretz", ["יוסי לוי"], "ויכוח על תקציב הביטחון פרץ בוועדת הכספים של הכנסת."),
    "k3": ("ynet", [], "ראש העירייה הציג תקציב חדש לחינוך ולתחבורה ציבורית בעיר."),
    "k4": ("walla", ["עמית סגל"], "האופוזיציה תקפה את שר האוצר בגלל קיצוץ בתקציב הבריאות."),
    "k5": ("haaretz", ["דנה כהן"], "כלכלנים מזהירים שהגירעון בתקציב יגדל אם המחירים יעלו."),
    "k6": ("ynet", ["Dana Cohen"], "מועצת המנהלים של החברה דנה בתקציב השיווק לרבעון השלישי."),
}


@pytest.fixture(scope="module")
def alias(es, tmp_path_factory):
    path = tmp_path_factory.mktemp("keyword_facets") / "articles.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for article_id, (source, authors, text) in ARTICLES.items():
            record = {**paragraph_record(article_id, f"{text} {article_id}"), "source": source}
            record["authors"] = authors
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    with indexed_alias(es, "keywords", [path]) as made:
        yield made


@pytest.fixture
def client(client_for, alias):
    return client_for(alias)


def counts(body, facet: str) -> dict[str, tuple[int, bool]]:
    return {v["id"]: (v["count"], v["selected"]) for v in body["facets"][facet]}


def ids(body) -> set[str]:
    return {r["article_id"] for r in body["results"]}


def test_counts_are_exact_article_counts(api):
    body = api(q="תקציב")
    assert body["total"] == 6
    assert counts(body, "source") == {"ynet": (3, False), "haaretz": (2, False), "walla": (1, False)}
    assert counts(body, "author") == {
        "דנה כהן": (2, False),
        "יוסי לוי": (2, False),
        "עמית סגל": (1, False),
        "Dana Cohen": (1, False),
    }
    assert all(v["id"] == v["name"] for v in body["facets"]["source"] + body["facets"]["author"])


def test_or_within_a_facet_and_across_facets(api):
    assert ids(api(source=["ynet", "walla"])) == {"k1", "k3", "k4", "k6"}
    assert ids(api(author=["דנה כהן", "עמית סגל"])) == {"k1", "k4", "k5"}
    assert ids(api(source="haaretz", author="דנה כהן")) == {"k5"}
    assert ids(api(source="ynet", author=["יוסי לוי", "עמית סגל"])) == {"k1"}


def test_counts_are_disjunctive(api):
    """Each facet counts under every filter but its own: the other sources stay to choose from."""
    body = api(source="ynet")
    assert body["total"] == 3
    assert counts(body, "source") == {"ynet": (3, True), "haaretz": (2, False), "walla": (1, False)}
    assert counts(body, "author") == {"דנה כהן": (1, False), "יוסי לוי": (1, False), "Dana Cohen": (1, False)}
    both = api(source="ynet", author="יוסי לוי")
    assert counts(both, "source") == {"ynet": (1, True), "haaretz": (1, False)}


def test_selected_values_are_kept_when_nothing_matches(api):
    body = api(source="nosuch", author="יוסי לוי")
    assert body["total"] == 0
    # Each counted under the other's filter: no article has source nosuch; יוסי לוי's have others.
    assert counts(body, "author") == {"יוסי לוי": (0, True)}
    assert counts(body, "source") == {"nosuch": (0, True), "ynet": (1, False), "haaretz": (1, False)}


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"source": [f"s{i}" for i in range(21)]}, "source"),
        ({"author": "א" * 201}, "author"),
        ({"author": "a\u0000b"}, "author"),
        ({"source": "ynet\nwalla"}, "source"),
    ],
)
def test_bad_values_are_400_naming_the_parameter(client, params, name):
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "invalid_request" and f"'{name}'" in body["message"]


def test_the_filter_box_finds_values_by_a_word_prefix(client):
    def values(facet: str, **params):
        response = client.get(f"/api/facets/{facet}", query_string=params)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        assert body["type"] == facet
        return {v["id"]: (v["count"], v["selected"]) for v in body["values"]}

    # A word's start, any word of the name; counted under the search's other filters only.
    assert values("author", prefix="כה") == {"דנה כהן": (2, False)}
    assert values("author", prefix="לו", source="ynet") == {"יוסי לוי": (1, False)}
    assert values("author", prefix="לו", author="יוסי לוי") == {"יוסי לוי": (2, True)}
    assert values("source", prefix="ha", q="תקציב") == {"haaretz": (2, False)}
    assert values("source", prefix="זז") == {}
    assert values("author", prefix="coh") == values("author", prefix="COH") == {"Dana Cohen": (1, False)}
    assert values("author", prefix=".*") == {}  # the prefix is text, not a pattern
    assert values("person", prefix="פוט") == {}  # no such person in these articles
    # A search that finds nothing strictly is answered relaxed, facets and filter box alike.
    assert values("source", prefix="ha", q="תקציב זזזזקקק") == {"haaretz": (2, False)}


def test_the_search_agrees_with_the_filter_box_when_relaxed(api):
    body = api(q="תקציב זזזזקקק")
    assert body["relaxed"] and counts(body, "source")["haaretz"] == (2, False)


@pytest.mark.parametrize(
    ("path", "params", "name"),
    [
        ("/api/facets/nosuch", {"prefix": "a"}, "type"),
        ("/api/facets/author", {}, "prefix"),
        ("/api/facets/author", {"prefix": "א" * 51}, "prefix"),
        ("/api/facets/author", {"prefix": "a", "source": "x" * 300}, "source"),
    ],
)
def test_the_filter_box_refuses_bad_requests(client, path, params, name):
    response = client.get(path, query_string=params)
    assert response.status_code == 400
    assert f"'{name}'" in response.get_json()["message"]


def test_the_page_shows_the_facets_and_their_chips(client):
    page = client.get("/", query_string={"q": "תקציב", "source": "haaretz"}).get_data(as_text=True)
    assert 'id="facet-source"' in page and "<legend>מקור</legend>" in page
    assert 'id="facet-author"' in page and "<legend>כותבים</legend>" in page
    assert 'name="source" value="haaretz" checked' in page
    assert "מקור: haaretz ✕" in page  # its chip
    # No matching article has an author: no author fieldset.
    alone = client.get("/", query_string={"source": "ynet", "author": "nosuch"}).get_data(as_text=True)
    assert 'id="facet-author"' in alone  # the selected value is still shown, to be unticked
    k3 = client.get("/", query_string={"q": "k3"}).get_data(as_text=True)
    assert 'id="facet-source"' in k3 and 'id="facet-author"' not in k3
