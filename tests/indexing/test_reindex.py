"""Zero-downtime reindex against the real node: the alias swap, failures, leftovers and the lock."""

import copy
import re
from datetime import timedelta

import pytest

from service.es import load_index_definition, new_index_name
from service.indexing import reindex as reindex_module
from service.indexing.lock import LockHeld, ReindexError, ReindexLock, disk_hint
from service.indexing.reindex import aliased, family, reindex
from service.ingest.sources import read_paths
from service.model import Article, Part
from tests.project import FIXTURE_ARTICLES
from tests.unplaceable import unplaceable


def articles() -> list[Article]:
    return [a for a in read_paths([FIXTURE_ARTICLES]) if isinstance(a, Article)]


def count(es, alias: str) -> int:
    es.indices.refresh(index=alias)
    return es.count(index=alias)["count"]  # articles: one document each


def test_first_reindex_creates_the_alias_and_the_second_swaps_it(es, make_alias):
    alias = make_alias()
    first = reindex(es, alias, articles())
    assert aliased(es, alias) == [first.index] and first.previous == []
    assert count(es, alias) == 6
    settings = es.indices.get_settings(index=first.index)[first.index]["settings"]["index"]
    assert "refresh_interval" not in settings  # restored to the default after loading
    assert settings["number_of_replicas"] == str(load_index_definition()["settings"]["number_of_replicas"])

    second = reindex(es, alias, articles()[:4])
    assert aliased(es, alias) == [second.index] and second.previous == [first.index]
    assert second.deleted == [first.index] and not es.indices.exists(index=first.index)
    assert count(es, alias) == 4


def test_keep_leaves_the_previous_index(es, make_alias):
    alias = make_alias()
    first = reindex(es, alias, articles())
    second = reindex(es, alias, articles(), keep=1)
    third = reindex(es, alias, articles(), keep=1)
    assert es.indices.exists(index=second.index) and not es.indices.exists(index=first.index)
    assert aliased(es, alias) == [third.index]


def test_a_bulk_failure_leaves_the_old_index_serving(es, make_alias):
    alias = make_alias()
    good = reindex(es, alias, articles())
    # A keyword longer than Lucene's 32,766-byte term limit: Elasticsearch refuses the document.
    poison = Article(title="כותרת", parts=[Part("title", "כותרת")], source="x" * 40_000, id="poison")
    with pytest.raises(ReindexError, match="refused"):
        reindex(es, alias, [*articles(), poison])
    assert aliased(es, alias) == [good.index]
    assert count(es, alias) == 6
    assert [b.name for b in family(es, alias)] == [good.index]  # the partial index is gone


def test_an_exception_while_reading_leaves_the_old_index_serving(es, make_alias):
    alias = make_alias()
    good = reindex(es, alias, articles())

    def crashing():
        yield from articles()[:3]
        raise RuntimeError("the source disappeared")

    with pytest.raises(RuntimeError):
        reindex(es, alias, crashing())
    assert aliased(es, alias) == [good.index] and count(es, alias) == 6
    assert [b.name for b in family(es, alias)] == [good.index]


def test_a_killed_run_is_cleaned_up_by_the_next(es, make_alias):
    alias = make_alias()
    good = reindex(es, alias, articles())
    # What a killed process leaves: an index marked partial, not behind the alias.
    definition = copy.deepcopy(load_index_definition())
    definition["mappings"]["_meta"]["build"] = "partial"
    leftover = new_index_name(alias, definition)
    es.indices.create(index=leftover, settings=definition["settings"], mappings=definition["mappings"])
    result = reindex(es, alias, articles())
    assert result.removed_partial == [leftover] and not es.indices.exists(index=leftover)
    assert result.previous == [good.index]


def test_the_lock_keeps_a_second_reindex_out(es, make_alias):
    alias = make_alias()
    holder = ReindexLock(es, alias)
    holder.acquire()
    try:
        with pytest.raises(LockHeld, match="holds the lock"):
            reindex(es, alias, articles())
        assert aliased(es, alias) == []
    finally:
        holder.release()
    assert reindex(es, alias, articles()).index


def test_an_expired_lock_is_taken_over(es, make_alias):
    alias = make_alias()
    ReindexLock(es, alias, ttl=timedelta(seconds=-1)).acquire()  # its holder died long ago
    assert reindex(es, alias, articles()).index


def test_searches_keep_working_during_a_reindex(es, make_alias, client_for):
    alias = make_alias()
    reindex(es, alias, articles())
    client = client_for(alias)
    seen: list[int] = []

    def search_while_loading(done: int) -> None:
        seen.append(client.get("/api/search", query_string={"q": "פוטין"}).get_json()["total"])

    many = [
        Article(title=f"כתבה {i}", parts=[Part("title", f"כתבה {i} על הכנסת")], id=f"m{i}")
        for i in range(3000)
    ]
    result = reindex(es, alias, articles() + many, chunk_size=500, progress=search_while_loading)
    assert result.summary.created == result.summary.documents == 6 + 3000  # one document per article
    assert seen and set(seen) == {2}  # the old index answered every search while the new one loaded


def test_a_new_index_whose_shard_cannot_start_fails_at_once_and_the_old_one_serves(
    es, make_alias, monkeypatch
):
    """As on a node over its disk watermark: a template (for this alias's indices only) requires a
    node that does not exist. The reindex says what to check; the alias, the lock are as before."""
    alias = make_alias()
    good = reindex(es, alias, articles())
    monkeypatch.setattr(reindex_module, "SHARD_WAIT", "1s")
    with unplaceable(es, f"{alias}-v*"), pytest.raises(ReindexError) as caught:
        reindex(es, alias, articles())
    assert re.fullmatch(
        rf"the new index {re.escape(alias)}-v\S+ has no active shard \({re.escape(disk_hint())}\)",
        str(caught.value),
    ), caught.value
    assert aliased(es, alias) == [good.index] and [b.name for b in family(es, alias)] == [good.index]
    assert count(es, alias) == 6
    ReindexLock(es, alias).acquire()  # released: a next run may start
