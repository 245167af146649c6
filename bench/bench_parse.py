"""Benchmark: how fast articles are parsed into parts and their text normalised, on one core.

Why this exists: ingesting a corpus is bounded by the Python work done per article before anything
reaches Elasticsearch (schema validation, parsing into parts, normalising every part). The target is
at least 500 articles per second on a single core; this script measures it on the real evaluation
corpus so that a regression in the parsers or in ``normalize()`` shows up as a number, not a hunch.

It is a benchmark, not a test: it is not collected by pytest and asserts nothing. It reads
``../shared/data/corpus/*.jsonl.gz`` (relative to the project root) at run time only; the corpus is
never copied into the project. Without that folder it says so and exits 0.

Three variants are timed, each over every document, ``--runs`` times (the median is reported):

* ``jsonl``: a schema-shaped record per document → schema check (``validator.iter_errors``, as
  ``service.ingest.sources`` does for each line) → ``article_from_record`` → ``normalize_parts``;
* ``scraped``: a scraped-page-like text per document (title line, blank line, paragraphs separated
  by blank lines) → ``parse_scraped`` → ``normalize_parts``;
* ``html``: a saved news page per document (``html_page_of``: head with meta tags and JSON-LD, site
  menu, the article with a photo and its credit, related articles, comments, scripts, footer) →
  ``parse_html_page`` (trafilatura and our rules) → ``normalize_parts``, over the documents with
  at least ``MIN_BODY_CHARS`` of text (a headline alone is not an article page). Target 200 pages/s.

Building the records and page texts from the corpus is done before timing. Results are appended to
``docs/benchmarks.md`` unless ``--no-record`` is given.

Usage (from the project root)::

    .venv/bin/python bench/bench_parse.py [--limit N] [--runs R] [--no-record]
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import os
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import benchlib
from benchlib import CORPUS_DIR, CORPUS_LABEL
from jsonschema.exceptions import best_match

from service.ingest.html_page import MIN_BODY_CHARS, parse_html_page
from service.ingest.scraped import parse_scraped
from service.ingest.sources import BadRecord, article_from_record, record_validator
from service.model import Article


def normalize_parts(article: Article) -> list[str]:
    """The normalise step of the pipeline: every part's matching text (what is indexed)."""
    return [part.normalized for part in article.parts]


TARGET_PER_SECOND = 500.0
HTML_TARGET_PER_SECOND = 200.0  # a saved page is 20-100 times the text, with a DOM to walk
FIXED_DATE = "2000-01-01"  # for documents whose date is missing or not YYYY-MM-DD
TITLE_WORDS = 12  # a missing title is the first words of the text
PARAGRAPH_SENTENCES = 3  # scraped variant: sentences per paragraph
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+")


@dataclass
class Sample:
    """One corpus document in both input shapes, built before timing."""

    record: dict[str, Any]
    page: str
    published: date
    html: str = ""


@dataclass
class RunResult:
    seconds: float
    articles: int
    parts: int
    rejected: int

    @property
    def per_second(self) -> float:
        return self.articles / self.seconds if self.seconds else float("inf")


@dataclass
class VariantResult:
    name: str
    description: str
    runs: list[RunResult] = field(default_factory=list)
    target: float = TARGET_PER_SECOND

    @property
    def median(self) -> float:
        return statistics.median(r.per_second for r in self.runs)

    @property
    def passed(self) -> bool:
        return self.median >= self.target


