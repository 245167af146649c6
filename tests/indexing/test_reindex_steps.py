"""The steps of a reindex against the real node: the family of an alias, leftovers, the journal's
replay, the count check, what the loader is asked for, and what a run reports and leaves behind."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from elasticsearch import BadRequestError

from service.entities.extractor import ArticleEntities
from service.es import load_index_definition, new_index_name
from service.indexing import journal
from service.indexing import reindex as reindex_module
from service.indexing.bulk import IndexSummary, WriteStopped
from service.indexing.journal import running_reindex, staging_alias
from service.indexing.loader import Articles, index_articles
from service.indexing.lock import ReindexError, ReindexLock
from service.indexing.reindex import (
    ReindexStopped,
    _check_count,
    aliased,
    catch_up,
    family,
    reindex,
    remove_partial,
)
from service.ingest.sources import read_paths
from service.model import Article
from tests.project import FIXTURE_ARTICLES


def articles() -> list[Article]:
    return [a for a in read_paths([FIXTURE_ARTICLES]) if isinstance(a, Article)]


def make_index(es, alias: str, build: str | None, definition: dict[str, Any] | None = None) -> str:
    """An index of ``alias``'s family as a run leaves it (``build``: None = made by an older version)."""
    definition = copy.deepcopy(definition or load_index_definition())
    definition["mappings"]["_meta"].pop("build", None)
    if build is not None:
        definition["mappings"]["_meta"]["build"] = build
    name = new_index_name(alias, definition)
    es.indices.create(index=name, settings=definition["settings"], mappings=definition["mappings"])
    return name


def assert_lock_free(es, alias: str) -> None:
    lock = ReindexLock(es, alias)
    lock.acquire()  # raises LockHeld if the run kept it
    lock.release()


def test_family_lists_closed_indices_and_an_alias_without_indices_has_none(es, make_alias):
    alias = make_alias()
    assert family(es, alias) == []
    closed = make_index(es, alias, "complete")
    es.indices.close(index=closed)
    assert [(b.name, b.build) for b in family(es, alias)] == [(closed, "complete")]


def test_an_index_without_a_build_marker_counts_as_complete_and_is_kept(es, make_alias):
    """Indices made before builds were marked hold a full load: never removed as leftovers."""
    alias = make_alias()
    older = make_index(es, alias, None)
    assert [(b.name, b.build) for b in family(es, alias)] == [(older, "complete")]
    assert remove_partial(es, alias) == []
    assert es.indices.exists(index=older)


def test_remove_partial_deletes_every_leftover_and_leaves_complete_indices_to_keep(es, make_alias):
    alias = make_alias()
    live = reindex(es, alias, articles()[:1]).index
    complete = make_index(es, alias, "complete")
    leftovers = [make_index(es, alias, "partial"), make_index(es, alias, "partial")]
    assert sorted(remove_partial(es, alias)) == sorted(leftovers)
    assert not any(es.indices.exists(index=name) for name in leftovers)
    assert sorted(b.name for b in family(es, alias)) == sorted([live, complete])
    assert aliased(es, alias) == [live]


def test_catch_up_without_the_alias_replays_nothing(es, make_alias):
    alias = make_alias()
    assert_lock_free(es, alias)  # the lock index exists: the journal lives there
    journal.journal(es, alias, [articles()[0].id])
    try:
        assert catch_up(es, alias, f"{alias}-v0-nowhere") == 0
    finally:
        journal.clear(es, alias)


def test_catch_up_counts_the_articles_of_every_round(es, make_alias, monkeypatch):
    """A writer journals another article while the first round is being replayed."""
    alias = make_alias()
    reindex(es, alias, articles())
    target = make_index(es, alias, "partial")
    ids = [a.id for a in articles()]
    real_sync = journal.sync_articles
    rounds: list[int] = []

    def sync_while_a_writer_writes(*args, **kwargs) -> int:
        touched = real_sync(*args, **kwargs)
        rounds.append(touched)
        if len(rounds) == 1:
            journal.journal(es, alias, [ids[2]])
        return touched

    monkeypatch.setattr(journal, "sync_articles", sync_while_a_writer_writes)
    journal.journal(es, alias, ids[:2])
    try:
        assert catch_up(es, alias, target) == 3
    finally:
        journal.clear(es, alias)
    assert rounds == [2, 1]
    assert es.count(index=target)["count"] == 3
    assert journal.journaled(es, alias) == {}  # replayed entries are forgotten


