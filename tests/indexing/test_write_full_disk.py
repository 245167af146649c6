"""A full disk: ``index`` and ``reindex`` stop with a message and a summary, never a traceback or a
hang, and the alias stays intact. On a node of its own (ES_FULL_DISK_PORT, default 9256), because the
flood-stage watermark blocks every index of the node: the real 429 cluster_block_exception."""

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from service import create_app
from service.config import Settings
from service.indexing.reindex import aliased
from tests.project import es_script

pytestmark = pytest.mark.es  # fills the disk of a node of its own

ALIAS = "full-disk-test"
# Watermarks as "used" percentages the node is far above: the disk monitor (every 10 s) puts the
# read_only_allow_delete block on every index, as on a disk that really filled up.
FLOOD = {
    "cluster.routing.allocation.disk.threshold_enabled": True,
    "cluster.routing.allocation.disk.watermark.low": "1%",
    "cluster.routing.allocation.disk.watermark.high": "2%",
    "cluster.routing.allocation.disk.watermark.flood_stage": "3%",
    "cluster.info.update.interval": "10s",
}
CALM = {key: None for key in FLOOD}


@pytest.fixture(scope="module")
def full_node() -> Iterator[str]:
    port = os.environ.get("ES_FULL_DISK_PORT", "9256")
    was_running = es_script("status", port).returncode == 0
    started = es_script("start", port)
    if started.returncode != 0:
        pytest.fail(f"could not start the full-disk node:\n{started.stderr}", pytrace=False)
    url = f"http://127.0.0.1:{port}"
    es = Elasticsearch(url, request_timeout=60)
    try:
        yield url
    finally:
        es.cluster.put_settings(persistent=CALM)
        es.indices.put_settings(
            index="_all", settings={"index.blocks.read_only_allow_delete": None}, expand_wildcards="all"
        )
        for name in es.indices.get(index=f"{ALIAS}-*,hebrew-news-locks", expand_wildcards="all"):
            es.indices.delete(index=name)
        if not was_running:
            es_script("stop", port)


def corpus(folder: Path, n: int) -> Path:
    feed = folder / "feed.jsonl"
    lines = [
        {"id": f"d{i}", "title": f"כתבה {i}", "published_at": "2024-05-01", "body": [f"פסקה {i} על הכנסת"]}
        for i in range(n)
    ]
    feed.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    return feed


def test_index_and_reindex_on_a_full_disk_stop_with_a_summary(full_node, tmp_path):
    es = Elasticsearch(full_node, request_timeout=60)
    runner = create_app(Settings(es_url=full_node, es_index=ALIAS)).test_cli_runner()
    assert runner.invoke(args=["reindex", "--sample"]).exit_code == 0  # the lock index exists too
    live = aliased(es, ALIAS)
    before = es.count(index=ALIAS)["count"]
    feed = corpus(tmp_path, 800)

    es.cluster.put_settings(persistent=FLOOD)
    deadline = time.monotonic() + 40
    while "read_only_allow_delete" not in json.dumps(es.indices.get_settings(index=live[0]).body):
        assert time.monotonic() < deadline, "the disk monitor never applied the flood-stage block"
        time.sleep(1)

    started = time.monotonic()
    indexed = runner.invoke(args=["index", str(feed)])
    index_seconds = time.monotonic() - started
    assert indexed.exit_code == 2 and isinstance(indexed.exception, SystemExit), indexed.stderr
    assert "stopped: Elasticsearch refuses writes (cluster_block_exception" in indexed.stderr
    assert "stored 0 articles completely" in indexed.stderr and "not stored: the rest" in indexed.stderr
    assert "Traceback" not in indexed.stderr and index_seconds < 60

    for workers in ("0", "2"):
        started = time.monotonic()
        rebuilt = runner.invoke(args=["reindex", "--workers", workers, str(feed)])
        seconds = time.monotonic() - started
        assert rebuilt.exit_code == 2 and isinstance(rebuilt.exception, SystemExit), rebuilt.stderr
        assert "cluster_block_exception" in rebuilt.stderr or "no active shard" in rebuilt.stderr
        assert "Traceback" not in rebuilt.stderr and seconds < 90
        assert aliased(es, ALIAS) == live
    es.indices.refresh(index=ALIAS)
    assert es.count(index=ALIAS)["count"] == before  # the alias still serves what it served
    print(f"full disk: index stopped in {index_seconds:.1f}s, reindex in {seconds:.1f}s")
