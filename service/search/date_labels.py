"""The date histogram's words in Hebrew: a bar's label as fine as its interval (a year bar is "2015",
not "1 בינואר 2015"), its spoken name, and the date presets' ranges. Here, beside
``dates.py``, so that the page and the entity page label bars alike."""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta

from babel.dates import format_date

from service.search.dates import bucket_end

LOCALE = "he"


def day_label(day: date) -> str:
    """5 בינואר 2015."""
    return format_date(day, format="long", locale=LOCALE)


def bucket_label(start: date, interval: str) -> str:
    """A bar's label: a day or week by its first day, a month by name, a quarter by its months, a
    year by number, five years or a decade by their first and last year."""
    if interval in ("day", "week"):
        return day_label(start)
    if interval == "month":
        return format_date(start, format="LLLL y", locale=LOCALE)
    end = bucket_end(start, interval)
    if interval == "quarter":
        first = format_date(start, format="LLLL", locale=LOCALE)
        return f"{first}–{format_date(end, format='LLLL y', locale=LOCALE)}"
    if interval == "year":
        return str(start.year)
    return f"{start.year}–{end.year}"


def articles(count: int) -> str:
    """The count in words: "כתבה אחת", "12 כתבות"."""
    return "כתבה אחת" if count == 1 else f"{count} כתבות"


def bar_name(bar: dict) -> str:
    """A bar's accessible name: its dates and its articles ("ינואר 2015: 12 כתבות"); a week says
    it is one (its label is only its first day)."""
    start = date.fromisoformat(bar["start"])
    label = bucket_label(start, bar["interval"])
    if bar["interval"] == "week":
        label = f"השבוע של {label}"
    return f"{label}: {articles(bar['count'])}"


def month_before(day: date, months: int = 1) -> date:
    """The same day ``months`` earlier (the month's last day when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


PRESETS = (
    ("24 השעות האחרונות", lambda latest: latest - timedelta(days=1)),
    ("השבוע האחרון", lambda latest: latest - timedelta(days=7)),
    ("החודש האחרון", lambda latest: month_before(latest)),
    ("השנה האחרונה", lambda latest: month_before(latest, 12)),
)


def preset_ranges(latest: date) -> list[tuple[str, date, date]]:
    """The presets as (label, from, to): whole days back from ``latest`` (``dates.latest_date``,
    the last day a query may name), as a news site's "last day / week / month / year"."""
    return [(label, start(latest), latest) for label, start in PRESETS]