def test_a_count_below_what_was_loaded_fails_soon_with_both_numbers(es, make_alias):
    alias = make_alias()
    reindex(es, alias, articles()[:1])
    target = make_index(es, alias, "partial")
    index_articles(es, target, articles()[:2], fresh_index=True)
    with pytest.raises(ReindexError) as caught:
        _check_count(es, alias, target, IndexSummary(created=3))
    assert str(caught.value) == "the new index holds 2 documents, 3 were loaded"


class Watching:
    """The real loader of ``source``, watched: what it is asked for and the new index as it sees it;
    ``stored_extra`` makes it claim more new documents than it stored."""

    def __init__(self, es, alias: str, source: list[Article], stored_extra: int = 0) -> None:
        self.es, self.alias, self.source, self.stored_extra = es, alias, source, stored_extra
        self.options: dict[str, Any] = {}
        self.seen: dict[str, Any] = {}

    def __call__(self, es, index: str, **options: Any) -> IndexSummary:
        self.options = options
        settings = self.es.indices.get_settings(index=index)[index]["settings"]["index"]
        self.seen = {
            "index": index,
            "refresh_interval": settings.get("refresh_interval"),
            "replicas": settings["number_of_replicas"],
            "build": {b.name: b.build for b in family(self.es, self.alias)}.get(index),
            "staging": aliased(self.es, staging_alias(self.alias)),
            "published": running_reindex(self.es, self.alias).target_index,
        }
        summary = Articles(self.source)(es, index, **options)
        summary.created += self.stored_extra
        return summary


def test_the_loader_fills_a_partial_index_with_refresh_off_and_no_replicas(es, make_alias):
    alias = make_alias()
    loader = Watching(es, alias, articles())
    done: list[int] = []
    result = reindex(es, alias, loader, chunk_size=2, progress=done.append)
    assert loader.seen == {
        "index": result.index,
        "refresh_interval": "-1",
        "replicas": "0",
        "build": "partial",
        "staging": [result.index],
        "published": result.index,
    }
    assert {k: loader.options[k] for k in ("chunk_size", "refresh", "fresh_index")} == {
        "chunk_size": 2,
        "refresh": False,
        "fresh_index": True,
    }
    assert done == [2, 4, 6]
    assert result.summary.created == 6 and result.replayed == 0
    assert [(b.name, b.build) for b in family(es, alias)] == [(result.index, "complete")]
    assert aliased(es, staging_alias(alias)) == []
    assert_lock_free(es, alias)


def test_a_loader_claiming_more_than_the_index_holds_fails_and_the_old_index_serves(es, make_alias):
    alias = make_alias()
    good = reindex(es, alias, articles()[:2])
    with pytest.raises(ReindexError) as caught:
        reindex(es, alias, Watching(es, alias, articles(), stored_extra=1))
    assert str(caught.value) == "the new index holds 6 documents, 7 were loaded"
    assert aliased(es, alias) == [good.index]
    assert [b.name for b in family(es, alias)] == [good.index]
    assert_lock_free(es, alias)


def test_a_write_stop_in_the_loader_stops_the_reindex_with_its_reason_and_summary(es, make_alias):
    alias = make_alias()
    good = reindex(es, alias, articles()[:2])
    stopped = IndexSummary(articles=3, documents=3, created=3, stopped="the disk is full")

    def stopping(es, index: str, **options: Any) -> IndexSummary:
        raise WriteStopped("the disk is full", stopped)

    with pytest.raises(ReindexStopped) as caught:
        reindex(es, alias, stopping)
    assert str(caught.value) == "the disk is full"
    assert caught.value.summary is stopped
    assert aliased(es, alias) == [good.index]
    assert [b.name for b in family(es, alias)] == [good.index]
    assert_lock_free(es, alias)


