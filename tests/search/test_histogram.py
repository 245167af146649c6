"""The date histogram (issue 18): it covers the matching articles' dates, in at most 60 bars of an
interval that fits them, labelled as fine as that interval, and counts the matches without a date.

Pure functions first (intervals, buckets, labels, the facet's shaping), then the API against the
real node: the fixtures (2014-2016) and an index of our own that spans 1874 to 2015 with undated
articles, where the node counts months and a narrow query needs the second, daily request."""

from __future__ import annotations

import json
import re
import uuid
from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from service.es import ensure_alias
from service.indexing.loader import index_articles
from service.ingest.sources import read_paths
from service.model import Article
from service.search.date_labels import bar_name, bucket_label, month_before, preset_ranges
from service.search.dates import (
    MAX_BARS,
    bars_needed,
    bucket_end,
    bucket_start,
    bucket_starts,
    display_interval,
    fine_interval,
    israeli_day,
    latest_date,
    needs_days,
    rebucket,
)
from service.search.facets import DATE_FACET
from service.search.parser import parse_search_args
from service.search.query import build_day_counts, build_search
from tests.conftest import paragraph_record

# -- intervals and buckets -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "interval", "start", "end"),
    [
        (date(2015, 1, 7), "day", date(2015, 1, 7), date(2015, 1, 7)),
        (date(2015, 1, 7), "week", date(2015, 1, 5), date(2015, 1, 11)),  # Monday to Sunday
        (date(2016, 2, 17), "month", date(2016, 2, 1), date(2016, 2, 29)),
        (date(2015, 5, 31), "quarter", date(2015, 4, 1), date(2015, 6, 30)),
        (date(2015, 12, 31), "quarter", date(2015, 10, 1), date(2015, 12, 31)),
        (date(2015, 7, 1), "year", date(2015, 1, 1), date(2015, 12, 31)),
        (date(2017, 7, 1), "5years", date(2015, 1, 1), date(2019, 12, 31)),
        (date(1874, 3, 1), "decade", date(1870, 1, 1), date(1879, 12, 31)),
    ],
)
def test_a_bucket_starts_and_ends_on_calendar_boundaries(day, interval, start, end):
    assert bucket_start(day, interval) == start
    assert bucket_end(start, interval) == end


@pytest.mark.parametrize(
    ("start", "end", "interval"),
    [
        (date(2015, 1, 1), date(2015, 1, 1), "day"),
        (date(2015, 1, 1), date(2015, 3, 1), "day"),  # 60 days
        (date(2015, 1, 1), date(2015, 3, 2), "week"),  # 61 days
        (date(2014, 3, 5), date(2015, 12, 20), "month"),
        (date(2010, 1, 1), date(2014, 12, 31), "month"),  # 60 months
        (date(2010, 1, 1), date(2015, 1, 1), "quarter"),
        (date(1995, 1, 1), date(2015, 12, 31), "year"),
        (date(1874, 5, 1), date(2015, 12, 20), "5years"),  # 142 years: 30 bars
        (date(1800, 1, 1), date(2026, 12, 3), "5years"),  # the whole sane range: 46 bars
        (date(1650, 1, 1), date(2026, 12, 3), "decade"),
    ],
)
def test_the_interval_is_the_finest_that_fits_in_60_bars(start, end, interval):
    assert display_interval(start, end) == interval
    assert bars_needed(start, end, interval) == len(bucket_starts(start, end, interval)) <= MAX_BARS
    finer = ("day", "week", "month", "quarter", "year", "5years", "decade").index(interval)
    if finer:
        previous = ("day", "week", "month", "quarter", "year", "5years")[finer - 1]
        assert bars_needed(start, end, previous) > MAX_BARS


def test_the_node_counts_days_over_three_years_or_less_else_months():
    assert fine_interval((date(2013, 1, 1), date(2015, 12, 31))) == "day"
    assert fine_interval((date(1874, 1, 1), date(2015, 12, 31))) == "month"
    assert fine_interval(None) == "month"
    # Months cannot make days or weeks: only then a second request.
    assert needs_days("month", date(2015, 12, 1), date(2015, 12, 31))
    assert needs_days("month", date(2015, 1, 1), date(2015, 12, 31))  # weeks
    assert not needs_days("month", date(2014, 1, 1), date(2015, 12, 31))
    assert not needs_days("day", date(2015, 12, 1), date(2015, 12, 31))


