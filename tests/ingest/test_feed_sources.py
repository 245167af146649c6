"""Feeds as service/ingest/sources.py reads them: a feed that cannot be read, or that fails in a
way nobody foresaw, is one rejection naming the file and why, and the next input is read; an
entry that cannot become an article is its own rejection (the feed's path, the entry's number
and title, the reason); entries ship to workers whole, in UTF-8; and a folder's feeds are parsed
once each, the saved pages their entries read never read again on their own."""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter

import pytest

from service.ingest import sources
from service.ingest.feeds import feed_entries
from service.ingest.sources import RawRecord, Rejection, article_of_entry, raw_records, read_paths
from service.model import Article
from tests.project import FIXTURES

FEEDS = FIXTURES / "feeds"
FULL, LINKED = FEEDS / "full" / "haiton.rss", FEEDS / "linked" / "mabat.rss"
UNDATED_TITLE = "פסטיבל הסרטים בחיפה יקוצר לחמישה ימים ויתקיים בהיקף מצומצם"  # haiton.rss's 3rd entry
LINKED_TITLE = "אלפים צפויים להגיע לטקס ברכת הכהנים בכותל"  # mabat.rss's 1st, read from its page
NO_DATE = "no publication date: none in the feed, the entry's text or its saved page"


def _rss(*items: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>מבזקים</title>'
        + "".join(f"<item>{item}</item>" for item in items)
        + "</channel></rss>"
    )


def _copy_linked(folder, feed_name="mabat.rss"):
    for item in LINKED.parent.iterdir():
        shutil.copy(item, folder / (feed_name if item == LINKED else item.name))
    return folder / feed_name


def test_a_feed_that_cannot_be_read_is_one_rejection_naming_it(tmp_path):
    missing = tmp_path / "gone.rss"
    assert list(raw_records([missing])) == [
        Rejection(str(missing), None, "cannot read: No such file or directory")
    ]


def test_an_unforeseen_failure_in_a_feed_is_its_rejection_and_the_next_feed_is_read(tmp_path, monkeypatch):
    """The reason names the exception and is cut at 200 characters (one line for the user)."""
    bad = tmp_path / "bad.rss"
    bad.write_text(_rss("<title>x</title>"), encoding="utf-8")

    def failing(path):
        if path == bad:
            raise RuntimeError("x" * 300)
        return feed_entries(path)

    monkeypatch.setattr(sources, "feed_entries", failing)
    first, *rest = raw_records([bad, FULL])
    assert first == Rejection(str(bad), None, "unexpected RuntimeError: " + "x" * 200)
    assert [(r.path, r.line) for r in rest] == [(str(FULL), 1), (str(FULL), 2), (str(FULL), 3)]


def test_an_unforeseen_failure_reading_json_lines_keeps_the_lines_before_it(tmp_path, monkeypatch):
    lines = tmp_path / "a.jsonl"
    lines.write_text("{}\n", encoding="utf-8")

    def failing(path):
        yield 1, b"{}\n"
        raise RuntimeError("y" * 300)

    monkeypatch.setattr(sources, "iter_jsonl_lines", failing)
    first, second, *rest = raw_records([lines, FULL])
    assert first == RawRecord(str(lines), 1, b"{}\n")
    assert second == Rejection(str(lines), None, "unexpected RuntimeError: " + "y" * 200)
    assert [(r.path, r.line, r.feed) for r in rest] == [(str(FULL), n, True) for n in (1, 2, 3)]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"{not json", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
        (b'{"index": 4}', "'title'"),
        (b'["title"]', "list indices must be integers or slices, not str"),
    ],
    ids=["broken-json", "no-title", "not-an-object"],  # plain ids: mutmut re-runs tests by id
)
def test_an_entry_that_cannot_be_read_is_rejected_with_its_number(raw, reason):
    assert article_of_entry("news.rss", 4, raw) == Rejection("news.rss", 4, f"entry 4: unreadable ({reason})")


def test_an_undated_entry_is_rejected_by_default_naming_its_title():
    *_, undated = raw_records([FULL])
    expected = Rejection(str(FULL), 3, f"entry 3 ({UNDATED_TITLE!r}): {NO_DATE}")
    assert undated.parse() == expected
    assert article_of_entry(undated.path, undated.line, undated.raw) == expected
    article = undated.parse(allow_undated=True)
    assert isinstance(article, Article) and article.published_at is None
    assert article.origin == f"{FULL}:3"


def test_a_rejected_entry_is_named_by_the_first_60_characters_of_its_title(tmp_path):
    title = "ראש הממשלה נפגש הערב עם ראשי הרשויות בצפון לדיון על המצב הביטחוני ועל הפינוי"
    summary = "תקציר קצר בלבד"
    feed = tmp_path / "short.rss"
    feed.write_text(_rss(f"<title>{title}</title><description>{summary}</description>"), encoding="utf-8")
    assert len(title) > 60
    assert list(read_paths([feed])) == [
        Rejection(
            str(feed), 1, f"entry 1 ({title[:60]!r}): only a summary ({len(summary)} characters) and no link"
        )
    ]


