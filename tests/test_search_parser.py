import pytest
from werkzeug.datastructures import MultiDict

from service.search.parser import MAX_SIZE, InvalidRequest, parse_search_args
from service.search.query import build_search


def parse(**kw):
    return parse_search_args(MultiDict(kw))


def test_defaults():
    req = parse()
    assert (req.q, req.page, req.size, req.kinds) == ("", 1, 10, ())


def test_query_is_normalised():
    assert parse(q="  צה״ל ").q == 'צה"ל'


@pytest.mark.parametrize(
    ("params", "word"),
    [
        ({"size": "0"}, "size"),
        ({"size": str(MAX_SIZE + 1)}, "size"),
        ({"page": "-1"}, "page"),
        ({"page": "1.5"}, "page"),
        ({"kind": "video"}, "kind"),
        ({"q": "א" * 501}, "q"),
    ],
)
def test_invalid_parameters_name_themselves(params, word):
    with pytest.raises(InvalidRequest, match=word):
        parse(**params)


def test_offset_follows_page_and_size():
    body = build_search(parse(q="x", page="3", size="20"))
    assert (body["from"], body["size"]) == (40, 20)


def test_empty_query_lists_newest_first_without_highlight():
    body = build_search(parse())
    assert body["query"]["bool"]["must"] == [{"match_all": {}}]
    assert "highlight" not in body
    assert body["sort"][0]["published_at"]["order"] == "desc"


def test_highlight_escapes_html():
    assert build_search(parse(q="x"))["highlight"]["encoder"] == "html"
