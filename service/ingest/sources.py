"""Read articles from paths: JSON Lines files, scraped ``.txt`` pages with optional sidecar
``.json`` metadata, saved HTML pages (``.html``, ``.htm``, gzipped too), RSS and Atom feeds
(``.rss``, ``.atom``, ``.xml`` whose root is a feed; service.ingest.feeds), and folders of these.

Every input yields an Article or a Rejection (file, line, reason): one bad record or file never
stops the others (whatever goes wrong in it, it is reported and the run goes on), and nothing is
silently dropped: unreadable folders and dangling links are rejections too. Memory is bounded
whatever the input: lines are read in chunks and never held past MAX_JSONL_LINE_BYTES, and a
gzip file may not decompress to more than MAX_GZIP_RATIO times its size (a compression bomb).
"""

from __future__ import annotations

import copy
import gzip
import json
import os
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from service.ingest.credits import split_credit
from service.ingest.decode import PLAIN_ENCODINGS, Undecodable, decode
from service.ingest.feeds import BadFeed, NoArticle, entry_article, feed_entries, is_feed_path
from service.ingest.html import html_to_text, looks_like_html
from service.ingest.html_files import is_html_page
from service.ingest.html_page import read_html_page
from service.ingest.scraped import parse_scraped
from service.model import (
    MAX_ARTICLE_CHARS,
    MAX_PART_CHARS,
    MAX_PARTS,
    Article,
    Part,
    published_range_error,
    split_long_part,
)

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "article.schema.json"
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
TEXT_SUFFIXES = (".txt",)
MAX_JSONL_LINE_BYTES = 5_000_000
MAX_FILE_BYTES = 50_000_000  # a single scraped page larger than this is not a page
MAX_SIDECAR_BYTES = 1_000_000  # three short fields
READ_CHUNK = 1 << 20
# Text JSON Lines compress 3-10 times; a compression bomb a thousand times. The floor lets small
# files of very repetitive records through.
MAX_GZIP_RATIO = 100
MIN_GZIP_CAP_BYTES = 64_000_000
SAFE_URL = re.compile(r"https?://\S", re.IGNORECASE)


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


def parse_published(raw: object, *, allow_undated: bool = False) -> datetime | date | None:
    """ISO 8601 with a time zone, or a date alone, between 1800 and tomorrow (service.model)."""
    if raw is None or raw == "":
        if allow_undated:
            return None
        raise BadRecord("no publication date (published_at)")
    if not isinstance(raw, str):
        raise BadRecord(f"published_at {raw!r} is not a string (an ISO 8601 date)")
    try:
        value: datetime | date
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            value = date.fromisoformat(raw)
        else:
            value = datetime.fromisoformat(raw)
    except ValueError:
        raise BadRecord(f"published_at {raw!r} is not an ISO 8601 date") from None
    if isinstance(value, datetime) and value.tzinfo is None:
        raise BadRecord(f"published_at {raw!r} has a time but no time zone")
    if (error := published_range_error(value)) is not None:
        raise BadRecord(error)
    return value


def checked_url(url: str, warnings: list[str]) -> str:
    """Only http(s) URLs are kept: a page links them, and ``javascript:`` or ``data:`` must never
    become a link. Anything else is dropped with a warning (the article is still indexed)."""
    url = url.strip()
    if url and not SAFE_URL.match(url):
        warnings.append(f"url {url[:80]!r} dropped: not an http(s) address")
        return ""
    return url


def within_limits(article: Article) -> Article:
    """Split overlong parts (so no field passes the highlighter's limit) and refuse articles over
    the size or part-count caps (service.model explains the numbers)."""
    size = sum(len(p.text) for p in article.parts)
    if size > MAX_ARTICLE_CHARS:
        raise BadRecord(f"article is {size:,} characters long, over the {MAX_ARTICLE_CHARS:,} limit")
    parts = [piece for part in article.parts for piece in _split(part)]
    if len(parts) > MAX_PARTS:
        raise BadRecord(f"article has {len(parts):,} parts, more than the {MAX_PARTS:,} allowed")
    if len(parts) > len(article.parts):
        article.warnings.append(
            f"parts over {MAX_PART_CHARS:,} characters split: {len(article.parts)} parts became {len(parts)}"
        )
        article.parts = parts
    return article


