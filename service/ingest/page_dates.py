"""Publication dates and bylines as news pages print them, read from one line of visible text.

Israeli sites print "פורסם: 22.12.15 , 19:45", "עודכן 23/12/2015 08:10", "22 בדצמבר 2015", "יום ג',
22.12.2015" and bylines "מאת דנה לוי", "כתבה: דנה לוי", or a name and a date on one line split by
"|". Shared by the scraped-text parser (``service/ingest/scraped.py``) and any reader of a page's
visible text. Times are Israeli local time (Asia/Jerusalem): a date with a time becomes an aware
datetime, a date alone a ``date``; both must pass the range every ingested date passes
(``service.model.published_range_error``). A line that looks like a date but is not one (31.02.15)
is reported with the reason, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Literal
from zoneinfo import ZoneInfo

from service.ingest.hebrew_calendar import HEBREW_DATE, hebrew_day
from service.model import published_range_error

NEWSROOM_ZONE = ZoneInfo("Asia/Jerusalem")

HEBREW_MONTHS = {
    "ינואר": 1,
    "פברואר": 2,
    "מרץ": 3,
    "מרס": 3,
    "אפריל": 4,
    "מאי": 5,
    "יוני": 6,
    "יולי": 7,
    "אוגוסט": 8,
    "ספטמבר": 9,
    "אוקטובר": 10,
    "נובמבר": 11,
    "דצמבר": 12,
}
_GEMATRIA = {
    "א": 1,
    "ב": 2,
    "ג": 3,
    "ד": 4,
    "ה": 5,
    "ו": 6,
    "ז": 7,
    "ח": 8,
    "ט": 9,
    "י": 10,
    "כ": 20,
    "ל": 30,
}

Kind = Literal["published", "updated"]
# The label before a printed date, and which date it names.
_LABELS: list[tuple[re.Pattern[str], Kind]] = [
    (
        re.compile(
            r"^(?:עודכן|עודכנה|עדכון אחרון|עדכון|תאריך עדכון|updated)(?:\s+לאחרונה)?\s*[:\-–]?\s*", re.I
        ),
        "updated",
    ),
    (
        re.compile(r"^(?:פורסם|פורסמה|פורסמו|תאריך פרסום|published)\s*(?:ב\s*-?\s*|[:\-–]\s*)?", re.I),
        "published",
    ),
]
_WEEKDAY = re.compile(r"^יום\s+(?:ראשון|שני|שלישי|רביעי|חמישי|שישי|שבת|[אבגדהו]['׳]?)\s*,?\s*")
_NUMERIC = re.compile(
    r"(?P<d>\d{1,2})\s*(?P<sep>[./-])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<y>\d{4}|\d{2})(?!\d)"
)
_ISO = re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)")
_DAY_WORD = r"\d{1,2}|[א-ל]{1,2}['׳\"״]?[א-ט]?"
_NAMED = re.compile(
    rf"(?P<d>{_DAY_WORD})\s+(?:ב\s*-?\s*)?(?P<month>{'|'.join(HEBREW_MONTHS)})(?:\s*,?\s*(?P<y>\d{{4}}))?(?!\w)"
)
_DATE_SHAPE = re.compile(r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{1,2}-\d{1,2}")
_TIME = re.compile(r"(?<![\d.:/])(?P<h>\d{1,2}):(?P<min>\d{2})(?::(?P<s>\d{2}))?(?![\d:])")
# What may stand around the date and time in a stamp: separators, "בשעה", "ב-", a comma.
_FILLER = re.compile(r"^[\s,|·•\-–(){}\[\]]*(?:(?:בשעה|שעה|ב|at)\s*-?)?[\s,|·•\-–(){}\[\]]*$", re.I)

# Bylines: "מאת דנה לוי", "מאת: דנה לוי", "כתב: דנה לוי", "כתבה/כתבו/כתבת: ...".
_BYLINE = re.compile(r"^(?:מאת(?:\s*:|\s)|(?:כתב|כתבה|כתבו|כתבת|כתבים)\s*:)\s*(?P<names>.+)$")
# A person's name as printed under a title: 2-4 words of letters, optional geresh, quote or hyphen.
_NAME = re.compile(r"^[א-תA-Za-z][א-תA-Za-z'׳\"״\-]*(?:\s+[א-תA-Za-z'׳\"״\-]+){1,3}$")
_NAME_JOIN = re.compile(r"\s*,\s*|\s*&\s*|\s+ו\s*-\s*|\s+and\s+", re.I)
_AND = re.compile(r"\s+ו(?=[א-ת]{2})")
_ROLE = re.compile(r"^(?:כתב|כתבת|כתבנו|כתבתנו|עורך|עורכת|פרשן|פרשנית|סופר|סופרת)\b")
# A line splits at "|" or "•", and before a labelled stamp that follows other text on the same line
# ("פורסם: 22.12.15 , 19:45 עודכן: 23.12.15", "דנה לוי פורסם: 22.12.15").
_SEGMENTS = re.compile(
    r"\s+[|·•]\s+|\s*\|\s*|\s+(?=(?:פורסם|פורסמה|עודכן|עודכנה|עדכון אחרון|תאריך פרסום|תאריך עדכון)\s*:)"
)


class PageDateError(ValueError):
    """A printed date that is not a real or plausible date; the message says why."""


def _day_number(word: str) -> int:
    if word.isdigit():
        return int(word)
    letters = re.sub(r"['׳\"״]", "", word)
    if not letters or any(ch not in _GEMATRIA for ch in letters):
        raise PageDateError(f"{word!r} is not a day of the month")
    return sum(_GEMATRIA[ch] for ch in letters)


def _year(digits: str, today: date) -> int:
    """A two-digit year is this century's, unless that is more than a year ahead (then the last)."""
    if len(digits) == 4:
        return int(digits)
    year = 2000 + int(digits)
    return year - 100 if year > today.year + 1 else year


