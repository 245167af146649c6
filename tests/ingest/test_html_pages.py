"""Saved HTML pages → articles (service/ingest/html_page.py): each fixture page, modelled on the
structure of a Hebrew news site, parses to its title, lead, sections, captions with credits, date,
authors and URL with none of the site's chrome; each bad page is one file's rejection with its reason;
and a folder of pages indexes through the CLI on the real node."""

from __future__ import annotations

import codecs
import gzip
import shutil
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from service.ingest.html_files import MAX_HTML_BYTES, NotAnArticle, decode_html, read_html_bytes
from service.ingest.html_page import read_html_page
from service.ingest.sources import article_of_file, read_paths
from service.model import Article
from tests.project import FIXTURES, SAMPLES

PAGES = FIXTURES / "html" / "pages"
BAD = FIXTURES / "html" / "bad"
IL_WINTER, IL_SUMMER = timezone(timedelta(hours=2)), timezone(timedelta(hours=3))

EXPECTED = {
    "daily-like.html": {
        "title": "מחסור במים בגליל: החקלאים מזהירים מפני עונה אבודה",
        "lead": "בעקבות החורף השחון ביותר מזה עשור",
        "headings": ["", "", "המאבק על כל קוב", 'רשות המים: "אין מה לחלק"'],
        "captions": {
            'שדה חיטה יבש ליד קריית שמונה. "לא ראינו שנה כזאת"': "אביטל רוזנטל",
            "מאגר המים של המושב, ריק למחצה באמצע מרץ": "רויטרס",
        },
        "published": datetime(2024, 3, 11, 8, 42, tzinfo=IL_WINTER),
        "authors": ["נועה ברקוביץ"],
        "url": "https://www.hadashot-hayom.example/articles/0,7340,L-5512345,00.html",
        "source": "חדשות היום",
        "chrome": [
            "מבזקים",
            "ספורט עולמי",
            "תנועה כבדה בכביש החוף",
            "שתפו",
            "שליחה לחבר",
            "קראו עוד",
            "המדריך המלא לחיסכון",
            "מחירי הדירות בצפון",
            "תמונת קידום",
            "בושה וחרפה",
            "מוטי מהקריות",
            "למה לא בונים",
            "ניוזלטר",
            "כל הזכויות שמורות",
            "טקסט-מתוך-סקריפט",
            "כתבות נוספות באתר",
            "משק המים",
            "מדיניות פרטיות",
            "פורסם",
            "עודכן",
        ],
    },
    "amp-like.html": {
        # An AMP page: <amp-img> in the figure, a video figure credited, a pull quote, AMP widgets.
        "title": "שר האוצר הציג את תקציב המדינה לשנת 2026",
        "lead": "הגירעון צפוי לרדת ל-3.2% מהתוצר",
        "headings": ["", "", "הביקורת באופוזיציה"],
        "captions": {
            "שר האוצר במסיבת העיתונאים בירושלים": "יונתן זינדל, פלאש 90",
            "נאום השר במליאת הכנסת": "ערוץ הכנסת",
        },
        "published": datetime(2025, 10, 14, 18, 5, tzinfo=IL_SUMMER),
        "authors": ["מיכל לוי"],
        "url": "https://news.example.co.il/article/r1abc",
        "source": "חדשות הבוקר",
        "chrome": ["ראשי", "עוד בכלכלה", "הבורסה בתל אביב", "שתפו", "כל הזכויות שמורות", "| 14.10.25"],
    },
    "legacy-br-like.html": {
        # An older site: Windows-1255, a layout table, paragraphs split by <br><br>, a lazy image in a
        # WordPress-style caption box, the site's name only in <title>, no meta dates.
        "title": "הכנסת אישרה את חוק הגיוס בקריאה ראשונה",
        "lead": "61 חברי כנסת תמכו בהצעה ו-59 התנגדו",
        "headings": ["", "", ""],
        "captions": {"מליאת הכנסת בזמן ההצבעה": "מרים אלסטר, פלאש 90"},
        "published": datetime(2014, 7, 22, 23, 15, tzinfo=IL_SUMMER),
        "authors": [],
        "url": "",
        "source": "אתר חדשות",
        "chrome": ["דף הבית", "כל הזכויות שמורות", "פורסם"],
    },
    "paper-like.html": {
        "title": "הספרייה הלאומית חושפת כתבי יד שלא נראו מאה שנה",
        "lead": "אוסף של מכתבים ויומנים מתחילת המאה ה-20 הועבר לספרייה מעיזבון משפחה בחיפה. החוקרים:",
        "headings": ["", "", "יומן של רוקחת", "מה יקרה לאוסף"],
        "captions": {
            "מכתבים מהאוסף, שנכתבו ברובם ביידיש ובגרמנית": "תמר אופנהיים",
            "דף מתוך יומנה של הרוקחת, 1918": "הספרייה הלאומית",
        },
        "published": datetime(2023, 11, 5, 17, 30, tzinfo=IL_WINTER),
        "authors": ["עמרי שטרן", "ליאת גבאי"],
        "url": "https://www.haiton.example/culture/2023-11-05/ty-article/library-manuscripts/0000018b-aaaa",
        "source": "העיתון",
        "chrome": [
            "דעות ומאמרים",
            "מינוי דיגיטלי",
            "שיתוף בטוויטר",
            "העתקת קישור",
            "מומלצים",
            "תגלית ארכיאולוגית",
            "ביקורת קולנוע",
            "תגובות הקוראים",
            "סוף סוף מישהו",
            "סבתא שלי",
            "הצהרת נגישות",
            "הודעת-תשלום",
            "לקריאת הכתבה המלאה",
            "תרבות וספרות",
            "05.11.2023",
        ],
    },
    "portal-like.html": {
        "title": "מכבי חיפה ניצחה בדרבי ועלתה לפסגה",
        "lead": "שער בדקה ה-88 הכריע משחק צמוד באצטדיון סמי עופר. המאמן אחרי המשחק:",
        "headings": ["", "", "המחצית השנייה", "מה הלאה"],
        "captions": {
            "שחקני מכבי חוגגים את השער": "עידו פרלמן",
            'המאמן נותן הוראות מהקווים. "ידענו שזה יגיע"': "יונתן אברהמי, מבט",
        },
        "published": datetime(2022, 4, 16, 21, 57, tzinfo=IL_SUMMER),  # from "פורסם: 16.04.22, 21:57"
        "authors": ["דנה כהן"],
        "url": "https://sports.mabat.example/item/3612345",
        "source": "מבט",
        "chrome": [
            "סלבס ורכילות",
            "משחקים אונליין",
            "שתפו",
            "ציוצים",
            "פרסומת",
            "הטריק הפשוט",
            "עוד בספורט",
            "גארד אמריקאי",
            "ירוקים לנצח",
            "איזה משחק מטורף",
            "פורטל החדשות",
            "תקנון האתר",
            "כדורגל-ישראלי",
            "מאת",
            "פורסם",
        ],
    },
    "windows-1255.html": {
        "title": "עיריית באר שבע תפתח שלושה גני ילדים חדשים",
        "lead": "הגנים ייפתחו בשכונות החדשות בדרום העיר לקראת שנת הלימודים",
        "headings": ["", "", ""],
        "captions": {"אחד הגנים החדשים, לפני הפתיחה": "משה לוינסון"},
        "published": datetime(2007, 8, 28, 10, 15, tzinfo=IL_SUMMER),
        "authors": ["אורי דהן"],
        "url": "",
        "source": "הנגב היום",
        "chrome": ["דף הבית", "ארכיון כתבות", "לוח מודעות", "כל הזכויות שמורות", "מאת", "פורסם"],
    },
    "seed.html": {
        "title": "אחרי חיסול קונטאר: פוטין ונתניהו שוחחו על תיאום פעולות נגד הטרור",
        "lead": "לאחר חיסול בכיר חיזבאללה בפעולה שמיוחסת לישראל",
        "headings": [""] * 9,
        "captions": {
            "משתפים פעולה. פוטין ונתניהו": 'עמוס בן גרשום לע"מ',
            "פגישת פוטין ונתניהו בפריז": 'לע"מ',
            "פוטין ונתניהו בפגישתם האחרונה. שיבחו את שיתוף הפעולה הביטחוני בין המדינות": 'עמוס בן גרשום לע"מ',
            "טילי S-400 בסוריה. לא הופעלו בחיסול קונטאר": "AFP / RUSSIAN DEFENCE MINISTRY",
            "ריבלין ונשיא אוקראינה פורושנקו": 'מארק ניימן, לע"מ',
        },
        "published": date(2015, 12, 22),
        "authors": [],
        "url": "",
        "source": "ynet",
        "chrome": [
            "שתף קטע נבחר",
            "שליחה לחבר",
            "הקלידו את הקוד",
            "הסרטון נשלח",
            "הטמעת הסרטון",
            "קוד להטמעה",
            "לפנייה לכתב",
            "מומלצים",
            "המדריך לחופשה",
            "עוגת שוקולד",
            "תגובה חדשה",
            "פעולה זו תמחק",
            "הרוסים תמיד משחקים",
            "דיגיטל וטכנולוגיה",
            "כל הזכויות",
            "פרסמו אצלנו",
            "פורסם",
        ],
    },
}


