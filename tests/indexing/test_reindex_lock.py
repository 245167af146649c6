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
from tests import unplaceable as nowhere


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
    taker = ReindexLock(es, lock_alias, ttl=timedelta(minutes=8))
    taker.acquire()
    lease = held(es, lock_alias)
    assert lease["owner"] == taker.owner
    taker.renew()  # just taken: not renewed yet
    assert held(es, lock_alias) == lease


class _Outrun(ReindexLock):
    """A taker that, while it checks the dead holder, is outrun by another taker's write."""

    def _holder_died(self, owner: str) -> bool:
        plant(self.es, self.alias, "quicker.example:2", timedelta(minutes=5))
        return True


def test_of_two_takers_of_a_dead_holders_lock_the_later_one_is_told(es, lock_alias):
    plant(es, lock_alias, f"{socket.gethostname()}:{a_dead_pid()}", timedelta(minutes=5))
    with pytest.raises(LockHeld) as caught:
        _Outrun(es, lock_alias).acquire()
    assert str(caught.value) == f"another reindex of '{lock_alias}' took the expired lock first"
    assert held(es, lock_alias)["owner"] == "quicker.example:2"


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


@pytest.fixture
def unplaceable(es, own_lock_index, monkeypatch):
    """The test's lock index can have no active shard, as on a node over its disk watermark: a
    template (for its name only) requires a node that does not exist. The wait is cut to 1 s."""
    monkeypatch.setattr(lock_module, "SHARD_WAIT", "1s")
    with nowhere.unplaceable(es, own_lock_index):
        yield own_lock_index


def test_a_new_lock_index_whose_shard_cannot_start_fails_at_once(es, unplaceable):
    with pytest.raises(lock_module.ReindexError) as caught:
        ReindexLock(es, "some-alias").acquire()
    assert str(caught.value) == f"the lock index {unplaceable} has no active shard ({disk_hint()})"
    assert es.indices.exists(index=unplaceable)  # made, its shard unassigned: the next run says the same


def test_an_existing_lock_index_whose_shard_cannot_start_fails_at_once(es, unplaceable):
    es.indices.create(index=unplaceable, mappings=LOCK_MAPPINGS, wait_for_active_shards="0")
    with pytest.raises(lock_module.ReindexError) as caught:
        ReindexLock(es, "some-alias").acquire()
    assert str(caught.value) == f"the lock index {unplaceable} has no active shard ({disk_hint()})"


def _holder_died_as_another_user(owner: str) -> bool:
    """``_holder_died`` as a user who may not signal root's processes: in a forked child that drops
    to ``nobody`` when the tests run as root (as CI does), else here."""
    if os.geteuid() != 0:
        return ReindexLock._holder_died(owner)
    child = os.fork()
    if child == 0:  # pragma: no cover (the child)
        os.setuid(65534)
        os._exit(3 if ReindexLock._holder_died(owner) else 4)
    _, status = os.waitpid(child, 0)
    assert os.WEXITSTATUS(status) in (3, 4), status
    return os.WEXITSTATUS(status) == 3


def test_a_live_local_holder_this_user_may_not_signal_keeps_the_lock():
    """os.kill(pid, 0) on another user's live process raises PermissionError: alive, not dead."""
    assert os.stat("/proc/1").st_uid == 0  # pid 1 is root's
    assert _holder_died_as_another_user(f"{socket.gethostname()}:1") is False
    assert _holder_died_as_another_user(f"{socket.gethostname()}:{a_dead_pid()}") is True
    # and here too, so that mutmut, which follows calls in this process only, runs this test
    assert ReindexLock._holder_died(f"{socket.gethostname()}:{a_dead_pid()}") is True
