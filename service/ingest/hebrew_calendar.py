"""Dates of the Hebrew calendar as pages print them: "כ"ב בכסלו תשע"ו", "י' טבת ה'תשע"ו".

Religious and Jerusalem sites print the Hebrew date beside the civil one, or alone. Beside a civil
date it is the same day told twice (``parse_printed_date`` skips it); alone it is turned into the
civil day by ``pyluach`` (the calendar's rules: leap years, the two Adars). Days and years are
written in letters (gematria, with geresh or gershayim); the thousands (ה') are optional.
"""

from __future__ import annotations

import re
from datetime import date

from pyluach import dates, hebrewcal

# pyluach numbers the months from Nisan; in a leap year Adar I is 12 and Adar II 13.
_MONTHS = {
    "ניסן": 1,
    "אייר": 2,
    "אייָר": 2,
    "סיון": 3,
    "סיוון": 3,
    "תמוז": 4,
    "אב": 5,
    "מנחם אב": 5,
    "אלול": 6,
    "תשרי": 7,
    "חשון": 8,
    "חשוון": 8,
    "מרחשון": 8,
    "מרחשוון": 8,
    "כסלו": 9,
    "כסליו": 9,
    "טבת": 10,
    "שבט": 11,
    "אדר א'": 12,
    "אדר א׳": 12,
    "אדר ב'": 13,
    "אדר ב׳": 13,
    "אדר": 12,  # in a leap year: Adar II (where Purim is kept), see hebrew_day
}
_LETTERS = {
    "א": 1, "ב": 2, "ג": 3, "ד": 4, "ה": 5, "ו": 6, "ז": 7, "ח": 8, "ט": 9,
    "י": 10, "כ": 20, "ך": 20, "ל": 30, "מ": 40, "ם": 40, "נ": 50, "ן": 50, "ס": 60, "ע": 70,
    "פ": 80, "ף": 80, "צ": 90, "ץ": 90, "ק": 100, "ר": 200, "ש": 300, "ת": 400,
}  # fmt: skip
_MARKS = "'׳\"״"
_MONTH_NAMES = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))
HEBREW_DATE = re.compile(
    rf"(?<![\w'׳\"״])(?P<d>[א-ל][{_MARKS}]?[א-ט]?)\s+(?:ב\s*-?\s*)?(?P<month>{_MONTH_NAMES})"
    rf"\s*,?\s*(?P<y>(?:ה[{_MARKS}]\s*)?[א-ת]{{1,3}}[{_MARKS}][א-ת])(?![\w])"
)


def gematria(word: str) -> int:
    """The number written in letters: "כ"ב" → 22, "תשע"ו" → 776; ValueError for other letters."""
    letters = re.sub(f"[{_MARKS}\\s]", "", word)
    if not letters or any(ch not in _LETTERS for ch in letters):
        raise ValueError(f"{word!r} is not a number in letters")
    return sum(_LETTERS[ch] for ch in letters)


def hebrew_day(match: re.Match[str]) -> date:
    """The civil day of a ``HEBREW_DATE`` match; ValueError when the calendar has no such day."""
    day = gematria(match.group("d"))
    year_text = re.sub(r"\s", "", match.group("y"))
    thousands = year_text[:2] if year_text[:1] == "ה" and year_text[1:2] in _MARKS else ""
    year = 5000 + gematria(year_text[len(thousands) :])
    month = _MONTHS[match.group("month")]
    if month == 12 and match.group("month") == "אדר" and hebrewcal.Year(year).leap:
        month = 13
    try:
        return dates.HebrewDate(year, month, day).to_pydate()
    except ValueError as exc:
        raise ValueError(f"{match.group(0)!r} is not a day of the Hebrew calendar ({exc})") from None
