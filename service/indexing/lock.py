"""The reindex's lock: a lease on an alias, so that two reindexes of one alias never run at once.

The lock document also tells incremental writers where the new index is (``journal.py``).
"""

from __future__ import annotations

import contextlib
import os
import socket
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from elasticsearch import ApiError, BadRequestError, ConflictError, Elasticsearch, NotFoundError

from service.indexing import journal
from service.indexing.journal import LOCK_INDEX, LOCK_MAPPINGS

LOCK_TTL = timedelta(minutes=10)
SHARD_WAIT = "20s"  # for a new index's shard to start; milliseconds normally


class ReindexError(RuntimeError):
    """The reindex did not complete; the alias still points where it pointed before."""


def disk_hint() -> str:
    return "is the disk over Elasticsearch's watermark? see GET _cluster/allocation/explain"


class LockHeld(ReindexError):
    pass


class ReindexLock:
    """A lease on ``alias`` held as a document in ``LOCK_INDEX``, renewed while the work runs.

    Created with ``op_type=create`` so that only one process can hold it; an expired lease (its
    holder died without releasing it) is taken over with optimistic concurrency control. Its writes
    ask for no refresh: the lock is only ever read by id, which is real-time."""

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
                    raise ReindexError(f"the lock index {LOCK_INDEX} has no active shard ({disk_hint()})")
                return
        # An older version's lock index lacks the journal's fields; an unchanged mapping is a no-op.
        self.es.indices.put_mapping(index=LOCK_INDEX, **LOCK_MAPPINGS)
        try:
            self.es.cluster.health(index=LOCK_INDEX, wait_for_active_shards="1", timeout=SHARD_WAIT)
        except ApiError as exc:
            if exc.status_code != 408:
                raise
            raise ReindexError(f"the lock index {LOCK_INDEX} has no active shard ({disk_hint()})") from None

    def publish(self, target: str) -> None:
        """Tell incremental writers where the new index is (``journal.py``)."""
        self.es.update(index=LOCK_INDEX, id=self.alias, doc={"target": target})

    def acquire(self) -> None:
        self._ensure_index()
        try:
            self.es.index(index=LOCK_INDEX, id=self.alias, document=self._body(), op_type="create")
            self._last_renewal = time.monotonic()
            journal.clear(self.es, self.alias)  # left by a run that died
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
                if_seq_no=held["_seq_no"],
                if_primary_term=held["_primary_term"],
            )
        except ConflictError:
            raise LockHeld(f"another reindex of '{self.alias}' took the expired lock first") from None
        self._last_renewal = time.monotonic()
        journal.clear(self.es, self.alias)

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
        self.es.update(index=LOCK_INDEX, id=self.alias, doc=self._body())
        self._last_renewal = time.monotonic()

    def release(self) -> None:
        with contextlib.suppress(NotFoundError):
            self.es.delete(index=LOCK_INDEX, id=self.alias)
        journal.clear(self.es, self.alias)
