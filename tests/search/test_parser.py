"""The request parser and the query builder, as pure functions (no Elasticsearch needed)."""

import json
from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from service.search.dates import display_interval, histogram_bounds
from service.search.parser import MAX_SIZE, InvalidRequest, parse_query, parse_search_args
from service.search.query import GROUPS_EXACT_BELOW, SNIPPETS_PER_ARTICLE, build_search


def parse(**kw):
    return parse_search_args(MultiDict(kw))


def test_defaults():
    req = parse()
    assert (req.q, req.page, req.size, req.kinds, req.sort) == ("", 1, 10, (), "relevance")
    assert req.query.empty


def test_query_is_normalised():
    assert parse(q="  צה״ל ").q == 'צה"ל'


@pytest.mark.parametrize(
    ("q", "words", "phrases", "excluded"),
    [
        ("נתניהו ופוטין", ("נתניהו", "ופוטין"), (), ()),
        ('"שיתוף הפעולה"', (), ("שיתוף הפעולה",), ()),
        ('צה"ל בסוריה', ('צה"ל', "בסוריה"), (), ()),
        ('"דובר צה"ל" הודיע', ("הודיע",), ('דובר צה"ל',), ()),
        ("פוטין -פסקוב", ("פוטין",), (), ("פסקוב",)),
        ('פוטין -"משרד הביטחון"', ("פוטין",), (), ("משרד הביטחון",)),
        ('"אחת"', (), ("אחת",), ()),  # a quoted single word is an exact form
        ("S-400 בסוריה", ("בסוריה",), (), ()),  # S-400 is a hyphenated word (compounds)
        ("ב-CNN", ("CNN",), (), ()),  # a prefix before a hyphen is no word
        ("-אל-קאעידה פוטין", ("פוטין",), (), ("אל קאעידה",)),  # excluded as the phrase of its pieces
        ('"אל-קאעידה"', (), ("אל-קאעידה",), ()),  # quoted: a phrase as it is
        ("!!! ,,, ...", (), (), ()),
        ('"לא סגור', (), ("לא סגור",), ()),
    ],
)
def test_query_language(q, words, phrases, excluded):
    parsed = parse_query(q)
    assert (parsed.words, parsed.phrases, parsed.excluded) == (words, phrases, excluded)


@pytest.mark.parametrize(
    ("q", "compounds", "words"),
    [
        ("אל-קאעידה", (("אל", "קאעידה"),), ()),
        ("בן־גוריון", (("בן", "גוריון"),), ()),  # maqaf, normalised to a hyphen
        ("S-400 בסוריה", (("S", "400"),), ("בסוריה",)),
        ("וב-S-400", (("S", "400"),), ()),  # a prefix chain before the hyphen
        ("ה-8", (), ("8",)),
        ("מה-BBC", (), ("BBC",)),
        ("בCNN", (), ("CNN",)),  # a prefix glued to a Latin word: normalised to ב-CNN
        ("כל-כך", (("כל", "כך"),), ()),  # כל is a word, not a prefix chain
        ("1948–1967", (("1948", "1967"),), ()),  # en dash
        ("-ירושלים-", (), ()),  # an exclusion of one piece
        ("אל-קאעידה אל-קאעידה", (("אל", "קאעידה"),), ()),
    ],
)
def test_hyphenated_words_are_one_word_of_pieces(q, compounds, words):
    parsed = parse(q=q).query
    assert (parsed.compounds, parsed.words) == (compounds, words)
    assert parsed.empty == (not (compounds or words))


def test_a_hyphenated_first_word_can_ask_a_question():
    assert parse_query("מה-זה?").question
    assert not parse_query("אל-קאעידה").question


@pytest.mark.parametrize(
    ("params", "word"),
    [
        ({"size": "0"}, "size"),
        ({"size": str(MAX_SIZE + 1)}, "size"),
        ({"page": "-1"}, "page"),
        ({"page": "1.5"}, "page"),
        ({"page": "999", "size": "50"}, "page"),  # beyond the result window
        ({"kind": "video"}, "kind"),
        ({"q": "א" * 501}, "q"),
        ({"q": " ".join(["מילה"] * 40)}, "q"),
        ({"sort": "popular"}, "sort"),
        ({"from": "22/12/2015"}, "from"),
        ({"to": "2015-13-01"}, "to"),
        ({"from": "2016-01-01", "to": "2015-01-01"}, "from"),
        ({"from": "0001-01-01"}, "from"),
        ({"person": "place:x"}, "person"),
        ({"person": "person:a|b"}, "person"),
    ],
)
def test_invalid_parameters_name_themselves(params, word):
    with pytest.raises(InvalidRequest, match=word):
        parse(**params)