def every_text(article: Article) -> str:
    """All the text the article will index or show: parts, headings, credits, authors."""
    pieces = [article.title, *article.authors]
    for part in article.parts:
        pieces += [part.text, part.heading, part.credit.text if part.credit else ""]
    return "\n".join(pieces)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_page_parses_to_its_article(name):
    expected = EXPECTED[name]
    article = read_html_page(PAGES / name)
    assert article.title == expected["title"]
    assert article.lead.startswith(expected["lead"])
    sections = [p for p in article.parts if p.kind == "body"]
    assert [p.heading for p in sections] == expected["headings"]
    captions = {p.text: p.credit.text if p.credit else "" for p in article.parts if p.kind == "caption"}
    assert captions == expected["captions"]
    assert article.published_at == expected["published"]
    assert type(article.published_at) is type(expected["published"])
    assert article.authors == expected["authors"]
    assert article.url == expected["url"]
    assert article.source == expected["source"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_site_chrome_in_any_part(name):
    text = every_text(read_html_page(PAGES / name))
    leaked = [phrase for phrase in EXPECTED[name]["chrome"] if phrase in text]
    assert not leaked


def test_a_subheading_gathers_the_paragraphs_under_it():
    article = read_html_page(PAGES / "daily-like.html")
    (section,) = [p for p in article.parts if p.heading == "המאבק על כל קוב"]
    first, second = section.text.split("\n\n")
    assert first.startswith("לפי נתוני השירות המטאורולוגי") and second.startswith("בארגון מגדלי הפירות")


def test_caption_credits_name_people_and_agencies():
    article = read_html_page(PAGES / "seed.html")
    credits = {p.text: p.credit for p in article.parts if p.kind == "caption"}
    s400 = credits["טילי S-400 בסוריה. לא הופעלו בחיסול קונטאר"]
    assert s400.agencies == ("AFP", "RUSSIAN DEFENCE MINISTRY")
    rivlin = credits["ריבלין ונשיא אוקראינה פורושנקו"]
    assert rivlin.people == ("מארק ניימן",) and rivlin.agencies == ('לע"מ',)


def test_the_seed_page_is_the_same_article_as_the_bundled_sample():
    """The sample's text and the same article saved as HTML give one article: same id, parts."""
    (sample,) = list(read_paths([SAMPLES]))
    page = read_html_page(PAGES / "seed.html")
    assert page.id == sample.id
    assert page.to_json()["sections"] == sample.to_json()["sections"]
    assert sorted(page.to_json()["captions"], key=str) == sorted(sample.to_json()["captions"], key=str)


def test_windows_1255_page_is_decoded_by_its_declared_charset():
    data = (PAGES / "windows-1255.html").read_bytes()
    text, encoding = decode_html(data)
    assert encoding == "cp1255"
    assert "עיריית באר שבע" in text
    assert "decoded from cp1255" in read_html_page(PAGES / "windows-1255.html").warnings


def test_a_utf8_page_saved_with_a_byte_order_mark_reads_without_a_word(tmp_path):
    """Editors on Windows save UTF-8 with a BOM: nothing to tell the user (only other encodings are)."""
    page = tmp_path / "daily-like.html"
    page.write_bytes(codecs.BOM_UTF8 + (PAGES / "daily-like.html").read_bytes())
    article, plain = read_html_page(page), read_html_page(PAGES / "daily-like.html")
    assert not any(w.startswith("decoded from") for w in article.warnings)
    assert [p.text for p in article.parts] == [p.text for p in plain.parts]


def test_a_gzipped_page_parses_like_the_page(tmp_path):
    packed = tmp_path / "daily-like.html.gz"
    packed.write_bytes(gzip.compress((PAGES / "daily-like.html").read_bytes()))
    (article,) = list(read_paths([tmp_path]))
    assert isinstance(article, Article)
    assert article.to_json() == read_html_page(PAGES / "daily-like.html").to_json()


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("broken.html", "the page is cut off before its article"),
        ("no-article.html", "no article in the page"),
        ("script-only.html", "the page holds only scripts"),
    ],
)
def test_a_bad_page_is_rejected_with_its_reason(name, reason):
    rejection = article_of_file(BAD / name)
    assert not isinstance(rejection, Article)
    assert rejection.path == str(BAD / name)
    assert reason in rejection.reason


