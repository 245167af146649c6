"""Rebuild the index with zero downtime (after Warehouse's ``search/tasks.py``).

Load everything into a fresh, uniquely named index with refresh off and no replicas, check the
document count, restore refresh and replicas, then move the alias to it in one atomic request and
delete the old indices (keeping ``keep`` of them). Searches go through the alias the whole time,
so they never see a half-built index. On any failure the alias stays where it was and the new index
is deleted; an index left behind by a killed run is marked ``partial`` and removed by the next run.
A lock document in Elasticsearch keeps two reindexes of one alias from running at once; it also
tells incremental writers (``flask index``/``delete``) where the new index is, and their journal is
replayed before the swap, so that nothing they write meanwhile is lost (``reindex_journal.py``).
"""

from __future__ import annotations

import contextlib
import copy
import os
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from elasticsearch import ApiError, BadRequestError, ConflictError, Elasticsearch, NotFoundError

from service import reindex_journal
from service.entities.extractor import EntityExtractor
from service.es import load_index_definition, new_index_name
from service.indexer import IndexSummary, WriteStopped, index_articles
from service.model import Article
from service.reindex_journal import LOCK_INDEX, LOCK_MAPPINGS, staging_alias

LOCK_TTL = timedelta(minutes=10)
SHARD_WAIT = "20s"  # for a new index's shard to start; milliseconds normally
ADMIN_TIMEOUT_SECONDS = 120


class ReindexError(RuntimeError):
    """The reindex did not complete; the alias still points where it pointed before."""


def _disk_hint() -> str:
    return "is the disk over Elasticsearch's watermark? see GET _cluster/allocation/explain"


class LockHeld(ReindexError):
    pass


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


class ReindexLock:
    """A lease on ``alias`` held as a document in ``LOCK_INDEX``, renewed while the work runs.

    Created with ``op_type=create`` so that only one process can hold it; an expired lease (its
    holder died without releasing it) is taken over with optimistic concurrency control."""

    def __init__(self, es: Elasticsearch, alias: str, ttl: timedelta = LOCK_TTL) -> None:
        self.es, self.alias, self.ttl = es, alias, ttl
        self.owner = f"{socket.gethostname()}:{os.getpid()}"
        self._last_renewal = 0.0

    def _body(self) -> dict[str, Any]:
        now = datetime.now(UTC)
        return {
            "owner": self.owner,
            "acquired_at": now.isoformat(),
            "expires_at": (now + self.ttl).isoformat(),
        }

    def _ensure_index(self) -> None:
        """Create the lock index (or add the journal's fields to an older one). A node over its
        disk watermark leaves a new shard unassigned and every write to it would wait a minute:
        fail at once with the reason instead."""
        if not self.es.indices.exists(index=LOCK_INDEX):
            try:
                created = self.es.indices.create(
                    index=LOCK_INDEX,
                    settings={"number_of_shards": 1, "auto_expand_replicas": "0-1"},
                    mappings=LOCK_MAPPINGS,
                    wait_for_active_shards="1",
                    timeout=SHARD_WAIT,
                )
            except BadRequestError:  # created concurrently: check it below
                pass
            else:
                if not created.get("shards_acknowledged", True):
                    raise ReindexError(f"the lock index {LOCK_INDEX} has no active shard ({_disk_hint()})")
                return
        mapped = self.es.indices.get_mapping(index=LOCK_INDEX)[LOCK_INDEX]["mappings"]
        if "alias" not in mapped.get("properties", {}):  # made by an older version
            self.es.indices.put_mapping(index=LOCK_INDEX, **LOCK_MAPPINGS)
        try:
            self.es.cluster.health(index=LOCK_INDEX, wait_for_active_shards="1", timeout=SHARD_WAIT)
        except ApiError as exc:
            if exc.status_code != 408:
                raise
            raise ReindexError(f"the lock index {LOCK_INDEX} has no active shard ({_disk_hint()})") from None

    def publish(self, target: str) -> None:
        """Tell incremental writers where the new index is (``service/reindex_journal.py``)."""
        self.es.update(index=LOCK_INDEX, id=self.alias, doc={"target": target}, refresh=True)

    def acquire(self) -> None:
        self._ensure_index()
        try:
            self.es.index(
                index=LOCK_INDEX, id=self.alias, document=self._body(), op_type="create", refresh=True
            )
            self._last_renewal = time.monotonic()
            reindex_journal.clear(self.es, self.alias)  # left by a run that died
            return
        except ConflictError:
            pass
        held = self.es.get(index=LOCK_INDEX, id=self.alias)
        expires = datetime.fromisoformat(held["_source"]["expires_at"])
        if expires > datetime.now(UTC) and not self._holder_died(held["_source"]["owner"]):
            raise LockHeld(
                f"another reindex of '{self.alias}' holds the lock ({held['_source']['owner']}, "
                f"until {expires:%H:%M:%S} UTC)"
            )
        try:  # the holder died: take over its expired lease, unless someone else just did
            self.es.index(
                index=LOCK_INDEX,
                id=self.alias,
                document=self._body(),
                refresh=True,
                if_seq_no=held["_seq_no"],
                if_primary_term=held["_primary_term"],
            )
        except ConflictError:
            raise LockHeld(f"another reindex of '{self.alias}' took the expired lock first") from None
        self._last_renewal = time.monotonic()
        reindex_journal.clear(self.es, self.alias)

    @staticmethod
    def _holder_died(owner: str) -> bool:
        """A holder on this host whose process is gone (killed mid-reindex) frees the lock at once."""
        host, _, pid = owner.rpartition(":")
        if host != socket.gethostname() or not pid.isdigit():
            return False
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False

    def renew(self) -> None:
        if time.monotonic() - self._last_renewal < self.ttl.total_seconds() / 4:
            return
        self.es.update(index=LOCK_INDEX, id=self.alias, doc=self._body(), refresh=True)
        self._last_renewal = time.monotonic()

    def release(self) -> None:
        with contextlib.suppress(NotFoundError):
            self.es.delete(index=LOCK_INDEX, id=self.alias, refresh=True)
        reindex_journal.clear(self.es, self.alias)


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
        entries = reindex_journal.journaled(es, alias)
        if not entries:
            break
        replayed += reindex_journal.sync_articles(es, alias, new_index, entries.values())
        reindex_journal.forget(es, entries)
    return replayed