def test_kind_groups():
    assert parse(kind="section").kinds == ("title", "lead", "body")
    assert parse(kind="caption").kinds == ("caption",)


def test_offset_follows_page_and_size():
    body = build_search(parse(q="x", page="3", size="20"))
    assert (body["from"], body["size"]) == (40, 20)


def _nested_parts(body: dict) -> dict:
    """The nested query on the article's parts that brings them back as inner hits."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if "inner_hits" in node.get("nested", {}):
                found.append(node["nested"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(body["query"])
    assert len(found) == 1, found
    return found[0]


def test_results_are_articles_scored_by_their_best_part():
    body = build_search(parse(q="x"))
    # One document per article: the only grouping is of near-duplicate articles (issue 18).
    assert body["collapse"]["field"] == "dup_key"
    nested = _nested_parts(body)
    assert (nested["path"], nested["score_mode"]) == ("parts", "max")
    inner = nested["inner_hits"]
    # One more than the snippets shown: the title part is not shown as one.
    assert inner["name"] == "parts" and inner["size"] == SNIPPETS_PER_ARTICLE + 1
    assert inner["highlight"]["encoder"] == "html"
    assert "parts.text" in inner["highlight"]["fields"]


def test_empty_query_lists_newest_first_without_highlight():
    body = build_search(parse())
    inner = _nested_parts(body)["inner_hits"]
    assert "highlight" not in inner
    assert inner["sort"] == [{"parts.position": "asc"}]  # the article's first parts, in order
    assert body["sort"][0]["published_at"]["order"] == "desc"


@pytest.mark.parametrize(("sort", "order"), [("newest", "desc"), ("oldest", "asc")])
def test_sort(sort, order):
    assert build_search(parse(q="x", sort=sort))["sort"][0]["published_at"]["order"] == order


def test_no_query_string_query_anywhere():
    assert "query_string" not in repr(build_search(parse(q='a "b c" -d OR e:f AND (g)')))


def test_facets_are_disjunctive():
    args = [
        ("q", "x"),
        ("person", "person:a"),
        ("person", "person:c"),
        ("place", "place:b"),
        ("source", "ynet"),
    ]
    body = build_search(parse_search_args(MultiDict(args)))
    people = {"terms": {"entity_ids": ["person:a", "person:c"]}}  # OR within a facet
    place = {"terms": {"entity_ids": ["place:b"]}}
    source = {"terms": {"source": ["ynet"]}}
    # The hits: every selection (AND across facets); each facet: every selection but its own.
    assert body["post_filter"] == {"bool": {"filter": [people, place, source]}}
    assert body["aggs"]["person"]["filter"] == {"bool": {"filter": [place, source]}}
    assert body["aggs"]["place"]["filter"] == {"bool": {"filter": [people, source]}}
    assert body["aggs"]["organisation"]["filter"] == {"bool": {"filter": [people, place, source]}}
    assert body["aggs"]["source"]["filter"] == {"bool": {"filter": [people, place]}}
    # The selected values are counted on their own, so they are listed whatever their rank.
    selected = body["aggs"]["person"]["aggs"]["selected"]["terms"]
    assert selected["field"] == "entities.person" and selected["size"] == 2


@pytest.mark.parametrize(
    ("start", "end", "interval"),
    [
        (date(2015, 12, 1), date(2015, 12, 31), "day"),
        (date(2015, 1, 1), date(2015, 12, 31), "week"),
        (date(2012, 1, 1), date(2015, 12, 31), "month"),
        (date(2010, 1, 1), date(2015, 12, 31), "quarter"),  # 72 months: over 60 bars (issue 18)
        (date(1995, 1, 1), date(2015, 12, 31), "year"),
    ],
)
def test_histogram_interval_follows_the_range(start, end, interval):
    assert display_interval(start, end) == interval


def test_histogram_bounds_complete_an_open_range_with_the_index_extent():
    extent = (date(2014, 1, 1), date(2015, 12, 31))
    assert histogram_bounds(parse(), extent) == extent
    assert histogram_bounds(parse(**{"from": "2015-06-01"}), extent) == (date(2015, 6, 1), date(2015, 12, 31))
    assert histogram_bounds(parse(), None) is None


@pytest.mark.parametrize(
    ("q", "question"),
    [('מי הוא מנכ"ל החברה?', True), ("כמה כסף גויס", True), ("פוטין", False), ("נתניהו ופוטין", False)],
)
def test_questions_are_told_from_keywords(q, question):
    assert parse_query(q).question is question


def test_relaxed_queries_need_fewer_of_their_words_than_keywords():
    from service.search.query import required_words

    assert [required_words(n) for n in (1, 2, 3, 4, 8)] == [1, 2, 3, 4, 8]  # issue 15: all words
    assert [required_words(n, relaxed=True) for n in (1, 2, 3, 4, 8)] == [1, 1, 1, 1, 2]


def test_browsing_and_searching_count_facets_alike_on_article_documents():
    """The facets count the articles the query finds, whatever the query: the same aggregations,
    plain ``terms`` on the article documents, no sample and no distinct count; the total is the
    hits'."""
    browse = build_search(parse_search_args(MultiDict([("person", "person:a")])))
    search = build_search(parse_search_args(MultiDict([("q", "x"), ("person", "person:a")])))
    assert browse["aggs"] == search["aggs"]
    # The pages' count of results (groups of near-duplicates) is the one distinct count.
    assert search["aggs"]["groups"]["aggs"]["count"] == {
        "cardinality": {"field": "dup_key", "precision_threshold": GROUPS_EXACT_BELOW}
    }
    facets = {k: v for k, v in search["aggs"].items() if k != "groups"}
    # The person facet has no other filter: its aggregations stand side by side, unwrapped.
    assert set(facets) == {
        "person_top",
        "person_selected",
        "place",
        "organisation",
        "credit",
        "source",
        "author",
    }
    top = search["aggs"]["place"]["aggs"]["top"]
    assert top["terms"]["field"] == "entities.place" and "aggs" not in top
    assert search["track_total_hits"] is True
    for old in ("sampler", "cardinality", "global", "doc_type", "collapse"):
        assert old not in repr({k: v for k, v in {**search, "aggs": facets}.items() if k != "collapse"}), old
    assert search["collapse"]["field"] == "dup_key"  # near-duplicates (issue 18), not parts


