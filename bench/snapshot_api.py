"""Snapshot of what the service answers, to show that a refactoring changed nothing a user sees.

Why: issue 13 moves most of the package around; "behaviour unchanged" is checked by answering a
fixed set of 30 searches (plus article, suggest and page requests) over the bundled sample, the
test fixtures and the first 2,000 articles of ``../shared/data/corpus``, before and after, and
comparing. The index is built through the CLI (``flask --app service index``), the one interface
that stays the same across the change. The answers themselves hold corpus text, which may not be
committed: the full JSON goes to ``.cache/snapshots/`` (for diffing), and one SHA-256 per request
to the file given with ``--record`` (committed, e.g. ``docs/api-snapshot.sha256``).

Usage (a node on ES_URL, else a local one on ES_PORT, default 9261)::

    .venv/bin/python bench/snapshot_api.py --record docs/api-snapshot.sha256
    .venv/bin/python bench/snapshot_api.py --check docs/api-snapshot.sha256

Without ``../shared/data/corpus`` it says so and exits 0.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import benchlib
from benchlib import CORPUS_DIR as CORPUS
from benchlib import ROOT

ARTICLES = 2_000
OUT = ROOT / ".cache" / "snapshots"

# Words, phrases, exclusions, prefixes, acronyms, questions, Latin, dates, kinds, sorts and pages.
SEARCHES: list[dict[str, str]] = [
    {"q": "פוטין"},
    {"q": "בסוריה"},
    {"q": 'צה"ל'},
    {"q": "צה״ל"},
    {"q": '"ראש הממשלה"'},
    {"q": "נתניהו -פוטין"},
    {"q": "ממשלה"},
    {"q": "ישראל", "sort": "newest"},
    {"q": "ישראל", "sort": "oldest", "page": "2"},
    {"q": "ירושלים", "size": "5"},
    {"q": "טילים", "kind": "caption"},
    {"q": "הכנסת", "kind": "section"},
    {"q": "מי אמר שהמצב בסוריה מסובך?"},
    {"q": "כמה עולה הטלפון החדש"},
    {"q": "Google"},
    {"q": "S-400"},
    {"q": "אל-קאעידה"},
    {"q": "לפוטין"},
    {"q": 'ארה"ב'},
    {"q": "בית המשפט העליון"},
    {"q": "חברת הייטק ישראלית גייסה"},
    {"q": "שלום", "from": "2015-01-01", "to": "2015-06-30"},
    {"q": "מלחמה", "from": "1880-01-01", "to": "1900-12-31"},
    {"q": "תקציב", "to": "2015-12-31"},
    {},
    {"sort": "oldest"},
    {"from": "2015-12-01", "to": "2015-12-31"},
    {"q": "זזזזזזז"},
    {"q": "נתנייהו"},
    {"q": "-ישראל ממשלה"},
]


def corpus_lines(limit: int) -> Iterator[str]:
    """The first ``limit`` corpus documents as JSON Lines articles (undated ones skipped)."""
    n = 0
    for path in sorted(CORPUS.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                doc = json.loads(line)
                date = (doc.get("date") or "")[:10]
                title = " ".join((doc.get("title") or "").split()) or " ".join(doc["text"].split()[:12])
                if len(date) != 10 or not title:
                    continue
                record = {
                    "id": doc["doc_id"],
                    "title": title[:1000],
                    "body": doc.get("text") or "",
                    "source": doc.get("source") or "",
                    "published_at": date,
                }
                yield json.dumps(record, ensure_ascii=False)
                n += 1
                if n >= limit:
                    return


def build(url: str, alias: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    corpus_file = OUT / f"corpus-{ARTICLES}.jsonl"
    corpus_file.write_text("\n".join(corpus_lines(ARTICLES)) + "\n", encoding="utf-8")
    env = {**os.environ, "ES_URL": url, "ES_INDEX": alias}
    paths = [str(ROOT / "samples"), str(ROOT / "tests" / "fixtures" / "articles.jsonl"), str(corpus_file)]
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "flask"), "--app", "service", "index", *paths],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    print(done.stderr.strip().splitlines()[-1])
    if done.returncode not in (0, 1):  # 1: some corpus records rejected, reported above
        raise SystemExit(done.stderr)


def requests_of(client: Any) -> list[tuple[str, dict[str, str]]]:
    """The fixed searches, then requests derived deterministically from the browse answer:
    the top entity of each facet as a filter, the first articles, suggestions, and pages."""
    wanted: list[tuple[str, dict[str, str]]] = [("/api/search", s) for s in SEARCHES]
    browse = client.get("/api/search").get_json()
    for facet, values in sorted(browse["facets"].items()):
        if values and facet != "dates":
            top = values[0]["id"] if isinstance(values, list) else None
            if top:
                wanted.append(("/api/search", {facet: top}))
                wanted.append(("/api/search", {"q": "ישראל", facet: top}))
                wanted.append((f"/entities/{top}", {}))
    for result in browse["results"][:3]:
        wanted.append((f"/api/articles/{result['article_id']}", {}))
        wanted.append((f"/articles/{result['article_id']}", {}))
    wanted += [("/api/suggest", {"prefix": p}) for p in ("נתנ", "פוט", "יר", "ג")]
    wanted += [("/", {}), ("/", {"q": "פוטין"}), ("/", {"q": "ישראל", "page": "2"})]
    return wanted


def answers(url: str, alias: str) -> list[dict[str, Any]]:
    from service import create_app
    from service.config import Settings

    client = create_app(Settings(es_url=url, es_index=alias, es_request_timeout=30)).test_client()
    out = []
    for path, params in requests_of(client):
        response = client.get(path, query_string=params)
        body: Any = response.get_json() if response.is_json else response.get_data(as_text=True)
        out.append({"path": path, "params": params, "status": response.status_code, "body": steady(body)})
    return out


def steady(body: Any) -> Any:
    """The answer without what changes from run to run: the node's time (``took_ms``)."""
    if isinstance(body, dict):
        return {k: steady(v) for k, v in body.items() if k != "took_ms"}
    if isinstance(body, list):
        return [steady(v) for v in body]
    if isinstance(body, str):
        return re.sub(r'<span class="took">\(\d+ מ״ש\)</span>', "", body)
    return body


