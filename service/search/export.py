"""The matching articles as a list, for the Atom feed and the CSV / JSON Lines export of a search
(``service/follow.py``): the same words and filters as the search page (``query.text_query`` and
``query.filters``), without facets, highlights or pages.

- Order: a deterministic sort that ends on ``article_id``, so that ``search_after`` pages through
  every match exactly once; newest first unless the request's sort says otherwise.
- Paging: ``search_after`` inside a point in time, so that an export of thousands of articles reads
  one snapshot of the index even while articles are written (``ArticleList.pages``).
- Fields: only the article's metadata (``_source`` includes), never its parts; the feed alone asks
  for one best part per article (``FEED_SNIPPET``) for entries without a lead.
- Relaxed like the search page: a question is searched relaxed from the start, and a keyword
  search that finds nothing is asked again relaxed (``searching.ArticleSearch.run``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from elasticsearch import Elasticsearch

from service.model import split_facet_value
from service.search.query import filters, relaxable, starts_relaxed, text_query
from service.search.request import SearchRequest

EXPORT_FIELDS = [
    "article_id",
    "display_title",
    "published_at",
    "source",
    "url",
    "authors",
    "entities.person",
    "entities.place",
    "entities.organisation",
]
FEED_FIELDS = [*EXPORT_FIELDS, "display_lead"]
# The columns of an export, in order (CSV header, JSON Lines keys).
COLUMNS = (
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
)
ENTITY_COLUMNS = {"people": "person", "places": "place", "organisations": "organisation"}
LIST_COLUMNS = ("authors", *ENTITY_COLUMNS)
PAGE_SIZE = 500  # articles per request: metadata only, a few hundred kB
POINT_IN_TIME = "1m"  # kept alive between two pages, renewed by each
FEED_SNIPPET = {  # the article's best part, for an entry whose article has no lead
    "name": "parts",
    "size": 3,
    "_source": ["parts.kind", "parts.display_text"],
}
SUMMARY_CHARS = 400


def list_sort(sort: str) -> list[Any]:
    """``newest`` (the default of a feed and an export), ``oldest`` or ``relevance``; always ending on
    ``article_id`` so that ``search_after`` never skips nor repeats an article."""
    newest = {"published_at": {"order": "desc", "missing": "_last"}}
    oldest = {"published_at": {"order": "asc", "missing": "_last"}}
    tiebreak = {"article_id": "asc"}
    if sort == "oldest":
        return [oldest, tiebreak]
    if sort == "relevance":
        return ["_score", newest, tiebreak]
    return [newest, tiebreak]


def list_body(
    req: SearchRequest,
    *,
    sort: str = "newest",
    size: int = PAGE_SIZE,
    relaxed: bool | None = None,
    feed: bool = False,
    search_after: list[Any] | None = None,
    total: bool = False,
) -> dict[str, Any]:
    """One page of the matching articles as a search body (without ``index`` or ``pit``: the
    caller adds them). ``feed``: with the lead and the best part (``FEED_SNIPPET``), for entries;
    ``total``: count every match (the first page of an export)."""
    by_position = [{"parts.position": "asc"}]
    order = by_position if req.query.empty else ["_score", *by_position]
    snippet = FEED_SNIPPET | {"sort": order} if feed else None
    query = text_query(req, relaxed=relaxed, inner_hits=snippet)
    query["bool"]["filter"] = [*query["bool"]["filter"], *filters(req)]
    body: dict[str, Any] = {
        "query": query,
        "sort": list_sort(sort),
        "size": size,
        "_source": FEED_FIELDS if feed else EXPORT_FIELDS,
        "track_total_hits": total,
        "track_scores": sort == "relevance",
    }
    if search_after is not None:
        body["search_after"] = search_after
    return body


def names(values: list[str] | None) -> list[str]:
    """Facet values ``"id|Name"`` → the names."""
    return [split_facet_value(v)[1] for v in values or []]


def article_row(src: dict[str, Any], page_url: Callable[[str], str]) -> dict[str, Any]:
    """An article's ``_source`` (EXPORT_FIELDS) → its export row (COLUMNS), lists as lists."""
    entities = src.get("entities") or {}
    row: dict[str, Any] = {
        "article_id": src["article_id"],
        "title": src.get("display_title") or "",
        "published_at": src.get("published_at") or "",
        "source": src.get("source") or "",
        "url": src.get("url") or "",
        "authors": list(src.get("authors") or []),
    }
    row |= {column: names(entities.get(t)) for column, t in ENTITY_COLUMNS.items()}
    row["article_page"] = page_url(src["article_id"])
    return row


