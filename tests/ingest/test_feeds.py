"""RSS and Atom feeds → articles (service/ingest/feeds.py): each fixture entry parses to its title,
date, authors, URL, source, lead, sections and captions with credits, whether its text is in the
feed or in a saved page beside it; an entry with neither, and a broken feed, are rejections with
their reasons, the rest read; and ``flask ingest`` and ``flask index`` take a feed."""

from __future__ import annotations

import gzip
import json
import shutil
from datetime import UTC, datetime, timedelta, timezone

import pytest

from service import create_app
from service.config import Settings
from service.ingest.feeds import BadFeed, comparable_url, feed_entries, is_feed_path, read_feed_bytes
from service.ingest.sources import Rejection, raw_records, read_paths
from service.model import Article
from tests.project import FIXTURES

FEEDS = FIXTURES / "feeds"
FULL, LINKED, ATOM = (
    FEEDS / "full" / "haiton.rss",
    FEEDS / "linked" / "mabat.rss",
    FEEDS / "atom" / "hadashot-hayom.atom",
)
BROKEN = FEEDS / "bad" / "broken.rss"
IL_WINTER, IL_SUMMER = timezone(timedelta(hours=2)), timezone(timedelta(hours=3))

EXPECTED = {
    (FULL, 1): {
        "title": "הספרייה הלאומית חושפת כתבי יד שלא נראו מאה שנה",
        "published": datetime(2023, 11, 5, 17, 30, tzinfo=IL_WINTER),
        "authors": ["עמרי שטרן"],
        "url": "https://www.haiton.example/culture/2023-11-05/ty-article/library-manuscripts/0000018b-aaaa",
        "source": "העיתון",
        "lead": "אוסף של מכתבים ויומנים מתחילת המאה ה-20 הועבר לספרייה מעיזבון משפחה בחיפה",
        "sections": [
            ("", "הספרייה הלאומית בירושלים הציגה"),
            ("", "לדברי אנשי הספרייה"),
            ("יומן של רוקחת", "הפריט הבולט באוסף"),
            ("מה יקרה לאוסף", "הספרייה מתכננת לסרוק"),
        ],
        "captions": {
            "מכתבים מהאוסף, שנכתבו ברובם ביידיש ובגרמנית": "תמר אופנהיים",  # a figure in the text
            "דף מתוך יומנה של הרוקחת, 1918": "הספרייה הלאומית",  # media:content
        },
        "absent": ["ניוזלטר", "צילום:"],
    },
    (FULL, 2): {  # a long description and no content:encoded; a pubDate without a zone
        "title": "מוזיאון ישראל יחזיר לתצוגה את אגף האמנות היהודית אחרי שיפוץ של שלוש שנים",
        "published": datetime(2023, 11, 6, 9, 15, tzinfo=IL_WINTER),
        "authors": ["ליאת גבאי"],  # "culture@haiton.example (ליאת גבאי)"
        "url": "https://www.haiton.example/culture/2023-11-06/ty-article/israel-museum-wing/0000018b-bbbb",
        "source": "העיתון",
        "lead": "",
        "sections": [("", "אגף האמנות והחיים היהודיים"), ("", "בין הפריטים שיוצגו"), ("", "המוזיאון הודיע")],
        "captions": {"בית הכנסת מוויטוריו ונטו באגף המשופץ": "אלי פוזנר, מוזיאון ישראל"},  # media:group
        "absent": [],
    },
    (FULL, 3): {  # no date anywhere: parsed when undated articles are allowed
        "title": "פסטיבל הסרטים בחיפה יקוצר לחמישה ימים ויתקיים בהיקף מצומצם",
        "published": None,
        "authors": ["נועה ברקוביץ", "יואב מזרחי"],
        "url": "https://www.haiton.example/culture/cinema/ty-article/haifa-festival/0000018b-cccc",
        "source": "העיתון",
        "lead": 'ההנהלה: "חשוב לנו לקיים את הפסטיבל גם בתקופה הזאת"',
        "sections": [("", "הנהלת פסטיבל הסרטים"), ("", "התחרות הבינלאומית בוטלה")],
        "captions": {},
        "absent": [],
    },
    (LINKED, 1): {  # the saved page has no date and no byline: the feed's
        "title": "אלפים צפויים להגיע לטקס ברכת הכהנים בכותל",
        "published": datetime(2022, 4, 17, 8, 10, tzinfo=IL_SUMMER),
        "authors": ["אורי שחר"],
        "url": "https://news.mabat.example/item/3650001",
        "source": "מבט",
        "lead": "המשטרה תפרוס כוחות גדולים בעיר העתיקה, והסעות יצאו מכל רחבי הארץ",
        "sections": [
            ("", "עשרות אלפי מתפללים"),
            ("", "המשטרה הודיעה כי"),
            ("הסעות מכל הארץ", "חברות התחבורה"),
        ],
        "captions": {"רחבת הכותל בבוקר חג": "מרים אלסטר"},
        "absent": ["שתפו", "מחירי הדלק", "תקנון"],
    },
    (LINKED, 2): {  # found by its canonical URL; its own date and author win over the feed's
        "title": 'ביקוש שיא לטיסות לחו"ל בחול המועד',
        "published": datetime(2022, 4, 17, 8, 45, tzinfo=IL_SUMMER),
        "authors": ["רותם לוי"],
        "url": "https://news.mabat.example/item/3650002",
        "source": "מבט",
        "lead": "רשות שדות התעופה: יותר מ-80 אלף נוסעים ביום, ותורים ארוכים בבדיקות הביטחוניות",
        "sections": [("", "נמל התעופה בן גוריון"), ("", "ברשות ממליצים")],
        "captions": {"נוסעים בטרמינל 3 בבוקר יום ראשון": "יוסי זליגר"},
        "absent": [],
    },
    (ATOM, 1): {
        "title": 'בנק ישראל הותיר את הריבית על כנה: "האינפלציה עדיין גבוהה"',
        "published": datetime(2024, 3, 11, 14, 0, tzinfo=UTC),  # <published>, not <updated>
        "authors": ["שירה אבן", "גיל נחום"],
        "url": "https://www.hadashot-hayom.example/articles/0,7340,L-5512400,00.html",
        "source": "חדשות היום - כלכלה",
        "lead": "הוועדה המוניטרית החליטה פה אחד להשאיר את הריבית ברמה של 4.5%",
        "sections": [
            ("", "בנק ישראל הודיע היום"),
            ("", "בהודעת הבנק נכתב"),
            ("מה זה אומר על המשכנתא", "לבעלי"),
        ],
        "captions": {
            "בניין בנק ישראל בירושלים": "אוהד צויגנברג",  # media:title, no description
            "נגיד בנק ישראל במסיבת העיתונאים": None,  # an enclosure's title, no credit
        },
        "absent": [],
    },
    (ATOM, 2): {  # xhtml content, only <updated> and without a zone: Israel time
        "title": "מחירי הדירות עלו ב-0.6% בחודשיים האחרונים",
        "published": datetime(2024, 3, 12, 10, 5, tzinfo=IL_WINTER),
        "authors": ["רון פלד"],
        "url": "https://www.hadashot-hayom.example/articles/0,7340,L-5512433,00.html",
        "source": "חדשות היום - כלכלה",
        "lead": "",  # Atom's summary, when none is given, is the content itself
        "sections": [("", "מדד מחירי הדירות"), ("", "העלייה החדה ביותר")],
        "captions": {},
        "absent": [],
    },
}