def test_rebucketing_sums_fine_buckets_and_fills_the_empty_ones():
    days = [(date(2015, 1, 5), 2), (date(2015, 1, 11), 1), (date(2015, 2, 20), 4)]
    weeks = rebucket(days, date(2015, 1, 5), date(2015, 2, 20), "week")
    assert weeks[0] == {"date": "2015-01-05", "count": 3}
    assert weeks[-1] == {"date": "2015-02-16", "count": 4}
    assert len(weeks) == 7 and sum(b["count"] for b in weeks) == 7
    assert [b["count"] for b in weeks[1:-1]] == [0] * 5
    months = [(date(1874, 5, 1), 1), (date(2014, 3, 1), 1), (date(2015, 12, 1), 2)]
    five = rebucket(months, date(1874, 5, 1), date(2015, 12, 20))
    assert (
        len(five) == 30 and five[0]["date"] == "1870-01-01" and five[-1] == {"date": "2015-01-01", "count": 2}
    )
    assert {b["date"]: b["count"] for b in five}["2010-01-01"] == 1


def test_an_instant_is_counted_on_its_day_in_israel():
    late = 1450650600000  # 2015-12-20T22:30:00Z, after midnight in Israel
    assert israeli_day(late) == date(2015, 12, 21)
    assert israeli_day(None) is None


# -- labels and presets --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "interval", "label"),
    [
        (date(2015, 1, 5), "day", "5 בינואר 2015"),
        (date(2015, 1, 5), "week", "5 בינואר 2015"),
        (date(2015, 1, 1), "month", "ינואר 2015"),
        (date(2015, 1, 1), "quarter", "ינואר–מרץ 2015"),
        (date(2015, 1, 1), "year", "2015"),
        (date(2010, 1, 1), "5years", "2010–2014"),
        (date(1870, 1, 1), "decade", "1870–1879"),
    ],
)
def test_a_label_is_as_fine_as_its_interval(start, interval, label):
    assert bucket_label(start, interval) == label


def test_a_bar_is_named_by_its_dates_and_articles():
    assert bar_name({"start": "2015-01-01", "interval": "month", "count": 12}) == "ינואר 2015: 12 כתבות"
    assert (
        bar_name({"start": "2015-01-05", "interval": "week", "count": 1})
        == "השבוע של 5 בינואר 2015: כתבה אחת"
    )


def test_presets_go_back_a_day_a_week_a_month_and_a_year():
    ranges = preset_ranges(date(2016, 3, 31))
    assert [(start, end) for _, start, end in ranges] == [
        (date(2016, 3, 30), date(2016, 3, 31)),
        (date(2016, 3, 24), date(2016, 3, 31)),
        (date(2016, 2, 29), date(2016, 3, 31)),  # no 31 February: its last day
        (date(2015, 3, 31), date(2016, 3, 31)),
    ]
    assert month_before(date(2016, 2, 29), 12) == date(2015, 2, 28)
    assert month_before(date(2016, 1, 15)) == date(2015, 12, 15)


# -- the facet's request and answer --------------------------------------------------------------


def parse(**kw):
    return parse_search_args(MultiDict(kw))


def test_the_counts_ask_fine_buckets_with_articles_only_and_the_undated():
    extent = (date(1874, 5, 1), date(2015, 12, 20))
    aggs = build_search(parse(q="x"), extent)["aggs"]
    histogram = aggs["dates"]["aggs"]["month"]["date_histogram"]
    assert histogram["min_doc_count"] == 1 and "extended_bounds" not in histogram
    assert set(aggs["dates"]["aggs"]) == {"month", "first", "last"}
    assert aggs["undated"] == {"missing": {"field": "published_at"}}
    narrow = build_search(parse(q="x"), (date(2015, 1, 1), date(2015, 12, 20)))["aggs"]
    assert "day" in narrow["dates"]["aggs"]
    # With dates chosen, no article without one can match: nothing to count.
    assert "undated" not in build_search(parse(q="x", **{"from": "2015-01-01"}), extent)["aggs"]
    # Under another filter, the undated are counted under it too.
    person = build_search(parse(q="x", person="person:a"), extent)["aggs"]["undated"]
    assert "person:a" in repr(person) and "exists" in repr(person)
    days = build_day_counts(parse(q="x"), (date(2015, 12, 1), date(2015, 12, 31)))
    assert set(days["aggs"]) == {"dates"} and "day" in days["aggs"]["dates"]["aggs"] and days["size"] == 0


