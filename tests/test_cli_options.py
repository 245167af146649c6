"""The commands' options as the README states them (issue 20), through the CLI against the test
node: ``--allow-undated`` lets an article without a date be indexed (and found, counted as undated),
which is otherwise rejected; ``reindex --keep N`` leaves the newest N old indices beside the new one."""

from __future__ import annotations

import json

import pytest

from service.indexing.reindex import aliased, family
from tests.project import FIXTURE_ARTICLES

UNDATED = {"id": "undated-1", "title": "ידיעה בלי תאריך", "body": ["הכבשים רעו בשדה הירוק"]}
DATED = {**UNDATED, "id": "dated-1", "body": ["העזים רעו בשדה הצהוב"], "published_at": "2016-02-01"}


@pytest.fixture
def sources(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in (UNDATED, DATED)), encoding="utf-8"
    )
    return path


def test_an_undated_article_is_rejected_without_allow_undated(es, cli_for, client_for, make_alias, sources):
    alias = make_alias()
    result = cli_for(alias).invoke(args=["index", str(sources)])
    assert result.exit_code == 1, result.output
    assert "rejected 1" in result.output and "published_at" in result.output
    assert client_for(alias).get("/api/search", query_string={"q": "רעו"}).get_json()["total"] == 1


def test_allow_undated_indexes_it_and_the_search_counts_it_as_undated(
    es, cli_for, client_for, make_alias, sources
):
    alias = make_alias()
    result = cli_for(alias).invoke(args=["index", "--allow-undated", str(sources)])
    assert result.exit_code == 0, result.output
    assert "rejected 0" in result.output
    body = client_for(alias).get("/api/search", query_string={"q": "רעו"}).get_json()
    assert body["total"] == 2 and {r["article_id"] for r in body["results"]} == {"undated-1", "dated-1"}
    assert body["dates"]["undated"] == 1
    assert client_for(alias).get("/api/articles/undated-1").get_json()["published_at"] is None


@pytest.mark.parametrize("keep", [0, 1, 2])
def test_reindex_keep_leaves_the_newest_old_indices(es, cli_for, make_alias, keep):
    alias = make_alias()
    runner = cli_for(alias)
    built = []
    for _ in range(4):
        result = runner.invoke(args=["reindex", "--keep", str(keep), str(FIXTURE_ARTICLES)])
        assert result.exit_code == 0, result.output
        (current,) = aliased(es, alias)
        built.append(current)
    left = sorted(b.name for b in family(es, alias))
    assert left == sorted(built[-1 - keep :])  # the one behind the alias and the newest `keep` before it
