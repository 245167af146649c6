"""The search bodies ``query.py`` builds, checked as bodies (no Elasticsearch needed): where a fault
shows in the body alone (a field, a weight, a clause kept or dropped), it is caught here in
milliseconds. What the node does with them is checked on the node (test_guards, test_exclusions,
test_headings, test_narrowing, test_claims)."""

from __future__ import annotations

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from service.search.parser import parse_query, parse_search_args
from service.search.query import (
    EXACT_FIELDS,
    GROUPS_EXACT_BELOW,
    HIGHLIGHT_MAX_ANALYZED_OFFSET,
    SNIPPETS_PER_ARTICLE,
    SOURCE_FIELDS,
    STEM_FIELDS,
    best_parts,
    build_day_counts,
    build_search,
    build_searches,
    build_similar_counts,
    content_clauses,
    content_words,
    every_group_single,
    exclusion_clauses,
    filters,
    groups_counted,
    part_query,
    relaxable,
    result_groups,
    sort_order,
    starts_relaxed,
    strict_form,
    text_query,
)


def parse(*pairs: tuple[str, str]):
    return parse_search_args(MultiDict(list(pairs)))


def word(w: str) -> dict:
    """What one content word must match: its exact form or its stem, in text, title or subheading."""
    return {
        "bool": {
            "should": [
                {"multi_match": {"query": w, "fields": EXACT_FIELDS, "type": "best_fields"}},
                {"multi_match": {"query": w, "fields": STEM_FIELDS, "type": "best_fields"}},
            ],
            "minimum_should_match": 1,
        }
    }


def test_a_word_matches_its_form_or_its_stem_in_text_title_and_subheading():
    assert content_clauses(parse_query("פוטין")) == [word("פוטין")]
    assert EXACT_FIELDS == ["parts.text^0.5", "parts.title^0.25", "parts.heading^0.25"]
    assert STEM_FIELDS == ["parts.text.stem", "parts.title.stem^0.5", "parts.heading.stem^0.5"]


def test_function_words_are_left_out_unless_they_are_all_there_is():
    assert content_words(parse_query("של פוטין עם נפט")) == ["פוטין", "נפט"]
    assert content_words(parse_query("של עם")) == ["של", "עם"]
    # Words keep their case (for the exact form); the function words are known in lower case.
    assert content_words(parse_query("The Putin of Russia")) == ["Putin", "Russia"]
    # A hyphenated word is content: the function words beside it are not needed.
    assert content_words(parse_query("של אל-קאעידה")) == []
    assert len(content_clauses(parse_query("של אל-קאעידה"))) == 1


def test_an_excluded_word_drops_by_form_in_text_subheading_and_credit_and_by_stem():
    assert exclusion_clauses(parse(("q", "פוטין -נפט"))) == [
        {"match_phrase": {"parts.text": "נפט"}},
        {"match_phrase": {"parts.heading": "נפט"}},
        {"match_phrase": {"parts.credit": "נפט"}},
        {"match": {"parts.text.stem": "נפט"}},
        {"match": {"parts.heading.stem": "נפט"}},
    ]


def test_an_excluded_phrase_drops_only_by_its_words_in_order():
    assert exclusion_clauses(parse(("q", 'פוטין -"שיתוף פעולה"'))) == [
        {"match_phrase": {"parts.text": "שיתוף פעולה"}},
        {"match_phrase": {"parts.heading": "שיתוף פעולה"}},
        {"match_phrase": {"parts.credit": "שיתוף פעולה"}},
    ]


def test_exclusions_are_one_nested_must_not_of_the_article():
    query = text_query(parse(("q", "פוטין -נפט")), relaxed=False)["bool"]
    clauses = exclusion_clauses(parse(("q", "פוטין -נפט")))
    assert query["must_not"] == [{"nested": {"path": "parts", "query": {"bool": {"should": clauses}}}}]
    assert text_query(parse(("q", "פוטין")))["bool"]["must_not"] == []


