"""The facets' parameters, aggregations and values (``facets.py``), as pure functions (no
Elasticsearch needed): which ids a facet takes, the aggregations the search and the entity page ask,
and the values and bars made of an answer. On the node: test_histogram, test_claims, test_features."""

from __future__ import annotations

import re
from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from service.search.dates import latest_date, sane_date_range
from service.search.facets import (
    DATE_FACET,
    ENTITY_FACETS,
    FACET_SIZE,
    MAX_FILTER_VALUES,
    all_of,
    value_ref,
)
from service.search.parser import parse_search_args
from service.search.request import InvalidRequest

PEOPLE = ENTITY_FACETS["person"]


def args(*pairs: tuple[str, str]) -> MultiDict:
    return MultiDict(list(pairs))


def test_selected_ids_are_stripped_deduplicated_and_in_order():
    given = args(("person", " person:b "), ("person", "person:a"), ("person", "person:b"), ("person", " "))
    assert PEOPLE.parse(given) == ("person:b", "person:a")
    assert PEOPLE.parse(args()) == ()


@pytest.mark.parametrize(
    "value",
    ["place:a", "person", "xperson:a", "person:a|Name", "person:" + "a" * 194, "Person:a"],
)
def test_an_id_of_another_type_or_shape_is_refused_by_name(value):
    with pytest.raises(InvalidRequest) as refused:
        PEOPLE.parse(args(("person", value)))
    assert refused.value.params == ("person",) and "person:..." in str(refused.value)
    assert str(refused.value).endswith(f"got {value[:60]!r}")  # quoted, at most 60 characters


def test_an_id_of_200_characters_is_taken():
    longest = "person:" + "a" * 193
    assert PEOPLE.parse(args(("person", longest))) == (longest,)


def test_at_most_twenty_ids_of_a_facet():
    ids = [("person", f"person:{i}") for i in range(MAX_FILTER_VALUES + 1)]
    assert len(PEOPLE.parse(args(*ids[:MAX_FILTER_VALUES]))) == MAX_FILTER_VALUES
    with pytest.raises(InvalidRequest, match="at most 20 values of 'person'"):
        PEOPLE.parse(args(*ids))


def test_a_value_names_its_entity():
    assert value_ref("person:x|ולדימיר פוטין") == {"id": "person:x", "name": "ולדימיר פוטין"}
    assert PEOPLE.refs([{"key": "person:x|פוטין", "doc_count": 4}]) == [
        {"id": "person:x", "name": "פוטין", "count": 4}
    ]
    assert all_of([]) == {"match_all": {}}


def test_patterns_of_ids_and_of_name_prefixes():
    of_ids = PEOPLE.of_ids(("person:a.b", "person:c"))
    assert of_ids == r"(person:a\.b|person:c)\|.*"
    assert re.fullmatch(of_ids, "person:a.b|Name") and not re.fullmatch(of_ids, "person:aXb|Name")
    named = PEOPLE.named("פו")
    assert named == r"[^|]*\|(.* )?פו.*"
    assert re.fullmatch(named, "person:x|ולדימיר פוטין") and not re.fullmatch(named, "person:פו|ולדימיר")


def test_plain_terms_of_a_facet():
    assert PEOPLE.terms() == {"terms": {"field": "entities.person"}}
    assert PEOPLE.terms(5, include="x") == {"terms": {"field": "entities.person", "include": "x", "size": 5}}


def test_a_facet_counts_its_top_values_and_its_selected_ones():
    req = parse_search_args(args(("person", "person:a"), ("person", "person:b")))
    others = [{"terms": {"source": ["ynet"]}}]
    top = {"field": "entities.person", "size": FACET_SIZE, "order": [{"_count": "desc"}, {"_key": "asc"}]}
    selected = {"field": "entities.person", "size": 2, "include": r"(person:a|person:b)\|.*"}
    aggs = {"top": {"terms": top}, "selected": {"terms": selected}}
    assert PEOPLE.get_aggregations(req, others) == {"person": {"filter": all_of(others), "aggs": aggs}}
    assert PEOPLE.get_aggregations(req, []) == {
        "person_top": aggs["top"],
        "person_selected": aggs["selected"],
    }
    assert PEOPLE.get_aggregations(parse_search_args(args()), []) == {"person_top": aggs["top"]}


def test_the_values_are_read_from_either_shape_and_ordered_by_name_among_equals():
    req = parse_search_args(args())
    top = {"buckets": [{"key": "person:b|בני", "doc_count": 2}, {"key": "person:a|אבי", "doc_count": 2}]}
    for aggs in ({"person": {"doc_count": 9, "top": top}}, {"person_top": top, "place_top": {}}):
        values = PEOPLE.get_values(req, aggs)
        assert [v["id"] for v in values] == ["person:a", "person:b"]
        assert values[0] == {"id": "person:a", "name": "אבי", "count": 2, "selected": False}


