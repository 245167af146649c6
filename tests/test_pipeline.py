"""The parallel pipeline (service/pipeline.py) against the inline path it stands in for.

Worker processes must change nothing but speed: the same documents in the same order, the same
rejections with the same reasons, and a reindex through them indexes what the inline one does.
"""

import json
import shutil
from pathlib import Path

import pytest

from service import create_app
from service.config import Settings
from service.documents import article_documents, default_extractor, extract_entities
from service.ingest.sources import Rejection, read_paths
from service.model import Article
from service.pipeline import Pipeline

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
FIXTURES = ROOT / "tests" / "fixtures" / "articles.jsonl"


@pytest.fixture(scope="module")
def mixed_folder(tmp_path_factory) -> Path:
    """Good articles (the sample, the fixtures twice over in batches) with bad lines and files."""
    folder = tmp_path_factory.mktemp("mixed")
    shutil.copy(SAMPLES / "000_905d7c85a112ab90.txt", folder / "a-sample.txt")
    shutil.copy(SAMPLES / "000_905d7c85a112ab90.json", folder / "a-sample.json")
    lines = FIXTURES.read_text(encoding="utf-8").splitlines()
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
    """What read_paths + article_documents produce, the reference for the pipeline."""
    extractor = default_extractor()
    actions: list[dict] = []
    rejections: list[Rejection] = []
    for item in read_paths(paths):
        if isinstance(item, Rejection):
            rejections.append(item)
            continue
        assert isinstance(item, Article)
        for doc in article_documents(item, extract_entities(item, extractor)):
            actions.append({**doc, "_index": index})
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


def test_reindex_with_workers_indexes_what_the_inline_reindex_does(es, es_url, make_alias, mixed_folder):
    counts = {}
    for workers in ("0", "2"):
        alias = make_alias()
        runner = create_app(Settings(es_url=es_url, es_index=alias)).test_cli_runner()
        result = runner.invoke(args=["reindex", "--workers", workers, str(mixed_folder)])
        assert result.exit_code == 1, result.stderr  # rejections make the exit status 1
        assert "b-feed.jsonl:4: broken JSON" in result.stderr
        assert "c-empty.txt: empty file" in result.stderr
        es.indices.refresh(index=alias)
        ids = es.search(index=alias, size=100, query={"term": {"doc_type": "article"}}, _source=False)
        counts[workers] = (
            result.stderr.splitlines()[-1].split(",")[:3],
            es.count(index=alias)["count"],
            sorted(h["_id"] for h in ids["hits"]["hits"]),
        )
    assert counts["2"] == counts["0"]
    summary, documents, article_ids = counts["2"]
    assert summary == ["read 16", " indexed 13 articles (" + str(documents) + " documents)", " rejected 3"]
    assert len(article_ids) == 13