@pytest.mark.parametrize(("n", "relaxed"), [(6, False), (7, True)])
def test_more_than_six_content_words_start_relaxed(n, relaxed):
    words = ["פוטין", "סוריה", "מוסקבה", "נפט", "רקטות", "אוניברסיטה", "כדורגל"][:n]
    assert starts_relaxed(parse_query(" ".join(words))) is relaxed


@pytest.mark.parametrize(("q", "can"), [("פוטין", False), ("פוטין נפט", True), ("", False)])
def test_only_a_query_of_two_or_more_words_can_be_relaxed(q, can):
    assert relaxable(parse_query(q)) is can


def test_the_strict_form_of_a_question_keeps_its_hyphenated_words_and_exclusions():
    assert strict_form(parse_query('מי אמר אל-קאעידה -"שיתוף פעולה"?')) == 'אמר אל-קאעידה -"שיתוף פעולה"'
    assert strict_form(parse_query("מה עם פוטין ונפט")) == "פוטין ונפט"


def test_a_question_of_six_content_words_has_a_strict_form():
    six = "פוטין סוריה מוסקבה נפט רקטות אוניברסיטה"
    assert strict_form(parse_query(f"מה עם {six}?")) == six
    assert strict_form(parse_query(f"מה עם {six} כדורגל?")) is None


def test_a_search_asked_relaxed_is_relaxed_in_both_bodies():
    req = parse(("q", "פוטין נפט"))
    hits, counts = build_searches(req, relaxed=True)
    body = build_search(req, relaxed=True)
    assert body["query"] == hits["query"] == text_query(req, relaxed=True, inner_hits=best_parts(req))
    assert counts["query"] == text_query(req, relaxed=True) != text_query(req)
    assert build_search(req)["query"] == text_query(req, relaxed=False, inner_hits=best_parts(req))


def test_strict_requires_every_clause_and_relaxed_a_quarter_of_them():
    q = "פוטין סוריה מוסקבה נפט רקטות אוניברסיטה כדורגל פסטיבל"
    strict = part_query(parse(("q", q)), relaxed=False)["bool"]["must"][0]["bool"]
    relaxed = part_query(parse(("q", q)), relaxed=True)["bool"]["must"][0]["bool"]
    assert strict["should"] == [word(w) for w in q.split()] and strict["minimum_should_match"] == 8
    assert relaxed["minimum_should_match"] == 2


def test_words_that_stand_together_score_higher_only_when_there_are_two():
    assert part_query(parse(("q", "פוטין")), relaxed=False)["bool"]["should"] == []
    together = part_query(parse(("q", "של פוטין ונפט")), relaxed=False)["bool"]["should"]
    assert together == [{"match_phrase": {"parts.text": {"query": "פוטין ונפט", "slop": 3, "boost": 2.0}}}]


def test_a_phrase_matches_in_text_title_or_subheading():
    part = part_query(parse(("q", '"שיתוף פעולה"')), relaxed=False)["bool"]
    fields = ("parts.text", "parts.title", "parts.heading")
    phrase = [{"match_phrase": {f: "שיתוף פעולה"}} for f in fields]
    assert part["must"] == [{"bool": {"should": phrase, "minimum_should_match": 1}}]


def test_part_kinds_filter_the_parts_and_no_words_match_every_part():
    part = part_query(parse(("kind", "caption")), relaxed=False)["bool"]
    assert part == {
        "must": [{"match_all": {}}],
        "should": [],
        "filter": [{"terms": {"parts.kind": ["caption"]}}],
    }
    assert part_query(parse(("q", "פוטין")), relaxed=False)["bool"]["filter"] == []


def test_browsing_lists_every_article_with_its_first_parts():
    inner = {"name": "parts"}
    query = text_query(parse(), inner_hits=inner)["bool"]
    first = {"range": {"parts.position": {"lt": SNIPPETS_PER_ARTICLE}}}
    nested = {"path": "parts", "score_mode": "max", "query": first, "inner_hits": inner}
    assert query["must"] == [{"match_all": {}}] and query["should"] == [{"nested": nested}]
    assert text_query(parse())["bool"]["should"] == []  # no parts asked: none looked at


