"""The reindex lock on the real node, rule by rule: what its document says, who may take it (a live
holder keeps it, a dead local one or an expired lease frees it), when it is renewed, and that releasing
it clears the journal a run leaves."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from service.indexing import journal
from service.indexing import lock as lock_module
from service.indexing.journal import LOCK_MAPPINGS
from service.indexing.lock import LOCK_INDEX, LockHeld, ReindexLock, disk_hint


@pytest.fixture
def lock_alias(es, make_alias):
    """A fresh alias whose lock document is deleted afterwards."""
    alias = make_alias("lock")
    yield alias
    es.options(ignore_status=404).delete(index=LOCK_INDEX, id=alias, refresh=True)


def held(es, alias: str) -> dict:
    return es.get(index=LOCK_INDEX, id=alias)["_source"]


def a_dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def plant(es, alias: str, owner: str, ttl: timedelta) -> None:
    """A lock document as another holder left it."""
    now = datetime.now(UTC)
    document = {"owner": owner, "acquired_at": now.isoformat(), "expires_at": (now + ttl).isoformat()}
    es.index(index=LOCK_INDEX, id=alias, document=document, refresh=True)


def test_the_lock_document_names_its_holder_and_its_lease(es, lock_alias):
    before = datetime.now(UTC)
    ReindexLock(es, lock_alias, ttl=timedelta(minutes=7)).acquire()
    source = held(es, lock_alias)
    assert source["owner"] == f"{socket.gethostname()}:{os.getpid()}"
    acquired = datetime.fromisoformat(source["acquired_at"])
    assert before <= acquired <= datetime.now(UTC)
    assert datetime.fromisoformat(source["expires_at"]) - acquired == timedelta(minutes=7)


def test_a_live_holder_keeps_the_lock_and_is_named(es, lock_alias):
    plant(es, lock_alias, f"{socket.gethostname()}:{os.getpid()}", timedelta(minutes=5))
    expires = datetime.fromisoformat(held(es, lock_alias)["expires_at"])
    with pytest.raises(LockHeld) as raised:
        ReindexLock(es, lock_alias).acquire()
    owner = f"{socket.gethostname()}:{os.getpid()}"
    assert str(raised.value) == (
        f"another reindex of '{lock_alias}' holds the lock ({owner}, until {expires:%H:%M:%S} UTC)"
    )


def test_checking_a_live_local_holder_never_signals_it(es, lock_alias):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)"],
        preexec_fn=lambda: [signal.signal(s, signal.SIG_DFL) for s in (signal.SIGHUP, signal.SIGINT)],
    )
    try:
        plant(es, lock_alias, f"{socket.gethostname()}:{holder.pid}", timedelta(minutes=5))
        with pytest.raises(LockHeld):
            ReindexLock(es, lock_alias).acquire()
        time.sleep(0.2)
        assert holder.poll() is None, "the holder was signalled"
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize("owner", ["elsewhere.example:{pid}", "{host}:not-a-pid", "{host}"])
def test_a_holder_that_cannot_be_checked_here_keeps_the_lock(es, lock_alias, owner):
    plant(es, lock_alias, owner.format(host=socket.gethostname(), pid=a_dead_pid()), timedelta(minutes=5))
    with pytest.raises(LockHeld):
        ReindexLock(es, lock_alias).acquire()


def test_a_lock_index_without_an_active_shard_says_what_to_check():
    assert disk_hint() == "is the disk over Elasticsearch's watermark? see GET _cluster/allocation/explain"


def test_a_dead_local_holder_frees_the_lock_at_once(es, lock_alias):
    plant(es, lock_alias, f"{socket.gethostname()}:{a_dead_pid()}", timedelta(minutes=5))
    taker = ReindexLock(es, lock_alias)
    taker.acquire()
    assert held(es, lock_alias)["owner"] == taker.owner


def test_an_expired_lease_of_a_live_holder_is_taken_over(es, lock_alias):
    plant(es, lock_alias, "elsewhere.example:1", timedelta(seconds=-1))
    taker = ReindexLock(es, lock_alias)
    taker.acquire()
    assert held(es, lock_alias)["owner"] == taker.owner


def test_the_lease_is_renewed_after_a_quarter_of_its_time_only(es, lock_alias):
    lock = ReindexLock(es, lock_alias, ttl=timedelta(seconds=12))
    lock.acquire()
    first = held(es, lock_alias)["expires_at"]
    lock.renew()
    assert held(es, lock_alias)["expires_at"] == first
    lock._last_renewal = time.monotonic() - 2.8  # a quarter of 12 s is 3 s: not yet
    lock.renew()
    assert held(es, lock_alias)["expires_at"] == first
    lock._last_renewal = time.monotonic() - 3.2
    lock.renew()
    renewed = held(es, lock_alias)["expires_at"]
    assert renewed > first
    lock.renew()  # and not again at once
    assert held(es, lock_alias)["expires_at"] == renewed


def test_acquiring_and_releasing_clear_the_journal_a_run_left(es, lock_alias):
    journal.journal(es, lock_alias, ["a1", "a2"])
    lock = ReindexLock(es, lock_alias)
    lock.acquire()
    assert journal.journaled(es, lock_alias) == {}
    lock.publish(f"{lock_alias}-v1")
    assert held(es, lock_alias)["target"] == f"{lock_alias}-v1"
    journal.journal(es, lock_alias, ["a3"])
    lock.release()
    assert journal.journaled(es, lock_alias) == {}
    assert not es.exists(index=LOCK_INDEX, id=lock_alias)
    lock.release()  # twice: nothing left to delete is fine


def test_taking_over_a_dead_holders_lock_clears_its_journal(es, lock_alias):
    plant(es, lock_alias, "elsewhere.example:1", timedelta(seconds=-1))
    journal.journal(es, lock_alias, ["a1"])
    ReindexLock(es, lock_alias).acquire()
    assert journal.journaled(es, lock_alias) == {}


@pytest.fixture
def own_lock_index(es, monkeypatch):
    """The lock code pointed at a lock index of this test's own (the shared one exists already, and
    other tests' locks live in it): its name, the index deleted afterwards."""
    name = f"test-locks-{uuid.uuid4().hex[:10]}"
    monkeypatch.setattr(lock_module, "LOCK_INDEX", name)
    yield name
    es.indices.delete(index=name, ignore_unavailable=True)


def test_the_lock_index_is_made_with_one_shard_and_the_lock_mappings(es, own_lock_index):
    lock = ReindexLock(es, "some-alias")
    lock.acquire()
    settings = es.indices.get_settings(index=own_lock_index)[own_lock_index]["settings"]["index"]
    assert (settings["number_of_shards"], settings["auto_expand_replicas"]) == ("1", "0-1")
    mappings = es.indices.get_mapping(index=own_lock_index)[own_lock_index]["mappings"]
    assert mappings == {**LOCK_MAPPINGS, "dynamic": "false"}
    assert es.get(index=own_lock_index, id="some-alias")["_source"]["owner"] == lock.owner
    lock.release()
    assert not es.exists(index=own_lock_index, id="some-alias")


def test_an_older_lock_index_gets_the_journal_fields(es, own_lock_index):
    es.indices.create(
        index=own_lock_index, mappings={"dynamic": False, "properties": {"expires_at": {"type": "date"}}}
    )
    ReindexLock(es, "some-alias").acquire()
    properties = es.indices.get_mapping(index=own_lock_index)[own_lock_index]["mappings"]["properties"]
    assert properties == LOCK_MAPPINGS["properties"]