def _split(part: Part) -> list[Part]:
    return [part] if part.kind == "title" else split_long_part(part)


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
            paragraphs = _paragraphs(_clean(item, warnings))
            if len(parts) + len(paragraphs) > MAX_PARTS:  # before building them: 666,000 were seen
                raise BadRecord(
                    f"article has more than the {MAX_PARTS:,} parts allowed (paragraphs, sections, captions)"
                )
            parts.extend(Part("body", p) for p in paragraphs)
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
    url = checked_url(record.get("url", ""), warnings)
    article = Article(
        id=record.get("id", ""),
        title=title,
        parts=parts,
        url=url,
        source=record.get("source", ""),
        published_at=parse_published(record.get("published_at"), allow_undated=allow_undated),
        authors=list(record.get("authors") or []),
        language=record.get("language", "he"),
        origin=origin,
        warnings=warnings,
    )
    return within_limits(article)


def _opened(path: Path) -> tuple[Any, int | None]:
    """The file as a binary stream, and the most it may decompress to (None: not compressed)."""
    if path.suffix == ".gz":
        return gzip.open(path, "rb"), max(MIN_GZIP_CAP_BYTES, MAX_GZIP_RATIO * path.stat().st_size)
    return open(path, "rb"), None  # closed by the caller's with


def iter_jsonl_lines(
    path: Path, *, max_line_bytes: int = MAX_JSONL_LINE_BYTES
) -> Iterator[tuple[int, bytes] | Rejection]:
    """The non-blank lines of a JSON Lines file (plain or gzip) as (line number, raw bytes), read in
    chunks so that memory stays bounded whatever the file holds.

    A line over ``max_line_bytes`` (newline included) is never held in memory: it is skipped to
    the next newline and yielded as a Rejection. A gzip file that decompresses to more than
    ``MAX_GZIP_RATIO`` times its size (at least ``MIN_GZIP_CAP_BYTES``), a truncated or corrupt
    gzip stream and any I/O error end the file with a Rejection, after every complete line read
    before it. Nothing is raised."""
    number = 0
    where = str(path)
    try:
        stream, cap = _opened(path)
        with stream:
            line = bytearray()
            dropped = 0  # bytes of the current line skipped because it is over the limit
            total = 0
            while chunk := stream.read1(READ_CHUNK):  # read1: data before a failure is kept
                total += len(chunk)
                if cap is not None and total > cap:
                    yield Rejection(
                        where,
                        number + 1,
                        f"decompresses to over {cap:,} bytes ({MAX_GZIP_RATIO} times its size): "
                        "a compression bomb? The rest of the file is skipped",
                    )
                    return
                start = 0
                while start < len(chunk):
                    end = chunk.find(b"\n", start)
                    piece = chunk[start:] if end < 0 else chunk[start : end + 1]
                    start += len(piece)
                    if dropped or len(line) + len(piece) > max_line_bytes:
                        dropped += len(line) + len(piece)
                        line.clear()
                    else:
                        line += piece
                    if end >= 0:
                        number += 1
                        if found := _finished(where, number, line, dropped, max_line_bytes):
                            yield found
                        line.clear()
                        dropped = 0
            if line or dropped:
                number += 1
                if found := _finished(where, number, line, dropped, max_line_bytes):
                    yield found
    except (OSError, EOFError, zlib.error) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else f"{type(exc).__name__}: {exc}"
        after = f" after line {number}" if number else ""
        yield Rejection(where, number + 1 if number else None, f"cannot read{after}: {reason}")


def _finished(
    where: str, number: int, line: bytearray, dropped: int, limit: int
) -> tuple[int, bytes] | Rejection | None:
    if dropped:
        return Rejection(where, number, f"line is {dropped:,} bytes, over the {limit:,} limit")
    if not line.strip():
        return None
    return number, bytes(line)