def test_the_date_parameters():
    assert DATE_FACET.parse(args(("from", " 2015-01-02 "), ("to", "2015-01-02"))) == (
        date(2015, 1, 2),
        date(2015, 1, 2),
    )
    assert DATE_FACET.parse(args(("from", ""))) == (None, None)
    with pytest.raises(InvalidRequest, match=r"^'from' is after 'to'$") as refused:
        DATE_FACET.parse(args(("from", "2015-01-03"), ("to", "2015-01-02")))
    assert refused.value.params == ("from", "to")


# 2015-W01-2 is ISO 8601 too (a week date), which date.fromisoformat takes: not a day as the page names it.
@pytest.mark.parametrize("raw", ["2015-1-02", "2015-02-30", "2015-01-02T00", "02-01-2015", "x", "2015-W01-2"])
def test_a_date_not_as_yyyy_mm_dd_is_refused(raw):
    with pytest.raises(InvalidRequest, match=r"'to' must be a date as YYYY-MM-DD"):
        DATE_FACET.parse(args(("to", raw)))


def test_a_refused_date_is_quoted_in_at_most_40_characters():
    with pytest.raises(InvalidRequest) as refused:
        DATE_FACET.parse(args(("from", "9" * 50)))
    assert str(refused.value).endswith(f"got {'9' * 40!r}")


def test_dates_outside_the_sane_ones_are_refused_and_their_bounds_taken():
    assert DATE_FACET.parse(args(("from", "1800-01-01"))) == (date(1800, 1, 1), None)
    latest = latest_date().isoformat()
    assert DATE_FACET.parse(args(("to", latest))) == (None, latest_date())
    with pytest.raises(InvalidRequest, match="'from' must be between 1800-01-01 and"):
        DATE_FACET.parse(args(("from", "1799-12-31")))
    with pytest.raises(InvalidRequest, match="'to' must be between"):
        DATE_FACET.parse(args(("to", "2999-01-01")))


def test_the_date_filter_is_of_whole_israeli_days():
    both = parse_search_args(args(("from", "2015-01-02"), ("to", "2015-01-05")))
    rng = {"time_zone": "Asia/Jerusalem", "gte": "2015-01-02||/d", "lte": "2015-01-05||/d"}
    assert DATE_FACET.add_filter(both) == {"range": {"published_at": rng}}
    until = DATE_FACET.add_filter(parse_search_args(args(("to", "2015-01-05"))))
    assert until == {"range": {"published_at": {"time_zone": "Asia/Jerusalem", "lte": "2015-01-05||/d"}}}
    assert DATE_FACET.add_filter(parse_search_args(args())) is None


def test_the_histogram_and_the_dates_aggregations():
    histogram = {
        "date_histogram": {
            "field": "published_at",
            "calendar_interval": "day",
            "time_zone": "Asia/Jerusalem",
            "min_doc_count": 1,
            "format": "yyyy-MM-dd",
        }
    }
    assert DATE_FACET.histogram("day") == histogram
    others = [{"terms": {"source": ["ynet"]}}]
    req = parse_search_args(args())
    aggs = DATE_FACET.get_aggregations(req, others, (date(2015, 1, 1), date(2015, 2, 1)))
    assert aggs["dates"] == {
        "filter": all_of([*others, sane_date_range()]),
        "aggs": {
            "day": histogram,
            "first": {"min": {"field": "published_at"}},
            "last": {"max": {"field": "published_at"}},
        },
    }
    no_date = {"bool": {"must_not": [{"exists": {"field": "published_at"}}]}}
    assert aggs["undated"] == {"filter": all_of([*others, no_date])}
    window = {"range": {"published_at": {"gte": "2015-01-01"}}}
    days = DATE_FACET.get_aggregations(req, [], (date(1900, 1, 1), date(2015, 2, 1)), window=window)
    assert set(days) == {"dates"} and days["dates"]["filter"] == all_of([sane_date_range(), window])
    assert "day" in days["dates"]["aggs"]
    dated = parse_search_args(args(("to", "2015-01-05")))
    assert set(DATE_FACET.get_aggregations(dated, [], (date(2015, 1, 1), date(2015, 2, 1)))) == {"dates"}


MS_2015_01_10 = 1420876800000  # 2015-01-10T08:00:00Z


def dates_agg(first: int | None, last: int | None, fine: str = "day") -> dict:
    return {fine: {"buckets": []}, "first": {"value": first}, "last": {"value": last}}