def _find_day(text: str, today: date) -> tuple[date, re.Match[str]] | None:
    """The first calendar day in ``text`` and where it stands; PageDateError when it is not a day."""
    for pattern in (_ISO, _NUMERIC, _NAMED):
        match = pattern.search(text)
        if not match:
            continue
        if pattern is _NAMED:
            if not match.group("y"):
                raise PageDateError(f"{match.group(0)!r} has no year")
            day, month, year = (
                _day_number(match.group("d")),
                HEBREW_MONTHS[match.group("month")],
                int(match.group("y")),
            )
        else:
            day, month = int(match.group("d")), int(match.group("m"))
            year = _year(match.group("y"), today)
        try:
            return date(year, month, day), match
        except ValueError as exc:
            raise PageDateError(f"{match.group(0).strip()!r} is not a date ({exc})") from None
    if match := HEBREW_DATE.search(text):
        try:
            return hebrew_day(match), match
        except ValueError as exc:
            raise PageDateError(str(exc)) from None
    return None


def parse_printed_date(text: str, *, now: datetime | None = None) -> datetime | date:
    """A date (and optional time) as printed, without its label: "22.12.15 , 19:45", "22/12/2015",
    "19:45 22.12.2015", "יום שלישי, 22 בדצמבר 2015", "2015-12-22". Raises PageDateError with the
    reason when ``text`` holds no date, something else besides, or an impossible or implausible one."""
    text = " ".join(text.split())
    today = (now or datetime.now(NEWSROOM_ZONE)).date()
    rest = _WEEKDAY.sub("", text)
    found = _find_day(rest, today)
    if found is None:
        raise PageDateError(f"{text!r} holds no date")
    day, match = found
    rest = rest[: match.start()] + " " + rest[match.end() :]
    rest = HEBREW_DATE.sub(" ", rest, count=1)  # the same day in the Hebrew calendar, printed beside
    moment: time | None = None
    if clock := _TIME.search(rest):
        hour, minute, second = int(clock.group("h")), int(clock.group("min")), int(clock.group("s") or 0)
        if hour > 23 or minute > 59 or second > 59:
            raise PageDateError(f"{clock.group(0)!r} in {text!r} is not a time of day")
        moment = time(hour, minute, second)
        rest = rest[: clock.start()] + " " + rest[clock.end() :]
    if not _FILLER.match(rest):
        raise PageDateError(f"{text!r} holds more than a date: {rest.strip()[:40]!r}")
    value: datetime | date = day if moment is None else datetime.combine(day, moment, NEWSROOM_ZONE)
    if (error := published_range_error(value, now)) is not None:
        raise PageDateError(f"{text!r}: {error.removeprefix('published_at ')}")
    return value


@dataclass(frozen=True)
class Stamp:
    """A printed date: which date it names, its value (None when it is not a date) and why not."""

    kind: Kind
    text: str
    value: datetime | date | None = None
    error: str = ""
    labelled: bool = True  # "פורסם:", "עודכן": a bare date may be a heading ("7 באוקטובר 2023")


def stamp_of(segment: str, *, now: datetime | None = None) -> Stamp | None:
    """A labelled or bare date stamp ("פורסם: 22.12.15, 19:45", "עודכן 23/12/2015", "22.12.2015"),
    or None when ``segment`` is not one. A stamp whose date is impossible keeps the reason."""
    text = " ".join(segment.split())
    kind: Kind = "published"
    body = text
    labelled = False
    for label, named in _LABELS:
        if match := label.match(text):
            kind, body, labelled = named, text[match.end() :], True
            break
    body = _WEEKDAY.sub("", body)
    if not labelled and not re.match(r"^\(?\d|^[א-ל]{1,2}['׳\"״]?[א-ט]?\s+ב?\s*-?\s*[א-ת]", body):
        return None
    if not re.search(r"\d", body) and not HEBREW_DATE.search(body):
        return None
    try:
        return Stamp(kind, text, parse_printed_date(body, now=now), labelled=labelled)
    except PageDateError as exc:
        if not _looks_dated(body) or (not labelled and not _DATE_SHAPE.search(body)):
            return None  # prose, or a bare "7 באוקטובר" (a heading, not a stamp)
        return Stamp(kind, text, None, str(exc), labelled=labelled)