def test_a_50_mb_page_is_refused_before_it_is_read(tmp_path):
    huge = tmp_path / "huge.html"
    with huge.open("wb") as f:
        f.write(b"<html><body><p>")
        f.truncate(50 * 1024 * 1024)
    rejection = article_of_file(huge)
    assert not isinstance(rejection, Article)
    assert f"over the {MAX_HTML_BYTES:,} limit for one HTML page" in rejection.reason


def test_a_gzipped_page_that_decompresses_past_the_limit_is_refused(tmp_path):
    bomb = tmp_path / "bomb.html.gz"
    bomb.write_bytes(gzip.compress(b"<html><body>" + b" " * 100_000))
    with pytest.raises(NotAnArticle, match="decompresses to over 10,000 bytes"):
        read_html_bytes(bomb, limit=10_000)
    broken = tmp_path / "cut.html.gz"
    broken.write_bytes(gzip.compress((PAGES / "seed.html").read_bytes())[:500])
    rejection = article_of_file(broken)
    assert not isinstance(rejection, Article) and "broken gzip file" in rejection.reason


def test_a_binary_file_named_html_is_rejected(tmp_path):
    fake = tmp_path / "photo.html"
    fake.write_bytes(bytes(range(256)) * 40)
    rejection = article_of_file(fake)
    assert not isinstance(rejection, Article) and "binary file" in rejection.reason


