"""The shared research corpus (``../shared/data/corpus/*.jsonl.gz``, described in its SOURCES.md)
→ article records of ``schemas/article.schema.json``, which the normal reader and pipeline take.

A corpus record is ``{"doc_id", "title", "text", "date", "source", "kind"}``, ``kind`` one of:

- ``headline_only`` (news sites' headlines, 2014-2015): a title-only article (title == text), dated
  by its ``datetime`` (minutes, Israeli local time) or else its ``date``;
- ``article_paragraph`` (Geektime paragraphs): one paragraph of the article named by the record's
  ``article_id``; paragraphs are grouped into that article, in corpus order, under its title;
- ``article`` (the 19th-century press, dated by issue day; the treebank's Haaretz articles, undated):
  one article, its text the body, titled by its title or else its first words.

Dates that are missing (``None``, ``"None"``) or not ISO leave the article undated; the loader is
told to accept undated articles. Used by ``scripts/index_corpus.py`` and ``bench/eval_retrieval.py``.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

NEWSROOM_ZONE = ZoneInfo("Asia/Jerusalem")
TITLE_WORDS = 12  # an untitled article is titled by its first words
MAX_TITLE = 1000  # the schema's limit
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_MINUTE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?")


def corpus_files(corpus: Path) -> list[Path]:
    """The corpus's files: a folder's ``*.jsonl.gz`` in name order, or one file."""
    return sorted(corpus.glob("*.jsonl.gz")) if corpus.is_dir() else [corpus]


def corpus_records(corpus: Path, limit: int | None = None) -> Iterator[dict[str, Any]]:
    """The corpus's records in order (gzip or plain JSON Lines), the first ``limit`` when given."""
    n = 0
    for path in corpus_files(corpus):
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as f:
            for line in f:
                if limit is not None and n >= limit:
                    return
                n += 1
                yield json.loads(line)


def as_record(doc_id: str, title: str, text: str, source: str, date: str) -> dict[str, Any]:
    """One document as an article record: titled by its title or its first words (or its id),
    its text the body, dated by a ``YYYY-MM-DD`` day when ``date`` starts with one."""
    title = " ".join((title or "").split()) or " ".join((text or "").split()[:TITLE_WORDS]) or doc_id
    record = {"id": doc_id, "title": title[:MAX_TITLE], "body": text or "", "source": source or ""}
    if _DAY.fullmatch((date or "")[:10]):
        record["published_at"] = date[:10]
    return record


def published(doc: dict[str, Any]) -> str | None:
    """A corpus record's publication time as the schema wants it: its ``datetime`` (Israeli local
    time) with its offset, else its day, else None."""
    moment = str(doc.get("datetime") or "")
    if _MINUTE.fullmatch(moment):
        return datetime.fromisoformat(moment).replace(tzinfo=NEWSROOM_ZONE).isoformat()
    day = str(doc.get("date") or "")[:10]
    return day if _DAY.fullmatch(day) else None


def _dated(record: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    when = published(doc)
    return {**record, "published_at": when} if when else record


def article_records(docs: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Corpus records → article records (see the module docstring). Headlines and articles come in
    corpus order; paragraphs are held until the end, so that an article whose paragraphs are apart
    in the corpus is still one article."""
    grouped: dict[str, dict[str, Any]] = {}
    for doc in docs:
        kind = doc.get("kind")
        if kind == "article_paragraph" and doc.get("article_id"):
            article = grouped.get(doc["article_id"])
            if article is None:
                record = as_record(doc["article_id"], doc.get("title", ""), "", doc.get("source", ""), "")
                grouped[doc["article_id"]] = article = _dated({**record, "body": []}, doc)
            article["body"].append(doc.get("text") or "")
            continue
        record = as_record(
            doc["doc_id"], doc.get("title", ""), doc.get("text", ""), doc.get("source", ""), ""
        )
        if kind == "headline_only":
            record["body"] = []  # the headline is the title: its text repeats it
        yield _dated(record, doc)
    yield from grouped.values()