def _articles(path, allow_undated=True):
    return {
        int(a.origin.rsplit(":", 1)[1]): a
        for a in read_paths([path], allow_undated=allow_undated)
        if isinstance(a, Article)
    }


@pytest.mark.parametrize(("feed", "number"), sorted(EXPECTED, key=lambda k: (k[0].name, k[1])))
def test_each_entry_parses_to_its_expected_article(feed, number):
    expected = EXPECTED[(feed, number)]
    article = _articles(feed)[number]
    assert article.title == expected["title"]
    assert article.published_at == expected["published"]
    if expected["published"] is not None:
        assert article.published_at.tzinfo is not None
    assert article.authors == expected["authors"]
    assert article.url == expected["url"]
    assert article.source == expected["source"]
    assert article.lead == expected["lead"]
    sections = [(p.heading, p.text) for p in article.parts if p.kind == "body"]
    assert [h for h, _ in sections] == [h for h, _ in expected["sections"]]
    for (_, text), (_, start) in zip(sections, expected["sections"], strict=True):
        assert text.startswith(start), text
    captions = {p.text: (p.credit.text if p.credit else None) for p in article.parts if p.kind == "caption"}
    assert captions == expected["captions"]
    whole = json.dumps(article.to_json(), ensure_ascii=False)
    for chrome in expected["absent"]:
        assert chrome not in whole