def test_a_saved_page_gone_before_its_entry_is_parsed_is_that_entrys_rejection(tmp_path):
    """Workers parse entries after the main process found their pages: a page deleted meanwhile
    is the entry's rejection, with the system's reason."""
    feed = _copy_linked(tmp_path)
    records = list(raw_records([feed]))
    (tmp_path / "3650001.html").unlink()
    first, second, third = (r.parse() for r in records)
    assert first == Rejection(
        str(feed), 1, f"entry 1 ({LINKED_TITLE!r}): cannot read its saved page: No such file or directory"
    )
    assert isinstance(second, Article) and isinstance(third, Rejection) and third.line == 3


def test_an_unforeseen_failure_in_an_entry_is_its_rejection(monkeypatch):
    def failing(entry, origin):
        raise RuntimeError("z" * 300)

    monkeypatch.setattr(sources, "entry_article", failing)
    raw = json.dumps({"title": "כותרת"}).encode()
    assert article_of_entry("news.rss", 2, raw) == Rejection(
        "news.rss", 2, "entry 2 ('כותרת'): unexpected RuntimeError: " + "z" * 200
    )


def test_a_page_record_parses_undated_only_when_asked(tmp_path):
    page = tmp_path / "undated.txt"
    page.write_text("כותרת הכתבה\n\nפסקה ראשונה של הכתבה.\n", encoding="utf-8")
    (record,) = raw_records([page])
    assert record == RawRecord(str(page))
    assert isinstance(record.parse(), Rejection)
    article = record.parse(allow_undated=True)
    assert isinstance(article, Article) and article.title == "כותרת הכתבה" and article.published_at is None


def test_entries_ship_to_workers_whole_and_in_utf8():
    """Each record's raw is its entry as feed_entries gave it, Hebrew unescaped (a third of the
    bytes of \\uXXXX escapes: every entry crosses to a worker process)."""
    records = list(raw_records([FULL]))
    entries = feed_entries(FULL)
    assert [json.loads(r.raw) for r in records] == entries
    for record, entry in zip(records, entries, strict=True):
        assert record.raw == json.dumps(entry, ensure_ascii=False).encode("utf-8")
        assert len(record.raw) < len(json.dumps(entry)) / 2


def test_two_feeds_in_a_folder_claim_their_pages_together(tmp_path):
    """Pages read by the first feed's entries are not read on their own because a second feed,
    claiming none, stands in the folder too."""
    _copy_linked(tmp_path, "a-mabat.rss")
    shutil.copy(FULL, tmp_path / "z-haiton.rss")
    items = list(read_paths([tmp_path]))
    assert sorted(i.origin for i in items if isinstance(i, Article)) == [
        f"{tmp_path / 'a-mabat.rss'}:1",
        f"{tmp_path / 'a-mabat.rss'}:2",
        f"{tmp_path / 'z-haiton.rss'}:1",
        f"{tmp_path / 'z-haiton.rss'}:2",
    ]
    rejected = [(i.path, i.line) for i in items if isinstance(i, Rejection)]
    assert rejected == [(str(tmp_path / "a-mabat.rss"), 3), (str(tmp_path / "z-haiton.rss"), 3)]


def test_a_dangling_link_to_a_page_beside_a_feed_is_its_own_rejection(tmp_path):
    feed = _copy_linked(tmp_path)
    os.symlink("deleted.html", tmp_path / "old.html")
    items = list(raw_records([tmp_path]))
    assert Rejection(str(tmp_path / "old.html"), None, "dangling link to deleted.html") in items
    assert [(i.path, i.line) for i in items if isinstance(i, RawRecord)] == [
        (str(feed), n) for n in (1, 2, 3)
    ]


@pytest.mark.parametrize("feed_name", ["mabat.rss", "0-before-the-pages.rss"])
def test_each_feed_is_parsed_once_whether_before_or_after_its_pages(tmp_path, monkeypatch, feed_name):
    """Parsing a feed is the main process's costly step: its folder's pages are matched against
    the entries read ahead, not by reading the feed again."""
    feed = _copy_linked(tmp_path, feed_name)
    other = tmp_path / "sub" / "haiton.rss"  # a folder with no pages: read in its turn
    other.parent.mkdir()
    shutil.copy(FULL, other)
    parsed: Counter = Counter()

    def counting(path):
        parsed[path] += 1
        return feed_entries(path)

    monkeypatch.setattr(sources, "feed_entries", counting)
    records = list(raw_records([tmp_path]))
    assert parsed == {feed: 1, other: 1}
    assert [(r.path, r.line) for r in records] == [(str(f), n) for f in (feed, other) for n in (1, 2, 3)]
