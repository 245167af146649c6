"""What a saved page says about itself: its JSON-LD article, meta tags and canonical link, ISO dates
as pages write them (no zone: Israel time) and author names in their several shapes."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

ISRAEL = ZoneInfo("Asia/Jerusalem")  # a date printed on a Hebrew site without a zone is local time
AUTHOR_MAX_WORDS = 5
BYLINE_PREFIX = re.compile(r"^(?:(?:מאת|By)(?:\s*:\s*|\s+)|(?:כתב|כתבה|כתבו|כתבת)\s*:\s*)")
# Digits, addresses and the date words that share a byline's box are not a writer's name.
NOT_A_NAME = re.compile(r"\d|https?:|@|:|^(?:פורסם|פורסמה|עודכן|עדכון|תאריך|צילום)(?!\w)")
_ARTICLE_TYPES = {
    "NewsArticle",
    "Article",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BlogPosting",
    "LiveBlogPosting",
    "Report",
    "BackgroundNewsArticle",
}


def clean(text: str | None) -> str:
    return " ".join((text or "").replace("\u00a0", " ").split())


def text_of(element: Any) -> str:
    return clean(element.text_content())


def _json_ld_objects(tree: Any) -> Iterator[dict[str, Any]]:
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except (json.JSONDecodeError, RecursionError):
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                yield item
                if isinstance(item.get("@graph"), list):
                    stack.extend(reversed(item["@graph"]))


def json_ld_article(tree: Any) -> dict[str, Any]:
    for item in _json_ld_objects(tree):
        types = item.get("@type")
        types = types if isinstance(types, list) else [types]
        if any(t in _ARTICLE_TYPES for t in types if isinstance(t, str)):
            return item
    return {}


def meta_tags(tree: Any) -> dict[str, str]:
    """Meta tags by name or property (lower-cased), the first of each, and the canonical link."""
    found: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").lower()
        value = clean(element.get("content"))
        if key and value:
            found.setdefault(key, value)
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            found.setdefault("canonical", link.get("href").strip())
    return found


def ld_string(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("name") or value.get("@id") or value.get("url") or ""
    if isinstance(value, list):
        value = value[0] if value else ""
    return clean(value) if isinstance(value, str) else ""


def http_url(url: str, base: str = "") -> str:
    url = url.strip()
    if url.startswith("//"):
        url = "https:" + url
    elif url.startswith("/") and base:
        match = re.match(r"https?://[^/]+", base)
        url = match.group(0) + url if match else ""
    return url if re.match(r"https?://\S", url, re.I) else ""


def parse_date(raw: str) -> datetime | date | None:
    """An ISO 8601 date or time as pages write it ("Z", no zone = Israel time), or None."""
    raw = raw.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=ISRAEL)


def author_names(raw: Any) -> list[str]:
    """Author names from JSON-LD (a string, a Person, a list of either), a meta tag or a byline."""
    items = raw if isinstance(raw, list) else [raw]
    names: list[str] = []
    for item in items:
        if isinstance(item, dict):
            if item.get("@type") in ("Organization", "NewsMediaOrganization"):
                continue
            item = item.get("name", "")
        if not isinstance(item, str):
            continue
        item = BYLINE_PREFIX.sub("", clean(item))
        for name in re.split(r"\s*[,;/]\s*|\s+ו(?=[^\s])(?=\S+\s)|\s+and\s+", item):
            name = name.strip(" .")
            if name and len(name.split()) <= AUTHOR_MAX_WORDS and not NOT_A_NAME.search(name):
                names.append(name)
    return list(dict.fromkeys(names))
