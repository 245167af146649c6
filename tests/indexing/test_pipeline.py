"""The parallel pipeline (service/indexing/pipeline.py) against the inline path it stands in for.

Worker processes must change nothing but speed: the same documents in the same order, the same
rejections with the same reasons, and a reindex through them indexes what the inline one does.
"""

import json
import shutil
from pathlib import Path

import pytest

from service.indexing.documents import article_document
from service.indexing.extraction import default_extractor, extract_entities
from service.indexing.pipeline import Pipeline
from service.ingest.sources import Rejection, read_paths
from service.model import Article
from tests.indexing.stored import part_texts, stored_documents
from tests.project import FIXTURE_ARTICLES, SAMPLES


@pytest.fixture(scope="module")
def mixed_folder(tmp_path_factory) -> Path:
    """Good articles (the sample, the fixtures twice over in batches) with bad lines and files."""
    folder = tmp_path_factory.mktemp("mixed")
    shutil.copy(SAMPLES / "000_905d7c85a112ab90.txt", folder / "a-sample.txt")
    shutil.copy(SAMPLES / "000_905d7c85a112ab90.json", folder / "a-sample.json")
    lines = FIXTURE_ARTICLES.read_text(encoding="utf-8").splitlines()
    renamed = [
        json.dumps({**json.loads(x), "id": json.loads(x)["id"] + "-b"}, ensure_ascii=False) for x in lines
    ]
    bad = ["{broken", json.dumps({"title": "אין גוף"}, ensure_ascii=False)]
    (folder / "b-feed.jsonl").write_text(
        "\n".join(lines[:3] + bad + lines[3:] + renamed) + "\n", encoding="utf-8"
    )
    (folder / "c-empty.txt").write_bytes(b"")
    return folder


def inline_actions(paths: list[Path], index: str) -> tuple[list[dict], list[Rejection]]:
    """What read_paths + article_document produce, the reference for the pipeline."""
    extractor = default_extractor()
    actions: list[dict] = []
    rejections: list[Rejection] = []
    for item in read_paths(paths):
        if isinstance(item, Rejection):
            rejections.append(item)
            continue
        assert isinstance(item, Article)
        actions.append({**article_document(item, extract_entities(item, extractor)), "_index": index})
    return actions, rejections


@pytest.mark.parametrize("workers", [0, 2])
def test_the_pipeline_makes_the_inline_documents_and_rejections(mixed_folder, workers):
    expected, expected_rejections = inline_actions([mixed_folder], "target")
    reported: list[Rejection] = []
    with Pipeline("target", workers=workers, batch_size=3, on_rejection=reported.append) as pipeline:
        actions = list(pipeline.actions([mixed_folder]))
    assert actions == expected
    assert [str(r) for r in reported] == [str(r) for r in expected_rejections]
    assert len(reported) == 3  # the broken line, the record without a body, the empty file
    stats = pipeline.stats
    assert stats.articles == 1 + 2 * 6 and stats.read == stats.articles + 3
    assert stats.documents == len(expected)


@pytest.fixture
def at_0_and_2_workers(cli_for, make_alias, mixed_folder):
    """``run(command)``: ``flask <command> --workers N`` on the mixed folder at 0 and 2 workers, each on a
    fresh alias; {workers: (alias, result)}. The folder holds rejections, which make the exit status 1."""

    def run(command: str) -> dict:
        runs = {}
        for workers in ("0", "2"):
            alias = make_alias()
            result = cli_for(alias).invoke(args=[command, "--workers", workers, str(mixed_folder)])
            assert result.exit_code == 1, result.stderr
            runs[workers] = (alias, result)
        return runs

    return run


def test_reindex_with_workers_indexes_what_the_inline_reindex_does(es, at_0_and_2_workers):
    counts = {}
    for workers, (alias, result) in at_0_and_2_workers("reindex").items():
        assert "b-feed.jsonl:4: broken JSON" in result.stderr
        assert "c-empty.txt: empty file" in result.stderr
        es.indices.refresh(index=alias)
        ids = es.search(index=alias, size=100, query={"match_all": {}}, _source=False)
        counts[workers] = (
            result.stderr.splitlines()[-1].split(",")[:3],
            es.count(index=alias)["count"],
            sorted(h["_id"] for h in ids["hits"]["hits"]),
        )
    assert counts["2"] == counts["0"]
    summary, documents, article_ids = counts["2"]
    assert summary == ["read 16", " indexed 13 articles (13 documents)", " rejected 3"]
    assert documents == len(article_ids) == 13  # one document per article


def test_index_with_workers_stores_the_inline_documents_and_reports_alike(
    es, at_0_and_2_workers, mixed_folder
):
    """`flask index --workers N` (the one loader, issue 13): the same documents, the same report."""
    runs = {}
    for workers, (alias, result) in at_0_and_2_workers("index").items():
        lines = result.stderr.splitlines()
        runs[workers] = (lines[:-1], lines[-1].rsplit(",", 1)[0], stored_documents(es, alias))
    assert runs["2"] == runs["0"]
    reported, summary, documents = runs["0"]
    assert summary == f"read 16, indexed 13 articles ({len(documents)} documents), rejected 3"
    assert [line.split(":")[0] for line in reported if line.startswith("rejected")] == [
        f"rejected {mixed_folder / 'b-feed.jsonl'}",
        f"rejected {mixed_folder / 'b-feed.jsonl'}",
        f"rejected {mixed_folder / 'c-empty.txt'}",
    ]


def test_index_with_workers_leaves_no_paragraph_a_corrected_article_lost(
    es, cli_for, make_alias, client_for, tmp_path
):
    """A new version replaces the article's document whole, with worker processes too."""
    alias = make_alias()
    runner = cli_for(alias)
    feed = tmp_path / "feed.jsonl"
    for paragraphs in (["ראשונה", "שנייה", "שלישית שתוסר"], ["ראשונה מתוקנת"]):
        body = {"id": "fixed-1", "title": "כתבה", "published_at": "2024-05-01", "body": paragraphs}
        feed.write_text(json.dumps(body, ensure_ascii=False) + "\n", encoding="utf-8")
        result = runner.invoke(args=["index", "--workers", "2", str(feed)])
        assert result.exit_code == 0, result.stderr
        assert "indexed 1 articles (1 documents)" in result.stderr
    assert part_texts(es, alias, "fixed-1") == ["כתבה", "ראשונה מתוקנת"]
    assert es.count(index=alias)["count"] == 1
    client = client_for(alias)
    assert client.get("/api/search", query_string={"q": "שלישית שתוסר"}).get_json()["total"] == 0
    assert client.get("/api/search", query_string={"q": "מתוקנת"}).get_json()["total"] == 1


def test_load_counts_what_it_read_and_rejected(es, make_alias, mixed_folder):
    from service.es import ensure_alias
    from service.indexing.loader import load

    alias = make_alias()
    ensure_alias(es, alias)
    summary = load(es, [mixed_folder], alias, workers=2)
    assert (summary.read, summary.rejected, summary.articles) == (16, 3, 13)
    assert summary.documents == len(stored_documents(es, alias)) and not summary.failed