def test_an_entry_with_only_a_summary_and_no_saved_page_is_rejected_and_the_others_read():
    items = list(read_paths([LINKED]))
    rejections = [i for i in items if isinstance(i, Rejection)]
    assert len(items) == 3 and len(rejections) == 1
    (rejection,) = rejections
    assert (rejection.path, rejection.line) == (str(LINKED), 3)
    assert "entry 3 ('התחזית: חם מהרגיל, אובך בדרום')" in rejection.reason
    assert "only a summary" in rejection.reason
    assert "no saved page of https://news.mabat.example/item/3650003 beside the feed" in rejection.reason
    # its media:description is no article text, though feedparser takes it for the entry's content
    assert "חוף הים" not in rejection.reason


def test_a_broken_feed_is_one_rejection():
    (rejection,) = list(read_paths([BROKEN]))
    assert isinstance(rejection, Rejection) and rejection.path == str(BROKEN) and rejection.line is None
    assert "the feed is cut off" in rejection.reason


def test_an_undated_entry_is_rejected_unless_undated_is_allowed():
    items = list(read_paths([FULL]))
    assert [type(i).__name__ for i in items] == ["Article", "Article", "Rejection"]
    assert items[2].line == 3 and "no publication date" in items[2].reason
    assert _articles(FULL, allow_undated=True)[3].published_at is None


@pytest.mark.parametrize("feed_name", ["mabat.rss", "0-before-the-pages.rss"])
def test_a_folder_reads_the_saved_pages_through_their_feed_only(tmp_path, feed_name):
    """The pages a feed's entries read are not read again on their own (they would be the same
    articles, the undated one rejected), whether the feed comes before or after them; a page no
    entry names is read as a page."""
    for item in LINKED.parent.iterdir():
        shutil.copy(item, tmp_path / (feed_name if item == LINKED else item.name))
    shutil.copy(FIXTURES / "html" / "pages" / "portal-like.html", tmp_path / "other.html")
    items = list(read_paths([tmp_path]))
    origins = sorted(i.origin for i in items if isinstance(i, Article))
    assert origins == sorted(
        [str(tmp_path / f"{feed_name}:1"), str(tmp_path / f"{feed_name}:2"), str(tmp_path / "other.html")]
    )
    assert sum(isinstance(i, Rejection) for i in items) == 1


def test_a_page_named_like_the_link_but_of_another_url_is_not_taken(tmp_path):
    page = (LINKED.parent / "3650001.html").read_text(encoding="utf-8")
    (tmp_path / "3650001.html").write_text(page.replace("item/3650001", "item/9999999"), encoding="utf-8")
    shutil.copy(LINKED, tmp_path / "mabat.rss")
    (entry, *_) = feed_entries(tmp_path / "mabat.rss")
    assert entry["page"] == ""


