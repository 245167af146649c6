"""Subheadings are searched like the text under them: a word printed only in a section's heading
finds its article (inflected and behind a prefix too), with the words of the section's text, and
the heading outranks nothing it should not."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from service.es import ensure_alias
from service.indexing.loader import index_articles
from service.model import Article, Part

ISRAEL_TIME = timezone(timedelta(hours=2))


def article(article_id: str, heading: str, text: str) -> Article:
    return Article(
        title=f"כתבה {article_id}",
        parts=[Part("title", f"כתבה {article_id}"), Part("body", text, heading=heading)],
        id=article_id,
        source="test",
        published_at=datetime(2019, 5, 2, 10, tzinfo=ISRAEL_TIME),
    )


ARTICLES = [
    article("under-heading", "הרכבת הקלה בירושלים", "העבודות על הקו החדש יסתיימו בשנה הבאה"),
    article("in-text", "", "הרכבת הקלה בירושלים תיפתח בשנה הבאה"),
    article("elsewhere", "תחבורה ציבורית", "האוטובוסים בעיר יפעלו גם בלילה"),
]


@pytest.fixture(scope="module")
def alias(es):
    alias = f"test-headings-{uuid.uuid4().hex[:10]}"
    ensure_alias(es, alias)
    summary = index_articles(es, alias, ARTICLES)
    assert not summary.failed, summary.failed
    es.indices.refresh(index=alias)
    yield alias
    for name in es.indices.get_alias(name=alias):
        es.indices.delete(index=name)


def ids(body) -> list[str]:
    return [r["article_id"] for r in body["results"]]


@pytest.mark.parametrize("q", ["רכבת", "ברכבת", "ירושלים", "רכבת קלה"])
def test_a_word_in_a_subheading_finds_its_article(api, q):
    assert set(ids(api(q=q))) == {"under-heading", "in-text"}


def test_heading_and_text_words_match_together_in_their_section(api):
    assert ids(api(q="רכבת העבודות")) == ["under-heading"]


def test_a_phrase_in_a_subheading_is_found(api):
    assert set(ids(api(q='"הרכבת הקלה"'))) == {"under-heading", "in-text"}


def test_a_heading_word_is_left_out_by_an_exclusion_and_browsing_is_unchanged(api):
    assert ids(api(q="שנה -רכבת")) == []
    assert len(ids(api())) == len(ARTICLES)
