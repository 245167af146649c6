"""Dates and bylines printed in a page (service/ingest/page_dates.py): Israeli local time, every
common format, impossible dates refused with the reason, and a sidecar's date winning."""

import json
import shutil
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from service.ingest.page_dates import (
    PageDateError,
    Stamp,
    byline_of,
    chosen_date,
    header_of,
    is_name_line,
    parse_printed_date,
    stamp_of,
)
from service.ingest.scraped import parse_scraped
from service.ingest.sources import Rejection, read_paths
from tests.project import FIXTURES

JERUSALEM = ZoneInfo("Asia/Jerusalem")
NOW = datetime(2024, 1, 10, 12, 0, tzinfo=UTC)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=JERUSALEM)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("22.12.15 , 19:45", local(2015, 12, 22, 19, 45)),
        ("22.12.15, 19:45", local(2015, 12, 22, 19, 45)),
        ("22/12/2015 19:45", local(2015, 12, 22, 19, 45)),
        ("22.12.2015", date(2015, 12, 22)),
        ("22-12-2015 | 19:45", local(2015, 12, 22, 19, 45)),
        ("19:45 22.12.15", local(2015, 12, 22, 19, 45)),
        ("2.1.16", date(2016, 1, 2)),
        ("22 בדצמבר 2015", date(2015, 12, 22)),
        ("22 דצמבר 2015 בשעה 08:05", local(2015, 12, 22, 8, 5)),
        ("22 בדצמבר, 2015", date(2015, 12, 22)),
        ('כ"ב בדצמבר 2015', date(2015, 12, 22)),
        ("יום שלישי, 22 בדצמבר 2015 19:45", local(2015, 12, 22, 19, 45)),
        ("יום ג', 22.12.15", date(2015, 12, 22)),
        ("2015-12-22 19:45:30", local(2015, 12, 22, 19, 45, 30)),
        ("14 במרס 1999", date(1999, 3, 14)),
        ("01.07.98", date(1998, 7, 1)),  # a two-digit year ahead of next year is last century's
    ],
)
def test_printed_dates(text, expected):
    value = parse_printed_date(text, now=NOW)
    assert value == expected and type(value) is type(expected)
    if isinstance(value, datetime):
        assert value.tzinfo is JERUSALEM