def article_of_line(
    path: str, number: int, raw: bytes, *, allow_undated: bool = False
) -> Article | Rejection:
    """One JSON Lines line → an Article, or the reason it is rejected. Never raises: whatever goes
    wrong in one line (nesting too deep for the parser, a bug) is that line's rejection."""
    try:
        text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
    except UnicodeDecodeError:
        return Rejection(path, number, "not UTF-8 (JSON Lines must be UTF-8)")
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        return Rejection(path, number, f"broken JSON: {exc.msg} at column {exc.colno}")
    except RecursionError:
        return Rejection(path, number, "JSON nested too deeply to read")
    try:
        error = best_match(record_validator(allow_undated).iter_errors(record))
        if error is not None:
            where = "/".join(str(p) for p in error.absolute_path) or "record"
            return Rejection(path, number, f"schema: {where}: {error.message[:200]}")
        return article_from_record(record, origin=f"{path}:{number}", allow_undated=allow_undated)
    except BadRecord as exc:
        return Rejection(path, number, str(exc))
    except Exception as exc:  # one line never stops the run
        return Rejection(path, number, f"unexpected {type(exc).__name__}: {str(exc)[:200]}")


_SIDECAR_FIELDS = ("url", "source", "published_at")


@cache
def _sidecar_validator() -> Draft202012Validator:
    """The sidecar's fields have the types and formats the JSON Lines schema gives them."""
    properties = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))["properties"]
    return Draft202012Validator({"type": "object", "properties": {k: properties[k] for k in _SIDECAR_FIELDS}})


def _sidecar(path: Path) -> dict[str, Any]:
    sidecar = path.with_suffix(".json")
    if not sidecar.exists():
        return {}
    if sidecar.stat().st_size > MAX_SIDECAR_BYTES:
        raise BadRecord(f"sidecar {sidecar.name} is over {MAX_SIDECAR_BYTES:,} bytes: not metadata")
    try:
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadRecord(f"sidecar {sidecar.name} is not valid JSON: {exc}") from None
    except RecursionError:
        raise BadRecord(f"sidecar {sidecar.name} is JSON nested too deeply to read") from None
    if not isinstance(meta, dict):
        raise BadRecord(f"sidecar {sidecar.name} must hold a JSON object")
    error = best_match(_sidecar_validator().iter_errors(meta))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "record"
        raise BadRecord(f"sidecar {sidecar.name}: {where}: {error.message[:200]}")
    return meta


def read_scraped_file(path: Path, *, allow_undated: bool = False) -> Article:
    if path.stat().st_size > MAX_FILE_BYTES:
        raise BadRecord(f"file is over {MAX_FILE_BYTES:,} bytes: not a scraped page")
    meta = _sidecar(path)
    try:
        text, encoding = decode(path.read_bytes())
    except Undecodable as exc:
        raise BadRecord(str(exc)) from None
    published = parse_published(meta.get("published_at"), allow_undated=True)
    warnings: list[str] = []
    article = parse_scraped(  # dated by the sidecar, else by the date the page prints
        text,
        url=checked_url(meta.get("url") or "", warnings),
        source=meta.get("source") or "",
        published_at=published,
        origin=str(path),
    )
    if article.published_at is None and not allow_undated:
        printed = "; ".join(w for w in article.warnings if w.startswith("printed date"))
        raise BadRecord(
            "no publication date: no sidecar published_at and no date printed in the page"
            + (f" ({printed})" if printed else "")
        )
    article.warnings.extend(warnings)
    if encoding not in PLAIN_ENCODINGS:
        article.warnings.append(f"decoded from {encoding}")
    return within_limits(article)


def read_html_file(path: Path, *, allow_undated: bool = False) -> Article:
    """A saved HTML page (service.ingest.html_page): dated by the page itself, no sidecar."""
    article = read_html_page(path)
    if article.published_at is None and not allow_undated:
        raise BadRecord("no publication date in the page (JSON-LD, meta tags, <time> or a פורסם: line)")
    return within_limits(article)


