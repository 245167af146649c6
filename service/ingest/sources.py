"""Read articles from paths: JSON Lines files, scraped ``.txt`` pages with optional sidecar
``.json`` metadata, and folders of either.

Every input yields an Article or a Rejection (file, line, reason): one bad record never stops
the others, and nothing is silently dropped.
"""

from __future__ import annotations

import copy
import gzip
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from service.ingest.credits import split_credit
from service.ingest.decode import Undecodable, decode
from service.ingest.html import html_to_text, looks_like_html
from service.ingest.scraped import parse_scraped
from service.model import Article, Part

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "article.schema.json"
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
TEXT_SUFFIXES = (".txt",)
MAX_JSONL_LINE_BYTES = 5_000_000
MAX_FILE_BYTES = 50_000_000  # a single scraped page larger than this is not a page


@dataclass(frozen=True)
class Rejection:
    path: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.reason}"


class BadRecord(ValueError):
    """A record that cannot become an article; the message is the reason given to the user."""


@cache
def record_validator(allow_undated: bool) -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    if allow_undated:
        schema = copy.deepcopy(schema)
        schema["required"] = [f for f in schema["required"] if f != "published_at"]
    return Draft202012Validator(schema)


def parse_published(raw: str | None, *, allow_undated: bool = False) -> datetime | date | None:
    """ISO 8601 with a time zone, or a date alone."""
    if not raw:
        if allow_undated:
            return None
        raise BadRecord("no publication date (published_at)")
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            return date.fromisoformat(raw)
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise BadRecord(f"published_at {raw!r} is not an ISO 8601 date") from None
    if value.tzinfo is None:
        raise BadRecord(f"published_at {raw!r} has a time but no time zone")
    return value


def _clean(text: str, warnings: list[str]) -> str:
    if looks_like_html(text):
        if "HTML markup removed" not in warnings:
            warnings.append("HTML markup removed")
        return html_to_text(text)
    return text


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


def article_from_record(record: dict[str, Any], *, origin: str = "", allow_undated: bool = False) -> Article:
    """A JSON Lines record (already valid against the schema) → an Article."""
    warnings: list[str] = []
    title = " ".join(_clean(record["title"], warnings).split())
    if not title:
        raise BadRecord("title is empty")
    parts = [Part("title", title)]
    lead = " ".join(_clean(record.get("lead") or "", warnings).split())
    if lead:
        parts.append(Part("lead", lead))
    body = record.get("body") or []
    items = [body] if isinstance(body, str) else body
    for item in items:
        if isinstance(item, str):
            parts.extend(Part("body", p) for p in _paragraphs(_clean(item, warnings)))
        else:
            paragraphs = [p for text in item["paragraphs"] for p in _paragraphs(_clean(text, warnings))]
            heading = " ".join(_clean(item.get("heading") or "", warnings).split())
            if paragraphs:
                parts.append(Part("body", "\n\n".join(paragraphs), heading=heading))
    seen: set[str] = set()
    for image in record.get("images") or []:
        caption = " ".join(_clean(image["caption"], warnings).split())
        if caption and caption not in seen:
            seen.add(caption)
            credit = split_credit(image["credit"]) if image.get("credit") else None
            parts.append(Part("caption", caption, credit=credit))
    return Article(
        id=record.get("id", ""),
        title=title,
        parts=parts,
        url=record.get("url", ""),
        source=record.get("source", ""),
        published_at=parse_published(record.get("published_at"), allow_undated=allow_undated),
        authors=list(record.get("authors") or []),
        language=record.get("language", "he"),
        origin=origin,
        warnings=warnings,
    )


def read_jsonl(path: Path, *, allow_undated: bool = False) -> Iterator[Article | Rejection]:
    validator = record_validator(allow_undated)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        for number, raw in enumerate(f, start=1):
            if len(raw) > MAX_JSONL_LINE_BYTES:
                yield Rejection(
                    str(path), number, f"line is {len(raw):,} bytes, over the {MAX_JSONL_LINE_BYTES:,} limit"
                )
                continue
            if not raw.strip():
                continue
            try:
                text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                yield Rejection(str(path), number, "not UTF-8 (JSON Lines must be UTF-8)")
                continue
            try:
                record = json.loads(text)
            except json.JSONDecodeError as exc:
                yield Rejection(str(path), number, f"broken JSON: {exc.msg} at column {exc.colno}")
                continue
            error = best_match(validator.iter_errors(record))
            if error is not None:
                where = "/".join(str(p) for p in error.absolute_path) or "record"
                yield Rejection(str(path), number, f"schema: {where}: {error.message[:200]}")
                continue
            try:
                yield article_from_record(record, origin=f"{path}:{number}", allow_undated=allow_undated)
            except BadRecord as exc:
                yield Rejection(str(path), number, str(exc))


def _sidecar(path: Path) -> dict[str, Any]:
    sidecar = path.with_suffix(".json")
    if not sidecar.exists():
        return {}
    try:
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadRecord(f"sidecar {sidecar.name} is not valid JSON: {exc}") from None
    if not isinstance(meta, dict):
        raise BadRecord(f"sidecar {sidecar.name} must hold a JSON object")
    return meta


def read_scraped_file(path: Path, *, allow_undated: bool = False) -> Article:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise BadRecord(f"file is over {MAX_FILE_BYTES:,} bytes: not a scraped page")
    meta = _sidecar(path)
    try:
        text, encoding = decode(path.read_bytes())
    except Undecodable as exc:
        raise BadRecord(str(exc)) from None
    published = parse_published(meta.get("published_at"), allow_undated=allow_undated)
    article = parse_scraped(
        text,
        url=meta.get("url") or "",
        source=meta.get("source") or "",
        published_at=published,
        origin=str(path),
    )
    if encoding not in ("utf-8", "utf_8", "ascii"):
        article.warnings.append(f"decoded from {encoding}")
    return article


def expand_paths(paths: Iterable[str | Path]) -> Iterator[Path]:
    for p in map(Path, paths):
        if p.is_dir():
            yield from sorted(
                x for x in p.rglob("*") if x.is_file() and x.name.endswith(JSONL_SUFFIXES + TEXT_SUFFIXES)
            )
        else:
            yield p


def read_paths(paths: Iterable[str | Path], *, allow_undated: bool = False) -> Iterator[Article | Rejection]:
    """Every article in ``paths`` (files or folders), or the reason it was rejected."""
    for path in expand_paths(paths):
        if path.name.endswith(JSONL_SUFFIXES):
            try:
                yield from read_jsonl(path, allow_undated=allow_undated)
            except OSError as exc:  # unreadable, or a broken gzip stream
                yield Rejection(str(path), None, f"cannot read: {exc}")
            continue
        try:
            yield read_scraped_file(path, allow_undated=allow_undated)
        except (BadRecord, ValueError) as exc:
            yield Rejection(str(path), None, str(exc))
        except OSError as exc:
            yield Rejection(str(path), None, f"cannot read: {exc.strerror or exc}")