def _aggs(fine: str, keys: list[tuple[str, int]], first: int | None, last: int | None, undated: int = 0):
    buckets = [{"key_as_string": k, "doc_count": n} for k, n in keys]
    return {
        "dates": {fine: {"buckets": buckets}, "first": {"value": first}, "last": {"value": last}},
        "undated": {"doc_count": undated},
    }


MS_2015_12_20 = 1450598400000  # 2015-12-20T08:00:00Z
MS_2015_12_28 = MS_2015_12_20 + 8 * 86_400_000


def test_months_that_should_be_days_ask_again_or_stay_months():
    aggs = _aggs("month", [("2015-12-01", 3)], MS_2015_12_20, MS_2015_12_28, undated=2)
    req = parse(q="x")
    assert DATE_FACET.days_needed(req, aggs) == (date(2015, 12, 20), date(2015, 12, 28))
    values = DATE_FACET.get_values(req, aggs)  # without the second answer: months, not wrong days
    assert values["interval"] == "month" and values["buckets"] == [{"date": "2015-12-01", "count": 3}]
    assert (values["first"], values["last"], values["undated"]) == ("2015-12-20", "2015-12-28", 2)
    days = _aggs("day", [("2015-12-20", 2), ("2015-12-28", 1)], MS_2015_12_20, MS_2015_12_28)
    assert DATE_FACET.days_needed(req, days) is None
    values = DATE_FACET.get_values(req, days)
    assert values["interval"] == "day" and len(values["buckets"]) == 9


def test_nothing_dated_matches_no_bars():
    values = DATE_FACET.get_values(parse(q="x"), _aggs("day", [], None, None, undated=4))
    assert values == {
        "interval": None,
        "from": None,
        "to": None,
        "first": None,
        "last": None,
        "undated": 4,
        "buckets": [],
    }


def test_bar_links_stay_inside_the_chosen_and_the_sane_dates():
    dates = {
        "interval": "decade",
        "from": None,
        "to": None,
        "buckets": [{"date": "1790-01-01", "count": 0}, {"date": "2020-01-01", "count": 3}],
    }
    bars = DATE_FACET.bars(dates, label=bucket_label)
    assert bars[0]["from"] == "1800-01-01" and bars[0]["label"] == "1790–1799"
    assert bars[-1]["to"] == latest_date().isoformat() and bars[-1]["height"] == 1
    week = {"interval": "week", "from": "2015-12-15", "to": "2015-12-31"}
    bar = DATE_FACET.bars({**week, "buckets": [{"date": "2015-12-14", "count": 1}]}, label=bucket_label)[0]
    assert (bar["from"], bar["to"], bar["start"]) == ("2015-12-15", "2015-12-20", "2015-12-14")


# -- against the node ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fixtures_api(client_for, fixtures_alias):
    return _api(client_for(fixtures_alias))


def _api(client):
    def get(expect: int = 200, **params):
        response = client.get("/api/search", query_string=params)
        assert response.status_code == expect, response.get_json()
        return response.get_json()

    return get


@pytest.fixture(scope="module")
def client_for(es_url):  # module-scoped twin of conftest's, for module-scoped clients
    from service import create_app
    from service.config import Settings

    def make(alias: str):
        app = create_app(Settings(es_url=es_url, es_index=alias, es_request_timeout=5))
        app.testing = True
        return app.test_client()

    return make


def _days_of(body) -> list[str]:
    return sorted(r["published_at"][:10] for r in body["results"] if r["published_at"])


def test_the_range_follows_the_matches_on_the_fixtures(fixtures_api):
    body = fixtures_api(q="פוטין", size=50)
    dates = body["dates"]
    days = _days_of(body)
    assert (dates["first"], dates["last"]) == (days[0], days[-1])
    assert dates["buckets"][0]["date"] <= days[0] and dates["buckets"][-1]["date"] <= days[-1]
    assert len(dates["buckets"]) <= MAX_BARS
    assert sum(b["count"] for b in dates["buckets"]) == body["total"] and dates["undated"] == 0
    # Everything: 2014-03 to 2016-01 in months (23 bars).
    everything = fixtures_api()["dates"]
    assert everything["interval"] == "month" and len(everything["buckets"]) == 23


