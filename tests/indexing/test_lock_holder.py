"""The reindex lock and its holder's process (issue 20): a lease whose holder on this host has died
(killed mid-reindex, its lease not yet expired) is freed at once, while one whose holder lives, or
runs on another host, keeps a second reindex out until it expires."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from service.indexing.lock import LockHeld, ReindexLock
from service.indexing.reindex import aliased, reindex
from service.ingest.sources import read_paths
from service.model import Article
from tests.project import FIXTURE_ARTICLES


def articles() -> list[Article]:
    return [a for a in read_paths([FIXTURE_ARTICLES]) if isinstance(a, Article)]


def dead_pid() -> int:
    """The id of a process of ours that has exited and been reaped."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    with pytest.raises(ProcessLookupError):
        os.kill(child.pid, 0)
    return child.pid


def hold(es, alias: str, owner: str) -> ReindexLock:
    """A lease on ``alias`` (ten minutes, the default) in the name of ``owner``."""
    lock = ReindexLock(es, alias)
    lock.owner = owner
    lock.acquire()
    return lock


def test_a_lock_whose_holder_died_on_this_host_is_freed_at_once(es, make_alias):
    alias = make_alias()
    hold(es, alias, f"{socket.gethostname()}:{dead_pid()}")
    result = reindex(es, alias, articles())  # no "lock held": the lease was still valid, its holder gone
    assert aliased(es, alias) == [result.index]


@pytest.mark.parametrize("owner", ["live", "other-host"])
def test_a_lock_whose_holder_may_be_alive_keeps_a_reindex_out(es, make_alias, owner):
    alias = make_alias()
    holder = f"{socket.gethostname()}:{os.getpid()}" if owner == "live" else f"elsewhere.test:{dead_pid()}"
    lock = hold(es, alias, holder)
    try:
        with pytest.raises(LockHeld, match="holds the lock"):
            reindex(es, alias, articles())
        assert aliased(es, alias) == []
    finally:
        lock.release()
