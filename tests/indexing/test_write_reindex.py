"""Writes during a reindex, repeated ids, colliding ids: nothing lost, nothing stale (real node)."""

import json
import threading

import pytest

from service.es import ensure_alias
from service.indexing import journal as reindex_journal
from service.indexing.documents import BadArticleId, article_document
from service.indexing.extraction import extract_entities
from service.indexing.loader import index_articles
from service.indexing.reindex import aliased, reindex
from service.ingest.sources import read_paths
from service.model import Article, Part
from tests.indexing.stored import part_texts
from tests.project import FIXTURE_ARTICLES


def fixtures() -> list[Article]:
    return [a for a in read_paths([FIXTURE_ARTICLES]) if isinstance(a, Article)]


def article(article_id: str, paragraphs: list[str], title: str = "כתבה חדשה") -> Article:
    parts = [Part("title", title), *(Part("body", p) for p in paragraphs)]
    return Article(title=title, parts=parts, source="בדיקה", id=article_id)


def many(n: int) -> list[Article]:
    return [article(f"m{i}", [f"פסקה {i} על הכנסת"], f"כתבה {i}") for i in range(n)]


def record(article_id: str, paragraphs: list[str]) -> str:
    return json.dumps(
        {"id": article_id, "title": "כתבה", "published_at": "2024-05-01", "body": paragraphs},
        ensure_ascii=False,
    )


def test_index_and_delete_during_a_reindex_survive_the_swap(es, cli_for, make_alias, tmp_path):
    alias = make_alias()
    reindex(es, alias, fixtures())
    late = tmp_path / "late.jsonl"
    late.write_text(record("late-1", ["נוספה בזמן הבנייה מחדש"]) + "\n", encoding="utf-8")
    runner = cli_for(alias)
    results = []

    def during(done: int) -> None:
        if not results:  # once, while the new index is loading
            results.append(runner.invoke(args=["index", str(late)]))
            results.append(runner.invoke(args=["delete", "a2"]))

    result = reindex(es, alias, fixtures() + many(1500), chunk_size=500, progress=during)
    assert [r.exit_code for r in results] == [0, 0], [r.stderr for r in results]
    assert aliased(es, alias) == [result.index]
    assert part_texts(es, alias, "late-1") == ["כתבה", "נוספה בזמן הבנייה מחדש"]
    assert es.exists(index=alias, id="late-1")
    assert part_texts(es, alias, "a2") == [] and not es.exists(index=alias, id="a2")  # the retraction holds
    assert part_texts(es, alias, "a1")  # the rest is there


def test_a_write_that_never_saw_the_new_index_is_replayed_from_the_journal(
    es, make_alias, monkeypatch, client_for
):
    """A writer that looked the lock up before the new index existed writes to the old index only:
    the journal makes the reindex copy it (a correction's new version whole, without its lost paragraph)."""
    alias = make_alias()
    reindex(es, alias, [*fixtures(), article("fix", ["ראשונה", "שנייה", "טעות"])])
    blind = reindex_journal.RunningReindex(None, None)  # a reindex runs, its target not yet known

    def during(done: int) -> None:
        with monkeypatch.context() as m:
            m.setattr(reindex_journal, "running_reindex", lambda es, alias: blind)
            index_articles(es, alias, [article("blind-1", ["נכתבה לאינדקס הישן בלבד"])])
            index_articles(es, alias, [article("fix", ["ראשונה מתוקנת"])])

    result = reindex(
        es,
        alias,
        [*fixtures(), article("fix", ["ראשונה", "שנייה", "טעות"]), *many(600)],
        chunk_size=500,
        progress=during,
    )
    assert result.replayed >= 2
    assert part_texts(es, alias, "blind-1") == ["כתבה חדשה", "נכתבה לאינדקס הישן בלבד"]
    assert part_texts(es, alias, "fix") == ["כתבה חדשה", "ראשונה מתוקנת"]
    assert client_for(alias).get("/api/search", query_string={"q": "טעות"}).get_json()["total"] == 0


