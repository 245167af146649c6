"""What incremental writers and a running reindex tell each other, so that no write is lost at the swap.

A reindex builds a new index from files while ``flask index`` / ``flask delete`` keep writing to the
live alias; at the swap the old index (and whatever was written only to it) goes away. So:

- the reindex's lock document (in ``LOCK_INDEX``, id = the alias) says a reindex runs, and once the
  new index exists it is reachable through ``staging_alias(alias)``;
- a writer checks the lock before every bulk chunk and sends its documents (and deletes) to the
  staging alias too (with ``require_alias``, so that a write after a failed reindex deleted the
  new index errors instead of auto-creating a stray index);
- after every chunk that reached the live alias, a writer that sees the lock journals the article
  ids it touched (one small document each in ``LOCK_INDEX``);
- before the swap the reindex replays the journal: each journaled article in the new index is
  made equal to the live one (copied, deleted articles removed), in rounds until
  no new entry arrives. Writes are journaled after they land, so a write that a writer started
  before the reindex existed is still caught (see docs/reliability.md for the remaining window).
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from elasticsearch import ApiError, Elasticsearch, NotFoundError, helpers

LOCK_INDEX = "hebrew-news-locks"
LOCK_MAPPINGS: dict[str, Any] = {
    "dynamic": False,
    "properties": {
        "expires_at": {"type": "date"},
        "kind": {"type": "keyword"},  # "journal" for journal entries; lock documents have none
        "alias": {"type": "keyword"},
        "article_id": {"type": "keyword"},
    },
}
SYNC_BATCH = 500  # article ids per query when the replay copies articles


def staging_alias(alias: str) -> str:
    """The alias of the index a reindex of ``alias`` is building (outside the ``<alias>-v*`` family)."""
    return f"{alias}-reindex-target"


@dataclass(frozen=True)
class RunningReindex:
    target: str | None  # the staging alias once the new index exists, else None
    target_index: str | None  # the new index's concrete name (bulk results name it)


def running_reindex(es: Elasticsearch, alias: str) -> RunningReindex | None:
    """The reindex of ``alias`` in progress (an unexpired lock), or None."""
    try:
        held = es.get(index=LOCK_INDEX, id=alias)["_source"]
    except NotFoundError:  # no lock, or no lock index at all
        return None
    except ApiError:  # the lock index is unavailable (a full disk left its shard unassigned):
        return None  # then no reindex can hold a lock either
    expires = held.get("expires_at")
    if expires and datetime.fromisoformat(expires) <= datetime.now(UTC):
        return None  # its holder died; the next reindex takes the lock over
    target = held.get("target")
    return RunningReindex(staging_alias(alias) if target else None, target)


def journal(es: Elasticsearch, alias: str, article_ids: Iterable[str]) -> int:
    """Record that these articles were written (or deleted) in ``alias`` while a reindex runs."""
    now = datetime.now(UTC).isoformat()
    actions = [
        {
            "_index": LOCK_INDEX,
            "_id": uuid.uuid4().hex,
            "kind": "journal",
            "alias": alias,
            "article_id": a,
            "at": now,
        }
        for a in dict.fromkeys(article_ids)
    ]
    if not actions:
        return 0
    done, _ = helpers.bulk(es, actions, raise_on_error=False, stats_only=True)
    return done


def _entries_query(alias: str) -> dict[str, Any]:
    return {"bool": {"filter": [{"term": {"kind": "journal"}}, {"term": {"alias": alias}}]}}


def journaled(es: Elasticsearch, alias: str) -> dict[str, str]:
    """The journal of ``alias``: entry id → article id."""
    try:
        es.indices.refresh(index=LOCK_INDEX)
        hits = helpers.scan(es, index=LOCK_INDEX, query={"query": _entries_query(alias)})
        return {h["_id"]: h["_source"]["article_id"] for h in hits}
    except NotFoundError:
        return {}


def forget(es: Elasticsearch, entry_ids: Iterable[str]) -> None:
    actions = [{"_op_type": "delete", "_index": LOCK_INDEX, "_id": i} for i in entry_ids]
    if actions:
        helpers.bulk(es, actions, raise_on_error=False, stats_only=True)


def clear(es: Elasticsearch, alias: str) -> None:
    """Drop every journal entry of ``alias`` (a run ended, or a dead run left some)."""
    with contextlib.suppress(ApiError):  # best effort: a stray entry costs a redundant copy at most
        forget(es, journaled(es, alias))


def sync_articles(es: Elasticsearch, source: str, target: str, article_ids: Iterable[str]) -> int:
    """Make these articles in ``target`` what they are in ``source``: copy each one (a document,
    parts and all), delete those ``source`` no longer has."""
    ids = list(dict.fromkeys(article_ids))
    if not ids:
        return 0
    es.indices.refresh(index=f"{source},{target}")
    touched = 0
    for start in range(0, len(ids), SYNC_BATCH):
        query = {"query": {"terms": {"article_id": ids[start : start + SYNC_BATCH]}}}
        live = {h["_id"]: h["_source"] for h in helpers.scan(es, index=source, query=query)}
        built = {h["_id"] for h in helpers.scan(es, index=target, query={**query, "_source": False})}
        actions: list[dict[str, Any]] = [
            {"_op_type": "index", "_index": target, "_id": i, "_source": doc} for i, doc in live.items()
        ]
        actions += [{"_op_type": "delete", "_index": target, "_id": i} for i in built - live.keys()]
        if actions:
            helpers.bulk(es, actions, raise_on_error=True)
            touched += len(actions)
    es.indices.refresh(index=target)
    return touched
