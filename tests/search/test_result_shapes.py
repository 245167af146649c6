"""A node's answer → the API's results (``result.py``), on answers written by hand (no Elasticsearch
needed): which parts become snippets, how many fragments they keep, the title's marks, the count of
parts not shown and of near-duplicates. The same on the real node: test_results_shape."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from service.search.facets import ENTITY_FACETS
from service.search.keyword_facets import KEYWORD_FACETS
from service.search.parser import parse_search_args
from service.search.result import FRAGMENTS_PER_RESULT, entity_refs, shape_results

TITLE = "פוטין ביקר במוסקבה"


def part(position: int, text: str, html: list[str] | None = None, **src) -> dict:
    highlight = {"parts.text": html} if html is not None else {}
    source = {"kind": "body", "position": position, "display_text": text, **src}
    return {"_id": "a1", "_source": source, "highlight": highlight, "_score": 10.0 - position}


def hit(parts: list[dict], matched: int | None = None, key: str | None = None, **src) -> dict:
    inner: dict = {"hits": parts}
    if matched is not None:
        inner["total"] = {"value": matched}
    source = {"article_id": "a1", "display_title": TITLE, **src}
    out = {"_source": source, "inner_hits": {"parts": {"hits": inner}}, "_score": 3.5}
    return out | ({"fields": {"dup_key": [key]}} if key else {})


def answer(*hits: dict, total: int | None = None, groups: int | None = None, **extra) -> dict:
    aggs: dict = {f"{t}_top": {"buckets": []} for t in ENTITY_FACETS | KEYWORD_FACETS}
    if groups is not None:
        aggs["groups_count"] = {"value": groups}
    value = len(hits) if total is None else total
    return {"hits": {"total": {"value": value}, "hits": list(hits)}, "aggregations": aggs, **extra}


def shaped(*hits: dict, q: str = "פוטין", **extra) -> dict:
    req = parse_search_args(MultiDict({"q": q}))
    return shape_results(req, answer(*hits, **extra))


def only(*hits: dict, **extra) -> dict:
    (result,) = shaped(*hits, **extra)["results"]
    return result


def test_the_answers_frame():
    req = parse_search_args(MultiDict({"q": "פוטין", "page": "2", "size": "5", "sort": "oldest"}))
    body = shape_results(req, answer(total=12, groups=9, took=7), relaxed=True)
    head = {k: body[k] for k in ("query", "page", "size", "sort", "total", "groups", "relaxed", "took_ms")}
    assert head == {
        "query": "פוטין",
        "page": 2,
        "size": 5,
        "sort": "oldest",
        "total": 12,
        "groups": 9,
        "relaxed": True,
        "took_ms": 7,
    }
    assert set(body["facets"]) == {"person", "place", "organisation", "credit", "source", "author"}
    assert body["dates"]["buckets"] == [] and shaped()["relaxed"] is False


@pytest.mark.parametrize(("total", "groups", "listed"), [(12, 9, 9), (12, 15, 12), (12, None, 12)])
def test_the_groups_listed_are_never_more_than_the_total(total, groups, listed):
    assert shaped(total=total, groups=groups)["groups"] == listed


def test_a_result_names_its_article():
    entities = {"person": ["person:p|פוטין"], "place": ["place:m|מוסקבה"]}
    src = {
        "url": "https://x/1",
        "source": "ynet",
        "published_at": "2015-01-02T10:00:00Z",
        "entities": entities,
    }
    result = only(hit([part(1, "פוטין אמר")], **src))
    assert (result["article_id"], result["title"], result["score"]) == ("a1", TITLE, 3.5)
    assert (result["url"], result["source"], result["published_at"]) == (
        "https://x/1",
        "ynet",
        src["published_at"],
    )
    assert result["entities"] == entity_refs(entities)
    assert result["entities"]["person"] == [{"id": "person:p", "name": "פוטין"}]
    assert entity_refs(None) == {"person": [], "place": [], "organisation": [], "credit": []}


def test_a_snippet_is_its_part_with_the_highlighted_fragments():
    (snippet,) = only(hit([part(2, "פוטין אמר", ["<mark>פוטין</mark> אמר"], display_heading="כותרת")]))[
        "snippets"
    ]
    assert snippet["html"] == ["<mark>פוטין</mark> אמר"] and snippet["score"] == 8.0
    assert (snippet["id"], snippet["kind"], snippet["position"]) == ("a1#2", "body", 2)
    assert (snippet["text"], snippet["heading"]) == ("פוטין אמר", "כותרת")


def test_a_part_without_highlights_shows_its_text_not_an_empty_list():
    (snippet,) = only(hit([part(1, "פוטין אמר", [])]))["snippets"]
    assert snippet["html"] is None
    (browsed,) = only(hit([part(1, "פוטין אמר")]))["snippets"]
    assert browsed["html"] is None


def test_the_title_part_and_a_part_that_repeats_the_title_are_no_snippets():
    parts = [
        part(0, TITLE, kind="title"),
        part(1, "פוטין, ביקר במוסקבה!"),  # the title's words, other punctuation and case
        part(2, "פוטין אמר"),
    ]
    result = only(hit(parts))
    assert [s["position"] for s in result["snippets"]] == [2]
    assert result["more_snippets"] == 0
    # The title part is left out by its kind, whatever its text (a kicker, a subtitle).
    kinds = only(hit([part(0, "פוטין: הראיון", kind="title"), part(1, "פוטין: הראיון")]))["snippets"]
    assert [s["position"] for s in kinds] == [1]


def test_a_hit_without_parts_has_no_snippets():
    bare = {"_source": {"article_id": "a1", "display_title": TITLE}}
    for h in (bare, {**bare, "inner_hits": {}}, {**bare, "inner_hits": {"parts": {}}}):
        result = only(h)
        assert (result["snippets"], result["more_snippets"], result["title_html"]) == ([], 0, None)


def test_three_snippets_at_most_and_the_rest_counted():
    parts = [part(i, f"פוטין {i}") for i in range(1, 5)]
    result = only(hit(parts, matched=9))
    assert [s["position"] for s in result["snippets"]] == [1, 2, 3]
    # 9 matched: 4 fetched, one of them not shown, 5 not fetched.
    assert result["more_snippets"] == 6
    assert only(hit(parts))["more_snippets"] == 1  # no total: the fetched parts are all there are


def test_fragments_share_the_results_limit_in_order_of_the_parts():
    many = ["<mark>א</mark>1", "<mark>א</mark>2", "<mark>א</mark>3"]
    lone = only(hit([part(1, "x", many)]))["snippets"]
    assert [len(s["html"]) for s in lone] == [FRAGMENTS_PER_RESULT]
    two = only(hit([part(1, "x", many), part(2, "y", many)]))["snippets"]
    assert [len(s["html"]) for s in two] == [2, 1]
    three = only(hit([part(1, "x", many), part(2, "y", many), part(3, "z", many)]))["snippets"]
    assert [len(s["html"]) for s in three] == [1, 1, 1]
    pairs = [part(i, "x", ["<mark>א</mark>1", "<mark>א</mark>2"]) for i in (1, 2, 3)]
    assert [len(s["html"]) for s in only(hit(pairs))["snippets"]] == [1, 1, 1]
    mixed = only(hit([part(1, "x", ["<mark>א</mark>"]), part(2, "y", many)]))["snippets"]
    assert [len(s["html"]) for s in mixed] == [1, 2]


def test_the_title_is_marked_from_the_first_copy_that_has_a_mark():
    plain = part(1, "x")
    plain["highlight"]["parts.title"] = [TITLE]
    marked = part(2, "y")
    marked["highlight"]["parts.title"] = ["<mark>פוטין</mark> ביקר במוסקבה"]
    other = part(3, "z")
    other["highlight"]["parts.title"] = ["פוטין <mark>ביקר</mark> במוסקבה"]
    assert only(hit([plain, marked, other]))["title_html"] == "<mark>פוטין</mark> ביקר במוסקבה"
    assert only(hit([plain]))["title_html"] is None


@pytest.mark.parametrize(
    ("counts", "similar"), [({"k": 3}, {"key": "k", "count": 2}), ({"k": 1}, None), ({}, None)]
)
def test_a_result_tells_how_many_near_duplicates_also_match(counts, similar):
    assert only(hit([], key="k"), similar_counts=counts)["similar"] == similar


def test_no_group_key_no_near_duplicates():
    assert only(hit([]), similar_counts={None: 4, "": 4})["similar"] is None
    assert only(hit([]))["similar"] is None