def test_links_compare_without_tracking_parameters_scheme_or_www():
    assert comparable_url("https://www.x.example/item/1/?utm_source=rss&id=2#top") == "x.example/item/1?id=2"
    assert comparable_url("http://x.example/item/1") == comparable_url(
        "https://www.x.example/item/1?fbclid=9"
    )


def test_xml_files_are_feeds_by_their_root_and_gzipped_feeds_are_read(tmp_path):
    shutil.copy(ATOM, tmp_path / "economy.xml")
    (tmp_path / "culture.rss.gz").write_bytes(gzip.compress(FULL.read_bytes()))
    (tmp_path / "sitemap.xml").write_text(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>'
    )
    assert is_feed_path(tmp_path / "economy.xml") and not is_feed_path(tmp_path / "sitemap.xml")
    articles = [a for a in read_paths([tmp_path], allow_undated=True) if isinstance(a, Article)]
    assert sorted(a.title for a in articles) == sorted(
        e["title"] for (feed, _), e in EXPECTED.items() if feed in (FULL, ATOM)
    )


def test_a_feed_that_is_not_well_formed_is_read_leniently_with_a_warning(tmp_path):
    text = FULL.read_text(encoding="utf-8").replace("<title>העיתון</title>", "<title>העיתון & שות'</title>")
    (tmp_path / "loose.rss").write_text(text, encoding="utf-8")
    articles = [a for a in read_paths([tmp_path], allow_undated=True) if isinstance(a, Article)]
    assert len(articles) == 3
    assert all(any("not well-formed XML" in w for w in a.warnings) for a in articles)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"<!DOCTYPE html><html><body><p>not a feed</p></body></html>", "not an RSS or Atom feed"),
        (bytes(range(256)) * 20, "not an RSS or Atom feed"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>', "no entries"),
    ],
    ids=["html", "binary", "empty-channel"],  # plain ids: mutmut re-runs tests by id
)
def test_a_file_named_rss_that_holds_no_feed_is_one_rejection(tmp_path, content, reason):
    (tmp_path / "feed.rss").write_bytes(content)
    (rejection,) = list(read_paths([tmp_path]))
    assert isinstance(rejection, Rejection) and reason in rejection.reason


def test_a_feed_over_the_limit_or_a_gzip_bomb_is_refused_unread(tmp_path):
    bomb = tmp_path / "bomb.rss.gz"
    bomb.write_bytes(gzip.compress(b"<rss>" + b" " * 100_000))
    with pytest.raises(BadFeed, match="decompresses to over 10,000 bytes"):
        read_feed_bytes(bomb, limit=10_000)
    with pytest.raises(BadFeed, match="over the 100 limit for one feed"):
        read_feed_bytes(FULL, limit=100)


def test_entries_ship_to_workers_as_records_in_order():
    records = list(raw_records([FULL]))
    assert [(r.line, r.feed) for r in records] == [(1, True), (2, True), (3, True)]
    assert records[0].parse(allow_undated=True).title == EXPECTED[(FULL, 1)]["title"]


def runner():
    return create_app(Settings(es_url="http://127.0.0.1:9", es_index="unused")).test_cli_runner()


def test_flask_ingest_prints_a_feeds_articles_and_its_rejections():
    result = runner().invoke(args=["ingest", str(FULL), str(LINKED), str(BROKEN)])
    assert result.exit_code == 1
    printed = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["title"] for a in printed] == [
        EXPECTED[(FULL, 1)]["title"],
        EXPECTED[(FULL, 2)]["title"],
        EXPECTED[(FULL, 3)]["title"],
        EXPECTED[(LINKED, 1)]["title"],
        EXPECTED[(LINKED, 2)]["title"],
    ]
    assert printed[3]["published_at"] == "2022-04-17T08:10:00+03:00"
    assert f"{LINKED}:3: entry 3" in result.stderr and f"{BROKEN}: the feed is cut off" in result.stderr
    assert "read 7, parsed 5 (1 without a date), rejected 2" in result.stderr


