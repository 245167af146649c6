"""Read articles from paths: scraped ``.txt`` pages with optional sidecar ``.json`` metadata.

Each input yields either an Article or a Rejection; one bad file never stops the others.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from service.ingest.scraped import parse_scraped
from service.model import Article


@dataclass(frozen=True)
class Rejection:
    path: str
    line: int | None
    reason: str


def _parse_date(raw: str) -> datetime:
    return datetime.fromisoformat(raw)


def read_scraped_file(path: Path) -> Article:
    meta: dict = {}
    sidecar = path.with_suffix(".json")
    if sidecar.exists():
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
    published = _parse_date(meta["published_at"]) if meta.get("published_at") else None
    text = path.read_text(encoding="utf-8")
    return parse_scraped(text, url=meta.get("url", ""), source=meta.get("source", ""), published_at=published)


def _expand(paths: Iterable[str | Path]) -> Iterator[Path]:
    for p in map(Path, paths):
        if p.is_dir():
            yield from sorted(x for x in p.rglob("*.txt") if x.is_file())
        else:
            yield p


def read_paths(paths: Iterable[str | Path]) -> Iterator[Article | Rejection]:
    for path in _expand(paths):
        try:
            yield read_scraped_file(path)
        except (OSError, ValueError, UnicodeDecodeError, KeyError) as exc:
            yield Rejection(str(path), None, str(exc))