def test_a_page_without_a_date_is_rejected_unless_undated_is_allowed(tmp_path):
    page = (PAGES / "portal-like.html").read_text(encoding="utf-8")
    undated = tmp_path / "undated.html"
    undated.write_text(page.replace('<span class="date">פורסם: 16.04.22, 21:57</span>', ""), encoding="utf-8")
    rejection = article_of_file(undated)
    assert not isinstance(rejection, Article) and "no publication date in the page" in rejection.reason
    article = article_of_file(undated, allow_undated=True)
    assert isinstance(article, Article) and article.published_at is None


def test_a_date_in_the_future_is_skipped_for_the_next_one(tmp_path):
    page = (PAGES / "daily-like.html").read_text(encoding="utf-8")
    future = (datetime.now(UTC) + timedelta(days=400)).strftime("%Y-%m-%dT08:42:00+02:00")
    moved = tmp_path / "future.html"
    moved.write_text(
        page.replace('"datePublished": "2024-03-11T08:42:00+02:00"', f'"datePublished": "{future}"'),
        encoding="utf-8",
    )
    article = read_html_page(moved)
    assert article.published_at == datetime(2024, 3, 11, 8, 42, tzinfo=IL_WINTER)  # the meta tag's
    assert any("in the future" in w for w in article.warnings)


def test_a_folder_of_pages_indexes_the_good_ones_and_finds_a_caption_word(
    es, cli_for, client_for, make_alias, tmp_path
):
    for page in PAGES.glob("*.html"):
        shutil.copy(page, tmp_path / page.name)
    for page in BAD.glob("*.html"):
        shutil.copy(page, tmp_path / f"bad-{page.name}")
    (tmp_path / "paper-like.html.gz").write_bytes(gzip.compress((tmp_path / "paper-like.html").read_bytes()))
    (tmp_path / "paper-like.html").unlink()
    alias = make_alias()
    result = cli_for(alias).invoke(args=["index", str(tmp_path)])
    assert result.exit_code == 1
    assert "bad-broken.html: the page is cut off" in result.stderr
    assert "bad-no-article.html: no article in the page" in result.stderr
    assert "bad-script-only.html: the page holds only scripts" in result.stderr
    good, bad = len(list(PAGES.glob("*.html"))), len(list(BAD.glob("*.html")))
    assert f"read {good + bad}, indexed {good} articles" in result.stderr
    body = client_for(alias).get("/api/search", query_string={"q": "חיטה"}).get_json()
    (hit,) = body["results"]
    assert hit["title"] == EXPECTED["daily-like.html"]["title"]
    assert hit["url"] == EXPECTED["daily-like.html"]["url"]
    assert any(s["kind"] == "caption" and "אביטל רוזנטל" in (s.get("credit") or "") for s in hit["snippets"])
    diary = client_for(alias).get("/api/search", query_string={"q": "ביידיש"}).get_json()
    assert [r["title"] for r in diary["results"]] == [EXPECTED["paper-like.html"]["title"]]  # the .gz page