def test_the_histograms_days_are_the_selected_ones_completed_by_the_matches():
    agg = dates_agg(MS_2015_01_10, MS_2015_01_10 + 5 * 86_400_000)
    req = parse_search_args(args(("from", "2015-01-01")))
    assert DATE_FACET.display_range(req, agg) == (date(2015, 1, 1), date(2015, 1, 15))
    assert DATE_FACET.display_range(parse_search_args(args()), agg) == (date(2015, 1, 10), date(2015, 1, 15))
    # The same day as first and last is a range of one day; a selection after the matches, none.
    one = dates_agg(MS_2015_01_10, MS_2015_01_10)
    assert DATE_FACET.display_range(parse_search_args(args()), one) == (date(2015, 1, 10), date(2015, 1, 10))
    after = parse_search_args(args(("from", "2015-02-01")))
    assert DATE_FACET.display_range(after, agg) is None
    assert DATE_FACET.display_range(parse_search_args(args()), None) is None


def test_months_ask_again_only_when_the_bars_are_days_or_weeks():
    req = parse_search_args(args())
    short = {"dates": dates_agg(MS_2015_01_10, MS_2015_01_10 + 5 * 86_400_000, fine="month")}
    assert DATE_FACET.days_needed(req, short) == (date(2015, 1, 10), date(2015, 1, 15))
    years = {"dates": dates_agg(MS_2015_01_10 - 3000 * 86_400_000, MS_2015_01_10, fine="month")}
    assert DATE_FACET.days_needed(req, years) is None
    assert DATE_FACET.days_needed(req, {}) is None


def test_the_dates_values_name_the_selected_days():
    req = parse_search_args(args(("from", "2015-01-01"), ("to", "2015-01-31")))
    values = DATE_FACET.get_values(req, {})
    assert (values["from"], values["to"], values["undated"]) == ("2015-01-01", "2015-01-31", 0)
    assert values["interval"] is None and values["buckets"] == []


def test_an_entitys_timeline_covers_its_days_and_its_buckets():
    histogram = {"buckets": [{"key_as_string": "2015-01-09", "doc_count": 2}]}
    line = DATE_FACET.timeline(histogram, (date(2015, 1, 10), date(2015, 1, 12)))
    assert line["interval"] == "day"
    assert line["buckets"] == [
        {"date": "2015-01-09", "count": 2},
        {"date": "2015-01-10", "count": 0},
        {"date": "2015-01-11", "count": 0},
        {"date": "2015-01-12", "count": 0},
    ]
    late = {"buckets": [{"key_as_string": "2015-01-14", "doc_count": 1}]}
    later = DATE_FACET.timeline(late, (date(2015, 1, 10), date(2015, 1, 12)))["buckets"]
    assert (later[0], later[-1], len(later)) == (
        {"date": "2015-01-10", "count": 0},
        {"date": "2015-01-14", "count": 1},
        5,
    )
    assert DATE_FACET.timeline({"buckets": []}, (date(2015, 1, 10), date(2015, 1, 12))) == {
        "interval": None,
        "buckets": [],
    }


def test_each_bar_says_its_days_height_and_label():
    dates = {
        "interval": "day",
        "from": "2015-01-01",
        "to": "2015-01-02",
        "buckets": [{"date": "2015-01-01", "count": 1}, {"date": "2015-01-02", "count": 4}],
    }
    bars = DATE_FACET.bars(dates, label=lambda start, interval: f"{interval} {start:%d}")
    assert bars == [
        {
            "from": "2015-01-01",
            "to": "2015-01-01",
            "start": "2015-01-01",
            "interval": "day",
            "count": 1,
            "height": 0.25,
            "label": "day 01",
        },
        {
            "from": "2015-01-02",
            "to": "2015-01-02",
            "start": "2015-01-02",
            "interval": "day",
            "count": 4,
            "height": 1.0,
            "label": "day 02",
        },
    ]
    # A bar's link ends at the chosen last day, not at its bucket's.
    month = {"interval": "month", "to": "2015-01-15", "buckets": [{"date": "2015-01-01", "count": 2}]}
    (bar,) = DATE_FACET.bars(month, label=lambda s, i: i)
    assert (bar["from"], bar["to"], bar["start"]) == ("2015-01-01", "2015-01-15", "2015-01-01")
    empty = DATE_FACET.bars({"buckets": [{"date": "2015-01-01", "count": 0}]}, label=lambda s, i: i)
    assert empty[0]["height"] == 0 and empty[0]["interval"] == "day" and empty[0]["label"] == "day"
    assert DATE_FACET.bars({}, label=lambda s, i: i) == []
