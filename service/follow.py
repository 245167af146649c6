"""Follow a search and take its results away: the Atom feed of any results page (``/feed.atom``)
and its matching articles' metadata as CSV or JSON Lines (``/export.csv``, ``/export.jsonl``).
Same parameters as the search page (``parser.parse_search_args``); the list itself is
``service/search/export.py``.

The feed is a Jinja template (``feed.xml``, autoescaped as every ``.xml`` template) rather than a
library: Atom needs a dozen elements, and ``feedgen`` would bring lxml and dateutil for them. The
exports stream (``stream_with_context``) up to ``Settings.export_max_articles`` rows, after a first
page asked before the response starts, so that a bad request is a 400 and an unavailable node a 503
(``errors.py``), never a truncated file with a 200.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request, stream_with_context, url_for

from service.es import get_es, get_settings
from service.search.article import safe_link
from service.search.export import COLUMNS, LIST_COLUMNS, ArticleList, article_row, feed_summary
from service.search.parser import SORTS, parse_search_args
from service.web import current_args

bp = Blueprint("follow", __name__)

FEED_ENTRIES = 20
FEED_TYPE = "application/atom+xml; charset=utf-8"
# An entry needs a date: an undated article (old corpora) gets this one, fixed, so that a reader
# never takes it for a new or updated entry on its next poll.
UNDATED = "1970-01-01T00:00:00Z"
# Characters XML 1.0 forbids (OCR text has some): dropped from the feed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A cell a spreadsheet would read as a formula (=, +, -, @, tab, return first) is prefixed with '.
_FORMULA = re.compile(r"^[=+\-@\t\r]")
FREE_TEXT = {"title", "source", "authors", "people", "places", "organisations"}


def follow_args() -> list[tuple[str, str]]:
    """The search state of this request (``web.current_args``) without the page's size: a feed and
    an export keep the words, filters and sort, not how many results a page shows."""
    return [(k, v) for k, v in current_args() if k != "size"]


def query_string() -> str:
    """``?`` and the search state of this request, or nothing when it has none."""
    query = urlencode(follow_args())
    return f"?{query}" if query else ""


def follow_url(endpoint: str, external: bool = False) -> str:
    """The feed's or an export's URL for the current search."""
    return url_for(endpoint, _external=external) + query_string()


def feed_title() -> str:
    q = " ".join((request.args.get("q") or "").split())
    return f"חיפוש חדשות: {q or 'כל הכתבות'}"


@bp.app_context_processor
def links() -> dict[str, Any]:
    return {"follow_url": follow_url, "feed_title": feed_title}


def xml_text(value: object) -> str:
    return _NOT_XML.sub("", str(value or ""))


def atom_date(value: str | None) -> str:
    """A stored ``published_at`` (a date alone, or a date-time with its zone) → RFC 3339 in UTC;
    UNDATED when there is none."""
    if not value:
        return UNDATED
    try:
        moment = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value[:10])
    except ValueError:
        return UNDATED
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def feed_entry(hit: dict[str, Any]) -> dict[str, Any]:
    src = hit["_source"]
    page = url_for("web.article_page", article_id=src["article_id"], _external=True)
    return {
        "id": page,
        "title": xml_text(src.get("display_title") or src["article_id"]),
        "link": page,
        "related": xml_text(safe_link(src.get("url"))) or None,
        "published": atom_date(src.get("published_at")) if src.get("published_at") else None,
        "updated": atom_date(src.get("published_at")),
        "summary": xml_text(feed_summary(hit)),
        "authors": [xml_text(a) for a in src.get("authors") or []],
        "source": xml_text(src.get("source")),
    }


@bp.get("/feed.atom")
def feed():
    """The newest FEED_ENTRIES articles of the search, newest first (whatever its sort)."""
    req = parse_search_args(request.args)
    hits = ArticleList(get_es(), get_settings().es_index, req, sort="newest").feed(FEED_ENTRIES)
    entries = [feed_entry(hit) for hit in hits]
    dated = [e["updated"] for e in entries if e["published"]]
    body = render_template(
        "feed.xml",
        title=xml_text(feed_title()),
        feed_id=follow_url("follow.feed", external=True),
        page=url_for("web.search_page", _external=True) + query_string(),
        updated=max(dated, default=UNDATED),
        entries=entries,
    )
    return Response(body, content_type=FEED_TYPE)


def _export(kind: str, encode) -> Response:
    """The export response: the first page asked now (errors before any byte), the rest streamed."""
    req = parse_search_args(request.args)
    # The request's sort when it gives one, else newest first (an export is a list, not a ranking).
    sort = request.args.get("sort") or "newest"
    sort = sort if sort in SORTS else "newest"
    settings = get_settings()
    articles = ArticleList(get_es(), settings.es_index, req, sort=sort)
    total, first = articles.first()
    limit = settings.export_max_articles

    def page_url(article_id: str) -> str:
        return url_for("web.article_page", article_id=article_id, _external=True)

    rows = (article_row(src, page_url) for src in articles.rest(first, limit))
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    response = Response(stream_with_context(encode(rows)), content_type=EXPORT_TYPES[kind])
    response.headers["Content-Disposition"] = f'attachment; filename="news-search-{stamp}.{kind}"'
    response.headers["X-Total-Matches"] = str(total)
    response.headers["X-Exported-Articles"] = str(min(total, limit))
    return response


def csv_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """CSV for Excel: UTF-8 with a byte order mark, lists joined by "; ", formulas defused."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    yield "\ufeff" + buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_cell(column, row[column]) for column in COLUMNS])
        yield buffer.getvalue()


def _cell(column: str, value: Any) -> str:
    if column in LIST_COLUMNS:
        return "; ".join(_defused(column, v) for v in value)
    return _defused(column, str(value))


def _defused(column: str, text: str) -> str:
    return "'" + text if column in FREE_TEXT and _FORMULA.match(text) else text


def jsonl_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, ensure_ascii=False) + "\n"


EXPORT_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}


@bp.get("/export.csv")
def export_csv():
    return _export("csv", csv_lines)


@bp.get("/export.jsonl")
def export_jsonl():
    return _export("jsonl", jsonl_lines)
