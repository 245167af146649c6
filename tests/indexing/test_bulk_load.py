"""``bulk_load`` on the real node: what its summary says, when it reports progress, how many requests
it keeps in flight, and how it stops when the node refuses every write (``service/indexing/bulk.py``)."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from service.indexing import journal
from service.indexing.bulk import WriteStopped, bulk_load
from service.indexing.journal import staging_alias
from service.indexing.lock import ReindexLock

MAPPINGS = {"dynamic": "strict", "properties": {"n": {"type": "integer"}}}
WRITE_BLOCK = "FORBIDDEN/8/index write (api)"
FLOOD_BLOCK = "TOO_MANY_REQUESTS/12/disk usage exceeded flood-stage watermark"


@pytest.fixture
def make_index(es: Elasticsearch) -> Iterator:
    """Small one-shard indices of an integer field ``n`` (a text there is refused), deleted afterwards."""
    made: list[str] = []

    def make(**settings: Any) -> str:
        name = f"test-bulk-{uuid.uuid4().hex[:10]}"
        es.indices.create(index=name, settings={"number_of_shards": 1, **settings}, mappings=MAPPINGS)
        made.append(name)
        return name

    yield make
    for name in made:
        es.indices.put_settings(
            index=name, settings={"index.blocks.write": None, "index.blocks.read_only_allow_delete": None}
        )
        es.indices.delete(index=name)


def docs(index: str, values: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"_index": index, "_id": i, "n": n} for i, n in values.items()]


def numbered(count: int) -> dict[str, Any]:
    return {f"d{i}": i for i in range(count)}


class Counted:
    """The actions, counting how many were read from them (to see what was read ahead)."""

    def __init__(self, actions: list[dict[str, Any]]) -> None:
        self.actions, self.pulled = actions, 0

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for action in self.actions:
            self.pulled += 1
            yield action


def test_the_summary_counts_stored_created_and_refused_documents(es, make_index):
    index = make_index()
    values = {"a": 1, "b": "not a number", "c": 3}
    first = bulk_load(es, docs(index, values), index=index, articles=lambda: 3, early_failures=["x: bad"])
    assert first.documents == 2 and first.created == 2
    assert first.failed[0] == "x: bad" and len(first.failed) == 2  # the early failures first
    assert first.failed[1].startswith("b: {'type': 'document_parsing_exception', 'reason': ")
    assert "failed to parse field [n] of type [integer] in document with id 'b'" in first.failed[1]
    assert first.articles == 3 and first.stored_articles == 2 and first.stopped == ""
    assert (first.read, first.rejected, first.parts) == (0, 0, 0)
    second = bulk_load(es, docs(index, {"a": 10, "c": 30, "e": 5}), index=index)
    assert (second.documents, second.created, second.failed) == (3, 1, [])
    assert second.articles == 0 and second.stored_articles == 3
    assert es.get(index=index, id="a")["_source"] == {"n": 10}


def test_an_article_whose_other_version_was_refused_is_not_counted_stored(es, make_index):
    index = make_index()
    summary = bulk_load(es, docs(index, {"a": 1, "b": 2}) + docs(index, {"a": "x"}), index=index)
    assert summary.documents == 2 and len(summary.failed) == 1 and summary.failed[0].startswith("a: ")
    assert summary.stored_articles == 1


def test_seconds_is_the_time_the_load_took(es, make_index):
    index = make_index()
    started = time.perf_counter()
    summary = bulk_load(es, docs(index, numbered(3)), index=index)
    assert 0 < summary.seconds <= time.perf_counter() - started


@pytest.mark.parametrize("threads", ["1", "2"])
def test_progress_is_reported_at_every_multiple_of_the_chunk_size(es, make_index, threads):
    index = make_index()
    values = {"a": 1, "b": "refused", "c": 3, "d": 4, "e": 5}
    done: list[int] = []
    summary = bulk_load(
        es, docs(index, values), index=index, chunk_size=2, threads=int(threads), on_batch=done.append
    )
    assert done == [2, 4]  # refused documents are done too
    assert summary.documents == 4 and [f[:3] for f in summary.failed] == ["b: "]
    assert summary.stored_articles == 4


def test_the_default_chunk_is_500_documents(es, make_index):
    index = make_index()
    done: list[int] = []
    summary = bulk_load(es, docs(index, numbered(500)), index=index, on_batch=done.append)
    assert done == [500] and summary.documents == 500


def test_parallel_threads_give_the_same_summary(es, make_index):
    one, two = make_index(), make_index()
    values = {f"d{i}": ("x" if i % 7 == 3 else i) for i in range(30)}
    serial = bulk_load(es, docs(one, values), index=one, chunk_size=4, articles=lambda: 30)
    parallel = bulk_load(es, docs(two, values), index=two, chunk_size=4, threads=2, articles=lambda: 30)
    assert serial.failed == parallel.failed and len(serial.failed) == 4
    assert (serial.documents, serial.created, serial.stored_articles, serial.articles) == (26, 26, 26, 30)
    assert (parallel.documents, parallel.created, parallel.stored_articles, parallel.articles) == (
        26,
        26,
        26,
        30,
    )
    assert es.count(index=two)["count"] == 26


@pytest.mark.parametrize("threads", ["1", "2"])
def test_one_bulk_request_per_chunk(es, make_index, threads):
    index = make_index()
    bulk_load(es, docs(index, numbered(20)), index=index, chunk_size=5, threads=int(threads))
    stats = es.indices.stats(index=index, metric="bulk")["indices"][index]["primaries"]["bulk"]
    assert stats["total_operations"] == 4


def test_one_thread_reads_no_action_ahead_two_keep_two_requests_in_flight(es, make_index):
    """With ``threads`` 1 an action is read when its chunk is sent; with 2, the next chunk is read (and
    sent) while the first one is written."""
    seen: dict[str, int] = {}
    for threads in (1, 2):
        index = make_index()
        actions = Counted(docs(index, numbered(40)))

        def first(done: int, threads: int = threads, actions: Counted = actions) -> None:
            seen.setdefault(str(threads), actions.pulled)

        options = {"threads": threads} if threads > 1 else {}
        bulk_load(es, actions, index=index, chunk_size=5, on_batch=first, **options)
    assert seen["1"] <= 6  # the chunk, and the next action the client's chunker reads to see it is full
    assert seen["2"] > 10


def test_a_write_block_stops_the_run_at_once_with_what_was_stored(es, make_index):
    index = make_index()
    bulk_load(es, docs(index, {"old": 1}), index=index)
    es.indices.put_settings(index=index, settings={"index.blocks.write": True})
    actions = Counted(docs(index, numbered(20)))
    done: list[int] = []
    started = time.perf_counter()
    with pytest.raises(WriteStopped) as caught:
        bulk_load(es, actions, index=index, chunk_size=5, on_batch=done.append, articles=lambda: 20)
    elapsed = time.perf_counter() - started
    summary = caught.value.summary
    reason = f"cluster_block_exception: index [{index}] blocked by: [{WRITE_BLOCK}];"
    assert str(caught.value) == summary.stopped == reason
    # The chunk in flight, and the one action the client's chunker had read ahead (sent alone after).
    assert actions.pulled <= 7 and done == [5]
    assert 5 <= len(summary.failed) <= 6
    assert summary.failed[0].startswith("d0: {'type': 'cluster_block_exception'")
    assert (summary.documents, summary.stored_articles, summary.articles) == (0, 0, 20)
    assert 0 < summary.seconds <= elapsed


def test_a_full_disk_block_is_retried_for_seven_seconds_then_stops_the_run(es, make_index):
    """The flood-stage block answers 429: retried after 1, 2 and 4 s, then the run stops (one chunk
    only: each chunk sent would wait as long)."""
    index = make_index()
    es.indices.put_settings(index=index, settings={"index.blocks.read_only_allow_delete": True})
    with pytest.raises(WriteStopped) as caught:
        bulk_load(es, docs(index, numbered(2)), index=index)
    summary = caught.value.summary
    assert summary.stopped.startswith(f"cluster_block_exception: index [{index}] blocked by: [{FLOOD_BLOCK}")
    assert 7 <= summary.seconds < 12
    assert [f[:4] for f in summary.failed] == ["d0: ", "d1: "]


def test_a_missing_alias_stops_an_incremental_run_with_a_reason_cut_at_300_characters(es):
    alias = f"test-bulk-{uuid.uuid4().hex[:10]}-{'x' * 200}"  # the node's reason names it twice
    try:
        with pytest.raises(WriteStopped) as caught:
            bulk_load(es, docs(alias, {"a": 1, "b": 2}), index=alias, incremental=True)
        stopped = caught.value.summary.stopped
        assert stopped == str(caught.value)
        assert stopped.startswith(f"index_not_found_exception: no such index [{alias}] and [require_alias]")
        assert len(stopped) == len("index_not_found_exception: ") + 300
        assert not es.indices.exists(index=alias)  # not created by the write
    finally:
        es.indices.delete(index=alias, ignore_unavailable=True)


def test_an_unreachable_node_stops_the_run_with_the_client_error(es):
    host = f"{'a' * 63}.{'b' * 40}.invalid"  # never resolves: its error text is over 300 characters
    with pytest.raises(WriteStopped) as caught:
        bulk_load(Elasticsearch(f"http://{host}:9200"), docs("x", {"a": 1}), index="x")
    stopped = caught.value.summary.stopped
    assert stopped == str(caught.value)
    assert stopped.startswith("ConnectionError: Connection error caused by: ConnectionError(")
    assert len(stopped) == len("ConnectionError: ") + 300


def test_the_load_is_searchable_at_once_unless_refresh_is_off(es, make_index):
    """On an index that never refreshes by itself (``refresh_interval`` -1)."""
    index = make_index(refresh_interval="-1")
    bulk_load(es, docs(index, {"a": 1, "b": 2}), index=index, refresh=False)
    assert es.count(index=index)["count"] == 0 and es.get(index=index, id="a")["found"]
    bulk_load(es, docs(index, {"c": 3}), index=index)
    assert es.count(index=index)["count"] == 3


@pytest.fixture
def running_reindex(es: Elasticsearch, make_alias) -> Iterator:
    """``start(with_staging_alias)``: a live alias on its index, and a reindex of it holding the lock
    with its new index published (reachable through the staging alias, or not when it was deleted)."""
    locks: list[ReindexLock] = []

    def start(with_staging_alias: bool = True) -> tuple[str, str]:
        alias = make_alias("test-bulk")
        es.indices.create(index=f"{alias}-live", mappings=MAPPINGS, aliases={alias: {}})
        target = f"{alias}-new"
        aliases = {staging_alias(alias): {}} if with_staging_alias else {}
        es.indices.create(index=target, mappings=MAPPINGS, aliases=aliases)
        lock = ReindexLock(es, alias)
        lock.acquire()
        locks.append(lock)
        lock.publish(target)
        return alias, target

    yield start
    for lock in locks:
        lock.release()


@pytest.mark.parametrize("threads", ["1", "2"])
def test_writes_mirrored_to_a_running_reindex_are_journaled_not_counted(es, running_reindex, threads):
    alias, target = running_reindex()
    done: list[int] = []
    values = {"a": 1, "b": 2, "c": 3, "d": 4}
    summary = bulk_load(
        es,
        docs(alias, values),
        index=alias,
        incremental=True,
        chunk_size=2,
        threads=int(threads),
        on_batch=done.append,
    )
    assert (summary.documents, summary.created, summary.failed, summary.stored_articles) == (4, 4, [], 4)
    assert done == [2, 4]
    es.indices.refresh(index=target)
    assert es.count(index=target)["count"] == 4  # the copies landed in the new index
    assert sorted(journal.journaled(es, alias).values()) == sorted(values)


@pytest.mark.parametrize("threads", ["1", "2"])
def test_a_mirror_to_a_deleted_staging_alias_creates_no_index(es, running_reindex, threads):
    alias, _ = running_reindex(with_staging_alias=False)
    summary = bulk_load(
        es, docs(alias, {"a": 1, "b": 2}), index=alias, incremental=True, threads=int(threads)
    )
    assert (summary.documents, summary.failed, summary.stopped) == (2, [], "")
    assert not es.indices.exists(index=staging_alias(alias))
    assert sorted(journal.journaled(es, alias).values()) == ["a", "b"]


def test_a_failing_progress_callback_leaves_no_bulk_thread_behind(es, make_index):
    index = make_index()
    before = threading.active_count()

    def fail(done: int) -> None:
        raise RuntimeError("progress bar broke")

    with pytest.raises(RuntimeError) as caught:
        bulk_load(es, docs(index, numbered(20)), index=index, chunk_size=5, threads=2, on_batch=fail)
    assert str(caught.value) == "progress bar broke"
    assert threading.active_count() == before  # the pool was closed while the error still holds it


@pytest.mark.parametrize("threads", ["2", "3"])
def test_threads_is_the_number_of_bulk_requests_in_flight(es_url, make_index, threads):
    """Each bulk request is held 0.1 s on its way, so that every thread has one in flight at once."""
    index = make_index()
    state = {"now": 0, "most": 0}
    lock = threading.Lock()

    class Watched(Elasticsearch):
        def perform_request(self, method: str, path: str, **kwargs: Any) -> Any:
            if not path.endswith("/_bulk"):
                return super().perform_request(method, path, **kwargs)
            with lock:
                state["now"] += 1
                state["most"] = max(state["most"], state["now"])
            try:
                time.sleep(0.1)
                return super().perform_request(method, path, **kwargs)
            finally:
                with lock:
                    state["now"] -= 1

    summary = bulk_load(
        Watched(es_url), docs(index, numbered(40)), index=index, chunk_size=5, threads=int(threads)
    )
    assert summary.documents == 40 and state["most"] == int(threads)