def test_a_search_needs_a_matching_part_and_scores_as_its_best():
    req = parse(("q", "פוטין"))
    query = text_query(req, relaxed=False)["bool"]
    nested = {"path": "parts", "score_mode": "max", "query": part_query(req, False)}
    assert query["must"] == [{"nested": nested}] and query["should"] == [] and query["filter"] == []
    # A kind asked without words is a search of those parts, not browsing.
    kinds = text_query(parse(("kind", "caption")))["bool"]["must"][0]["nested"]
    assert kinds["query"] == part_query(parse(("kind", "caption")), False)


def test_relaxed_is_decided_by_the_query_when_not_given():
    question = parse(("q", "מה עם פוטין ונפט?"))
    assert text_query(question) == text_query(question, relaxed=True)
    assert text_query(question) != text_query(question, relaxed=False)


def test_one_group_of_near_duplicates_is_listed_not_collapsed():
    body = build_search(parse(("q", "פוטין"), ("similar", "abc123")))
    assert body["query"]["bool"]["filter"] == [{"term": {"dup_key": "abc123"}}]
    assert "collapse" not in body and "groups" not in body["aggs"] and "groups_count" not in body["aggs"]
    assert build_search(parse(("q", "פוטין")))["collapse"] == {"field": "dup_key"}


def test_a_facets_own_filter_is_left_out_of_its_counts():
    req = parse(("person", "person:a"), ("source", "ynet"), ("from", "2015-01-01"))
    dated = {"range": {"published_at": {"time_zone": "Asia/Jerusalem", "gte": "2015-01-01||/d"}}}
    person, source = {"terms": {"entity_ids": ["person:a"]}}, {"terms": {"source": ["ynet"]}}
    assert filters(req) == [dated, person, source]
    assert filters(req, without="person") == [dated, source]
    assert filters(req, without="source") == [dated, person]


@pytest.mark.parametrize(
    ("pairs", "order"),
    [
        ([("q", "x")], ["_score", {"published_at": {"order": "desc", "missing": "_last"}}]),
        ([], [{"published_at": {"order": "desc", "missing": "_last"}}, "_score"]),
        (
            [("q", "x"), ("sort", "newest")],
            [{"published_at": {"order": "desc", "missing": "_last"}}, "_score"],
        ),
        (
            [("q", "x"), ("sort", "oldest")],
            [{"published_at": {"order": "asc", "missing": "_last"}}, "_score"],
        ),
        ([("sort", "oldest")], [{"published_at": {"order": "asc", "missing": "_last"}}, "_score"]),
    ],
)
def test_the_order_of_results(pairs, order):
    assert sort_order(parse(*pairs)) == order


def test_the_best_parts_of_a_search_are_highlighted_in_text_and_title():
    inner = best_parts(parse(("q", "פוטין")))
    assert inner == {
        "name": "parts",
        "size": SNIPPETS_PER_ARTICLE + 1,
        "_source": inner["_source"],
        "sort": ["_score", {"parts.position": "asc"}],
        "highlight": {
            "encoder": "html",
            "pre_tags": ["<mark>"],
            "post_tags": ["</mark>"],
            "max_analyzed_offset": HIGHLIGHT_MAX_ANALYZED_OFFSET,
            "fields": {
                "parts.text": {
                    "matched_fields": ["parts.text", "parts.text.stem"],
                    "number_of_fragments": 2,
                    "fragment_size": 180,
                    "no_match_size": 180,
                },
                "parts.title": {
                    "matched_fields": ["parts.title", "parts.title.stem"],
                    "number_of_fragments": 0,
                },
            },
        },
    }
    assert "parts.display_text" in inner["_source"] and all(f.startswith("parts.") for f in inner["_source"])