def digest(answer: dict[str, Any]) -> str:
    canonical = json.dumps(answer, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def label(answer: dict[str, Any]) -> str:
    return answer["path"] + "?" + "&".join(f"{k}={v}" for k, v in sorted(answer["params"].items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--record", type=Path, help="write one SHA-256 per request to this file")
    action.add_argument("--check", type=Path, help="compare with a recorded file; exit 1 on a difference")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"snapshot_api: {CORPUS} is absent; nothing to snapshot (skipped)")
        return 0
    with benchlib.Node(default_port=9261) as node:
        alias = f"snapshot-{uuid.uuid4().hex[:8]}"
        es = benchlib.client(node.url)
        try:
            build(node.url, alias)
            found = answers(node.url, alias)
        finally:
            for name in es.indices.get(index=f"{alias}-*", expand_wildcards="all"):
                es.indices.delete(index=name)
    name = (args.record or args.check).stem
    (OUT / f"{name}.json").write_text(json.dumps(found, ensure_ascii=False, indent=1), encoding="utf-8")
    lines = [f"{digest(a)}  {label(a)}" for a in found]
    if args.record:
        args.record.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"recorded {len(lines)} answers in {args.record} (full JSON in {OUT / (name + '.json')})")
        return 0
    recorded = args.check.read_text(encoding="utf-8").splitlines()
    differ = [new for old, new in zip(recorded, lines, strict=False) if old != new]
    if len(recorded) != len(lines) or differ:
        print(f"{len(differ)} of {len(lines)} answers differ ({len(recorded)} recorded):")
        print("\n".join("  " + d.split("  ", 1)[1] for d in differ))
        return 1
    print(f"all {len(lines)} answers identical to {args.check}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