def test_feeds_index_through_worker_processes_and_a_caption_credit_is_found(
    cli_for, client_for, make_alias, tmp_path
):
    for item in [ATOM, *LINKED.parent.iterdir()]:
        shutil.copy(item, tmp_path / item.name)
    alias = make_alias()
    result = cli_for(alias).invoke(args=["index", "--workers", "2", str(tmp_path)])
    assert result.exit_code == 1  # the linked feed's third entry
    assert "mabat.rss:3: entry 3" in result.stderr
    assert "read 5, indexed 4 articles" in result.stderr  # the two saved pages only through the feed
    kotel = client_for(alias).get("/api/search", query_string={"q": "הכותל"}).get_json()
    assert [r["published_at"][:16] for r in kotel["results"]] == ["2022-04-17T08:10"]  # the feed's date
    body = client_for(alias).get("/api/search", query_string={"q": "ריבית"}).get_json()
    (hit,) = body["results"]
    assert hit["url"] == EXPECTED[(ATOM, 1)]["url"]
    building = client_for(alias).get("/api/search", query_string={"q": "בניין"}).get_json()
    (hit,) = building["results"]
    assert hit["title"] == EXPECTED[(ATOM, 1)]["title"]
    assert any(s["kind"] == "caption" and "אוהד צויגנברג" in (s.get("credit") or "") for s in hit["snippets"])


def test_a_relative_link_is_the_sites_and_an_untitled_entry_without_a_page_is_rejected(tmp_path):
    text = LINKED.read_text(encoding="utf-8")
    text = text.replace("<link>https://news.mabat.example/item/3650001</link>", "<link>/item/3650001</link>")
    text = text.replace("<title>התחזית: חם מהרגיל, אובך בדרום</title>", "<title></title>")
    (tmp_path / "mabat.rss").write_text(text, encoding="utf-8")
    shutil.copy(LINKED.parent / "3650001.html", tmp_path / "3650001.html")
    first, second, third = read_paths([tmp_path])
    assert isinstance(first, Article) and first.url == "https://news.mabat.example/item/3650001"
    assert first.published_at == EXPECTED[(LINKED, 1)]["published"]
    assert isinstance(second, Rejection) and "only a summary" in second.reason  # its page is not here
    assert isinstance(third, Rejection) and third.reason == "entry 3: the entry has no title"


def test_an_entry_whose_full_text_is_no_article_is_rejected_with_the_pages_reason(tmp_path):
    text = FULL.read_text(encoding="utf-8")
    start, end = text.index("<content:encoded>"), text.index("</content:encoded>")
    stub = "<content:encoded><![CDATA[<p>לכתבה המלאה</p>]]>"
    (tmp_path / "stub.rss").write_text(text[:start] + stub + text[end:], encoding="utf-8")
    first, *rest = read_paths([tmp_path], allow_undated=True)
    assert isinstance(first, Rejection) and first.line == 1
    assert "its text holds no article (no article in the page" in first.reason
    assert [type(i) for i in rest] == [Article, Article]


def test_an_entry_whose_link_is_no_url_keeps_its_article_and_the_feed_its_other_entries(tmp_path):
    text = FULL.read_text(encoding="utf-8")
    good = "https://www.haiton.example/culture/2023-11-05/ty-article/library-manuscripts/0000018b-aaaa"
    (tmp_path / "haiton.rss").write_text(text.replace(good, "http://[broken/item/1"), encoding="utf-8")
    first, *rest = read_paths([tmp_path], allow_undated=True)
    assert isinstance(first, Article) and first.url == ""
    assert "link 'http://[broken/item/1' dropped: Invalid IPv6 URL" in first.warnings
    assert [type(i) for i in rest] == [Article, Article]
    assert rest[0].url.startswith("https://www.haiton.example/culture/2023-11-06/")
