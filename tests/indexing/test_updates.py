"""Articles change after publication: corrections, retractions. Against the real node."""

from datetime import date

from service.es import ensure_alias
from service.indexing.loader import index_articles
from service.ingest.sources import read_paths
from service.model import Article, Part
from tests.indexing.stored import part_texts
from tests.project import FIXTURE_ARTICLES


def article(paragraphs: list[str]) -> Article:
    parts = [Part("title", "עדכון בכתבה"), *(Part("body", text) for text in paragraphs)]
    return Article(
        title="עדכון בכתבה", parts=parts, source="בדיקה", published_at=date(2024, 5, 1), id="updated"
    )


def test_a_shorter_correction_leaves_no_old_paragraph_searchable(es, make_alias, client_for):
    alias = make_alias()
    ensure_alias(es, alias)
    client = client_for(alias)
    first = index_articles(es, alias, [article(["פסקה ראשונה", "פסקה שנייה", "טעות שתוקנה בהמשך"])])
    assert (first.documents, first.created) == (1, 1)
    assert client.get("/api/search", query_string={"q": "טעות שתוקנה"}).get_json()["total"] == 1
    corrected = index_articles(es, alias, [article(["פסקה ראשונה מתוקנת"])])
    assert (corrected.documents, corrected.created) == (1, 0)  # the old version replaced whole
    assert part_texts(es, alias, "updated") == ["עדכון בכתבה", "פסקה ראשונה מתוקנת"]
    assert client.get("/api/search", query_string={"q": "טעות שתוקנה"}).get_json()["total"] == 0
    assert client.get("/api/search", query_string={"q": "מתוקנת"}).get_json()["total"] == 1


def test_delete_removes_an_article_with_its_parts_and_reports_unknown_ids(es, cli_for, make_alias):
    alias = make_alias()
    ensure_alias(es, alias)
    articles = [a for a in read_paths([FIXTURE_ARTICLES]) if isinstance(a, Article)]
    index_articles(es, alias, articles)
    gone, kept = articles[0], articles[1:]
    runner = cli_for(alias)

    result = runner.invoke(args=["delete", gone.id])
    assert result.exit_code == 0, result.stderr
    assert f"deleted {gone.id}" in result.stderr
    assert part_texts(es, alias, gone.id) == [] and not es.exists(index=alias, id=gone.id)
    assert all(len(part_texts(es, alias, a.id)) == len(a.parts) for a in kept)
    assert es.count(index=alias)["count"] == len(kept)

    again = runner.invoke(args=["delete", gone.id, kept[0].id])
    assert again.exit_code == 1
    assert f"not found: {gone.id}" in again.stderr and f"deleted {kept[0].id}" in again.stderr
