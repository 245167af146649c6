"""RSS 2.0 and Atom feeds (``.rss``, ``.atom``, ``.xml`` whose root is a feed; gzipped too) → articles.

A feed is read in two steps, so that the indexing pipeline's workers do the costly part: the main
process parses the file with ``feedparser`` into plain entries (``feed_entries``, cheap, and the
step that finds each entry's saved page), a worker turns one entry into an Article
(``entry_article``). An entry's article comes from, in this order:

1. its full text (``content:encoded``, Atom ``<content>``, or a description of LONG_DESCRIPTION_CHARS
   or more), given to the saved-page machinery (``html_page.parse_html_page``) as a page of its own
   whose meta tags carry the feed's title, date, authors, link and site name: figures, credits,
   subheadings and the lead are read by the same rules as a saved page;
2. the saved page its link points to, in the feed's folder (``saved_page``), the feed supplying what
   the page lacks (date, authors, URL, source);
3. neither: the entry is rejected with its reason, the feed's other entries go on.

``feedparser`` flattens Media RSS onto the entry (every ``media:credit`` in one list, the first
``media:description`` taken for the entry's content), so the media of each item are read from the
XML itself (``_media_by_item``) when the feed is well-formed, and a content that is only a media
description is not taken for the article's text.
"""

from __future__ import annotations

import gzip
import html
import re
import zlib
from dataclasses import replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
from lxml import etree

from service.ingest.html import html_to_text
from service.ingest.html_files import HTML_SUFFIXES, NotAnArticle, is_html_page
from service.ingest.html_meta import ISRAEL, parse_date
from service.ingest.html_page import parse_html_page, read_html_page
from service.model import Article, article_id, published_range_error
from service.normalize import normalize

FEED_SUFFIXES = (".rss", ".atom", ".rss.gz", ".atom.gz")
XML_SUFFIXES = (".xml", ".xml.gz")
MAX_FEED_BYTES = 50_000_000  # a news feed is 10 kB-2 MB; a full-text archive of thousands, tens
# A description this long (in text, markup removed) is the article itself, not a teaser: ynet's and
# Walla's teasers are 1-3 sentences (100-300 characters), a short news item is 500 and more.
LONG_DESCRIPTION_CHARS = 500
MAX_LEAD_CHARS = 400  # a summary beside the full text is its lead when it is a teaser's length
HEAD_BYTES = 65_536  # where a saved page's canonical link and a file's root element are found
MEDIA_NS = "http://search.yahoo.com/mrss/"
ATOM_NS = "http://www.w3.org/2005/Atom"
_FEED_ROOT = re.compile(
    rb"^(?:\s|<\?[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*<(?:[\w.-]+:)?(?:rss|feed|RDF)\b", re.S
)
_CANONICAL = re.compile(
    r"""<link\b[^>]*\brel\s*=\s*["']?canonical["']?[^>]*>|<meta\b[^>]*\bproperty\s*=\s*["']og:url["'][^>]*>""",
    re.I,
)
_HREF = re.compile(r"""\b(?:href|content)\s*=\s*["']([^"']+)["']""", re.I)
_TRACKING = re.compile(r"^(?:utm_\w+|fbclid|gclid|ref|rss)=", re.I)
_TAG = re.compile(r"<[^>]*>")
_EMAIL_NAME = re.compile(r"^\S+@\S+\s*\((?P<name>[^)]+)\)$")


class BadFeed(ValueError):
    """A feed file that cannot be read at all: one rejection for the file."""


class NoArticle(ValueError):
    """An entry that cannot become an article (no full text, no saved page): its reason."""


def _read_head(path: Path, size: int = HEAD_BYTES) -> bytes:
    try:
        if path.name.lower().endswith(".gz"):
            with gzip.open(path, "rb") as stream:
                return stream.read(size)
        with open(path, "rb") as stream:
            return stream.read(size)
    except (OSError, EOFError, zlib.error):
        return b""


def is_feed_path(path: str | Path) -> bool:
    """A ``.rss`` or ``.atom`` file, or an ``.xml`` one whose root element is rss, feed or rdf:RDF
    (a sitemap or any other XML is not an input)."""
    name = str(path).lower()
    if name.endswith(FEED_SUFFIXES):
        return True
    if not name.endswith(XML_SUFFIXES):
        return False
    head = _read_head(Path(path), 4096).lstrip(b"\xef\xbb\xbf")
    return bool(_FEED_ROOT.match(head))