def test_class_names_that_only_contain_a_chrome_word_are_not_chrome(tmp_path):
    """ "commentary" is an opinion piece and "comments-open" a WordPress body class, not comments."""
    page = (PAGES / "daily-like.html").read_text(encoding="utf-8")
    page = page.replace('<body class="article-page">', '<body class="single-post comments-open">')
    page = page.replace('<div class="ArticleWrapper">', '<div class="ArticleWrapper commentary">')
    renamed = tmp_path / "opinion.html"
    renamed.write_text(page, encoding="utf-8")
    assert read_html_page(renamed).to_json() == read_html_page(PAGES / "daily-like.html").to_json()


def test_a_one_paragraph_article_is_read_whole(tmp_path):
    """A news flash: the extractor runs its title, byline and caption into one block; the page's
    own elements are read instead."""
    flash = tmp_path / "flash.html"
    flash.write_text(
        """<!DOCTYPE html><html lang="he"><head><meta charset="utf-8"><title>מבזק</title>
<meta property="og:title" content="רעידת אדמה קלה הורגשה בצפון">
<meta property="article:published_time" content="2024-01-07T06:10:00+02:00"></head>
<body><nav><a href="/">ראשי</a></nav><main><article><h1>רעידת אדמה קלה הורגשה בצפון</h1>
<div class="byline">מאת יעל מזרחי</div>
<figure><img src="/q.jpg" alt="סייסמוגרף">
<figcaption>מכשיר מדידה במכון (צילום: אלון דגן)</figcaption></figure>
<p>רעידת אדמה בעוצמה של 3.9 בסולם ריכטר הורגשה הבוקר בגליל ובעמק הירדן. לא דווח על נפגעים או על נזק.</p>
</article></main><footer>כל הזכויות שמורות</footer></body></html>""",
        encoding="utf-8",
    )
    article = read_html_page(flash)
    (section,) = [p for p in article.parts if p.kind == "body"]
    assert section.text.startswith("רעידת אדמה בעוצמה של 3.9") and section.text.endswith("או על נזק.")
    (caption,) = [p for p in article.parts if p.kind == "caption"]
    assert (caption.text, caption.credit.text) == ("מכשיר מדידה במכון", "אלון דגן")
    assert article.authors == ["יעל מזרחי"]
    assert "כל הזכויות" not in every_text(article) and "ראשי" not in every_text(article)


@pytest.mark.parametrize(
    ("printed", "expected", "warning"),
    [
        ("פורסם: יום שלישי, 22 בדצמבר 2015", date(2015, 12, 22), None),
        (
            "פורסם: 22.12.15 , 19:45 עודכן: 23.12.15 , 08:10",
            datetime(2015, 12, 22, 19, 45, tzinfo=IL_WINTER),
            None,
        ),
        ("עודכן: 23.12.15 , 08:10", datetime(2015, 12, 23, 8, 10, tzinfo=IL_WINTER), "update stamp"),
    ],
)
def test_a_page_without_date_tags_is_dated_by_the_stamp_it_prints(tmp_path, printed, expected, warning):
    page = (PAGES / "portal-like.html").read_text(encoding="utf-8")
    stamped = tmp_path / "stamped.html"
    stamped.write_text(
        page.replace(
            '<span class="date">פורסם: 16.04.22, 21:57</span>', f'<span class="date">{printed}</span>'
        ),
        encoding="utf-8",
    )
    article = read_html_page(stamped)
    assert article.published_at == expected
    assert any(warning in w for w in article.warnings) if warning else not article.warnings
    assert not any(printed.split(":")[0] in p.text for p in article.parts)  # the stamp is no paragraph