def test_israeli_summer_and_winter_offsets():
    summer = parse_printed_date("03.05.18 , 21:12", now=NOW)
    winter = parse_printed_date("22.12.15 , 19:45", now=NOW)
    assert summer.isoformat() == "2018-05-03T21:12:00+03:00"
    assert winter.isoformat() == "2015-12-22T19:45:00+02:00"
    assert winter.astimezone(UTC).hour == 17


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("31.02.15", "is not a date (day is out of range for month)"),
        ("22.13.2015", "is not a date (month must be in 1..12)"),
        ("22.12.15 25:10", "is not a time of day"),
        ("22.12.15 19:75", "is not a time of day"),
        ("22 בדצמבר", "has no year"),
        ("01.01.1700", "is before 1800-01-01"),
        ("01.01.2030", "is in the future"),
        ("22.12.15 בערב", "holds more than a date"),
        ("אתמול בערב", "holds no date"),
    ],
)
def test_impossible_dates_are_refused_with_the_reason(text, reason):
    with pytest.raises(PageDateError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        parse_printed_date(text, now=NOW)


@pytest.mark.parametrize(
    ("line", "kind", "value"),
    [
        ("פורסם: 22.12.15 , 19:45", "published", local(2015, 12, 22, 19, 45)),
        ("פורסם ב-22.12.2015", "published", date(2015, 12, 22)),
        ("תאריך פרסום: 22/12/2015", "published", date(2015, 12, 22)),
        ("עודכן: 23.12.15 , 08:10", "updated", local(2015, 12, 23, 8, 10)),
        ("עודכן לאחרונה 23/12/2015", "updated", date(2015, 12, 23)),
        ("עדכון אחרון: 23.12.15", "updated", date(2015, 12, 23)),
        ("22.12.15", "published", date(2015, 12, 22)),
        ("22 בדצמבר 2015 19:45", "published", local(2015, 12, 22, 19, 45)),
    ],
)
def test_stamps(line, kind, value):
    stamp = stamp_of(line, now=NOW)
    assert stamp is not None and (stamp.kind, stamp.value, stamp.error) == (kind, value, "")


@pytest.mark.parametrize(
    "line",
    [
        "רוסיה מעורבת עמוק בבוץ הסורי.",
        "22 בדצמבר 2015 היה יום קשה בצפון.",
        "5 הרוגים בתאונה",
        "עודכן הנוהל של משרד הבריאות",
        "פורסמה הודעה",
    ],
)
def test_prose_is_no_stamp(line):
    assert stamp_of(line, now=NOW) is None


def test_a_stamp_that_is_no_date_keeps_its_reason():
    stamp = stamp_of("פורסם: 31.02.15 , 19:45", now=NOW)
    assert stamp is not None and stamp.value is None and "is not a date" in stamp.error


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("מאת דנה לוי", ["דנה לוי"]),
        ("מאת: דנה לוי", ["דנה לוי"]),
        ("כתב: יוסי כהן", ["יוסי כהן"]),
        ("כתבה: דנה לוי", ["דנה לוי"]),
        ("כתבו: דנה לוי ויוסי כהן", ["דנה לוי", "יוסי כהן"]),
        ("מאת דנה לוי ו-יוסי כהן", ["דנה לוי", "יוסי כהן"]),
        ("מאת דנה לוי, יוסי כהן", ["דנה לוי", "יוסי כהן"]),
        ("מאת דנה ויסמן", ["דנה ויסמן"]),
        ("מאת איתמר אייכנר, כתבנו בוושינגטון", ["איתמר אייכנר"]),
    ],
)
def test_bylines(line, names):
    assert byline_of(line) == names


@pytest.mark.parametrize(
    "line", ["מאתמול בערב נמשכים הדיונים", "כתב אישום הוגש נגד השר", "מאת 20 שנה. ועוד משפט", "דנה לוי"]
)
def test_no_byline(line):
    assert byline_of(line) is None


def test_name_lines_and_headers():
    assert is_name_line("עמית כהן-צדוק") and is_name_line("דנה לוי ויוסי כהן")
    assert not is_name_line("הכנסת") and not is_name_line("הוא אמר כך.")
    header = header_of("מיכל שטרן | 07/09/2021 | 14:05", now=NOW)
    assert header is not None and header.authors == ["מיכל שטרן"]
    assert [s.value for s in header.stamps] == [local(2021, 9, 7, 14, 5)]
    both = header_of("מאת דנה לוי • פורסם 22/12/15", now=NOW)
    assert both is not None and both.authors == ["דנה לוי"] and both.stamps[0].value == date(2015, 12, 22)
    assert header_of("דנה לוי", now=NOW) is None  # names alone: only beside a stamp
    assert header_of("המפלגה | 3 מנדטים", now=NOW) is None


def test_chosen_date_prefers_published_then_updated():
    published = Stamp("published", "פורסם: 22.12.15", date(2015, 12, 22))
    updated = Stamp("updated", "עודכן: 23.12.15", date(2015, 12, 23))
    broken = Stamp("published", "פורסם: 31.02.15", None, "'31.02.15' is not a date")
    assert chosen_date([updated, published]) == (date(2015, 12, 22), [])
    value, warnings = chosen_date([broken, updated])
    assert value == date(2015, 12, 23)
    assert warnings[0] == "printed date ignored: '31.02.15' is not a date"
    assert "update stamp" in warnings[1]
    assert chosen_date([]) == (None, [])


def test_a_page_is_dated_by_what_it_prints_and_a_given_date_wins():
    page = "כותרת\n\nדנה לוי\nפורסם: 22.12.15 , 19:45\n\nפסקה ראשונה של הכתבה.\n"
    article = parse_scraped(page)
    assert article.published_at == local(2015, 12, 22, 19, 45)
    assert article.authors == ["דנה לוי"]
    assert [p.text for p in article.parts] == ["כותרת", "פסקה ראשונה של הכתבה."]
    given = datetime.fromisoformat("2015-12-23T08:00:00+02:00")
    assert parse_scraped(page, published_at=given).published_at == given


