"""Rebuild the index with zero downtime (after Warehouse's ``search/tasks.py``).

Load everything into a fresh, uniquely named index with refresh off and no replicas, check the
document count, restore refresh and replicas, then move the alias to it in one atomic request and
delete the old indices (keeping ``keep`` of them). Searches go through the alias the whole time,
so they never see a half-built index. On any failure the alias stays where it was and the new index
is deleted; an index left behind by a killed run is marked ``partial`` and removed by the next run.
A lock document in Elasticsearch keeps two reindexes of one alias from running at once
(``lock.py``); it also tells incremental writers (``flask index``/``delete``) where the new index
is, and their journal is replayed before the swap, so that nothing they write meanwhile is lost
(``journal.py``).
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from elasticsearch import Elasticsearch

from service.entities.extractor import EntityExtractor
from service.es import load_index_definition, new_index_name
from service.indexing import journal
from service.indexing.bulk import IndexSummary, WriteStopped
from service.indexing.journal import staging_alias
from service.indexing.loader import Articles, Loader
from service.indexing.lock import SHARD_WAIT, ReindexError, ReindexLock, disk_hint
from service.model import Article

ADMIN_TIMEOUT_SECONDS = 120


class ReindexStopped(ReindexError):
    """The node stopped taking writes mid-load (a full disk): ``summary`` tells what was loaded."""

    def __init__(self, reason: str, summary: IndexSummary) -> None:
        super().__init__(reason)
        self.summary = summary


@dataclass
class ReindexResult:
    index: str
    previous: list[str]
    deleted: list[str]
    summary: IndexSummary
    removed_partial: list[str] = field(default_factory=list)
    replayed: int = 0  # articles written or deleted meanwhile through the live alias, replayed


@dataclass(frozen=True)
class BuiltIndex:
    name: str
    created: int  # creation time, ms since the epoch
    build: str  # "partial" while loading, "complete" once it has passed its checks


def family(es: Elasticsearch, alias: str) -> list[BuiltIndex]:
    """The concrete indices built for ``alias`` (``<alias>-v…``), newest first."""
    found = es.indices.get(index=f"{alias}-v*", expand_wildcards="open,closed", allow_no_indices=True)
    built = [
        BuiltIndex(
            name,
            int(body["settings"]["index"]["creation_date"]),
            (body["mappings"].get("_meta") or {}).get("build", "complete"),
        )
        for name, body in found.body.items()
    ]
    return sorted(built, key=lambda b: b.created, reverse=True)


def aliased(es: Elasticsearch, alias: str) -> list[str]:
    if not es.indices.exists_alias(name=alias):
        return []
    return sorted(es.indices.get_alias(name=alias).body)


def remove_partial(es: Elasticsearch, alias: str) -> list[str]:
    """Delete indices a killed or failed run left behind (marked partial, not behind the alias)."""
    live = set(aliased(es, alias))
    leftovers = [b.name for b in family(es, alias) if b.build == "partial" and b.name not in live]
    if leftovers:
        es.indices.delete(index=",".join(leftovers))
    return leftovers


def catch_up(es: Elasticsearch, alias: str, new_index: str, rounds: int = 20) -> int:
    """Replay the journal: make every article written or deleted through ``alias`` meanwhile the
    same in ``new_index``, in rounds until a round finds nothing new; how many articles."""
    replayed = 0
    if not aliased(es, alias):
        return 0
    for _ in range(rounds):
        entries = journal.journaled(es, alias)
        if not entries:
            break
        replayed += journal.sync_articles(es, alias, new_index, entries.values())
        journal.forget(es, entries)
    return replayed


def _check_count(es: Elasticsearch, alias: str, new_index: str, summary: IndexSummary) -> None:
    """The new index holds what the load stored, unless incremental writers changed it meanwhile
    (their journal entries say so; allowed a moment to land)."""
    expected = summary.created
    count = es.count(index=new_index)["count"]
    if count == expected:
        return
    for _ in range(5):
        if journal.journaled(es, alias):
            return
        time.sleep(0.2)
    raise ReindexError(f"the new index holds {count} documents, {expected} were loaded")


def _create(es: Elasticsearch, alias: str, new_index: str, definition: dict[str, Any]) -> None:
    """The new index, empty, with refresh off and no replicas, reachable by the staging alias."""
    created = es.indices.create(
        index=new_index,
        settings={**definition["settings"], "number_of_replicas": 0, "refresh_interval": "-1"},
        mappings=definition["mappings"],
        aliases={staging_alias(alias): {}},
        wait_for_active_shards="1",
        timeout=SHARD_WAIT,
    )
    if not created.get("shards_acknowledged", True):
        raise ReindexError(f"the new index {new_index} has no active shard ({disk_hint()})")


def _fill(es: Elasticsearch, new_index: str, loader: Loader, chunk_size: int, on_batch) -> IndexSummary:
    try:
        summary = loader(
            es, new_index, chunk_size=chunk_size, on_batch=on_batch, refresh=False, fresh_index=True
        )
    except WriteStopped as exc:
        raise ReindexStopped(str(exc), exc.summary) from None
    if summary.failed:
        raise ReindexError(f"Elasticsearch refused {len(summary.failed)} documents, e.g. {summary.failed[0]}")
    return summary


def _complete(es: Elasticsearch, alias: str, new_index: str, definition: dict[str, Any], summary) -> None:
    """Refresh and replicas back, the count checked, the index marked complete."""
    replicas = definition["settings"].get("number_of_replicas", 1)
    es.indices.put_settings(
        index=new_index, settings={"index": {"refresh_interval": None, "number_of_replicas": replicas}}
    )
    es.indices.refresh(index=new_index)
    _check_count(es, alias, new_index, summary)
    es.cluster.health(index=new_index, wait_for_status="yellow" if replicas else "green", timeout="60s")
    es.indices.put_mapping(index=new_index, meta={**definition["mappings"]["_meta"], "build": "complete"})


def _swap(es: Elasticsearch, alias: str, new_index: str) -> list[str]:
    """Move ``alias`` to ``new_index`` in one request; the indices it left."""
    previous = aliased(es, alias)  # now, not at the start: `flask index` may have created it
    actions: list[dict[str, Any]] = [{"remove": {"index": old, "alias": alias}} for old in previous]
    actions.append({"add": {"index": new_index, "alias": alias}})
    actions.append({"remove": {"index": new_index, "alias": staging_alias(alias)}})
    es.indices.update_aliases(actions=actions)
    return previous


def reindex(
    es: Elasticsearch,
    alias: str,
    source: Loader | Iterable[Article],
    *,
    keep: int = 0,
    chunk_size: int = 500,
    extractor: EntityExtractor | None = None,
    progress: Callable[[int], None] | None = None,
    before_swap: Callable[[str], None] | None = None,
) -> ReindexResult:
    """Build a new index from ``source`` and move ``alias`` to it; see the module docstring.
    ``source`` is a loader (``loader.Files``: files, with worker processes or not) or articles
    built in code (loaded with ``extractor``). Writes through ``alias`` meanwhile reach the new
    index too (``journal.py``). ``before_swap(new_index)`` is a hook for tests."""
    loader: Loader = source if callable(source) else Articles(source, extractor)
    # The app's client is tuned for searches. No retry on 429/503 here: a full disk's block would
    # only be met again, and an unassigned shard costs a minute per try.
    es = es.options(request_timeout=ADMIN_TIMEOUT_SECONDS, retry_on_status=())
    definition = copy.deepcopy(load_index_definition())
    definition["mappings"].setdefault("_meta", {})["build"] = "partial"
    lock = ReindexLock(es, alias)
    lock.acquire()
    # Named before it is made: an index created but refused its shard is deleted on failure too.
    new_index = new_index_name(alias, definition)

    def on_batch(done: int) -> None:
        lock.renew()
        if progress:
            progress(done)

    try:
        removed = remove_partial(es, alias)
        _create(es, alias, new_index, definition)
        lock.publish(new_index)
        summary = _fill(es, new_index, loader, chunk_size, on_batch)
        _complete(es, alias, new_index, definition, summary)
        if before_swap:
            before_swap(new_index)
        replayed = catch_up(es, alias, new_index)
        previous = _swap(es, alias, new_index)
    except BaseException:
        try:
            es.indices.delete(index=new_index, ignore_unavailable=True)
        finally:
            lock.release()
        raise
    try:
        doomed = [b.name for b in family(es, alias) if b.name != new_index][keep:]
        if doomed:
            es.indices.delete(index=",".join(doomed))
    finally:
        lock.release()
    return ReindexResult(new_index, previous, doomed, summary, removed, replayed)