def article_of_file(path: str | Path, *, allow_undated: bool = False) -> Article | Rejection:
    """One scraped page (with its sidecar) or saved HTML page → an Article, or the reason it is
    rejected. Never raises."""
    try:
        read = read_html_file if is_html_page(path) else read_scraped_file
        return read(Path(path), allow_undated=allow_undated)
    except (BadRecord, ValueError) as exc:
        return Rejection(str(path), None, str(exc))
    except OSError as exc:
        return Rejection(str(path), None, f"cannot read: {exc.strerror or exc}")
    except Exception as exc:  # one file never stops the run
        return Rejection(str(path), None, f"unexpected {type(exc).__name__}: {str(exc)[:200]}")


def _is_input(path: Path) -> bool:
    return path.name.endswith(JSONL_SUFFIXES + TEXT_SUFFIXES) or is_html_page(path) or is_feed_path(path)


def walk_paths(paths: Iterable[str | Path]) -> Iterator[Path | Rejection]:
    """The input files in ``paths`` (folders walked, in sorted order), and a Rejection for each path
    that cannot be walked: an unreadable folder, a dangling link, a link to a folder (not followed:
    it could loop), something that is not a regular file. Named paths are yielded as they are."""
    for top in map(Path, paths):
        if top.is_dir():
            yield from (item for _, item in sorted(_walk_folder(top), key=lambda pair: pair[0]))
        else:
            yield top


def _walk_folder(top: Path) -> list[tuple[Path, Path | Rejection]]:
    found: list[tuple[Path, Path | Rejection]] = []

    def unreadable(exc: OSError) -> None:
        where = Path(exc.filename or top)
        found.append((where, Rejection(str(where), None, f"cannot read folder: {exc.strerror or exc}")))

    for root, dirs, files in os.walk(top, onerror=unreadable):
        for name in dirs + files:
            path = Path(root, name)
            if path.is_symlink() and not path.exists():
                reason = f"dangling link to {os.readlink(path)}"
            elif path.is_symlink() and path.is_dir():
                reason = "link to a folder, not followed (name its target instead)"
            elif name in files and _is_input(path) and not path.is_file():
                reason = "not a regular file"
            elif name in files and _is_input(path):
                found.append((path, path))
                continue
            else:
                continue
            found.append((path, Rejection(str(path), None, reason)))
    return found


@dataclass(frozen=True)
class RawRecord:
    """An article not parsed yet: a JSON Lines line (``line`` and ``raw`` set) or a scraped page's
    path. Cheap to read and to ship to a worker process, which parses it (``service/indexing``)."""

    path: str
    line: int | None = None
    raw: bytes = b""
    feed: bool = False  # ``raw`` is a feed's entry (``line`` its number), not a JSON Lines line

    def parse(self, *, allow_undated: bool = False) -> Article | Rejection:
        if self.feed:
            return article_of_entry(self.path, self.line or 0, self.raw, allow_undated=allow_undated)
        if self.line is None:
            return article_of_file(self.path, allow_undated=allow_undated)
        return article_of_line(self.path, self.line, self.raw, allow_undated=allow_undated)


def article_of_entry(
    path: str, number: int, raw: bytes, *, allow_undated: bool = False
) -> Article | Rejection:
    """One feed entry (service.ingest.feeds, as JSON) → an Article, or the reason it is rejected
    (the entry's number as the line). Never raises."""
    try:
        entry = json.loads(raw)
        where = f"entry {number} ({entry['title'][:60]!r})" if entry["title"] else f"entry {number}"
    except (ValueError, KeyError, TypeError) as exc:
        return Rejection(path, number, f"entry {number}: unreadable ({exc})")
    try:
        article = entry_article(entry, f"{path}:{number}")
        if article.published_at is None and not allow_undated:
            raise BadRecord("no publication date: none in the feed, the entry's text or its saved page")
        return within_limits(article)
    except (BadRecord, NoArticle, ValueError) as exc:
        return Rejection(path, number, f"{where}: {exc}")
    except OSError as exc:
        return Rejection(path, number, f"{where}: cannot read its saved page: {exc.strerror or exc}")
    except Exception as exc:  # one entry never stops the run
        return Rejection(path, number, f"{where}: unexpected {type(exc).__name__}: {str(exc)[:200]}")