def test_the_hits_body():
    req = parse(("q", "פוטין"), ("page", "2"), ("size", "20"))
    hits, counts = build_searches(req)
    assert hits["query"] == text_query(req, inner_hits=best_parts(req))
    assert hits["post_filter"] == {"match_all": {}}
    assert (hits["from"], hits["size"], hits["track_total_hits"]) == (20, 20, True)
    assert hits["_source"] == SOURCE_FIELDS and hits["sort"] == sort_order(req)
    assert hits["aggs"] == result_groups([])
    assert counts["query"] == text_query(req) and counts["size"] == 0 and counts["track_total_hits"] is False


def test_the_pages_groups_are_counted_under_the_filters():
    count = {"cardinality": {"field": "dup_key", "precision_threshold": GROUPS_EXACT_BELOW}}
    assert result_groups([]) == {"groups_count": count}
    clause = {"terms": {"source": ["ynet"]}}
    assert result_groups([clause]) == {
        "groups": {"filter": {"bool": {"filter": [clause]}}, "aggs": {"count": count}}
    }
    assert groups_counted({"groups": {"count": {"value": 4}}}) == 4
    assert groups_counted({"groups_count": {"value": 5}}) == 5
    assert groups_counted({"person_top": {}}) is None


def response(total: int, groups: int | None) -> dict:
    aggs = {} if groups is None else {"groups_count": {"value": groups}}
    return {"hits": {"total": {"value": total}}, "aggregations": aggs}


@pytest.mark.parametrize(
    ("total", "groups", "single"),
    [
        (5, 5, True),
        (5, 4, False),
        (GROUPS_EXACT_BELOW, GROUPS_EXACT_BELOW, True),
        (GROUPS_EXACT_BELOW + 1, GROUPS_EXACT_BELOW + 1, False),  # an estimate: not for sure
        (5, None, False),
        (0, 0, True),
    ],
)
def test_every_group_single_only_when_counted_exactly(total, groups, single):
    assert every_group_single(response(total, groups)) is single


def test_every_group_single_reads_a_response_without_aggregations():
    assert every_group_single({"hits": {"total": {"value": 3}}}) is False


def test_the_similar_counts_ask_the_search_on_the_pages_groups_only():
    req = parse(("q", "פוטין נפט"), ("source", "ynet"))  # keywords, relaxed (as after a strict miss)
    body = build_similar_counts(req, ["k1", "k2"], relaxed=True)
    assert text_query(req, relaxed=True) != text_query(req)
    assert body == {
        "query": {
            "bool": {
                "must": [text_query(req, relaxed=True)],
                "filter": [{"terms": {"source": ["ynet"]}}, {"terms": {"dup_key": ["k1", "k2"]}}],
            }
        },
        "size": 0,
        "track_total_hits": False,
        "aggs": {"similar": {"terms": {"field": "dup_key", "size": 2}}},
    }
    question = parse(("q", "מה עם פוטין ונפט?"))
    assert build_similar_counts(question, ["k"])["query"]["bool"]["must"] == [text_query(question)]


def test_the_dates_are_counted_only_when_bounds_are_given():
    req = parse(("q", "פוטין"))
    assert "dates" not in build_search(req)["aggs"]
    aggs = build_search(req, (date(2015, 1, 1), date(2015, 1, 31)))["aggs"]
    assert "day" in aggs["dates"]["aggs"] and "undated" in aggs


def test_the_second_request_counts_the_days_of_a_window():
    req = parse(("q", "מה עם פוטין ונפט?"), ("source", "ynet"))
    body = build_day_counts(req, (date(2015, 1, 1), date(2015, 3, 1)), relaxed=False)
    assert body["query"] == text_query(req, relaxed=False) and body["size"] == 0
    assert set(body["aggs"]) == {"dates"} and "day" in body["aggs"]["dates"]["aggs"]
    clauses = body["aggs"]["dates"]["filter"]["bool"]["filter"]
    assert clauses[0] == {"terms": {"source": ["ynet"]}} and len(clauses) == 3
