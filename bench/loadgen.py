"""The load generator of ``bench_load``: the second process that sends the searches.

Why a separate process: the load must not share the interpreter (and its GIL) with what it
measures. Closed loop on loopback only: ``--concurrency`` threads send the query mix
(``benchlib.QUERY_MIX``) round-robin, or with ``--log FILE`` the paths of a query log (a JSON list,
``benchlib.zipf_query_log``) in order from ``--skip``, until ``--duration`` seconds or
``--max-requests`` requests run out, then one JSON line with the throughput, percentiles, errors
and the generator's own CPU.
It is started by ``bench_load.py``; it is not a benchmark on its own.

Usage::

    .venv/bin/python bench/loadgen.py URL [--concurrency 4] [--duration 15] [--max-requests 100000]
        [--log FILE --skip N]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from benchlib import QUERY_MIX, percentile

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
REQUEST_TIMEOUT = 10.0  # seconds a request may take before it counts as an error


def generate(
    url: str,
    concurrency: int,
    duration: float,
    max_requests: int,
    log: list[str] | None = None,
    skip: int = 0,
) -> dict[str, Any]:
    """Closed-loop load: ``concurrency`` threads send the mix (or the log, in order from ``skip``)
    until the time or the count runs out."""
    parts = urlsplit(url)
    if parts.hostname not in LOOPBACK:
        raise SystemExit(f"the load generator only targets loopback, not {parts.hostname}")
    host, port = parts.hostname, parts.port or 80
    paths = log or ["/api/search?" + urlencode(args) for mix in QUERY_MIX.values() for args in mix]
    sent = [skip]  # the log's next request, shared: the threads replay it in order
    latencies: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()
    budget = [max_requests]
    deadline = time.perf_counter() + duration

    def worker(offset: int) -> None:
        i = offset
        while time.perf_counter() < deadline:
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
                if log:
                    i, sent[0] = sent[0], sent[0] + 1
            path = paths[i % len(paths)]
            i += 1
            started = time.perf_counter()
            error = None
            try:
                conn = http.client.HTTPConnection(host, port, timeout=REQUEST_TIMEOUT)
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                conn.close()
                if response.status != 200:
                    error = f"HTTP {response.status}"
            except (OSError, http.client.HTTPException) as exc:
                error = type(exc).__name__
            elapsed = time.perf_counter() - started
            with lock:
                if error:
                    errors[error] = errors.get(error, 0) + 1
                else:
                    latencies.append(elapsed)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n * 7,), daemon=True) for n in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(duration + REQUEST_TIMEOUT + 5)
    seconds = time.perf_counter() - started
    cpu = os.times()
    return {
        "concurrency": concurrency,
        "seconds": seconds,
        "ok": len(latencies),
        "errors": errors,
        "qps": len(latencies) / seconds,
        "p50": percentile(latencies, 50),
        "p90": percentile(latencies, 90),
        "p99": percentile(latencies, 99),
        "generator_cpu": cpu.user + cpu.system,
        "next": sent[0],  # the log's next request, where the next step starts
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="the service, on loopback")
    parser.add_argument("--concurrency", type=int, default=4, help="requests in flight")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds at the most")
    parser.add_argument("--max-requests", type=int, default=100_000, help="requests at the most")
    parser.add_argument("--log", help="a JSON list of paths to send in order instead of the mix")
    parser.add_argument("--skip", type=int, default=0, help="the log's first request (default 0)")
    args = parser.parse_args(argv)
    log = json.loads(Path(args.log).read_text(encoding="utf-8")) if args.log else None
    result = generate(args.url, args.concurrency, args.duration, args.max_requests, log, args.skip)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