def _feed_records(path: Path) -> tuple[list[RawRecord | Rejection], set[Path]]:
    """A feed's entries as records (or the feed's one rejection), and the saved pages they read."""
    try:
        entries = feed_entries(path)
    except BadFeed as exc:
        return [Rejection(str(path), None, str(exc))], set()
    except OSError as exc:
        return [Rejection(str(path), None, f"cannot read: {exc.strerror or exc}")], set()
    except Exception as exc:  # one file never stops the run
        return [Rejection(str(path), None, f"unexpected {type(exc).__name__}: {str(exc)[:200]}")], set()
    records: list[RawRecord | Rejection] = [
        RawRecord(str(path), e["index"], json.dumps(e, ensure_ascii=False).encode("utf-8"), feed=True)
        for e in entries
    ]
    return records, {Path(e["page"]).resolve() for e in entries if e["page"]}


class _Feeds:
    """The feeds among the inputs, each read when its turn comes, except where its folder holds
    saved pages too: there the folder's feeds are read together, before the first of them or of
    its pages, to know which pages their entries read. Memory holds at most one folder's feeds."""

    def __init__(self, found: list[Path | Rejection]) -> None:
        paths = [p for p in found if isinstance(p, Path) and is_feed_path(p)]
        self.paths = set(paths)
        self._in: dict[Path, list[Path]] = {}
        for path in paths:
            self._in.setdefault(path.parent, []).append(path)
        self._with_pages = {p.parent for p in found if isinstance(p, Path) and is_html_page(p)}
        self._ahead: dict[Path, list[RawRecord | Rejection]] = {}
        self._claims: dict[Path, set[Path]] = {}

    def _read_folder(self, folder: Path) -> set[Path]:
        if folder not in self._claims:
            self._claims[folder] = set()
            for feed in self._in[folder]:
                self._ahead[feed], pages = _feed_records(feed)
                self._claims[folder] |= pages
        return self._claims[folder]

    def records(self, feed: Path) -> list[RawRecord | Rejection]:
        if feed.parent in self._with_pages:
            self._read_folder(feed.parent)
        ahead = self._ahead.pop(feed, None)  # None: not read ahead, or named twice
        return ahead if ahead is not None else _feed_records(feed)[0]

    def claimed(self, page: Path) -> bool:
        return page.parent in self._in and page.resolve() in self._read_folder(page.parent)


def raw_records(paths: Iterable[str | Path]) -> Iterator[RawRecord | Rejection]:
    """Every record in ``paths`` (files or folders), unparsed, or why it cannot be read: the one
    place where inputs are walked and lines read (bounded, ``iter_jsonl_lines``). A saved page
    that an entry of a feed in its folder reads is not read again on its own."""
    found = list(walk_paths(paths))
    feeds = _Feeds(found)
    for path in found:
        if isinstance(path, Rejection):
            yield path
        elif path in feeds.paths:
            yield from feeds.records(path)
        elif is_html_page(path) and feeds.claimed(path):
            continue
        elif not path.name.endswith(JSONL_SUFFIXES):
            yield RawRecord(str(path))
        else:
            try:
                for item in iter_jsonl_lines(path):
                    yield item if isinstance(item, Rejection) else RawRecord(str(path), *item)
            except Exception as exc:  # one file never stops the run
                yield Rejection(str(path), None, f"unexpected {type(exc).__name__}: {str(exc)[:200]}")


def read_paths(paths: Iterable[str | Path], *, allow_undated: bool = False) -> Iterator[Article | Rejection]:
    """Every article in ``paths`` (files or folders), or the reason it was rejected."""
    for item in raw_records(paths):
        yield item if isinstance(item, Rejection) else item.parse(allow_undated=allow_undated)