def _looks_dated(body: str) -> bool:
    """A bare segment that is shaped like a date (so its failure is worth reporting)."""
    stripped = _TIME.sub("", body).strip(" ,|")
    return bool(
        _DATE_SHAPE.fullmatch(stripped) or _NAMED.fullmatch(stripped) or HEBREW_DATE.fullmatch(stripped)
    )


def names_of(text: str) -> list[str]:
    """ "דנה לוי ויוסי כהן", "דנה לוי, יוסי כהן" → each name; a trailing role ("כתבנו בוושינגטון") dropped."""
    names = []
    for piece in _NAME_JOIN.split(text.strip(" .")):
        piece = piece.strip(" -")
        if piece and not _ROLE.match(piece):
            names.extend(_split_and(piece))
    return names


def _split_and(piece: str) -> list[str]:
    """ "דנה לוי ויוסי כהן" → two names, but "דנה ויסמן" is one: both sides must be full names."""
    for match in _AND.finditer(piece):
        left, right = piece[: match.start()], piece[match.end() :]
        if len(left.split()) >= 2 and len(right.split()) >= 2:
            return [left.strip(), right.strip()]
    return [piece]


def byline_of(line: str) -> list[str] | None:
    """The authors of an explicit byline ("מאת דנה לוי", "כתבה: דנה לוי ויוסי כהן"), else None."""
    match = _BYLINE.match(" ".join(line.split()))
    if not match or re.search(r"[.!?]\s*\S|\d", match.group("names")):
        return None
    names = names_of(match.group("names"))
    return names if names and all(len(n.split()) <= 5 for n in names) else None


def is_name_line(line: str) -> bool:
    """A line that is only people's names (an author line under the title): short, no digits or
    sentence punctuation. Only trusted beside a date stamp, where the page prints its byline."""
    if re.search(r"[.!?:;]", line) or len(line.split()) > 9:
        return False
    names = names_of(line)
    return bool(names) and all(_NAME.match(n) for n in names)


@dataclass
class Header:
    """What one metadata line of a page holds: its date stamps and its authors."""

    stamps: list[Stamp] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)


def header_of(line: str, *, now: datetime | None = None) -> Header | None:
    """A line that is a page's metadata: a date stamp, a byline, or both split by "|" or "•"
    ("דנה לוי | 22.12.2015 | 19:45", "מאת דנה לוי • פורסם 22/12/15"). None when any part of it is
    something else (prose mentioning a date is not a stamp)."""
    if len(line) > 200:
        return None
    segments = [s for s in _SEGMENTS.split(" ".join(line.split())) if s.strip()]
    if not segments:
        return None
    header = Header()
    names: list[str] = []
    for segment in segments:
        if (stamp := stamp_of(segment, now=now)) is not None:
            header.stamps.append(stamp)
        elif _TIME.fullmatch(segment.strip()) and header.stamps:
            last = header.stamps[-1]
            header.stamps[-1] = stamp_of(f"{last.text} {segment}", now=now) or last
        elif (authors := byline_of(segment)) is not None:
            header.authors.extend(authors)
        elif is_name_line(segment):
            names.extend(names_of(segment))
        else:
            return None
    if not header.stamps and not header.authors:
        return None  # names alone: the caller decides, by where the line stands
    header.authors.extend(names)
    return header


def chosen_date(stamps: list[Stamp]) -> tuple[datetime | date | None, list[str]]:
    """The publication date among a page's stamps: the first valid "published" one, else the first
    valid "updated" one (said in a warning), with the time another stamp of the same kind gives that
    day ("י' בטבת תשע"ו | 22.12.2015 | 18:40"); and a warning for each stamp that is not a date."""
    warnings = [f"printed date ignored: {s.error}" for s in stamps if s.error]
    for kind in ("published", "updated"):
        valid = [s for s in stamps if s.kind == kind and s.value is not None]
        if not valid:
            continue
        if kind == "updated":
            warnings.append(
                f"dated by its update stamp {valid[0].text!r}: the page prints no publication date"
            )
        first = valid[0].value
        timed = (s.value for s in valid if isinstance(s.value, datetime) and s.value.date() == first)
        return (first if isinstance(first, datetime) else next(timed, first)), warnings
    return None, warnings
