"""The query parser at the edges of its limits and rules, without a node: the exact limits (accepted at
the limit, refused one past it), what a refused value's message quotes, the ``similar`` group key, and
tokens the query language skips rather than stopping at."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from service.search import parser
from service.search.parser import MAX_QUERY_LENGTH, MAX_TERMS, parse_query, parse_search_args
from service.search.request import InvalidRequest


def parse(**params: str):
    return parse_search_args(MultiDict(params))


def test_the_query_length_limit_is_inclusive():
    assert parse(q="א" * MAX_QUERY_LENGTH).q == "א" * MAX_QUERY_LENGTH
    with pytest.raises(InvalidRequest, match="longer than"):
        parse(q="א" * (MAX_QUERY_LENGTH + 1))


def test_the_smallest_page_and_size_and_the_last_page_of_the_window():
    request = parse(size="1", page="1")
    assert (request.size, request.page) == (1, 1)
    assert parse(size="50", page="200").page == 200  # 200 × 50 = the 10,000-result window
    with pytest.raises(InvalidRequest, match="beyond the first"):
        parse(size="50", page="201")


@pytest.mark.parametrize(
    ("words", "compounds", "phrases", "excluded"),
    [(MAX_TERMS, 0, 0, 0), (11, 0, 11, 10), (10, 11, 11, 0), (0, 0, 16, 16)],
)
def test_every_kind_of_term_counts_toward_the_limit(words, compounds, phrases, excluded):
    terms = (
        [f"מילה{i}" for i in range(words)]
        + [f"אל-{i}א" for i in range(compounds)]
        + [f'"ביטוי {i}"' for i in range(phrases)]
        + [f"-שלילה{i}" for i in range(excluded)]
    )
    query = parse_query(" ".join(terms))  # exactly the limit: accepted
    counts = (len(query.words), len(query.compounds), len(query.phrases), len(query.excluded))
    assert counts == (words, compounds, phrases, excluded)
    with pytest.raises(InvalidRequest, match=f"more than {MAX_TERMS}"):
        parse_query(" ".join([*terms, "עודמילה"]))


def test_skipped_tokens_do_not_stop_the_query():
    assert parse_query('"" פוטין').words == ("פוטין",)  # an empty phrase
    assert parse_query("!!! פוטין").words == ("פוטין",)  # punctuation alone
    assert parse_query("-- פוטין") == parse_query("פוטין")  # a lone hyphen is no exclusion


def test_only_punctuation_is_trimmed_from_a_word():
    assert parse_query("Xinhua, (XBOX)").words == ("Xinhua", "XBOX")


def test_a_question_mark_before_trailing_spaces():
    assert parse_query("פוטין? ").question and not parse_query("פוטין").question


def test_the_date_range_is_kept():
    request = parse(**{"from": "2016-01-01", "to": "2016-01-31"})
    assert (str(request.date_from), str(request.date_to)) == ("2016-01-01", "2016-01-31")


def test_a_group_key_selects_similar_articles():
    assert parse(similar=" t:0a1b2c ").similar == "t:0a1b2c"
    assert parse().similar is None and parse(similar="  ").similar is None


def test_a_bad_group_key_is_quoted_up_to_40_characters():
    with pytest.raises(InvalidRequest) as raised:
        parse(similar="ש" * 60)
    assert str(raised.value) == f"'similar' must be a group key as a result links it, got {'ש' * 40!r}"


def test_a_plain_kind_is_kept():
    assert parse(kind="title").kinds == ("title",)


def test_bad_kind_and_sort_are_named_with_every_allowed_value():
    with pytest.raises(InvalidRequest) as raised:
        parse(kind="x" * 60)
    allowed = ", ".join(parser.KIND_VALUES)
    assert str(raised.value) == f"'kind' must be one of {allowed}, got {'x' * 40!r}"
    with pytest.raises(InvalidRequest) as raised:
        parse(sort="y" * 60)
    assert str(raised.value) == f"'sort' must be one of relevance, newest, oldest, got {'y' * 40!r}"
