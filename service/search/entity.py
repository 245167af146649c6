"""An entity's page: what it is, how often it appears, when, and with whom. Parse (the id) →
query (its articles, name, mentions, dates and companions; then its timeline) → shape."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from elasticsearch import Elasticsearch

from service.model import ENTITY_TYPES
from service.search.article import SUMMARY_FIELDS, article_summary
from service.search.dates import days_of, display_interval, first_and_last, histogram_window, sane_date_range
from service.search.facets import DATE_FACET, ENTITY_FACETS, value_ref

ENTITY_ID = re.compile(rf"^({'|'.join(ENTITY_TYPES)}):[^|\s]{{1,200}}$")
RELATED = 8


class EntityProfile:
    """The entity page's data; ``get`` is the entry point (None: a malformed id, or no article
    mentions the entity)."""

    def __init__(self, es: Elasticsearch, index: str) -> None:
        self.es, self.index = es, index

    def get(self, entity_id: str) -> dict[str, Any] | None:
        match = ENTITY_ID.match(entity_id)
        if not match:
            return None
        articles = self.articles(entity_id)
        response = self.es.search(
            index=self.index,
            size=10,
            query=articles,
            sort=[{"published_at": {"order": "desc", "missing": "_last"}}],
            _source=SUMMARY_FIELDS,
            aggs=self.aggregations(entity_id, match.group(1)),
        )
        aggs = response["aggregations"]
        total = response["hits"]["total"]["value"]
        if not total or not aggs["name"]["buckets"]:
            return None
        days = days_of(aggs["sane"])
        return {
            "id": entity_id,
            "type": match.group(1),
            "name": value_ref(aggs["name"]["buckets"][0]["key"])["name"],
            "articles": total,
            "mentions": int(aggs["mentions"]["this"]["count"]["value"]),
            "first": days[0].isoformat() if days else None,
            "last": days[1].isoformat() if days else None,
            "timeline": self.timeline(articles, days),
            "latest": [article_summary(h["_source"], "article_id") for h in response["hits"]["hits"]],
            "related": {t: self.related(t, entity_id, aggs[f"related_{t}"]["buckets"]) for t in ENTITY_TYPES},
        }

    @staticmethod
    def articles(entity_id: str) -> dict[str, Any]:
        return {"bool": {"filter": [{"term": {"entity_ids": entity_id}}]}}

    @staticmethod
    def aggregations(entity_id: str, entity_type: str) -> dict[str, Any]:
        return {
            "name": ENTITY_FACETS[entity_type].terms(include=ENTITY_FACETS[entity_type].of_ids((entity_id,))),
            "mentions": {
                "nested": {"path": "entity_mentions"},
                "aggs": {
                    "this": {
                        "filter": {"term": {"entity_mentions.id": entity_id}},
                        "aggs": {"count": {"sum": {"field": "entity_mentions.count"}}},
                    }
                },
            },
            # Only sane dates: one dated 9999 made the page a 500 (see dates.DateExtent).
            "sane": {"filter": sane_date_range(), "aggs": first_and_last()},
            **{f"related_{t}": ENTITY_FACETS[t].terms(size=RELATED + 1) for t in ENTITY_TYPES},
        }

    @staticmethod
    def related(entity_type: str, entity_id: str, buckets: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The entities of this type named most often with it, itself left out."""
        others = [b for b in buckets if not b["key"].startswith(entity_id + "|")]
        return ENTITY_FACETS[entity_type].refs(others)[:RELATED]

    def timeline(self, articles: dict[str, Any], days: tuple[date, date] | None) -> dict[str, Any]:
        if days is None:
            return {"interval": None, "buckets": []}
        # Days when the bars are days or weeks, else months: summed into bars (``DateFacet.timeline``).
        fine = "day" if display_interval(*days) in ("day", "week") else "month"
        response = self.es.search(
            index=self.index,
            size=0,
            query={"bool": {"filter": [articles, histogram_window(*days)]}},
            aggs={"dates": DATE_FACET.histogram(fine)},
        )
        return DATE_FACET.timeline(response["aggregations"]["dates"], days)


def entity_profile(es: Elasticsearch, index: str, entity_id: str) -> dict[str, Any] | None:
    return EntityProfile(es, index).get(entity_id)


def entity_names(es: Elasticsearch, index: str, ids: list[str]) -> dict[str, str]:
    """The names of entities by id, from the articles that mention them: a selected filter that no
    longer matches anything under the other filters still shows a name, never its raw id. One small
    request (a ``terms`` query on the ids), asked only when such a filter is on the page."""
    by_type: dict[str, list[str]] = {}
    for entity_id in ids:
        by_type.setdefault(entity_id.split(":", 1)[0], []).append(entity_id)
    known = {t: chosen for t, chosen in by_type.items() if t in ENTITY_FACETS}
    if not known:
        return {}
    aggs = {
        t: ENTITY_FACETS[t].terms(len(chosen), include=ENTITY_FACETS[t].of_ids(tuple(chosen)))
        for t, chosen in known.items()
    }
    response = es.search(index=index, size=0, query={"terms": {"entity_ids": ids}}, aggs=aggs)
    found = response["aggregations"]
    return {ref["id"]: ref["name"] for t in known for ref in ENTITY_FACETS[t].refs(found[t]["buckets"])}
