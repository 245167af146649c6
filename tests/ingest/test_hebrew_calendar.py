"""Hebrew-calendar dates as pages print them: alone (converted by the calendar's rules) or beside
the civil date (the same day, skipped)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from service.ingest.hebrew_calendar import HEBREW_DATE, gematria, hebrew_day
from service.ingest.page_dates import header_of, stamp_of

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=ZoneInfo("Asia/Jerusalem"))


@pytest.mark.parametrize(
    ("word", "number"), [('כ"ב', 22), ("ט״ו", 15), ('תשע"ו', 776), ("תשפ״ה", 785), ("ל'", 30), ("ך", 20)]
)
def test_gematria(word, number):
    assert gematria(word) == number


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ('כ"ב בכסלו תשע"ו', date(2015, 12, 4)),
        ("י' טבת ה'תשע\"ו", date(2015, 12, 22)),
        ("ל' חשוון תשפ\"ה", date(2024, 12, 1)),
        ("א׳ בניסן תשפ״ה", date(2025, 3, 30)),
        # Adar in a leap year is Adar II, where Purim is kept; Adar I must be said.
        ('י״ד אדר תשפ"ד', date(2024, 3, 24)),
        ("י״ד אדר ב' תשפ\"ד", date(2024, 3, 24)),
        ("י״ד אדר א' תשפ\"ד", date(2024, 2, 23)),
        ('י״ד אדר תשפ"ה', date(2025, 3, 14)),
    ],
)
def test_hebrew_days(text, day):
    match = HEBREW_DATE.search(text)
    assert match is not None and hebrew_day(match) == day


def test_a_day_the_month_lacks_is_refused_with_the_reason():
    match = HEBREW_DATE.search("ל' טבת תשפ\"ה")
    with pytest.raises(ValueError, match="29 days"):
        hebrew_day(match)


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ('פורסם: כ"ב כסלו תשע"ו, 22.12.15', date(2015, 12, 22)),  # the civil date decides
        ("פורסם: 22.12.15 13:20 (י' בטבת תשע\"ו)", datetime(2015, 12, 22, 13, 20, tzinfo=NOW.tzinfo)),
        ("פורסם: י' בטבת תשע\"ו", date(2015, 12, 22)),
        ("יום ג', י' טבת תשע\"ו | 22/12/2015", date(2015, 12, 22)),
    ],
)
def test_stamps_with_a_hebrew_date(line, value):
    header = header_of(line, now=NOW)
    assert header is not None and header.stamps[0].value == value and not header.stamps[0].error


def test_a_hebrew_date_that_is_no_day_is_reported_and_prose_is_no_stamp():
    stamp = stamp_of("עודכן: ל' טבת תשפ\"ה", now=NOW)
    assert stamp is not None and stamp.value is None and "29 days" in stamp.error
    assert header_of('ט"ו בשבט תשפ"ה: חג האילנות נחגג היום בכל הארץ', now=NOW) is None
