"""A JSON Lines record → an Article, field by field: the defaults of the optional fields, whitespace
collapsed and markup removed (with its one warning) in every field a reader sees, the exact reasons
a record is refused, the part and size limits met exactly, publication dates and URLs. Pure: the
records are checked against the schema first, as the reader does, then built without Elasticsearch."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from service.ingest.sources import (
    BadRecord,
    article_from_record,
    checked_url,
    parse_published,
    record_validator,
    within_limits,
)
from service.model import MAX_ARTICLE_CHARS, MAX_PART_CHARS, MAX_PARTS, Article, Part, article_id

TITLE = "הממשלה אישרה את התקציב"
MINIMAL = {"title": TITLE, "published_at": "2021-06-01", "body": [{"paragraphs": ["פסקה ראשונה."]}]}
MARKUP_REMOVED = "HTML markup removed"


def built(record: dict[str, Any], **options: Any) -> Article:
    """The article of a record the schema accepts (the reader validates before it builds)."""
    assert record_validator(options.get("allow_undated", False)).is_valid(record), record
    return article_from_record(record, **options)


def refused(record: dict[str, Any]) -> str:
    assert record_validator(False).is_valid(record), record
    with pytest.raises(BadRecord) as caught:
        article_from_record(record)
    return str(caught.value)


# -- the optional fields ------------------------------------------------------------------------------


def test_a_record_with_only_the_required_fields_gets_the_documented_defaults():
    article = built(MINIMAL)
    assert article.title == TITLE
    assert [(p.kind, p.text, p.heading) for p in article.parts] == [
        ("title", TITLE, ""),
        ("body", "פסקה ראשונה.", ""),
    ]
    assert article.lead == ""
    assert (article.url, article.source, article.language, article.authors) == ("", "", "he", [])
    assert article.id == article_id("", "", TITLE, date(2021, 6, 1))  # from source + title + date
    assert article.origin == ""  # built in memory, not read from a file
    assert article.warnings == []


def test_the_optional_fields_given_are_kept():
    record = {
        **MINIMAL,
        "id": "story-7",
        "url": "https://ynet.test/a/7",
        "source": "ynet",
        "language": "ar",
        "authors": ["דנה לוי"],
    }
    article = built(record, origin="a.jsonl:3")
    assert (article.id, article.url, article.source) == ("story-7", "https://ynet.test/a/7", "ynet")
    assert (article.language, article.authors, article.origin) == ("ar", ["דנה לוי"], "a.jsonl:3")


def test_whitespace_is_collapsed_in_title_lead_heading_and_caption():
    record = {
        **MINIMAL,
        "title": "  הממשלה \n אישרה\tאת   התקציב ",
        "lead": "אחרי   לילה\n\nשל דיונים ",
        "body": [{"heading": " רקע \t היסטורי ", "paragraphs": ["פסקה."]}],
        "images": [{"caption": "ישיבת\n הממשלה  בירושלים"}],
    }
    article = built(record)
    assert [(p.kind, p.text, p.heading) for p in article.parts] == [
        ("title", TITLE, ""),
        ("lead", "אחרי לילה של דיונים", ""),
        ("body", "פסקה.", "רקע היסטורי"),
        ("caption", "ישיבת הממשלה בירושלים", ""),
    ]
    assert article.title == TITLE and article.warnings == []


# -- markup --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "kind", "text", "heading"),
    [
        ({"title": "<b>הממשלה</b> אישרה"}, "title", "הממשלה אישרה", ""),
        ({"lead": "<p>אחרי לילה של דיונים</p>"}, "lead", "אחרי לילה של דיונים", ""),
        (
            {"body": [{"heading": "רקע", "paragraphs": ["<p>ראשונה</p><p>שנייה</p>"]}]},
            "body",
            "ראשונה\n\nשנייה",
            "רקע",
        ),
        (
            {"body": [{"heading": "<b>רקע</b>&nbsp;היסטורי", "paragraphs": ["פסקה."]}]},
            "body",
            "פסקה.",
            "רקע היסטורי",
        ),
        ({"images": [{"caption": "<i>ישיבת</i> הממשלה"}]}, "caption", "ישיבת הממשלה", ""),
    ],
    ids=["title", "lead", "section-paragraph", "section-heading", "caption"],
)
def test_markup_in_any_field_is_removed_with_a_warning(fields, kind, text, heading):
    article = built({**MINIMAL, **fields})
    assert [(p.text, p.heading) for p in article.parts if p.kind == kind] == [(text, heading)]
    assert article.warnings == [MARKUP_REMOVED]


def test_markup_in_every_field_is_reported_once():
    record = {
        "title": "<b>הממשלה</b> אישרה",
        "lead": "<p>אחרי לילה</p>",
        "published_at": "2021-06-01",
        "body": ["<p>פתיח</p>", {"heading": "<b>רקע</b>", "paragraphs": ["<p>ראשונה</p>"]}],
        "images": [{"caption": "<i>ישיבת</i> הממשלה"}],
    }
    article = built(record)
    assert [p.text for p in article.parts] == ["הממשלה אישרה", "אחרי לילה", "פתיח", "ראשונה", "ישיבת הממשלה"]
    assert article.warnings == [MARKUP_REMOVED]


# -- refusals ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("title", ["<br>", "<p> </p>", "&nbsp;"], ids=["br", "empty-paragraph", "nbsp"])
def test_a_title_that_is_only_markup_is_refused(title):
    assert refused({**MINIMAL, "title": title}) == "title is empty"


def test_a_record_without_a_date_is_refused_unless_undated_ones_are_allowed():
    undated = {k: v for k, v in MINIMAL.items() if k != "published_at"}
    with pytest.raises(BadRecord, match=r"^no publication date \(published_at\)$"):
        article_from_record(undated)
    assert built(undated, allow_undated=True).published_at is None


def test_paragraphs_of_a_body_text_up_to_the_parts_limit():
    """The title and MAX_PARTS - 1 paragraphs are MAX_PARTS parts: allowed. One more is refused
    before its parts are built."""
    enough = built({**MINIMAL, "body": "\n\n".join(f"פסקה {n}." for n in range(MAX_PARTS - 1))})
    assert len(enough.parts) == MAX_PARTS and enough.warnings == []
    too_many = {**MINIMAL, "body": "\n\n".join(f"פסקה {n}." for n in range(MAX_PARTS))}
    assert refused(too_many) == (
        f"article has more than the {MAX_PARTS:,} parts allowed (paragraphs, sections, captions)"
    )


def test_an_article_may_be_exactly_the_size_limit():
    """200,000 characters is the schema's longest paragraph: a one-letter title and ten of them,
    one a letter short, are exactly MAX_ARTICLE_CHARS; each is split into MAX_PART_CHARS pieces."""
    paragraphs = ["א" * 200_000] * 9 + ["א" * 199_999]
    article = built({**MINIMAL, "title": "כ", "body": paragraphs})
    assert sum(len(p.text) for p in article.parts) == MAX_ARTICLE_CHARS
    assert len(article.parts) == 1 + 100 and all(len(p.text) <= MAX_PART_CHARS for p in article.parts)
    assert article.warnings == ["parts over 20,000 characters split: 11 parts became 101"]
    over = {**MINIMAL, "title": "כ", "body": ["א" * 200_000] * 10}
    assert refused(over) == "article is 2,000,001 characters long, over the 2,000,000 limit"


# -- within_limits: splitting, and the parts limit after it -----------------------------------------------


def article_of(*parts: Part) -> Article:
    return Article(title=parts[0].text, parts=list(parts), published_at=date(2021, 6, 1))


def test_an_overlong_section_is_split_and_reported_but_a_title_never():
    long_title = Part("title", "כ" * (MAX_PART_CHARS + 5_000))
    section = Part("body", "א" * (MAX_PART_CHARS + 5_000), heading="רקע")
    caption = Part("caption", "ישיבת הממשלה")
    article = within_limits(article_of(long_title, section, caption))
    assert [(p.kind, len(p.text), p.heading) for p in article.parts] == [
        ("title", MAX_PART_CHARS + 5_000, ""),
        ("body", MAX_PART_CHARS, "רקע"),
        ("body", 5_000, "רקע"),
        ("caption", len("ישיבת הממשלה"), ""),
    ]
    assert article.warnings == ["parts over 20,000 characters split: 3 parts became 4"]


def test_an_article_within_limits_is_left_as_it_is():
    title = Part("title", "כ" * (MAX_PART_CHARS + 1))
    body = Part("body", "א" * MAX_PART_CHARS)
    article = within_limits(article_of(title, body))
    assert article.parts == [title, body] and article.warnings == []


def test_the_parts_limit_counts_the_pieces_of_split_sections():
    """MAX_PARTS - 3 short parts, and one that splits in two: MAX_PARTS parts, allowed; one more
    short part makes MAX_PARTS + 1, refused."""
    title = Part("title", TITLE)
    long = Part("body", "א" * (MAX_PART_CHARS + 1))
    short = [Part("body", f"פסקה {n}.") for n in range(MAX_PARTS - 3)]
    article = within_limits(article_of(title, *short, long))
    assert len(article.parts) == MAX_PARTS
    assert article.warnings == [
        f"parts over 20,000 characters split: {MAX_PARTS - 1} parts became {MAX_PARTS}"
    ]
    with pytest.raises(BadRecord) as caught:
        within_limits(article_of(title, *short, Part("body", "עוד."), long))
    assert str(caught.value) == "article has 1,001 parts, more than the 1,000 allowed"


# -- dates and URLs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (None, "no publication date (published_at)"),
        ("", "no publication date (published_at)"),
        (20151222, "published_at 20151222 is not a string (an ISO 8601 date)"),
        ("2015-12-22T10:00:00", "published_at '2015-12-22T10:00:00' has a time but no time zone"),
        ("2015-12-22 at ten", "published_at '2015-12-22 at ten' is not an ISO 8601 date"),
    ],
    ids=["none", "empty", "number", "no-time-zone", "not-iso"],
)
def test_a_publication_date_that_cannot_be_used_says_why(raw, reason):
    with pytest.raises(BadRecord) as caught:
        parse_published(raw)
    assert str(caught.value) == reason


def test_an_empty_publication_date_is_none_where_undated_articles_are_allowed():
    assert parse_published("", allow_undated=True) is None
    assert parse_published("2015-12-22T20:34:00+02:00") == datetime.fromisoformat("2015-12-22T20:34:00+02:00")


def test_a_dropped_url_is_quoted_in_its_warning_up_to_80_characters():
    url = "javascript:" + "x" * 100
    warnings: list[str] = []
    assert checked_url(f"  {url} ", warnings) == ""
    assert warnings == [f"url {url[:80]!r} dropped: not an http(s) address"]
    kept: list[str] = []
    assert checked_url(" https://ynet.test/a/1 ", kept) == "https://ynet.test/a/1" and kept == []
