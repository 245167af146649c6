"""Input limits that protect search (issue 12, findings 2 and 6, ingest side): publication dates in a
sane range, overlong paragraphs split, part-count and size caps, only http(s) URLs."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from service import model
from service.es import ensure_alias
from service.indexing.loader import index_articles
from service.ingest.sources import Rejection, read_paths
from service.model import MAX_ARTICLE_CHARS, MAX_PART_CHARS, MAX_PARTS, Article, Part
from tests.ingest.records import GOOD
from tests.project import SAMPLES, SEED


def read_one(tmp_path: Path, **fields) -> Article | Rejection:
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({**GOOD, **fields}, ensure_ascii=False) + "\n", encoding="utf-8")
    (item,) = read_paths([path])
    return item


# -- dates -----------------------------------------------------------------------------------------

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (date(1800, 1, 1), None),
        (datetime(1800, 1, 1, 0, 0, tzinfo=UTC), None),
        (date(1799, 12, 31), "before 1800-01-01"),
        (datetime.fromisoformat("1799-12-31T23:00:00-05:00"), "before 1800-01-01"),
        (date(2024, 5, 2), None),
        (datetime(2024, 5, 2, 12, 0, tzinfo=UTC), None),
        (datetime(2024, 5, 2, 12, 1, tzinfo=UTC), "in the future (after 2024-05-02)"),
        (date(2024, 5, 3), "in the future"),
        (datetime.fromisoformat("9999-12-31T23:00:00-05:00"), "in the future"),
        (datetime(2024, 5, 2, 12, 0), None),  # naive: read as UTC
    ],
)
def test_the_publication_date_range(value, problem):
    error = model.published_range_error(value, now=NOW)
    assert (error is None) if problem is None else (problem in error)


@pytest.mark.parametrize(
    ("published", "reason"),
    [
        ("9999-12-31T23:00:00-05:00", "published_at 9999-12-31T23:00:00-05:00 is in the future"),
        ("0001-01-01", "published_at 0001-01-01 is before 1800-01-01"),
        ("1799-12-31T20:00:00+02:00", "is before 1800-01-01"),
    ],
)
def test_a_date_out_of_range_is_a_clear_rejection(tmp_path, published, reason):
    rejected = read_one(tmp_path, published_at=published)
    assert isinstance(rejected, Rejection) and rejected.line == 1
    assert reason in rejected.reason


def test_dates_up_to_tomorrow_are_accepted_in_json_lines_and_sidecars(tmp_path):
    today = datetime.now(UTC).astimezone()
    assert isinstance(read_one(tmp_path, published_at=today.isoformat(timespec="seconds")), Article)
    assert isinstance(read_one(tmp_path, published_at="1800-01-01"), Article)
    (tmp_path / "p.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "p.json").write_text(json.dumps({"published_at": "9999-12-31T23:00:00-05:00"}))
    (rejected,) = read_paths([tmp_path / "p.txt"])
    assert isinstance(rejected, Rejection) and "in the future" in rejected.reason
    later = (datetime.now(UTC) + timedelta(days=3)).date().isoformat()
    assert "in the future" in read_one(tmp_path, published_at=later).reason


# -- overlong paragraphs, part and size caps ---------------------------------------------------------


def words(parts: list[Part]) -> list[str]:
    return [w for p in parts for w in p.text.split()]


def test_split_long_part_keeps_every_word_and_prefers_sentence_ends():
    sentence = "משפט " * 30 + "נגמר כאן. "  # 160 characters
    part = Part("body", sentence * 20, heading="כותרת משנה")
    pieces = model.split_long_part(part, limit=1000)
    assert len(pieces) == 4 and all(len(p.text) <= 1000 for p in pieces)
    assert all(p.text.endswith("נגמר כאן.") for p in pieces)
    assert words(pieces) == part.text.split()
    assert {(p.kind, p.heading) for p in pieces} == {("body", "כותרת משנה")}


def test_split_long_part_cuts_between_words_else_anywhere_and_keeps_paragraphs_whole():
    no_punctuation = Part("body", "מילה " * 500)
    pieces = model.split_long_part(no_punctuation, limit=1000)
    assert all(len(p.text) <= 1000 and not p.text.startswith(" ") for p in pieces)
    assert words(pieces) == no_punctuation.text.split()
    one_word = Part("body", "א" * 2500)
    assert [len(p.text) for p in model.split_long_part(one_word, limit=1000)] == [1000, 1000, 500]
    section = Part("body", "\n\n".join(["פסקה קצרה."] * 300))  # 3,300 characters
    pieces = model.split_long_part(section, limit=1000)
    assert all(len(p.text) <= 1000 for p in pieces)
    assert "\n\n".join(p.text for p in pieces) == section.text  # cut only between paragraphs
    short = Part("caption", "כיתוב")
    assert model.split_long_part(short) == [short]


def test_a_paragraph_of_1_2_million_characters_becomes_parts_the_highlighter_accepts(
    tmp_path, es, make_alias, client_for
):
    """Finding 2: such a paragraph made every search that matched it a 500 (the highlighter refuses
    text past index.highlight.max_analyzed_offset). Split at ingest, it is searchable and highlighted."""
    filler = "הדובר מסר כי הדיונים יימשכו גם מחר בבוקר. " * 28_000  # ~1.2 M characters
    paragraph = filler + "המילה קטמנדו נאמרה בסוף."
    article = read_one(tmp_path, body=paragraph)  # the schema allows 2 M characters
    assert isinstance(article, Article)
    body = [p for p in article.parts if p.kind == "body"]
    assert len(paragraph) > 1_150_000 and all(len(p.text) <= MAX_PART_CHARS for p in body)
    assert words(body) == paragraph.split()
    assert any("split" in w for w in article.warnings)
    alias = make_alias()
    ensure_alias(es, alias)
    assert not index_articles(es, alias, [article]).failed
    for query in ("קטמנדו", "הדובר"):
        response = client_for(alias).get("/api/search", query_string={"q": query})
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["results"], query
    snippet = " ".join(response.get_json()["results"][0]["snippets"][0]["html"] or [])
    assert "<mark>" in snippet


def test_too_many_parts_is_a_clear_rejection(tmp_path):
    """One 4 MB line of blank-line-separated letters was 666,000 parts."""
    flood = read_one(tmp_path, body="א\n\n" * 660_000)
    assert isinstance(flood, Rejection)
    assert (
        flood.reason
        == f"article has more than the {MAX_PARTS:,} parts allowed (paragraphs, sections, captions)"
    )
    many = read_one(tmp_path, body=[f"פסקה {n}." for n in range(MAX_PARTS)])
    assert isinstance(many, Rejection) and f"{MAX_PARTS:,} parts allowed" in many.reason
    captions = [{"caption": f"כיתוב {n}"} for n in range(10)]
    with_captions = read_one(tmp_path, body=[f"פסקה {n}." for n in range(MAX_PARTS - 5)], images=captions)
    assert with_captions.reason == f"article has {MAX_PARTS + 6:,} parts, more than the {MAX_PARTS:,} allowed"
    enough = read_one(tmp_path, body=[f"פסקה {n}." for n in range(MAX_PARTS - 1)])
    assert isinstance(enough, Article) and len(enough.parts) == MAX_PARTS


def test_an_article_over_the_size_cap_is_a_clear_rejection(tmp_path):
    paragraph = "word " * 39_999  # just under the schema's 200,000 characters per paragraph
    big = read_one(tmp_path, body=[paragraph] * 11)
    assert isinstance(big, Rejection) and big.reason.startswith("article is 2,")
    assert big.reason.endswith(f"characters long, over the {MAX_ARTICLE_CHARS:,} limit")
    assert isinstance(read_one(tmp_path, body=[paragraph] * 9), Article)


def test_the_seed_sample_is_within_every_limit():
    (article,) = read_paths([SAMPLES])
    assert isinstance(article, Article)
    assert not any("split" in w for w in article.warnings)
    assert all(len(p.text) <= MAX_PART_CHARS for p in article.parts)


# -- URLs ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<b>x</b>", "ftp://x.test/a", "//x"]
)
def test_a_url_that_is_not_http_is_dropped_with_a_warning(tmp_path, url):
    article = read_one(tmp_path, url=url)
    assert isinstance(article, Article) and article.url == ""
    assert any("dropped" in w and "http" in w for w in article.warnings)
    (tmp_path / "p.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "p.json").write_text(json.dumps({"url": url, "published_at": "2015-12-22"}))
    (page,) = read_paths([tmp_path / "p.txt"])
    assert isinstance(page, Article) and page.url == ""
    assert any("dropped" in w for w in page.warnings)


def test_http_and_https_urls_are_kept(tmp_path):
    for url in ("https://www.ynet.co.il/a/1", "HTTP://example.test/x"):
        article = read_one(tmp_path, url=url)
        assert article.url == url and not article.warnings


# -- ids -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["story-7#2", "סיפור-7", "a b", "a/b"])
def test_an_explicit_id_outside_the_id_alphabet_is_a_schema_rejection(tmp_path, bad):
    """Part ids are ``<article id>#<position>`` (service/indexing/documents.py): ids without ``#`` can never
    collide with them, and the article API only accepts this alphabet."""
    rejected = read_one(tmp_path, id=bad)
    assert isinstance(rejected, Rejection) and rejected.reason.startswith("schema: id:")
    assert read_one(tmp_path, id="story-7-2:v1.0_x").id == "story-7-2:v1.0_x"
