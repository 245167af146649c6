"""The ingest and index commands, the latter against the real node."""

import json
import shutil

from tests.indexing.stored import part_texts, parts_of, with_parts
from tests.project import SAMPLES

SAMPLE_PARTS = 16  # the sample article's title, lead, 9 sections and 5 captions


def test_ingest_prints_one_article_per_line(cli_for):
    result = cli_for("unused").invoke(args=["ingest", str(SAMPLES)])
    assert result.exit_code == 0, result.stderr
    (line,) = result.stdout.splitlines()
    article = json.loads(line)
    assert article["title"].startswith("אחרי חיסול קונטאר")
    assert article["lead"].startswith("לאחר חיסול")
    assert len(article["sections"]) == 9
    assert len(article["captions"]) == 5
    assert article["captions"][2]["agencies"] == ["AFP", "RUSSIAN DEFENCE MINISTRY"]
    assert "read 1, parsed 1, rejected 0" in result.stderr


def test_ingest_reports_rejections_and_exits_non_zero(cli_for, tmp_path):
    shutil.copy(SAMPLES / "000_905d7c85a112ab90.txt", tmp_path / "good.txt")
    shutil.copy(SAMPLES / "000_905d7c85a112ab90.json", tmp_path / "good.json")
    (tmp_path / "feed.jsonl").write_text("{broken\n")
    result = cli_for("unused").invoke(args=["ingest", str(tmp_path)])
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 1
    assert "feed.jsonl:1: broken JSON" in result.stderr
    assert "read 2, parsed 1, rejected 1" in result.stderr


def test_index_twice_leaves_the_same_document_count(es, cli_for, make_alias, tmp_path):
    alias = make_alias()
    runner = cli_for(alias)
    first = runner.invoke(args=["index", str(SAMPLES)])
    assert first.exit_code == 0, first.stderr
    (hit,) = es.search(index=alias, query={"match_all": {}})["hits"]["hits"]  # one document per article
    assert len(part_texts(es, alias, hit["_id"])) == SAMPLE_PARTS
    second = runner.invoke(args=["index", "--sample"])
    assert second.exit_code == 0, second.stderr
    es.indices.refresh(index=alias)
    assert es.count(index=alias)["count"] == 1
    assert len(part_texts(es, alias, hit["_id"])) == SAMPLE_PARTS  # replaced, not doubled


def test_index_with_bad_files_indexes_the_good_ones_and_exits_non_zero(es, cli_for, make_alias, tmp_path):
    alias = make_alias()
    shutil.copy(SAMPLES / "000_905d7c85a112ab90.txt", tmp_path / "good.txt")
    shutil.copy(SAMPLES / "000_905d7c85a112ab90.json", tmp_path / "good.json")
    (tmp_path / "empty.txt").write_bytes(b"")
    result = cli_for(alias).invoke(args=["index", str(tmp_path)])
    assert result.exit_code == 1
    assert "empty.txt: empty file" in result.stderr
    assert "read 2, indexed 1 articles (1 documents), rejected 1" in result.stderr
    (hit,) = es.search(index=alias, query={"match_all": {}})["hits"]["hits"]
    assert len(part_texts(es, alias, hit["_id"])) == SAMPLE_PARTS


def test_indexed_caption_carries_people_and_agencies(es, cli_for, make_alias):
    alias = make_alias()
    cli_for(alias).invoke(args=["index", "--sample"])
    query = with_parts({"term": {"parts.credit_people": "עמוס בן גרשום"}})
    (article,) = es.search(index=alias, query=query)["hits"]["hits"]
    captions = parts_of(article)
    assert len(captions) == 2
    assert all(c["kind"] == "caption" and c["credit_agencies"] == ['לע"מ'] for c in captions)


def test_index_into_an_outdated_index_says_to_reindex_and_reindex_fixes_it(
    es, cli_for, make_alias, make_outdated
):
    alias = make_alias()
    old = make_outdated(alias)
    runner = cli_for(alias)
    refused = runner.invoke(args=["index", "--sample"])
    assert refused.exit_code == 3
    assert f"({old}) has mapping version" in refused.stderr and "reindex" in refused.stderr
    assert es.count(index=alias)["count"] == 0  # nothing half-written
    rebuilt = runner.invoke(args=["reindex", "--sample"])
    assert rebuilt.exit_code == 0, rebuilt.stderr
    assert not es.indices.exists(index=old)
    again = runner.invoke(args=["index", "--sample"])
    assert again.exit_code == 0, again.stderr
    es.indices.refresh(index=alias)
    (hit,) = es.search(index=alias, query={"match_all": {}})["hits"]["hits"]
    assert len(part_texts(es, alias, hit["_id"])) == SAMPLE_PARTS
