"""Autocomplete's ranking (issue 18) on the real node, over articles of this module's own: a prefix
may start any word of a name, recent coverage outweighs old (the index's last ten years count four
times), and the gazetteer's aliases find their entity (ביבי, the English name)."""

import json

import pytest

from service.search.suggest import RECENT_WEIGHT, WHOLE_WORD_BOOST, Aliases
from tests.conftest import indexed_alias, paragraph_record

NETANYAHU = "person:netanyahu-benjamin"
NETANYA = "place:netanya"
NATANZ = "place:natanz"

ARTICLES = [
    # Old: Netanya three times, Natanz once (their names start with the prefix).
    ("old1", "תושבי נתניה התכנסו בכיכר העיר.", "1890-05-01"),
    ("old2", "בנתניה נפתח בית ספר חדש.", "1891-06-01"),
    ("old3", "הגשם הציף את רחובות נתניה.", "1893-07-01"),
    ("old4", "המתקן בנתנז הורחב.", "1895-01-01"),
    # Recent: Netanyahu twice (the prefix starts his second word).
    ("new1", "ראש הממשלה בנימין נתניהו נאם בכנסת.", "2014-03-01"),
    ("new2", "בנימין נתניהו נפגש עם שרים.", "2015-12-01"),
]


@pytest.fixture(scope="module")
def alias(es, tmp_path_factory):
    path = tmp_path_factory.mktemp("suggest_ranking") / "articles.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for article_id, text, day in ARTICLES:
            record = paragraph_record(article_id, text, published_at=f"{day}T09:00:00+02:00")
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    with indexed_alias(es, "suggest", [path]) as made:
        yield made


@pytest.fixture
def suggest(client_for, alias):
    client = client_for(alias)

    def get(prefix: str) -> list[dict]:
        response = client.get("/api/suggest", query_string={"prefix": prefix})
        assert response.status_code == 200, response.get_json()
        return response.get_json()["entities"]

    return get


def test_recent_coverage_outranks_more_frequent_old_coverage(suggest):
    entities = suggest("נתנ")
    assert [e["id"] for e in entities[:3]] == [NETANYAHU, NETANYA, NATANZ]
    by_id = {e["id"]: e for e in entities}
    # Netanyahu: two articles, both recent; Netanya: three, all old.
    assert (by_id[NETANYAHU]["count"], by_id[NETANYAHU]["score"]) == (2, 2 + RECENT_WEIGHT * 2)
    assert (by_id[NETANYA]["count"], by_id[NETANYA]["score"]) == (3, 3)


def test_a_prefix_of_a_second_word_finds_the_name(suggest):
    # A word typed in full doubles the score: Netanya 3 × 2, still below Netanyahu's recent 2 + 3 × 2.
    typed_in_full = {e["id"]: e["score"] for e in suggest("נתניה")}
    assert (
        typed_in_full[NETANYA] == 3 * WHOLE_WORD_BOOST and typed_in_full[NETANYAHU] == 2 + RECENT_WEIGHT * 2
    )
    assert NETANYAHU in {e["id"] for e in suggest("נתניהו")}  # the second word of a person
    assert NETANYAHU not in {e["id"] for e in suggest("ימין")}  # inside a word is no word's start


def test_an_alias_finds_its_entity(suggest):
    assert [e["id"] for e in suggest("ביב")] == [NETANYAHU]  # ביבי: in the gazetteer, not in the text
    english = [e["id"] for e in suggest("netan")]  # Benjamin Netanyahu, Netanya
    assert english[:2] == [NETANYAHU, NETANYA]
    assert all(e["name"] for e in suggest("netan"))  # shown by their Hebrew names


def test_aliases_keep_only_words_the_name_lacks():
    aliases = Aliases(
        [("ביבי נתניהו", NETANYAHU, "בנימין נתניהו"), ("Benjamin Netanyahu", NETANYAHU, "בנימין נתניהו")]
    )
    assert aliases.ids("ביב") == (NETANYAHU,)
    assert aliases.ids("נתנ") == ()  # a word of the name itself: the index's names find it
    assert aliases.ids("netanyahu") == (NETANYAHU,)
    assert aliases.ids("x") == ()