WIDE = [
    ("old", "1874-05-01T10:00:00+02:00", "ידיעה ישנה על פוטין הקיסר"),
    ("y2014", "2014-03-05T10:00:00+02:00", "פוטין נפגש עם שרים"),
    ("y2015a", "2015-06-10T12:00:00+03:00", "פוטין ביקר בסוריה"),
    ("zebra1", "2015-12-20T09:00:00+02:00", "פוטין ראה זברה בגן החיות"),
    ("zebra2", "2015-12-28T23:30:00+02:00", "זברה נוספת הגיעה לגן"),
    ("undated1", None, "פוטין בכתבה ללא תאריך"),
    ("undated2", None, "זברה בכתבה ללא תאריך"),
]


@pytest.fixture(scope="module")
def wide_alias(es, tmp_path_factory):
    """1874 and 2014-2015, and two undated articles: the node counts months."""
    path = tmp_path_factory.mktemp("histogram") / "wide.jsonl"
    records = []
    for article_id, published_at, text in WIDE:
        record = paragraph_record(article_id, text)
        if published_at:
            record["published_at"] = published_at
        else:
            del record["published_at"]
        records.append(json.dumps(record, ensure_ascii=False))
    path.write_text("\n".join(records) + "\n", encoding="utf-8")
    alias = f"test-histogram-{uuid.uuid4().hex[:10]}"
    ensure_alias(es, alias)
    articles = list(read_paths([path], allow_undated=True))
    assert all(isinstance(a, Article) for a in articles), articles
    assert not index_articles(es, alias, articles).failed
    yield alias
    names = list(es.indices.get(index=f"{alias}-*", expand_wildcards="all"))
    if names:
        es.indices.delete(index=",".join(names))


@pytest.fixture(scope="module")
def wide(client_for, wide_alias):
    return _api(client_for(wide_alias))


def test_a_query_of_two_years_in_a_wide_index_gets_months_not_142_years(wide):
    dates = wide(q="פוטין")["dates"]
    assert (dates["first"], dates["last"]) == ("1874-05-01", "2015-12-20")
    assert dates["interval"] == "5years" and len(dates["buckets"]) == 30
    recent = wide(q="פוטין", **{"from": "2014-01-01"})["dates"]
    assert recent["interval"] == "month" and recent["buckets"][0]["date"] == "2014-01-01"
    assert recent["buckets"][-1]["date"] == "2015-12-01" and len(recent["buckets"]) == 24
    assert sum(b["count"] for b in recent["buckets"]) == 3 and recent["undated"] == 0


def test_matches_within_days_of_a_wide_index_get_daily_bars(wide):
    """Months came back (the index spans 142 years): the second request counts the days."""
    body = wide(q="זברה")
    dates = body["dates"]
    assert body["total"] == 3 and dates["undated"] == 1
    assert dates["interval"] == "day" and (dates["first"], dates["last"]) == ("2015-12-20", "2015-12-28")
    counts = {b["date"]: b["count"] for b in dates["buckets"]}
    assert len(counts) == 9 and counts["2015-12-20"] == counts["2015-12-28"] == 1
    assert sum(counts.values()) == 2


def test_undated_matches_are_counted_not_lost(wide):
    body = wide()
    assert body["total"] == 7 and body["dates"]["undated"] == 2
    assert sum(b["count"] for b in body["dates"]["buckets"]) == 5
    assert wide(q="זברה", **{"to": "2015-12-31"})["dates"]["undated"] == 0


def test_every_bar_is_a_search_the_api_accepts(wide, client_for, wide_alias):
    page = client_for(wide_alias).get("/", query_string={"q": "פוטין"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('class="bar') == 30 and "1870–1874" in html and "כתבה אחת ללא תאריך" in html
    for bar in DATE_FACET.bars(wide(q="פוטין")["dates"], label=bucket_label):
        wide(q="פוטין", **{"from": bar["from"], "to": bar["to"]})


def test_the_entity_page_draws_named_bars_over_its_articles_dates(fixtures_api, client_for, fixtures_alias):
    putin = next(v for v in fixtures_api(q="פוטין")["facets"]["person"] if v["name"] == "ולדימיר פוטין")
    page = client_for(fixtures_alias).get(f"/entities/{putin['id']}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    bars = re.findall(r'<a href="([^"]+)" class="bar[^"]*"[^>]*aria-label="([^"]+)"', html)
    assert 0 < len(bars) <= MAX_BARS
    # Its three articles, 2015-12-21 to 2016-01-15: daily bars, each named and linked to the search.
    assert sum(1 for _, name in bars if name.endswith("כתבה אחת")) == 3
    assert bars[0][1] == "21 בדצמבר 2015: כתבה אחת" and "from=2015-12-21" in bars[0][0]
