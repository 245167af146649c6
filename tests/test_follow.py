"""Follow a search and take it away (service/follow.py): the Atom feed and the CSV / JSON Lines
exports of a search, over the fixtures' alias on the test node (the sample article and the six of
tests/fixtures/articles.jsonl)."""

from __future__ import annotations

import csv
import io
import json
import socket
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest

from service import create_app
from service.config import Settings
from service.search import export

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Newest first: a6 (2016-01-16), a5 (2016-01-15), the sample (2015-12-22), a2, a1, a3, a4 (2014).
NEWEST_FIRST = ["a6", "a5", "cfedd30feb2df8c6", "a2", "a1", "a3", "a4"]
HEADER = [
    "article_id",
    "title",
    "published_at",
    "source",
    "url",
    "authors",
    "people",
    "places",
    "organisations",
    "article_page",
]


@pytest.fixture
def client(client_for, fixtures_alias):
    return client_for(fixtures_alias)


def feed(client, **params) -> ET.Element:
    response = client.get("/feed.atom", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(response.get_data())


def entry_ids(root: ET.Element) -> list[str]:
    """The article ids of the feed's entries (their id is the article page's URL)."""
    return [e.findtext(f"{ATOM}id").rsplit("/", 1)[-1] for e in root.iter(f"{ATOM}entry")]


def csv_rows(client, **params) -> tuple[bytes, list[list[str]]]:
    response = client.get("/export.csv", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    data = response.get_data()
    return data, list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_feed_lists_every_article_newest_first_in_hebrew(client):
    root = feed(client)
    assert root.tag == f"{ATOM}feed" and root.get(XML_LANG) == "he"
    assert root.findtext(f"{ATOM}title") == "חיפוש חדשות: כל הכתבות"
    assert entry_ids(root) == NEWEST_FIRST
    assert root.findtext(f"{ATOM}updated") == "2016-01-16T06:00:00Z"  # a6, 08:00 in Israel


def test_feed_entries_link_absolutely_to_the_article_page_and_the_article(client):
    entry = next(feed(client, q="תקציב").iter(f"{ATOM}entry"))
    links = {link.get("rel"): link.get("href") for link in entry.iter(f"{ATOM}link")}
    assert links["alternate"] == "http://localhost/articles/a6"
    assert links["related"] == "https://example.test/a6"
    assert entry.findtext(f"{ATOM}id") == links["alternate"]
    assert entry.findtext(f"{ATOM}published") == entry.findtext(f"{ATOM}updated") == "2016-01-16T06:00:00Z"
    assert "הכנסת אישרה" in entry.findtext(f"{ATOM}summary")


def test_the_feed_applies_the_words_and_filters_and_keeps_them_in_its_own_links(client):
    root = feed(client, q="נתניהו", size="5", sort="relevance")
    assert root.findtext(f"{ATOM}title") == "חיפוש חדשות: נתניהו"
    assert entry_ids(root) == ["a5", "cfedd30feb2df8c6", "a1"]  # newest first, whatever the page's sort
    self_link = next(link.get("href") for link in root.iter(f"{ATOM}link") if link.get("rel") == "self")
    assert urlsplit(self_link).netloc == "localhost" and "q=" in self_link and "size" not in self_link
    assert entry_ids(feed(client, q="נתניהו", **{"from": "2016-01-01"})) == ["a5"]


def test_the_feed_of_a_date_alone_is_midnight_utc(client):
    root = feed(client, **{"from": "2015-12-22", "to": "2015-12-22"})
    assert entry_ids(root) == ["cfedd30feb2df8c6"]
    entry = next(root.iter(f"{ATOM}entry"))
    assert entry.findtext(f"{ATOM}updated") == "2015-12-22T00:00:00Z"
    assert not [link for link in entry.iter(f"{ATOM}link") if link.get("rel") == "related"]  # no url


def test_the_csv_export_is_excel_utf8_with_every_matching_row(client):
    data, rows = csv_rows(client)
    assert data.startswith(b"\xef\xbb\xbf")
    assert rows[0] == HEADER
    assert [r[0] for r in rows[1:]] == NEWEST_FIRST
    by_id = {r[0]: dict(zip(HEADER, r, strict=True)) for r in rows[1:]}
    a5 = by_id["a5"]
    assert a5["title"] == "נתניהו ופוטין שוחחו בטלפון" and a5["source"] == "ynet"
    assert a5["url"] == "https://example.test/a5" and a5["article_page"] == "http://localhost/articles/a5"
    assert a5["published_at"].startswith("2016-01-15T08:00:00")
    assert a5["people"] == "בנימין נתניהו; ולדימיר פוטין" and a5["authors"] == ""


def test_the_csv_export_follows_the_filters_and_the_sort(client):
    _, rows = csv_rows(client, q="נתניהו", sort="oldest")
    assert [r[0] for r in rows[1:]] == ["a1", "cfedd30feb2df8c6", "a5"]


def test_the_jsonl_export_has_lists_and_the_same_rows(client):
    response = client.get("/export.jsonl", query_string={"q": "פוטין"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/x-ndjson; charset=utf-8"
    assert response.headers["X-Total-Matches"] == response.headers["X-Exported-Articles"]
    rows = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert len(rows) == int(response.headers["X-Total-Matches"]) >= 2
    assert all(list(row) == HEADER for row in rows)
    assert all(
        isinstance(row[k], list) for row in rows for k in ("authors", "people", "places", "organisations")
    )
    assert rows[0]["article_id"] == "a5" and "ולדימיר פוטין" in rows[0]["people"]


def test_the_export_stops_at_the_cap(es_url, fixtures_alias):
    capped = create_app(Settings(es_url=es_url, es_index=fixtures_alias, export_max_articles=2)).test_client()
    _, rows = csv_rows(capped)
    assert [r[0] for r in rows[1:]] == NEWEST_FIRST[:2]
    response = capped.get("/export.jsonl")
    assert len(response.get_data(as_text=True).splitlines()) == 2
    assert response.headers["X-Total-Matches"] == "7" and response.headers["X-Exported-Articles"] == "2"


def test_the_export_pages_through_every_article_once(client, monkeypatch):
    """Pages of two articles (search_after in a point in time): each article once, in order."""
    monkeypatch.setattr(export.ArticleList, "page_size", 2)
    _, rows = csv_rows(client)
    assert [r[0] for r in rows[1:]] == NEWEST_FIRST
    _, rows = csv_rows(client, sort="relevance", q="נתניהו פוטין")
    assert len(rows) > 1 and len(rows) - 1 == len({r[0] for r in rows[1:]})


@pytest.mark.parametrize("path", ["/feed.atom", "/export.csv", "/export.jsonl"])
@pytest.mark.parametrize(
    "params", [{"size": "abc"}, {"from": "2016-02-30"}, {"person": "place:x"}, {"kind": "nothing"}]
)
def test_bad_parameters_are_a_plain_400(client, path, params):
    response = client.get(path, query_string=params)
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    text = response.get_data(as_text=True)
    assert text.startswith("400: invalid request: '") and "בקשה שגויה" in text


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("path", ["/feed.atom", "/export.csv", "/export.jsonl"])
def test_no_node_is_a_plain_503(path):
    app = create_app(Settings(es_url=f"http://127.0.0.1:{closed_port()}", es_index="nowhere"))
    response = app.test_client().get(path, query_string={"q": "פוטין"})
    assert response.status_code == 503 and int(response.headers["Retry-After"]) > 0
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "אינו זמין" in response.get_data(as_text=True)
    assert "Content-Disposition" not in response.headers


def test_a_missing_index_is_a_503_too(client_for):
    response = client_for("test-follow-no-such-alias").get("/export.csv")
    assert response.status_code == 503 and response.mimetype == "text/plain"


def test_the_page_links_follow_the_current_search(client_for, fixtures_alias):
    """_follow.html and _feed_head.html, rendered for a search as a page would include them: the
    links keep the words, filters and sort, drop the page and its size, and answer."""
    from html.parser import HTMLParser

    from flask import render_template_string

    client = client_for(fixtures_alias)
    app = client.application
    query = "q=נתניהו&person=person:netanyahu-benjamin&sort=oldest&page=2&size=20"
    with app.test_request_context(f"/?{query}"):
        html = render_template_string('{% include "_feed_head.html" %}{% include "_follow.html" %}')

    found: list[dict] = []

    class Links(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag in ("a", "link"):
                found.append(dict(attrs))

    Links().feed(html)
    head, feed_link, csv_link, jsonl_link = found
    assert head["rel"] == "alternate" and head["type"] == "application/atom+xml"
    assert head["title"] == "חיפוש חדשות: נתניהו" and head["href"].startswith("http://localhost/feed.atom?")
    paths = [link["href"].split("?")[0] for link in (feed_link, csv_link, jsonl_link)]
    assert paths == ["/feed.atom", "/export.csv", "/export.jsonl"]
    assert "עדכונים (Atom)" in html and "ייצוא CSV" in html and "ייצוא JSON Lines" in html
    for link in (feed_link, csv_link, jsonl_link):
        assert "page=" not in link["href"] and "size=" not in link["href"] and "sort=oldest" in link["href"]
        assert client.get(link["href"]).status_code == 200
    exported = client.get(csv_link["href"]).get_data().decode("utf-8-sig")
    assert [r[0] for r in list(csv.reader(io.StringIO(exported)))[1:]] == ["a1", "cfedd30feb2df8c6", "a5"]


def test_a_cell_that_a_spreadsheet_would_run_is_defused():
    from service.follow import csv_lines

    row = {column: "" for column in HEADER} | {
        "article_id": "-1",
        "title": "=HYPERLINK(1)",
        "authors": ["@x", "y"],
        "people": [],
        "places": [],
        "organisations": [],
    }
    lines = list(csv.reader(io.StringIO("".join(csv_lines([row])).lstrip("\ufeff"))))
    assert lines[1][:2] == ["-1", "'=HYPERLINK(1)"] and lines[1][5] == "'@x; y"
