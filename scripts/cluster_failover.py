"""A three-node cluster loses a node under load: do searches keep succeeding?

    python scripts/cluster_failover.py [--ports 9271,9272,9273] [--seconds 45] [--clients 4]

Starts three local nodes of the same distribution on loopback (scripts/elasticsearch.sh with
ES_CLUSTER), indexes the sample and the test fixtures (plus generated copies) with one replica,
then runs search clients through the service (ES_URL listing all three nodes) while one node is
stopped and, later, started again. Counts requests and failures (target: 0 failures), measures
latency, and how long the cluster takes to return to green (under the same load). Appends the result to
docs/reliability.md unless --no-record. Not part of every CI run: it takes a minute or two.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from elasticsearch import Elasticsearch  # noqa: E402

from service import create_app  # noqa: E402
from service.config import Settings  # noqa: E402
from service.es import ensure_alias  # noqa: E402
from service.indexing.loader import index_articles  # noqa: E402
from service.ingest.sources import read_paths  # noqa: E402
from service.model import Article, Part  # noqa: E402

ALIAS = "failover"
QUERIES = ["פוטין", "נתניהו ופוטין", "סוריה", "הכנסת", '"שיתוף הפעולה"', "תקציב"]


def node(port: int, ports: list[int], command: str) -> None:
    env = {**os.environ, "ES_PORT": str(port), "ES_CLUSTER": ",".join(map(str, ports)), "ES_HEAP": "384m"}
    subprocess.run(
        [str(ROOT / "scripts" / "elasticsearch.sh"), command], env=env, check=True, stdout=subprocess.DEVNULL
    )


def corpus() -> list[Article]:
    base = [
        a
        for a in read_paths([ROOT / "samples", ROOT / "tests" / "fixtures" / "articles.jsonl"])
        if isinstance(a, Article)
    ]
    copies = [
        Article(
            title=f"{a.title} ({i})",
            parts=[Part(p.kind, p.text, p.heading, p.credit) for p in a.parts],
            source=a.source,
            published_at=a.published_at,
            id=f"{a.id}-copy{i}",
        )
        for i in range(40)
        for a in base
    ]
    return base + copies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ports", default="9271,9272,9273")
    parser.add_argument("--seconds", type=float, default=45.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    ports = [int(p) for p in args.ports.split(",")]
    victim = ports[-1]

    for port in ports:
        node(port, ports, "start")
    urls = [f"http://127.0.0.1:{p}" for p in ports]
    es = Elasticsearch(urls, request_timeout=60)
    es.cluster.health(wait_for_nodes=str(len(ports)), wait_for_status="green", timeout="120s")
    for name in es.indices.get_alias(name=ALIAS) if es.indices.exists_alias(name=ALIAS) else []:
        es.indices.delete(index=name)
    index = ensure_alias(es, ALIAS)
    es.indices.put_settings(index=index, settings={"index": {"number_of_replicas": 1}})
    summary = index_articles(es, ALIAS, corpus())
    es.cluster.health(index=index, wait_for_status="green", timeout="120s")
    print(
        f"indexed {summary.articles} articles ({summary.documents} documents) with one replica on "
        f"{len(ports)} nodes",
        file=sys.stderr,
    )

    app = create_app(Settings(es_url=",".join(urls), es_index=ALIAS))
    stop = threading.Event()
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def client(k: int) -> None:
        test_client = app.test_client()
        i = k
        while not stop.is_set():
            q = QUERIES[i % len(QUERIES)]
            i += 1
            started = time.perf_counter()
            response = test_client.get("/api/search", query_string={"q": q})
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                if response.status_code != 200:
                    failures.append(f"{response.status_code} {q}")

    threads = [threading.Thread(target=client, args=(k,)) for k in range(args.clients)]
    began = time.monotonic()
    for t in threads:
        t.start()
    time.sleep(args.seconds * 0.25)
    print(f"stopping node {victim}", file=sys.stderr)
    node(victim, ports, "stop")
    stopped_at = time.monotonic() - began
    time.sleep(args.seconds * 0.35)
    print(f"starting node {victim} again", file=sys.stderr)
    node(victim, ports, "start")
    restarted_at = time.monotonic() - began
    # Back to green while the searches go on, then a few more seconds of them on the whole cluster.
    health = es.cluster.health(wait_for_status="green", wait_for_nodes=str(len(ports)), timeout="180s")
    green_at = time.monotonic() - began
    time.sleep(max(args.seconds - green_at, 5.0))
    stop.set()
    for t in threads:
        t.join()
    ended_at = time.monotonic() - began

    ordered = sorted(latencies)
    result = {
        "requests": len(latencies),
        "failures": len(failures),
        "p50_ms": round(statistics.median(ordered), 1),
        "p99_ms": round(ordered[int(0.99 * (len(ordered) - 1))], 1),
        "stopped_at_s": round(stopped_at, 1),
        "restarted_at_s": round(restarted_at, 1),
        "green_at_s": round(green_at, 1),
        "load_ended_s": round(ended_at, 1),
        "status": health["status"],
    }
    print(result)
    if failures:
        print("failures:", failures[:10], file=sys.stderr)
    if not args.no_record:
        with open(ROOT / "docs" / "reliability.md", "a", encoding="utf-8") as f:
            f.write(
                f"\n### Three-node failover run, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n\n"
                f"`python scripts/cluster_failover.py --seconds {args.seconds:g} --clients {args.clients}`: "
                f"{result['requests']} searches from {args.clients} clients over {result['load_ended_s']} s; "
                f"node {victim} stopped at {result['stopped_at_s']} s, back at {result['restarted_at_s']} s, "
                f"cluster {result['status']} again at {result['green_at_s']} s with the searches still "
                f"running; **{result['failures']} failures**; "
                f"latency p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms.\n"
            )
    for port in ports:
        node(port, ports, "stop")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