def read_feed_bytes(path: Path, limit: int = MAX_FEED_BYTES) -> bytes:
    """The file's bytes, decompressed and bounded (a gzip bomb costs no memory)."""
    size = path.stat().st_size
    if size > limit:
        raise BadFeed(f"file is {size:,} bytes, over the {limit:,} limit for one feed")
    if not path.name.lower().endswith(".gz"):
        return path.read_bytes()
    try:
        with gzip.open(path, "rb") as stream:
            data = stream.read(limit + 1)
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise BadFeed(f"broken gzip file: {exc}") from None
    if len(data) > limit:
        raise BadFeed(f"decompresses to over {limit:,} bytes, the limit for one feed")
    return data


# --- the feed file → plain entries (main process) -----------------------------------------------


def _media_by_item(data: bytes) -> list[list[list[str]]] | None:
    """[[caption, credit, url], …] for each item or entry, in order, from the XML itself; None when
    the XML is not well-formed (feedparser's lenient reading is then all there is)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return None
    items = [
        e for e in root.iter() if isinstance(e.tag, str) and etree.QName(e).localname in ("item", "entry")
    ]
    found: list[list[list[str]]] = []
    for item in items:
        media: list[list[str]] = []
        for content in item.iter(f"{{{MEDIA_NS}}}content"):
            group = content.getparent()
            caption = _media_text(content, group, "description") or _media_text(content, group, "title")
            credit = _media_text(content, group, "credit")
            media.append([caption, credit, content.get("url") or ""])
        for link in item.iter(f"{{{ATOM_NS}}}link"):  # an Atom enclosure with its title as caption
            if link.get("rel") == "enclosure" and link.get("title"):
                media.append([" ".join(link.get("title").split()), "", link.get("href") or ""])
        found.append(media)
    return found


def _media_text(content: Any, group: Any, name: str) -> str:
    """media:<name> of the media:content, else of its media:group (never of the item itself when
    the content stands alone: that one describes the item)."""
    for holder in (content, group if etree.QName(group).localname == "group" else None):
        if holder is not None and (element := holder.find(f"{{{MEDIA_NS}}}{name}")) is not None:
            text = " ".join("".join(element.itertext()).split())
            if text:
                return html_to_text(text) if "<" in text else text
    return ""


def _iso_date(entry: Any) -> tuple[str, str]:
    """(ISO 8601 date, warning): RFC 822 (RSS) or ISO 8601 (Atom), the zone kept as written; a
    date without a zone is Israel time (feedparser would take it for UTC)."""
    raw = (entry.get("published") or entry.get("updated") or entry.get("created") or "").strip()
    if not raw:
        return "", ""
    value: datetime | None = None
    try:
        value = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            return raw, ""
        try:
            value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            parsed = entry.get("published_parsed") or entry.get("updated_parsed")
            value = datetime(*parsed[:6], tzinfo=UTC) if parsed else None
    if value is None:
        return "", f"date {raw[:60]!r} not understood"
    return (value if value.tzinfo else value.replace(tzinfo=ISRAEL)).isoformat(), ""


def _authors(entry: Any) -> list[str]:
    """The authors' names; RSS's "email (name)" read here, since feedparser cuts the email short
    at a top-level domain over four letters ("x@site.example" → name "ple (…")."""
    names: list[str] = []
    for author in entry.get("authors") or []:
        name = " ".join((author.get("name") or "").split())
        if (
            author.get("email")
            and (match := _EMAIL_NAME.match(" ".join((entry.get("author") or "").split())))
        ) or (match := _EMAIL_NAME.match(name)):
            name = match["name"]
        name = name.strip()
        if name and "@" not in name:
            names.append(name)
    return list(dict.fromkeys(names))


def _texts(entry: Any, media: list[list[str]]) -> tuple[str, str]:
    """(content, summary) as HTML: the longest content, unless it is only a media description
    (feedparser files one as a plain-text content, or as the summary when there is none)."""
    described = {" ".join(m[0].split()) for m in media if m[0]}
    contents = [
        c.get("value") or ""
        for c in entry.get("content") or []
        if c.get("type") != "text/plain" or " ".join((c.get("value") or "").split()) not in described
    ]
    summary = entry.get("summary") or ""
    if " ".join(summary.split()) in described:
        summary = ""
    return max(contents, key=len, default=""), summary


def _flat_media(entry: Any) -> list[list[str]]:
    """feedparser's own media when the XML could not be read: urls with credits paired in order;
    the first media:description, which feedparser files as a short plain-text content, is the
    first picture's caption (and so not taken for the article's text)."""
    urls = [m.get("url") or "" for m in entry.get("media_content") or []]
    credits = [c.get("content") or "" for c in entry.get("media_credit") or []]
    media = [["", credits[i] if len(credits) == len(urls) else "", url] for i, url in enumerate(urls)]
    plain = [
        " ".join((c.get("value") or "").split())
        for c in entry.get("content") or []
        if c.get("type") == "text/plain" and len(c.get("value") or "") < LONG_DESCRIPTION_CHARS
    ]
    if media and plain:
        media[0][0] = plain[0]
    return media


def feed_entries(path: str | Path) -> list[dict[str, Any]]:
    """A feed file → its entries as plain data (JSON-ready, for a worker). Raises BadFeed when the
    file is not a feed that can be read: cut off, not XML, or no feed in it."""
    path = Path(path)
    data = read_feed_bytes(path)
    # Not sanitized: the markup is only read for its text (lxml, trafilatura), never shown, and the
    # sanitizer is half of feedparser's time.
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    error = parsed.get("bozo_exception")
    if not parsed.get("version") and not parsed.entries:
        reason = f": {error}" if parsed.get("bozo") and error else ""
        raise BadFeed(f"not an RSS or Atom feed{reason}")
    media = _media_by_item(data)
    warnings: list[str] = []
    if media is None:
        tail = data.rstrip()[-200:]
        if not re.search(rb"</(?:[\w.-]+:)?(?:rss|feed|RDF)\s*>$", tail):
            raise BadFeed(
                f"the feed is cut off (no closing </rss> or </feed>; {error}): an incomplete download?"
            )
        warnings.append(f"feed is not well-formed XML ({error}): read leniently")
    if not parsed.entries:
        raise BadFeed("the feed has no entries")
    if media is not None and len(media) != len(parsed.entries):
        media = None
    pages = _PageFinder(path.parent)
    entries = []
    for number, entry in enumerate(parsed.entries, 1):
        own = media[number - 1] if media is not None else _flat_media(entry)
        entries.append(_entry(entry, number, own, parsed.feed, pages, warnings))
    return entries


def _entry(
    entry: Any, number: int, media: list[list[str]], feed: Any, pages: _PageFinder, warnings: list[str]
) -> dict[str, Any]:
    published, date_warning = _iso_date(entry)
    content, summary = _texts(entry, media)
    link, link_warning = _link(entry, feed)
    source = " ".join((feed.get("title") or "").split())
    return {
        "index": number,
        "title": _plain(entry.get("title") or ""),
        "link": link,
        "published": published,
        "authors": _authors(entry),
        "content": content,
        "summary": summary,
        "media": media,
        "source": source,
        "page": str(pages.find(link) or ""),
        "warnings": [*warnings, *(w for w in (date_warning, link_warning) if w)],
    }


def _link(entry: Any, feed: Any) -> tuple[str, str]:
    """The entry's link made absolute ("/item/1" is the site's), and a warning instead of it when it
    is no URL at all (``http://[broken``): one bad link must not cost the feed its other entries."""
    raw = (entry.get("link") or "").strip()
    try:
        link = urljoin(feed.get("link") or "", raw)
        urlsplit(link)
    except ValueError as exc:
        return "", f"link {raw[:200]!r} dropped: {exc}"
    return link, ""


# --- the saved page beside the feed ---------------------------------------------------------------


def comparable_url(url: str) -> str:
    """A URL as two links to one page agree on it: no scheme, no "www.", no tracking parameters
    (utm_*, fbclid), no fragment or trailing slash."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    query = "&".join(q for q in parts.query.split("&") if q and not _TRACKING.match(q))
    return f"{host}{parts.path.rstrip('/')}" + (f"?{query}" if query else "")


def _names_for(link: str) -> list[str]:
    """The file names a saved copy of ``link`` has: its last path segment, with .html/.htm (.gz)
    added unless it has one ("…/item/3612345" → 3612345.html, "…/0,7340,L-5512345,00.html")."""
    segment = urlsplit(link).path.rstrip("/").rsplit("/", 1)[-1]
    if not segment or segment in (".", ".."):
        return []
    if segment.lower().endswith(HTML_SUFFIXES):
        return [segment]
    return [segment + suffix for suffix in HTML_SUFFIXES]


class _PageFinder:
    """The saved pages of one folder, found for an entry's link by file name, else by the page's
    canonical URL (read from the first HEAD_BYTES of each page, once per feed)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._canonical: dict[str, Path] | None = None
        self._of: dict[Path, str] = {}

    def _page_url(self, page: Path) -> str:
        if page not in self._of:
            head = _read_head(page).decode("utf-8", "replace")
            tags = _CANONICAL.findall(head)
            hrefs = [m.group(1) for m in map(_HREF.search, tags) if m]
            self._of[page] = comparable_url(html.unescape(hrefs[0])) if hrefs else ""
        return self._of[page]

    def _by_canonical(self) -> dict[str, Path]:
        if self._canonical is None:
            self._canonical = {}
            pages = sorted(p for p in self.folder.iterdir() if is_html_page(p) and p.is_file())
            for page in pages:
                if url := self._page_url(page):
                    self._canonical.setdefault(url, page)
        return self._canonical

    def find(self, link: str) -> Path | None:
        if not link.startswith(("http://", "https://")):
            return None
        wanted = comparable_url(link)
        for name in _names_for(link):
            page = self.folder / name
            if page.is_file() and self._page_url(page) in ("", wanted):  # a namesake of another page: no
                return page
        try:
            return self._by_canonical().get(wanted)
        except OSError:
            return None


# --- one entry → an Article (a worker) ------------------------------------------------------------


def _figures(media: list[list[str]]) -> str:
    out = []
    for caption, credit, url in media:
        if caption:
            credit_html = f' <span class="credit">{html.escape(credit)}</span>' if credit else ""
            out.append(
                f'<figure><img src="{html.escape(url)}" alt="">'
                f"<figcaption>{html.escape(caption)}{credit_html}</figcaption></figure>"
            )
    return "".join(out)


def _plain(markup: str) -> str:
    """The text of a little HTML, in one line (BeautifulSoup only when there is markup)."""
    return " ".join((html_to_text(markup) if "<" in markup or "&" in markup else markup).split())


def _rough_text(markup: str) -> str:
    """The text of a body, tags dropped by a regular expression: enough to look a teaser up in it,
    and ten times faster than BeautifulSoup on a whole article."""
    return " ".join(html.unescape(_TAG.sub(" ", markup)).split())


def entry_page(entry: dict[str, Any], body: str) -> str:
    """The entry as a saved page of its own: the feed's metadata in the meta tags html_page reads
    (canonical link, og:site_name, article:published_time, author, og:description), the title as
    its heading, the full text and the media's captions as its article."""
    e = html.escape
    lead = _plain(entry["summary"]) if entry["content"] else ""
    if len(lead) > MAX_LEAD_CHARS or normalize(lead).rstrip(".… ") in normalize(
        _rough_text(entry["content"])
    ):
        lead = ""  # the text again (Atom's summary is the content when none is given), not a teaser
    title = e(entry["title"])
    head = [f"<title>{title}</title>", f'<meta property="og:title" content="{title}">']
    for key, value, attribute in (
        ("og:site_name", entry["source"], "property"),
        ("article:published_time", entry["published"], "property"),
        ("author", ", ".join(entry["authors"]), "name"),
        ("og:description", lead, "property"),
    ):
        if value:
            head.append(f'<meta {attribute}="{key}" content="{e(value)}">')
    if entry["link"]:
        head.append(f'<link rel="canonical" href="{e(entry["link"])}">')
    return (
        f'<!DOCTYPE html><html lang="he" dir="rtl"><head><meta charset="utf-8">{"".join(head)}</head>'
        f"<body><article><h1>{e(entry['title'])}</h1>{body}{_figures(entry['media'])}</article></body></html>"
    )


def _full_text(entry: dict[str, Any]) -> str:
    if entry["content"]:
        return entry["content"]
    if len(_plain(entry["summary"])) >= LONG_DESCRIPTION_CHARS:
        return entry["summary"]
    return ""


def _from_page(entry: dict[str, Any], origin: str) -> Article:
    """The saved page, completed by the feed: its date, authors, URL and source where it has none."""
    page = read_html_page(entry["page"])
    warnings = list(page.warnings)
    published = page.published_at
    if published is None and entry["published"]:
        published = parse_date(entry["published"])
        if published is not None and (error := published_range_error(published)):
            warnings.append(f"{error}: ignored")
            published = None
    url = page.url or (entry["link"] if entry["link"].startswith(("http://", "https://")) else "")
    article = replace(
        page,
        url=url,
        source=page.source or entry["source"],
        published_at=published,
        authors=page.authors or entry["authors"],
        origin=origin,
        warnings=warnings,
    )
    article.id = article_id(article.url, article.source, article.title, article.published_at)
    return article


def entry_article(entry: dict[str, Any], origin: str) -> Article:
    """One entry → an Article (``published_at`` None when neither the feed nor the page dates it).
    Raises NoArticle, or NotAnArticle when its text or page holds no article."""
    if not entry["title"] and not entry["page"]:
        raise NoArticle("the entry has no title")
    text = _full_text(entry) if entry["title"] else ""
    if text:
        try:
            article = parse_html_page(entry_page(entry, text), origin=origin)
        except NotAnArticle as exc:
            if not entry["page"]:
                raise NoArticle(f"its text holds no article ({exc})") from None
        else:
            article.warnings[:0] = entry["warnings"]
            return article
    if entry["page"]:
        article = _from_page(entry, origin)
        article.warnings[:0] = entry["warnings"]
        return article
    where = f" and no saved page of {entry['link']} beside the feed" if entry["link"] else " and no link"
    raise NoArticle(f"only a summary ({len(_plain(entry['summary']))} characters){where}")
