"""Behaviour no other test pinned down (issue 20): each test here fails for one of the faults that
once went unnoticed. An index of our own, with articles written for the fault they guard against:
dates near midnight on both sides of daylight saving, a word in its typed form against the same word
behind a prefix, and articles that are related by their text alone or also by shared entities."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from service.search.dates import fine_interval
from tests.conftest import indexed_alias, paragraph_record

# Israel: UTC+2 in winter, UTC+3 in summer (daylight saving from late March to late October).
NEAR_MIDNIGHT = {
    "winter-early": "2016-01-10T00:30:00+02:00",
    "winter-late": "2016-01-10T23:30:00+02:00",
    "summer-early": "2016-07-10T00:30:00+03:00",
    "summer-late": "2016-07-10T23:30:00+03:00",
}


def record(article_id: str, text: str, published_at: str = "2016-03-01T09:00:00+02:00", **extra) -> dict:
    return {**paragraph_record(article_id, text, published_at), **extra}


def records() -> list[dict]:
    # Distinct texts: the same text would make them near-duplicates, listed as one result.
    weather = ["גשם כבד ירד בצפון", "רוחות עזות נשבו בדרום", "שרב כבד שרר בעמקים", "לחות גבוהה נמדדה בחוף"]
    dated = [record(i, text, at) for (i, at), text in zip(NEAR_MIDNIGHT.items(), weather, strict=True)]
    # One word in its typed form and the same word behind a prefix, in texts of equal length: the
    # exact-form clause alone tells them apart. Each pair in both orders, so no tie-break can decide.
    forms = [
        record("form-prefixed-1", "הדיון בגלבוע נמשך"),
        record("form-typed-1", "הדיון גלבוע נמשך"),
        record("form-typed-2", "השיחה ארבל הסתיימה"),
        record("form-prefixed-2", "השיחה בארבל הסתיימה"),
    ]
    # Related articles: the same subject, one also sharing the seed's photo credit (an entity).
    subject = "מחירי החשמל והגז והדלק עלו שוב החורף ומשקי הבית משלמים יותר"
    credit = [{"caption": "תחנת כוח בצפון", "credit": "צילום: דנה לוי"}]
    related = [
        record("rel-seed", subject, images=credit),
        record("rel-text-only", subject + " כבר"),
        record(
            "rel-shared-entity",
            subject + " כעת",
            images=[{"caption": "ספינה בנמל", "credit": "צילום: דנה לוי"}],
        ),
        record("rel-other", "הנבחרת ניצחה במשחק הכדורגל אמש"),
    ]
    return dated + forms + related


@pytest.fixture(scope="module")
def alias(es, tmp_path_factory) -> Iterator[str]:
    path = Path(tmp_path_factory.mktemp("guards")) / "guards.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records()), encoding="utf-8")
    with indexed_alias(es, "guards", [path]) as made:
        yield made


def ids(body: dict) -> list[str]:
    return [r["article_id"] for r in body["results"]]


# -- whole days in Israel's time --------------------------------------------------------------


@pytest.mark.parametrize("season", ["winter", "summer"])
def test_a_day_holds_its_articles_from_just_after_to_just_before_midnight_in_israel(api, season):
    day = NEAR_MIDNIGHT[f"{season}-early"][:10]
    body = api(**{"from": day, "to": day})
    assert sorted(ids(body)) == [f"{season}-early", f"{season}-late"]
    assert [b for b in body["dates"]["buckets"] if b["count"]] == [{"date": day, "count": 2}]


@pytest.mark.parametrize(("before", "after"), [("2016-01-09", "2016-01-11"), ("2016-07-09", "2016-07-11")])
def test_the_days_either_side_hold_none_of_them(api, before, after):
    assert api(**{"from": before, "to": before})["total"] == 0
    assert api(**{"from": after, "to": after})["total"] == 0


# -- exact forms outrank stems ----------------------------------------------------------------


@pytest.mark.parametrize("word", ["גלבוע", "ארבל"])
def test_the_typed_form_outranks_the_same_word_behind_a_prefix(api, word):
    found = ids(api(q=word))
    assert len(found) == 2 and found[0].startswith("form-typed"), found


# -- related articles -------------------------------------------------------------------------


def test_a_related_article_that_shares_an_entity_comes_first(client_for, alias):
    # The two have texts equally like the seed's, so only the boost of the photo credit they share
    # with it can order them; without it their scores tie and the one indexed first (text-only) leads.
    related = [r["id"] for r in client_for(alias).get("/api/articles/rel-seed").get_json()["related"]]
    assert related[:2] == ["rel-shared-entity", "rel-text-only"], related


# -- the histogram's interval at its edges ----------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "interval", "bars"),
    [
        ("2016-01-01", "2016-02-29", "day", 60),  # 60 days: the most that are days
        ("2016-01-01", "2016-03-01", "week", 10),  # 61 days: weeks (Monday 2015-12-28 on)
        ("2011-12-01", "2016-11-30", "month", 60),  # 60 months
        ("2011-12-01", "2016-12-01", "quarter", 21),  # 61 months
    ],
)
def test_the_histogram_interval_changes_exactly_at_60_bars(api, start, end, interval, bars):
    dates = api(**{"from": start, "to": end})["dates"]
    assert dates["interval"] == interval and len(dates["buckets"]) == bars
    assert sum(b["count"] for b in dates["buckets"]) == api(**{"from": start, "to": end})["total"]


def test_the_node_counts_days_up_to_three_years_of_366_days():
    start = date(2013, 1, 1)
    assert fine_interval((start, start + timedelta(days=3 * 366))) == "day"
    assert fine_interval((start, start + timedelta(days=3 * 366 + 1))) == "month"