def test_facet_counts_are_the_buckets_article_counts():
    from service.search.facets import ENTITY_FACETS

    def buckets(*counts: tuple[str, int]) -> dict:
        return {"buckets": [{"key": f"person:{k}|{k}", "doc_count": n} for k, n in counts]}

    agg = {"doc_count": 20, "top": buckets(("b", 9), ("a", 2)), "selected": buckets(("c", 4))}
    req = parse_search_args(MultiDict([("q", "x"), ("person", "person:c"), ("person", "person:d")]))
    wrapped = {"person": agg}
    side_by_side = {"person_top": agg["top"], "person_selected": agg["selected"]}
    for aggs in (wrapped, side_by_side):
        values = ENTITY_FACETS["person"].get_values(req, aggs)
        # As counted: selected values first (one that matches nothing any more counts 0), then by count.
        assert [(v["id"], v["count"], v["selected"]) for v in values] == [
            ("person:c", 4, True),
            ("person:d", 0, True),
            ("person:b", 9, False),
            ("person:a", 2, False),
        ]
        assert all(set(v) == {"id", "name", "count", "selected"} for v in values)


def test_a_facet_is_wrapped_in_a_filter_only_when_other_filters_apply():
    plain = build_search(parse_search_args(MultiDict([("q", "x")])))["aggs"]
    assert set(plain) - {"groups_count"} == {
        f"{t}_top" for t in ("person", "place", "organisation", "credit", "source", "author")
    }
    dated = build_search(parse_search_args(MultiDict([("q", "x"), ("from", "2015-01-01")])))["aggs"]
    assert "person_top" not in dated
    (window,) = dated["person"]["filter"]["bool"]["filter"]
    assert window["range"]["published_at"]["gte"] == "2015-01-01||/d"


@pytest.mark.parametrize(
    ("parts", "joined"),
    [
        (("אל", "קאעידה"), "אלקאעידה"),
        (("S", "400"), "S400"),
        (("COVID", "19"), "COVID19"),
        (("בן", "גוריון"), None),  # a final letter inside a word: no joined spelling
        (("1948", "1967"), None),  # a range, not a number
        (("א", "ב"), None),  # too short to be a word of its own
    ],
)
def test_joined_spelling_of_a_hyphenated_word(parts, joined):
    from service.search.compounds import joined as joined_spelling

    assert joined_spelling(parts) == joined


def test_a_hyphenated_word_is_searched_as_a_phrase_never_as_its_pieces_apart():
    body = json.dumps(build_search(parse(q="אל-קאעידה")), ensure_ascii=False)
    assert '"type": "phrase"' in body and '"query": "אל קאעידה"' in body
    assert '"query": "אל-קאעידה"' not in body and '"query": "אל"' not in body
    assert '"query": "אלקאעידה"' in body