def test_a_writer_running_through_the_whole_reindex_loses_nothing(es, make_alias):
    """A concurrent writer indexing one article after another from the start of the load until
    after the swap (what it wrote before the reindex began is the reindex's source's business)."""
    alias = make_alias()
    reindex(es, alias, fixtures())
    written: list[str] = []
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        n = 0
        try:
            while not stop.is_set() or n < 3:
                index_articles(es, alias, [article(f"w{n}", [f"כתיבה מקבילה {n}"])])
                written.append(f"w{n}")
                n += 1
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    thread = threading.Thread(target=writer)

    def start(done: int) -> None:
        if not thread.is_alive() and not written:
            thread.start()

    try:
        reindex(es, alias, fixtures() + many(2000), chunk_size=500, progress=start)
    finally:
        stop.set()
        thread.join(60)
    es.indices.refresh(index=alias)
    found = es.mget(index=alias, ids=written)["docs"]
    missing = [d["_id"] for d in found if not d["found"]]
    assert errors == [] and len(written) > 3 and missing == []


@pytest.mark.parametrize("workers", ["0", "2"])
def test_reindex_with_a_repeated_id_keeps_only_the_last_version(
    es, cli_for, client_for, make_alias, tmp_path, workers
):
    alias = make_alias()
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        "\n".join(
            [
                record("dup", ["ראשונה", "שנייה", "פסקה שהוסרה בתיקון"]),
                record("other", ["אחרת"]),
                record("dup", ["ראשונה מתוקנת"]),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    runner = cli_for(alias)
    result = runner.invoke(args=["reindex", "--workers", workers, str(feed)])
    assert result.exit_code == 0, result.stderr
    assert part_texts(es, alias, "dup") == ["כתבה", "ראשונה מתוקנת"]
    assert es.count(index=alias)["count"] == 2  # one document per article, the repeated id's last
    client = client_for(alias)
    assert client.get("/api/search", query_string={"q": "שהוסרה בתיקון"}).get_json()["total"] == 0
    assert client.get("/api/search", query_string={"q": "מתוקנת"}).get_json()["total"] == 1


def test_ids_that_look_alike_name_their_own_parts_in_search_results(es, make_alias, client_for):
    """A result's part id ``<article>#<position>`` names one part of one article: story-7's third
    part and the article story-7-2 stay apart (an id with '#' is refused, see the next test)."""
    alias = make_alias()
    ensure_alias(es, alias)
    summary = index_articles(
        es, alias, [article("story-7", ["אחת", "שתיים", "שלוש"]), article("story-7-2", ["כתבה אחרת"])]
    )
    assert not summary.failed
    assert part_texts(es, alias, "story-7") == ["כתבה חדשה", "אחת", "שתיים", "שלוש"]
    assert part_texts(es, alias, "story-7-2") == ["כתבה חדשה", "כתבה אחרת"]
    client = client_for(alias)

    def found(q: str) -> list[tuple[str, list[str]]]:
        results = client.get("/api/search", query_string={"q": q}).get_json()["results"]
        return [(r["article_id"], [s["id"] for s in r["snippets"]]) for r in results]

    assert found("שתיים") == [("story-7", ["story-7#2"])]
    assert found("אחרת") == [("story-7-2", ["story-7-2#1"])]


def test_an_id_outside_the_article_id_alphabet_is_refused_not_written(es, make_alias):
    bad = article("story-7#2", ["מתחזה לחלק"])
    with pytest.raises(BadArticleId):
        article_document(bad, extract_entities(bad))
    alias = make_alias()
    ensure_alias(es, alias)
    summary = index_articles(es, alias, [article("story-7", ["אחת", "שתיים", "שלוש"]), bad])
    assert len(summary.failed) == 1 and "story-7#2" in summary.failed[0]
    assert part_texts(es, alias, "story-7") == ["כתבה חדשה", "אחת", "שתיים", "שלוש"]