def test_a_run_reports_what_it_replaced_deleted_and_replayed(es, make_alias):
    """``keep=1``: the newest previous index stays, older ones go; ``before_swap`` sees the new
    index complete while the alias still serves the old one, and a write then is replayed."""
    alias = make_alias()
    kept = [make_index(es, alias, "complete"), make_index(es, alias, "complete")]
    older = reindex(es, alias, articles()[:2], keep=2)
    assert older.deleted == [] and older.previous == []
    hooked: list[tuple] = []

    def write_meanwhile(new_index: str) -> None:
        built = {b.name: b.build for b in family(es, alias)}
        hooked.append((new_index, built.get(new_index), aliased(es, alias)))
        index_articles(es, older.index, articles()[5:], fresh_index=True)  # as `flask index` would
        journal.journal(es, alias, [articles()[5].id])

    result = reindex(es, alias, articles()[:3], keep=1, before_swap=write_meanwhile)
    assert hooked == [(result.index, "complete", [older.index])]
    assert result.previous == [older.index] and sorted(result.deleted) == sorted(kept)
    assert result.removed_partial == [] and result.replayed == 1
    assert sorted(b.name for b in family(es, alias)) == sorted([older.index, result.index])
    assert aliased(es, alias) == [result.index]
    es.indices.refresh(index=alias)
    assert es.count(index=alias)["count"] == 4
    assert_lock_free(es, alias)


class Recording:
    """An extractor that finds nothing and counts the articles it is given."""

    def __init__(self) -> None:
        self.calls = 0

    def extract(self, texts, credits=()) -> ArticleEntities:
        self.calls += 1
        return ArticleEntities([[] for _ in texts])


def test_articles_are_loaded_with_the_extractor_given(es, make_alias):
    alias = make_alias()
    extractor = Recording()
    reindex(es, alias, articles()[:2], extractor=extractor)
    assert extractor.calls == 2


def test_a_definition_elasticsearch_refuses_fails_with_its_error_and_frees_the_lock(
    es, make_alias, monkeypatch
):
    """The new index was never made: its cleanup must not hide why."""
    definition = load_index_definition()
    definition["settings"]["number_of_shards"] = 0
    monkeypatch.setattr(reindex_module, "load_index_definition", lambda: copy.deepcopy(definition))
    alias = make_alias()
    with pytest.raises(BadRequestError, match="number_of_shards"):
        reindex(es, alias, articles()[:2])
    assert family(es, alias) == [] and aliased(es, alias) == []
    assert_lock_free(es, alias)


def test_a_definition_without_replicas_gets_elasticsearch_s_one(es, make_alias, monkeypatch):
    """One replica on this one-node cluster: the run waits for yellow, not for a green it never gets."""
    definition = load_index_definition()
    del definition["settings"]["number_of_replicas"]
    monkeypatch.setattr(reindex_module, "load_index_definition", lambda: copy.deepcopy(definition))
    alias = make_alias()
    result = reindex(es, alias, articles()[:2])
    settings = es.indices.get_settings(index=result.index)[result.index]["settings"]["index"]
    assert settings["number_of_replicas"] == "1"
    assert aliased(es, alias) == [result.index]


def test_another_index_that_cannot_be_green_does_not_hold_a_reindex_up(es, make_alias):
    """The health wait is for the new index only: a replica nowhere to go elsewhere is not its
    business; nor are its settings, which restoring the new index's must leave alone."""
    alias = make_alias()
    other = f"{alias}-yellow"
    es.indices.create(index=other, settings={"number_of_replicas": 1, "refresh_interval": "30s"})
    result = reindex(es, alias, articles()[:2])  # a wait for the whole cluster would time out: an error
    assert aliased(es, alias) == [result.index]
    settings = es.indices.get_settings(index=other)[other]["settings"]["index"]
    assert (settings["number_of_replicas"], settings["refresh_interval"]) == ("1", "30s")
