"""An article and its entities → its document, field by field: what the index stores is what search,
facets, the entity page and the article page read back, so each field is checked whole."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from service.entities.extractor import ArticleEntities, Mention
from service.indexing.documents import BadArticleId, article_document, title_terms
from service.indexing.duplicates import dup_key
from service.model import ENTITY_TYPES, Article, Credit, Part


def mention(part: int, entity_id: str, kind: str, name: str) -> Mention:
    return Mention(part, 0, len(name), entity_id, kind, name, "gazetteer")


ARTICLE = Article(
    title="פוטין ביקר בסוריה",
    parts=[
        Part("lead", "נשיא רוסיה, פוטין, נפגש עם אסד 2016"),
        Part("body", "פוטין אמר דברים.", heading="ב״ה כותרת"),
        Part("caption", "פוטין ואסד", credit=Credit("מארק ניימן / AFP", ("מארק ניימן",), ("AFP",))),
        Part("caption", "תמונה בלי קרדיט"),
    ],
    url="https://example.test/a",
    source="ynet",
    published_at=datetime(2016, 1, 2, 8, 30, tzinfo=UTC),
    authors=["כתב אחד"],
    id="a-1",
)
ENTITIES = ArticleEntities(
    [
        [mention(0, "Q7747", "person", "ולדימיר פוטין"), mention(0, "Q44461", "person", "בשאר אל-אסד")],
        [mention(1, "Q7747", "person", "ולדימיר פוטין")],
        [mention(2, "Q7747", "person", "ולדימיר פוטין"), mention(2, "Q858", "place", "סוריה")],
        [],
    ]
)


def test_the_article_fields():
    document = article_document(ARTICLE, ENTITIES)
    assert {
        k: document[k] for k in ("_id", "article_id", "display_title", "url", "source", "published_at")
    } == {
        "_id": "a-1",
        "article_id": "a-1",
        "display_title": "פוטין ביקר בסוריה",
        "url": "https://example.test/a",
        "source": "ynet",
        "published_at": "2016-01-02T08:30:00+00:00",
    }
    assert document["authors"] == ["כתב אחד"] and document["language"] == "he"
    assert document["display_lead"] == "נשיא רוסיה, פוטין, נפגש עם אסד 2016"
    assert document["dup_key"] == dup_key(ARTICLE)


def test_the_entities_of_the_whole_article():
    document = article_document(ARTICLE, ENTITIES)
    assert document["entity_ids"] == ["Q44461", "Q7747", "Q858"]
    assert set(document["entities"]) == set(ENTITY_TYPES)
    assert document["entities"]["person"] == ["Q7747|ולדימיר פוטין", "Q44461|בשאר אל-אסד"]
    assert document["entities"]["place"] == ["Q858|סוריה"]
    assert all(v == [] for t, v in document["entities"].items() if t not in ("person", "place"))
    assert document["entity_counts"] == [
        {"id": "Q7747", "type": "person", "name": "ולדימיר פוטין", "count": 3},
        {"id": "Q44461", "type": "person", "name": "בשאר אל-אסד", "count": 1},
        {"id": "Q858", "type": "place", "name": "סוריה", "count": 1},
    ]
    assert document["entity_mentions"] == [
        {"id": "Q7747", "count": 3},
        {"id": "Q44461", "count": 1},
        {"id": "Q858", "count": 1},
    ]


def test_each_part_is_a_nested_document():
    parts = article_document(ARTICLE, ENTITIES)["parts"]
    assert [p["kind"] for p in parts] == ["lead", "body", "caption", "caption"]
    assert [p["position"] for p in parts] == [0, 1, 2, 3]
    assert {p["title"] for p in parts} == {"פוטין ביקר בסוריה"}
    body, caption, bare = parts[1], parts[2], parts[3]
    assert (body["heading"], body["display_heading"]) == ('ב"ה כותרת', "ב״ה כותרת")
    assert (body["text"], body["display_text"]) == ("פוטין אמר דברים.", "פוטין אמר דברים.")
    assert parts[0]["heading"] is None and parts[0]["display_heading"] is None
    assert caption["credit"] == "מארק ניימן / AFP"
    assert (caption["credit_people"], caption["credit_agencies"]) == (["מארק ניימן"], ["AFP"])
    assert caption["part_entity_ids"] == ["Q7747", "Q858"]
    assert (bare["credit"], bare["credit_people"], bare["credit_agencies"]) == (None, [], [])
    assert bare["part_entity_ids"] == []


def test_the_title_copy_in_parts_is_normalised():
    article = Article(title="צה״ל", parts=[Part("body", "טקסט")], id="a-2")
    document = article_document(article, ArticleEntities([[]]))
    assert document["parts"][0]["title"] == 'צה"ל' and document["display_title"] == "צה״ל"


def test_empty_fields_are_null_not_empty_strings():
    article = Article(title="כותרת", parts=[Part("body", "טקסט")], id="a-3")
    document = article_document(article, ArticleEntities([[]]))
    assert (document["url"], document["source"], document["published_at"], document["display_lead"]) == (
        None,
        None,
        None,
        None,
    )


def test_the_title_and_lead_words_for_autocomplete():
    article = Article(title="פוטין ביקר בסוריה", parts=[Part("lead", "צה״ל, על 2016 ו-12 אנשים")], id="a-4")
    assert title_terms(article) == sorted({"פוטין", "ביקר", "בסוריה", 'צה"ל', "אנשים"})
    assert title_terms(Article(title="אב אבג", parts=[], id="a-5")) == ["אבג"]


def test_entities_of_another_shape_than_the_parts_are_an_error_not_a_lost_part():
    with pytest.raises(ValueError):
        article_document(ARTICLE, ArticleEntities(ENTITIES.parts[:-1]))


def test_words_are_lowercased_for_autocomplete():
    article = Article(title="Reuters CNN", parts=[], id="a-6")
    assert title_terms(article) == ["cnn", "reuters"]


def test_a_refused_id_is_quoted_up_to_80_characters():
    article = Article(title="כותרת", parts=[], id="placeholder")
    article.id = "x" * 300
    with pytest.raises(BadArticleId) as raised:
        article_document(article, ArticleEntities([]))
    assert f"'{'x' * 80}'" in str(raised.value)


@pytest.mark.parametrize("bad", ["", "a b", "a/b", "x" * 201, "a#1"])
def test_an_id_outside_the_schema_is_refused(bad):
    article = Article(title="כותרת", parts=[], id="placeholder")
    article.id = bad
    with pytest.raises(BadArticleId, match="is not 1-200 of"):
        article_document(article, ArticleEntities([]))


@pytest.mark.parametrize("good", ["a", "x" * 200, "A-z_0.9:1"])
def test_an_id_inside_the_schema_is_kept(good):
    article = Article(title="כותרת", parts=[], id=good)
    assert article_document(article, ArticleEntities([]))["_id"] == good