def feed_summary(hit: dict[str, Any]) -> str:
    """An entry's summary: the article's lead, else the start of its best part that is not the
    title (the title is the entry's own)."""
    lead = (hit["_source"].get("display_lead") or "").strip()
    if lead:
        return lead
    parts = hit.get("inner_hits", {}).get("parts", {}).get("hits", {}).get("hits", [])
    texts = [p["_source"].get("display_text") or "" for p in parts if p["_source"].get("kind") != "title"]
    text = " ".join((texts[0] if texts else "").split())
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1].rstrip() + "…"


class ArticleList:
    """The articles that match a request, page by page, over the index behind ``index``.
    ``first`` asks the first page (so that a bad request or an unavailable node is known before a
    response starts); ``rest`` pages on from it."""

    def __init__(self, es: Elasticsearch, index: str, req: SearchRequest, *, sort: str = "newest") -> None:
        self.es, self.index, self.req, self.sort = es, index, req, sort
        self.relaxed = starts_relaxed(req.query)
        self.pit: str | None = None

    page_size = PAGE_SIZE

    def search(self, **options: Any) -> dict[str, Any]:
        body = list_body(self.req, sort=self.sort, relaxed=self.relaxed, **options)
        if self.pit is None:
            return self.es.search(index=self.index, **body).body
        response = self.es.search(pit={"id": self.pit, "keep_alive": POINT_IN_TIME}, **body).body
        self.pit = response.get("pit_id", self.pit)
        return response

    def feed(self, size: int) -> list[dict[str, Any]]:
        """The ``size`` newest matching articles' hits, with their summaries' fields."""
        hits = self.search(size=size, feed=True)["hits"]["hits"]
        if not hits and not self.relaxed and relaxable(self.req.query):
            self.relaxed = True
            hits = self.search(size=size, feed=True)["hits"]["hits"]
        return hits

    def first(self) -> tuple[int, list[dict[str, Any]]]:
        """Open a point in time and ask the first page: (total matches, hits)."""
        self.pit = self.es.open_point_in_time(index=self.index, keep_alive=POINT_IN_TIME)["id"]
        try:
            response = self.search(size=self.page_size, total=True)
            if not response["hits"]["total"]["value"] and not self.relaxed and relaxable(self.req.query):
                self.relaxed = True
                response = self.search(size=self.page_size, total=True)
        except BaseException:
            self.close()
            raise
        return response["hits"]["total"]["value"], response["hits"]["hits"]

    def rest(self, hits: list[dict[str, Any]], limit: int) -> Iterator[dict[str, Any]]:
        """The ``_source`` of every hit from the first page's ``hits`` on, up to ``limit`` articles;
        closes the point in time at the end (or when the caller stops early)."""
        sent = 0
        try:
            while hits and sent < limit:
                for hit in hits[: limit - sent]:
                    sent += 1
                    yield hit["_source"]
                if sent >= limit or len(hits) < self.page_size:
                    return
                hits = self.search(size=self.page_size, search_after=hits[-1]["sort"])["hits"]["hits"]
        finally:
            self.close()

    def close(self) -> None:
        if self.pit is not None:
            pit, self.pit = self.pit, None
            # It expires by itself within POINT_IN_TIME: a failure here is nothing to tell the reader.
            with contextlib.suppress(Exception):
                self.es.close_point_in_time(id=pit)