def test_an_impossible_printed_date_leaves_the_page_undated_with_a_warning():
    article = parse_scraped("כותרת\n\nפורסם: 31.02.15 , 19:45\n\nפסקה.\n")
    assert article.published_at is None
    assert article.warnings == [
        "printed date ignored: '31.02.15' is not a date (day is out of range for month)"
    ]
    assert [p.text for p in article.parts] == ["כותרת", "פסקה."]


def test_sources_date_a_page_without_sidecar_and_the_sidecar_wins(tmp_path):
    shutil.copy(FIXTURES / "scraped" / "layout_ynet_caption_then_credit.txt", tmp_path / "printed.txt")
    shutil.copy(FIXTURES / "scraped" / "layout_ynet_caption_then_credit.txt", tmp_path / "sidecar.txt")
    (tmp_path / "sidecar.json").write_text(json.dumps({"published_at": "2018-05-04T07:00:00+03:00"}))
    (tmp_path / "impossible.txt").write_text("כותרת\n\nפורסם: 31.02.15\n\nפסקה.\n", encoding="utf-8")
    (tmp_path / "undated.txt").write_text("כותרת\n\nפסקה.\n", encoding="utf-8")
    items = {
        str(i.origin if hasattr(i, "origin") else i.path).rsplit("/", 1)[-1]: i
        for i in read_paths([tmp_path])
    }
    assert items["printed.txt"].published_at.isoformat() == "2018-05-03T21:12:00+03:00"
    assert items["sidecar.txt"].published_at.isoformat() == "2018-05-04T07:00:00+03:00"
    assert isinstance(items["impossible.txt"], Rejection)
    assert items["impossible.txt"].reason == (
        "no publication date: no sidecar published_at and no date printed in the page "
        "(printed date ignored: '31.02.15' is not a date (day is out of range for month))"
    )
    assert isinstance(items["undated.txt"], Rejection) and items["undated.txt"].reason.startswith(
        "no publication date"
    )
    undated = {
        str(i.origin).rsplit("/", 1)[-1]: i
        for i in read_paths([tmp_path / "undated.txt"], allow_undated=True)
    }
    assert undated["undated.txt"].published_at is None


def test_a_bare_date_below_the_header_is_a_subheading_not_a_stamp():
    long_paragraph = " ".join(["מילה"] * 20) + "."
    page = (
        "כותרת\n\nפורסם: 22.12.23\n\nפתיח.\n\nפסקה ראשונה.\n\nפסקה שנייה.\n\n"
        f"7 באוקטובר 2023\n{long_paragraph}\n\n7 באוקטובר\n\n{long_paragraph}\n"
    )
    article = parse_scraped(page, published_at=None)
    assert article.published_at == date(2023, 12, 22)
    headings = [p.heading for p in article.parts if p.kind == "body"]
    assert headings == ["", "", "7 באוקטובר 2023", "7 באוקטובר"]


@pytest.mark.parametrize(
    ("line", "stamps", "authors"),
    [
        (
            "פורסם: 22.12.15 , 19:45 עודכן: 23.12.15 , 08:10",
            [("published", local(2015, 12, 22, 19, 45)), ("updated", local(2015, 12, 23, 8, 10))],
            [],
        ),
        ("דנה לוי פורסם: 22.12.15", [("published", date(2015, 12, 22))], ["דנה לוי"]),
    ],
)
def test_a_labelled_stamp_after_other_text_on_the_line_is_its_own_segment(line, stamps, authors):
    header = header_of(line, now=NOW)
    assert header is not None
    assert [(s.kind, s.value) for s in header.stamps] == stamps and header.authors == authors


def test_a_label_word_inside_prose_splits_nothing():
    assert header_of("היום פורסם: הדוח השנתי של מבקר המדינה", now=NOW) is None
