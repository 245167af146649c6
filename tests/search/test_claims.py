"""README claims on the fixtures' index that no test held (issue 20): the entity page's mention count
is the sum of the mentions the index stored for the entity, and its related entities are those its
articles name, with the number of its articles that name each; function words are ignored; an
excluded phrase (``-"a phrase"``) drops the articles that have it, in order, on the API and the page."""

from __future__ import annotations

import html as markup
import re
from collections import Counter

import pytest

from service.model import ENTITY_TYPES


@pytest.fixture(scope="module")
def alias(fixtures_alias):
    return fixtures_alias


@pytest.fixture(scope="module")
def putin(es, alias) -> dict:
    """Vladimir Putin as the index stores him: his id, his mentions and the entities that appear
    with him (in how many of his articles), read from the documents themselves."""
    hits = es.search(index=alias, size=100, query={"match_all": {}})["hits"]["hits"]
    mine = [
        h["_source"] for h in hits if any(e["name"] == "ולדימיר פוטין" for e in h["_source"]["entity_counts"])
    ]
    (entity_id,) = {e["id"] for s in mine for e in s["entity_counts"] if e["name"] == "ולדימיר פוטין"}
    mentions = sum(e["count"] for s in mine for e in s["entity_counts"] if e["id"] == entity_id)
    companions = Counter(
        (e["type"], e["name"])
        for s in mine
        for e in {(x["id"], x["type"], x["name"]): x for x in s["entity_counts"]}.values()
        if e["id"] != entity_id
    )
    return {"id": entity_id, "articles": len(mine), "mentions": mentions, "companions": companions}


def page_of(client_for, alias, entity_id: str) -> str:
    response = client_for(alias).get(f"/entities/{entity_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_entity_page_counts_every_mention_of_it(client_for, alias, putin):
    html = page_of(client_for, alias, putin["id"])
    assert putin["mentions"] > putin["articles"] > 1  # the seed names him many times
    assert f"{putin['mentions']} אזכורים ב־{putin['articles']} כתבות" in html


def test_the_entity_page_lists_the_entities_that_appear_with_it(client_for, alias, putin):
    html = page_of(client_for, alias, putin["id"])
    chips = re.findall(
        r'<a class="chip type-(\w+)" href="/entities/[^"]+">([^<]+?) <span class="n">(\d+)</span>', html
    )
    assert chips, "no related entities on the page"
    assert {t for t, _, _ in chips} <= set(ENTITY_TYPES)
    shown = {(t, markup.unescape(n)): int(count) for t, n, count in chips}
    for key, count in shown.items():
        assert putin["companions"][key] == count, (key, count)
    # Those named in every one of his articles are all there, and he is not among his companions.
    assert {k for k, n in putin["companions"].items() if n == putin["articles"]} <= set(shown)
    assert ("person", "בנימין נתניהו") in shown and ("place", "סוריה") in shown
    assert ("person", "ולדימיר פוטין") not in shown


@pytest.mark.parametrize(
    ("query", "content_word"), [("פסקוב אצל", "פסקוב"), ("התקציב של", "התקציב"), ("עם פוטין", "פוטין")]
)
def test_function_words_are_ignored(api, query, content_word):
    with_function_word, alone = api(q=query), api(q=content_word)
    assert with_function_word["total"] >= 1 and not with_function_word["relaxed"]
    assert [r["article_id"] for r in with_function_word["results"]] == [
        r["article_id"] for r in alone["results"]
    ]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("הפעולה", ["a2", "a4", "a5", "cfedd30feb2df8c6"]),
        ('הפעולה -"שיתוף הפעולה"', ["a4"]),  # the seed, a2 and a5 have the phrase
        ('הפעולה -"הפעולה המשותפת"', ["a2", "a5", "cfedd30feb2df8c6"]),  # a4 has it
        ('הפעולה -"המשותפת הפעולה"', ["a2", "a4", "a5", "cfedd30feb2df8c6"]),  # nobody has it in this order
    ],
)
def test_an_excluded_phrase_drops_the_articles_that_have_it(api, client_for, alias, query, found):
    body = api(q=query)
    assert sorted(r["article_id"] for r in body["results"]) == found and body["total"] == len(found)
    page = client_for(alias).get("/", query_string={"q": query}).get_data(as_text=True)
    assert sorted(set(re.findall(r'href="/articles/([\w-]+)"', page))) == found