def corpus_documents(folder: Path, limit: int | None) -> Iterator[dict[str, Any]]:
    """The corpus documents, file by file in name order, at most ``limit`` of them."""
    count = 0
    for path in sorted(folder.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                if limit is not None and count >= limit:
                    return
                if line.strip():
                    count += 1
                    yield json.loads(line)


def paragraphs_of(text: str) -> list[str]:
    """The text's own paragraphs, or (corpus texts are single lines) groups of a few sentences."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    if len(blocks) > 1:
        return blocks
    sentences = [s for s in SENTENCE_END_RE.split(text.strip()) if s]
    return [
        " ".join(sentences[i : i + PARAGRAPH_SENTENCES])
        for i in range(0, len(sentences), PARAGRAPH_SENTENCES)
    ]


def to_sample(doc: dict[str, Any]) -> Sample:
    text = doc.get("text") or ""
    title = (doc.get("title") or "").strip() or " ".join(text.split()[:TITLE_WORDS])
    raw_date = doc.get("date") or ""
    published = raw_date if DATE_RE.fullmatch(raw_date) else FIXED_DATE
    record = {"title": title, "body": text, "published_at": published, "source": doc.get("source") or ""}
    page = title + "\n\n" + "\n\n".join(paragraphs_of(text)) + "\n"
    try:
        day = date.fromisoformat(published)
    except ValueError:  # YYYY-MM-DD shaped but not a real day
        day = date.fromisoformat(FIXED_DATE)
    return Sample(record=record, page=page, published=day, html=html_page_of(title, paragraphs_of(text), day))


def html_page_of(title: str, paragraphs: list[str], day: date) -> str:
    """A news page as a browser saves it, around the document's title and paragraphs."""
    t = html.escape(title)
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    teasers = "".join(
        f'<li><a href="/a/{i}"><img src="/t{i}.jpg" alt="קידום">כתבה קשורה {i}</a></li>' for i in range(8)
    )
    comments = "".join(
        f'<li class="talkback"><b>{i}. תגובה</b><p>טקסט התגובה מספר {i}</p></li>' for i in range(10)
    )
    return f"""<!DOCTYPE html><html lang="he" dir="rtl"><head><meta charset="utf-8"><title>{t} - אתר</title>
<meta property="og:site_name" content="אתר"><meta property="og:title" content="{t}">
<meta property="og:url" content="https://news.example/a/1"><link rel="canonical" href="https://news.example/a/1">
<meta property="article:published_time" content="{day.isoformat()}">
<script type="application/ld+json">{{"@type": "NewsArticle", "datePublished": "{day.isoformat()}",
"author": {{"@type": "Person", "name": "כתב האתר"}}}}</script>
<style>.nav{{display:flex}} .related li{{margin:0}}</style>
<script>var dataLayer = [{{"section": "news"}}];</script>
</head><body><header><nav class="nav"><a href="/">ראשי</a> <a href="/news">חדשות</a>
<a href="/sport">ספורט</a></nav></header>
<main><article><h1>{t}</h1><div class="byline">כתב האתר</div>
<div class="share"><a>שתפו בפייסבוק</a><a>שתפו בוואטסאפ</a></div>
<figure><img src="/main.jpg" alt="תמונה">
<figcaption>התמונה הראשית של הכתבה (צילום: צלם האתר)</figcaption></figure>
<div class="article-body">{body}</div></article>
<section class="related"><h3>עוד באותו נושא</h3><ul>{teasers}</ul></section>
<section class="comments"><h3>תגובות</h3><ol>{comments}</ol></section></main>
<footer>כל הזכויות שמורות</footer><script src="/app.js"></script></body></html>"""


def run_jsonl(samples: list[Sample]) -> RunResult:
    """Schema check + article_from_record + normalize_parts, as each JSON Lines line is read."""
    validator = record_validator(False)
    parts = rejected = 0
    start = time.perf_counter()
    for sample in samples:
        if best_match(validator.iter_errors(sample.record)) is not None:
            rejected += 1
            continue
        try:
            article = article_from_record(sample.record, origin="bench")
        except BadRecord:
            rejected += 1
            continue
        parts += len(normalize_parts(article))
    seconds = time.perf_counter() - start
    return RunResult(seconds=seconds, articles=len(samples), parts=parts, rejected=rejected)


def run_scraped(samples: list[Sample]) -> RunResult:
    """parse_scraped + normalize_parts on page-like text."""
    parts = rejected = 0
    start = time.perf_counter()
    for sample in samples:
        try:
            article = parse_scraped(
                sample.page, source=sample.record["source"], published_at=sample.published, origin="bench"
            )
        except ValueError:
            rejected += 1
            continue
        parts += len(normalize_parts(article))
    seconds = time.perf_counter() - start
    return RunResult(seconds=seconds, articles=len(samples), parts=parts, rejected=rejected)


def run_html(samples: list[Sample]) -> RunResult:
    """parse_html_page + normalize_parts on a saved page, for the documents long enough to be an
    article (most of the corpus's shortest documents are a headline alone, which a page refuses)."""
    pages = [s for s in samples if len(s.record["body"]) >= MIN_BODY_CHARS]
    parts = rejected = 0
    start = time.perf_counter()
    for sample in pages:
        try:
            article = parse_html_page(sample.html, origin="bench")
        except ValueError:
            rejected += 1
            continue
        parts += len(normalize_parts(article))
    seconds = time.perf_counter() - start
    return RunResult(seconds=seconds, articles=len(pages), parts=parts, rejected=rejected)


def pin_to_one_core() -> str:
    """Keep the process on a single CPU so the number is a one-core number; returns which."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity)"
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return f"pinned to CPU {cpu}"


def print_results(docs: int, variants: list[VariantResult]) -> None:
    print(f"documents: {docs:,}")
    for v in variants:
        runs = ", ".join(f"{r.per_second:,.0f}" for r in v.runs)
        first = v.runs[0]
        print(f"\n[{v.name}] {v.description}")
        print(f"  parts produced: {first.parts:,} (rejected documents: {first.rejected:,})")
        print(f"  per run: {runs} articles/s ({', '.join(f'{r.seconds:.2f}' for r in v.runs)} s)")
        print(f"  median: {v.median:,.0f} articles/s")
        print(f"  target: >= {v.target:,.0f} articles/s on one core: {'PASS' if v.passed else 'FAIL'}")


def record(command: str, docs: int, pinning: str, variants: list[VariantResult]) -> None:
    lines = [
        f"- Documents: {docs:,} from `{CORPUS_LABEL}/*.jsonl.gz`",
        "",
        "| Variant | Parts | Rejected | Runs (articles/s) | Median (articles/s) | Target |",
        "|---|---:|---:|---|---:|---|",
    ]
    for v in variants:
        runs = ", ".join(f"{r.per_second:,.0f}" for r in v.runs)
        first = v.runs[0]
        lines.append(
            f"| {v.name}: {v.description} | {first.parts:,} | {first.rejected:,} | {runs} "
            f"| {v.median:,.0f} | ≥ {v.target:,.0f}/s: {'PASS' if v.passed else 'FAIL'} |"
        )
    benchlib.record_section("bench_parse", None, f"single process, {pinning}", command, lines)


def positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=positive_int, default=None, help="at most N documents (default: all)")
    parser.add_argument(
        "--runs", type=positive_int, default=3, help="timed runs per variant (default 3; median reported)"
    )
    parser.add_argument("--no-record", action="store_true", help="do not append to docs/benchmarks.md")
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)

    if benchlib.corpus_missing():
        return 0

    pinning = pin_to_one_core()
    samples = [to_sample(doc) for doc in corpus_documents(CORPUS_DIR, args.limit)]
    if not samples:
        print(f"skipped: no documents in {CORPUS_LABEL}")
        return 0
    print(f"{len(samples):,} documents loaded from {CORPUS_LABEL}; {pinning}; {args.runs} run(s) per variant")

    benches: list[tuple[VariantResult, Callable[[list[Sample]], RunResult]]] = [
        (VariantResult("jsonl", "schema check + article_from_record + normalize_parts"), run_jsonl),
        (VariantResult("scraped", "parse_scraped + normalize_parts"), run_scraped),
        (
            VariantResult("html", "parse_html_page + normalize_parts", target=HTML_TARGET_PER_SECOND),
            run_html,
        ),
    ]
    for result, bench in benches:
        bench(samples[: min(len(samples), 200)])  # warm-up: caches, compiled patterns
        for _ in range(args.runs):
            result.runs.append(bench(samples))
    variants = [result for result, _ in benches]
    print_results(len(samples), variants)

    if not args.no_record:
        record(benchlib.command_line(__file__, argv), len(samples), pinning, variants)
    return 0


if __name__ == "__main__":
    sys.exit(main())