def _check_count(es: Elasticsearch, alias: str, new_index: str, summary: IndexSummary) -> None:
    """The new index holds what the load stored, unless incremental writers changed it meanwhile
    (their journal entries say so; allowed a moment to land)."""
    expected = summary.created - summary.removed
    count = es.count(index=new_index)["count"]
    if count == expected:
        return
    for _ in range(5):
        if reindex_journal.journaled(es, alias):
            return
        time.sleep(0.2)
    raise ReindexError(f"the new index holds {count} documents, {expected} were loaded")


def reindex(
    es: Elasticsearch,
    alias: str,
    articles: Iterable[Article],
    *,
    keep: int = 0,
    chunk_size: int = 500,
    extractor: EntityExtractor | None = None,
    progress: Callable[[int], None] | None = None,
    loader: Callable[..., IndexSummary] | None = None,
    before_swap: Callable[[str], None] | None = None,
) -> ReindexResult:
    """Build a new index from ``articles`` and move ``alias`` to it; see the module docstring.
    ``loader(es, index, chunk_size=, on_batch=)``, when given, loads the new index instead of
    ``index_articles`` (``articles`` is then unused): e.g. ``service.pipeline.Pipeline.load``
    with worker processes. Writes through ``alias`` meanwhile reach the new index too
    (``service/reindex_journal.py``). ``before_swap(new_index)`` is a hook for tests."""
    # The app's client is tuned for searches. No retry on 429/503 here: a full disk's block would
    # only be met again, and an unassigned shard costs a minute per try.
    es = es.options(request_timeout=ADMIN_TIMEOUT_SECONDS, retry_on_status=())
    definition = copy.deepcopy(load_index_definition())
    settings = definition["settings"]
    replicas = settings.get("number_of_replicas", 1)
    definition["mappings"].setdefault("_meta", {})["build"] = "partial"

    lock = ReindexLock(es, alias)
    lock.acquire()
    new_index = ""
    try:
        removed = remove_partial(es, alias)
        new_index = new_index_name(alias, definition)
        created = es.indices.create(
            index=new_index,
            settings={**settings, "number_of_replicas": 0, "refresh_interval": "-1"},
            mappings=definition["mappings"],
            aliases={staging_alias(alias): {}},
            wait_for_active_shards="1",
            timeout=SHARD_WAIT,
        )
        if not created.get("shards_acknowledged", True):
            raise ReindexError(f"the new index {new_index} has no active shard ({_disk_hint()})")
        lock.publish(new_index)

        def on_batch(done: int) -> None:
            lock.renew()
            if progress:
                progress(done)

        try:
            if loader is not None:
                summary = loader(es, new_index, chunk_size=chunk_size, on_batch=on_batch)
            else:
                summary = index_articles(
                    es,
                    new_index,
                    articles,
                    refresh=False,
                    chunk_size=chunk_size,
                    extractor=extractor,
                    on_batch=on_batch,
                    fresh_index=True,
                )
        except WriteStopped as exc:
            raise ReindexStopped(str(exc), exc.summary) from None
        if summary.failed:
            raise ReindexError(
                f"Elasticsearch refused {len(summary.failed)} documents, e.g. {summary.failed[0]}"
            )
        es.indices.put_settings(
            index=new_index, settings={"index": {"refresh_interval": None, "number_of_replicas": replicas}}
        )
        es.indices.refresh(index=new_index)
        _check_count(es, alias, new_index, summary)
        es.cluster.health(index=new_index, wait_for_status="yellow" if replicas else "green", timeout="60s")
        es.indices.put_mapping(index=new_index, meta={**definition["mappings"]["_meta"], "build": "complete"})
        if before_swap:
            before_swap(new_index)
        replayed = catch_up(es, alias, new_index)

        previous = aliased(es, alias)  # now, not at the start: `flask index` may have created it
        actions: list[dict[str, Any]] = [{"remove": {"index": old, "alias": alias}} for old in previous]
        actions.append({"add": {"index": new_index, "alias": alias}})
        actions.append({"remove": {"index": new_index, "alias": staging_alias(alias)}})
        es.indices.update_aliases(actions=actions)
    except BaseException:
        try:
            if new_index:
                es.indices.delete(index=new_index, ignore_unavailable=True)
        finally:
            lock.release()
        raise

    try:
        older = [b.name for b in family(es, alias) if b.name != new_index]
        doomed = older[keep:]
        if doomed:
            es.indices.delete(index=",".join(doomed))
    finally:
        lock.release()
    return ReindexResult(new_index, previous, doomed, summary, removed, replayed)
