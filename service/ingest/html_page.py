"""Saved HTML pages (``.html``, ``.htm``, optionally gzipped) → an Article.

trafilatura finds the article's text among the site's menus, teasers and comments and reads the
page's metadata (JSON-LD, meta tags, htmldate for dates). Generic extractors drop what this product
indexes, so our rules add it from the page itself: photo captions with their credits (``<figure>``,
``<figcaption>``, ``alt``, "(צילום: …)" and "קרדיט:"), subheadings as section headings, the lead
(the visible subtitle or the description), the canonical URL, and the dates and bylines as Hebrew
sites print them ("פורסם: 22.12.15, 20:34", "מאת דנה כהן").

A page that is cut off, holds only scripts, or has no article in it raises NotAnArticle with a
reason for the user; a page over MAX_HTML_BYTES (after decompression) is refused before parsing.
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import lxml.html
import trafilatura
from lxml import etree
from trafilatura.metadata import extract_metadata
from trafilatura.settings import Extractor

from service.ingest.credits import split_credit
from service.ingest.decode import PLAIN_ENCODINGS
from service.ingest.html_files import NotAnArticle, decode_html, read_html_bytes
from service.ingest.html_meta import (
    author_names,
    clean,
    http_url,
    json_ld_article,
    ld_string,
    meta_tags,
    parse_date,
    text_of,
)
from service.ingest.page_dates import chosen_date, header_of
from service.ingest.scraped import caption_of, is_chrome, is_metadata
from service.model import Article, Part, published_range_error
from service.normalize import normalize

# The extractors log "discarding data" for pages we reject with a reason of our own: not to stderr
# unless the application configures logging.
for _logger in ("trafilatura", "htmldate", "courlan"):
    logging.getLogger(_logger).addHandler(logging.NullHandler())

CAPTION_MAX_WORDS = 60
ALT_MIN_WORDS = 2  # an alt text alone is a caption when it says something ("לוגו" does not)
MIN_BODY_CHARS = 80  # less text than a one-sentence news flash is a section front, a 404 or a stub
PROSE_MIN_WORDS = 12  # a paragraph this long is article text, not a menu or a label
KEY_CHARS = 40
META_LINE_MAX_WORDS = 14  # "מאת דנה כהן פורסם: 16.04.22, 21:57" and the like

# Blocks that are site chrome wherever they stand, named by a word of their class or id (whole, or
# between "-" and "_": "share-bar", "inline-related", but not "commentary"): removed before
# trafilatura runs, so that neither their text nor their pictures reach the article.
CHROME_NAME = re.compile(
    r"(?:^|[-_\s])(?:related|recommend[a-z]*|teasers?|comments?|talkbacks?|tb|share|sharing|social|promo|"
    r"newsletter|subscribe|paywall|banner|ad-slot|ads?|advert[a-z]*|taboola|outbrain|more-news|"
    r"breadcrumbs?|send_to_friend|menu)(?:$|[-_\s])",
    re.I,
)
CHROME_TAGS = ("nav", "footer", "form")
NEVER_CHROME = ("html", "body", "main", "article")  # <body class="single comments-open"> is a page
_NAMED = etree.XPath("//*[@class or @id] | //nav | //footer | //form")
_IN_CHROME = etree.XPath("ancestor::nav | ancestor::aside | ancestor::footer")
_VISIBLE_TEXT = etree.XPath(
    "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::template)]"
)
_LEAD_CLASS = re.compile(
    r"sub[-_ ]?title|subtitle|sub[-_]?head|excerpt|standfirst|(?<![a-z])lead(?![a-z])", re.I
)
_BYLINE_CLASS = re.compile(r"author|byline|writer|reporter", re.I)
_CAPTION_CLASS = re.compile(r"caption", re.I)
_CREDIT_CLASS = re.compile(r"credit", re.I)
CREDIT_WORDS = r"צילום מסך|צילומים|צילום|צלם|קרדיט|Photo|Credit"
# "caption צילום: credit" or "caption | קרדיט: credit", the credit at the end, parentheses optional.
TRAILING_CREDIT = re.compile(
    rf"^(?P<caption>.*?)[\s|,\-–]*\(?\s*(?:{CREDIT_WORDS})\s*:\s*(?P<credit>[^()]+?)\s*\)?\s*$"
)
# "מאת דנה לוי", "כתבה: דנה לוי" printed under the title.
BYLINE = re.compile(r"^(?:מאת:?|(?:כתב|כתבה|כתבו|כתבת)\s*:)\s*(?P<names>[^.!?:]{2,80})$")
_CREDIT_HINT = re.compile(r"צילום|צלם|קרדיט")  # caption_of runs only on text that could be a caption
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_SEPARATOR_SUFFIX = re.compile(r"\s+[-|–—]\s+[^-|–—]{1,40}$")


def read_html_page(path: str | Path) -> Article:
    """A saved page → an Article (its ``published_at`` None when the page gives no date)."""
    path = Path(path)
    text, encoding = decode_html(read_html_bytes(path))
    article = parse_html_page(text, origin=str(path))
    if encoding not in PLAIN_ENCODINGS:
        article.warnings.append(f"decoded from {encoding}")
    return article


# --- structure: container, captions, bylines -------------------------------------------------------


def _prose_elements(tree: Any, paragraphs: list[str]) -> list[Any]:
    """The page's elements that hold the extracted prose (paragraphs of PROSE_MIN_WORDS or more,
    found by their first KEY_CHARS characters): where the article stands in the page."""
    wanted = {p[:KEY_CHARS] for p in paragraphs if len(p.split()) >= PROSE_MIN_WORDS and len(p) >= KEY_CHARS}
    found: list[Any] = []
    for element in tree.iter("p", "div", "li", "td", "blockquote", "span", "font", "section", "article"):
        own = clean(element.text)
        if len(own) >= KEY_CHARS and own[:KEY_CHARS] in wanted:
            wanted.discard(own[:KEY_CHARS])
            found.append(element)
    return found


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _common_ancestor(elements: list[Any]) -> Any | None:
    elements = [e for e in elements if e is not None]
    if not elements:
        return None
    shared = [elements[0], *elements[0].iterancestors()]
    for other in elements[1:]:
        mine = {id(a) for a in [other, *other.iterancestors()]}
        shared = [a for a in shared if id(a) in mine]
    return shared[0] if shared else None


def _title_element(tree: Any, title: str) -> Any | None:
    headings = list(tree.iter("h1"))
    key = normalize(title)
    return next((h for h in headings if normalize(text_of(h)) == key), headings[0] if headings else None)


def _split_caption(text: str) -> tuple[str, str]:
    """ "caption (צילום: credit)" / "caption צילום: credit" → (caption, credit); no credit: (text, "")."""
    if found := caption_of(text):
        return found
    match = TRAILING_CREDIT.match(text)
    if match:
        return match["caption"].strip(" |,-–"), match["credit"].strip()
    return text, ""


def _credit_text(text: str) -> str:
    match = TRAILING_CREDIT.match(text)
    return match["credit"].strip() if match and not match["caption"].strip() else text.strip("() ")


def _caption_of_image(image: Any, container: Any) -> tuple[str, str] | None:
    """The caption and credit of one article image: its figcaption, a caption element beside it,
    short text beside it that carries a credit, or its alt text."""
    figure = next((a for a in image.iterancestors("figure")), None)
    holder = figure if figure is not None else image.getparent()
    caption_element = None
    if figure is not None:
        caption_element = next(figure.iter("figcaption"), None)
    if caption_element is None and holder is not None:
        caption_element = next(
            (e for e in holder.iter() if e is not image and _CAPTION_CLASS.search(e.get("class") or "")), None
        )
    text, credit = "", ""
    if caption_element is not None:
        whole = text_of(caption_element)
        credit_element = next(
            (e for e in caption_element.iter() if _CREDIT_CLASS.search(e.get("class") or "")), None
        )
        if credit_element is not None and (credit := _credit_text(text_of(credit_element))):
            text = clean(whole.replace(text_of(credit_element), " "))  # a figcaption of a credit alone: alt
        else:
            text, credit = _split_caption(whole)
    elif holder is not None and holder is not container:
        beside = text_of(holder)
        if beside and len(beside.split()) <= CAPTION_MAX_WORDS and _split_caption(beside)[1]:
            text, credit = _split_caption(beside)
    alt = clean(image.get("alt"))
    if not text and alt:
        alt_text, alt_credit = _split_caption(alt)
        if len(alt_text.split()) >= ALT_MIN_WORDS or alt_credit:
            text, credit = alt_text, credit or alt_credit
    if not credit and image.get("data-credit"):
        credit = _credit_text(clean(image.get("data-credit")))
    return (text, credit) if text else None


def _pictures(container: Any) -> Iterator[Any]:
    """The article's pictures: ``<img>`` and AMP's ``<amp-img>``, and for a figure with neither (a
    video, a picture drawn by CSS or a script) its figcaption, when that carries a credit."""
    yield from container.iter("img", "amp-img")
    for figure in container.iter("figure"):
        caption = next(figure.iter("figcaption"), None)
        pictured = next(figure.iter("img", "amp-img"), None) is not None
        if caption is not None and not pictured and _split_caption(text_of(caption))[1]:
            yield caption


def _captions(container: Any) -> list[tuple[str, str]]:
    found: dict[str, tuple[str, str]] = {}
    for image in _pictures(container):
        if _IN_CHROME(image) or (
            any(True for _ in image.iterancestors("a"))
            and not any(True for _ in image.iterancestors("figure"))
        ):
            continue  # a teaser's picture, a logo in a link, a share button
        if pair := _caption_of_image(image, container):
            found.setdefault(normalize(pair[0]).rstrip(". "), pair)
    return list(found.values())


def _byline_names(container: Any) -> list[str]:
    names: list[str] = []
    for element in container.iter():
        if not isinstance(element.tag, str) or _IN_CHROME(element):
            continue
        linked = element.tag == "a" and "author" in (element.get("rel") or "")
        if linked or (_BYLINE_CLASS.search(element.get("class") or "") and not len(element)):
            names += author_names(text_of(element))
        elif (
            element.tag in ("p", "div", "span") and not len(element) and (m := BYLINE.match(text_of(element)))
        ):
            names += author_names(m["names"])
    return list(dict.fromkeys(names))


def _visible_lead(container: Any, title: str) -> str:
    for element in container.iter():
        if not isinstance(element.tag, str) or element.tag in ("meta", "script", "style", "h1"):
            continue
        if (
            _LEAD_CLASS.search(element.get("class") or "")
            or element.get("itemprop") in ("description", "alternativeHeadline")
        ) and not _IN_CHROME(element):
            text = text_of(element)
            if len(text.split()) >= 4 and text != title:
                return text
    return ""


# --- the extracted text → sections -------------------------------------------------------------------


def _blocks(body: Any) -> list[tuple[str, str]]:
    """trafilatura's XML body → [("head" | "p", text)]."""
    blocks: list[tuple[str, str]] = []
    for element in body:
        if element.tag == "graphic":
            continue
        if element.tag == "list":
            texts = [clean("".join(item.itertext())) for item in element.iter("item")]
            blocks.extend(("p", t) for t in texts if t)
            continue
        if element.tag == "head":
            if text := clean("".join(element.itertext())):
                blocks.append(("head", text))
            continue
        blocks.extend(("p", t) for t in _paragraphs_of(element))
    return blocks


def _paragraphs_of(element: Any) -> list[str]:
    """A block's paragraphs: older sites separate them by two line breaks (``<br><br>``, which
    trafilatura writes as ``<lb/>``) rather than by ``<p>``; one break is a space."""
    pieces: list[str] = [element.text or ""]
    for child in element:
        pieces.append("\x00" if child.tag == "lb" else "".join(child.itertext()))
        pieces.append(child.tail or "")
    texts = re.split(r"(?:\x00\s*){2,}", "".join(pieces))
    return [t for t in (clean(t.replace("\x00", " ")) for t in texts) if t]


def _sections(blocks: list[tuple[str, str]]) -> list[Part]:
    """Paragraphs before the first subheading are a section each; a subheading gathers the
    paragraphs under it. A subheading with nothing under it is dropped."""
    parts: list[Part] = []
    heading = ""
    group: list[str] = []

    def flush() -> None:
        if heading and group:
            parts.append(Part("body", "\n\n".join(group), heading=heading))
        elif not heading:
            parts.extend(Part("body", p) for p in group)

    for kind, text in blocks:
        if kind == "head":
            flush()
            heading, group = text, []
        else:
            group.append(text)
    flush()
    return parts


def _site_in_title(tree: Any, title: str) -> str:
    """The site's name as the page's <title> prints it after the headline ("headline | site"), for
    a page that names its site nowhere else."""
    element = tree.find(".//title")
    text = clean(element.text_content()) if element is not None else ""
    match = _SEPARATOR_SUFFIX.search(text)
    if match and title and normalize(text[: match.start()]) == normalize(title):
        return match.group(0).strip(" -|–—")
    return ""


def _without_site_name(title: str, site: str) -> str:
    if site and (match := _SEPARATOR_SUFFIX.search(title)) and site in match.group(0):
        return title[: match.start()].strip()
    return title


def _prune_chrome(tree: Any) -> None:
    """Remove the blocks CHROME_NAME and CHROME_TAGS name (their tails, text after them, stay)."""
    doomed = [
        element
        for element in _NAMED(tree)
        if element.tag not in NEVER_CHROME
        and (
            element.tag in CHROME_TAGS
            or CHROME_NAME.search(element.get("class") or "")
            or CHROME_NAME.search(element.get("id") or "")
        )
    ]
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()


def _unwrap_layout_tables(tree: Any) -> None:
    """Old sites lay the page out in tables: a table whose cells hold paragraphs or headings is
    layout, not data, and is turned into plain blocks so that the extractor reads it as text."""
    for table in list(tree.iter("table")):
        if table.find(".//p") is not None or table.find(".//h1") is not None:
            for element in [table, *table.iter("thead", "tbody", "tfoot", "tr", "td", "th")]:
                element.tag = "div"


def _is_metadata_block(text: str) -> bool:
    """A byline or date stamp (or a widget label) that the extractor kept as a paragraph."""
    if len(text.split()) > META_LINE_MAX_WORDS:
        return False
    return bool(
        is_chrome(text)
        or is_metadata(text)
        or BYLINE.match(text)
        or header_of(text) is not None
        or re.match(r"^(?:מאת|כתב|כתבה)\s*:?\s", text)
    )


def _parse_tree(text: str) -> Any:
    text = _XML_DECLARATION.sub("", text, count=1)
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise NotAnArticle(f"not HTML that can be read: {exc}") from None


def _no_article_reason(tree: Any, text: str) -> str:
    visible = clean(" ".join(_VISIBLE_TEXT(tree)))
    has_scripts = any(True for _ in tree.iter("script"))
    if not visible and not re.search(r"</(?:body|html)\s*>", text[-2000:], re.I):
        return "the page is cut off before its article (no text and no </html>): an incomplete download?"
    if not visible and has_scripts:
        return (
            "the page holds only scripts: its article is drawn by JavaScript in the browser, "
            "so there is nothing to read (save the page after it has rendered)"
        )
    return "no article in the page: no body text outside the site's menus, links and comments"


@dataclass
class _Page:
    """A parsed page and what it says about itself: meta tags, its JSON-LD article, trafilatura's
    extraction, and the element the article stands in."""

    tree: Any
    meta: dict[str, str]
    ld: dict[str, Any]
    url: str = ""
    body: Any = None
    container: Any = None
    _metadata: Any = None

    @property
    def metadata(self) -> Any:
        """trafilatura's reading of the page's metadata (title, site, author, date), asked only when
        the JSON-LD, the meta tags and our own rules have no answer: a quarter of the time of a page."""
        if self._metadata is None:
            options = _options(self.url)
            self._metadata = extract_metadata(
                copy.deepcopy(self.tree),
                options.url,
                options.date_params,
                options.fast,
                options.author_blacklist,
            )
        return self._metadata


def _url(page: _Page) -> str:
    """The canonical link, og:url, or the JSON-LD article's url, whichever is an http(s) address."""
    meta, ld = page.meta, page.ld
    url = http_url(meta.get("canonical", "")) or http_url(meta.get("og:url", ""))
    url = url or http_url(ld_string(ld.get("url")) or ld_string(ld.get("mainEntityOfPage")))
    return url or http_url(meta.get("canonical", ""), base=meta.get("og:url", ""))


@cache
def _base_options() -> Extractor:
    """trafilatura's options, read from its configuration once rather than on every page."""
    return Extractor(
        fast=True,
        comments=False,
        output_format="xml",  # the body as a tree; the text rendering for "python" is not needed
        tables=True,
        images=False,
        formatting=True,
        with_metadata=False,  # asked only when needed: _Page.metadata
        date_params={"original_date": True, "extensive_search": False},
    )


def _options(url: str) -> Extractor:
    options = copy.copy(_base_options())
    options.url = options.source = url or None
    return options


def _extract(tree: Any, url: str) -> Any:
    """trafilatura's main text, as an XML body with its subheadings (None when it finds none); it
    works on a copy of ``tree``."""
    document = trafilatura.bare_extraction(tree, options=_options(url))
    return document.body if document is not None else None


def _merged(paragraphs: list[str], title: str) -> bool:
    """trafilatura read a short article as one block, title, byline and captions run together."""
    key = normalize(title)
    return any(key in normalize(p) and len(p) > len(title) for p in paragraphs)


def _article_element(tree: Any, title: str) -> Any | None:
    """The nearest ancestor of the title that holds a paragraph of prose."""
    heading = _title_element(tree, title)
    for ancestor in heading.iterancestors() if heading is not None else ():
        if any(len(text_of(p).split()) >= PROSE_MIN_WORDS for p in ancestor.iter("p")):
            return ancestor
    return None


def _own_blocks(container: Any) -> list[tuple[str, str]]:
    """The subheadings and paragraphs of the article element, captions and chrome left out."""
    blocks: list[tuple[str, str]] = []
    for element in container.iter("p", "h2", "h3", "h4", "li", "blockquote"):
        if _IN_CHROME(element) or any(
            True for _ in element.iterancestors("figure", "figcaption", "p", "li", "blockquote")
        ):
            continue
        if text := text_of(element):
            blocks.append(("head" if element.tag in ("h2", "h3", "h4") else "p", text))
    return blocks


def _locate(page: _Page, title: str, paragraphs: list[str]) -> Any:
    """The element holding the title and the article's prose (the page's body when unsure)."""
    prose = _prose_elements(page.tree, paragraphs)
    container = _common_ancestor([_title_element(page.tree, title), *prose]) if prose else None
    if container is None or container.tag == "html":
        container = page.tree.find("body")
    return container


def _body(blocks: list[tuple[str, str]], lead: str, skip: set[str]) -> tuple[list[Part], str]:
    """The sections, and the lead unless it is only the first paragraph cut short."""
    kept = [
        (kind, t)
        for kind, t in blocks
        if normalize(t) not in skip
        and not _is_metadata_block(t)
        and not (_CREDIT_HINT.search(t) and caption_of(t))
    ]
    if lead and any(normalize(t).startswith(normalize(lead).rstrip(".… ")) for _, t in kept[:1]):
        lead = ""
    sections = _sections(kept)
    size = sum(len(p.text) for p in sections)
    if size < MIN_BODY_CHARS:
        raise NotAnArticle(
            f"no article in the page: {size} characters of text outside the title, menus, links and "
            f"comments (an article has at least {MIN_BODY_CHARS})"
        )
    return sections, lead


def _authors(page: _Page, source: str) -> list[str]:
    authors = author_names(page.ld.get("author")) or author_names(page.meta.get("author", ""))
    authors = authors or _byline_names(page.container)
    authors = authors or author_names((page.metadata.author or "").replace(";", ","))
    return [a for a in authors if a != source]


def _published(page: _Page, warnings: list[str]) -> datetime | date | None:
    """The first plausible date of: JSON-LD datePublished, the meta tags, a <time>, a printed
    "פורסם:" line, htmldate's finding. One in the future or before 1800 is skipped with a warning."""
    for value in _dates_in_order(page, warnings):
        if (error := published_range_error(value)) is None:
            return value
        warnings.append(f"{error}: ignored")
    return None


def _dates_in_order(page: _Page, warnings: list[str]) -> Iterator[datetime | date]:
    """The page's dates, most trusted first, each source read only if the ones before gave none."""
    meta = page.meta
    candidates = [
        ld_string(page.ld.get("datePublished")),
        meta.get("article:published_time", ""),
        meta.get("datepublished", ""),
        meta.get("pubdate", ""),
        *(t.get("datetime", "") for t in page.container.iter("time")),
    ]
    yield from (d for d in (parse_date(c) for c in candidates if c) if d is not None)
    headers = (header_of(text_of(e)) for e in _dated_elements(page.container))
    printed, notes = chosen_date([stamp for h in headers if h is not None for stamp in h.stamps])
    warnings.extend(notes)
    if printed is not None:
        yield printed
    if (found := parse_date(page.metadata.date or "")) is not None:
        yield found


def parse_html_page(text: str, *, origin: str = "") -> Article:
    """One HTML page → an Article. Raises NotAnArticle when the page holds no article."""
    tree = _parse_tree(text)
    if tree.find("body") is None or not clean(" ".join(_VISIBLE_TEXT(tree))):
        raise NotAnArticle(_no_article_reason(tree, text))
    _unwrap_layout_tables(tree)
    _prune_chrome(tree)
    page = _Page(tree, meta_tags(tree), json_ld_article(tree))
    page.url = url = _url(page)
    page.body = _extract(tree, url)
    meta, ld = page.meta, page.ld
    source = ld_string(ld.get("publisher")) or meta.get("og:site_name", "") or clean(page.metadata.sitename)
    title = ld_string(ld.get("headline")) or meta.get("og:title", "") or clean(page.metadata.title)
    title = _without_site_name(title, source)
    source = source or _site_in_title(tree, title)
    blocks = _blocks(page.body) if page.body is not None else []
    paragraphs = [t for kind, t in blocks if kind == "p"]
    if not title:
        raise NotAnArticle(_no_article_reason(tree, text))
    if not paragraphs or _merged(paragraphs, title):
        page.container = _article_element(tree, title)  # a short article: read it ourselves
        if page.container is None:
            raise NotAnArticle(_no_article_reason(tree, text))
        blocks = _own_blocks(page.container)
    else:
        page.container = _locate(page, title, paragraphs)
        inside = _squeezed(page.container.text_content())
        blocks = [(kind, t) for kind, t in blocks if _squeezed(t) in inside]  # beside the article: chrome

    lead = _visible_lead(page.container, title) or ld_string(ld.get("description"))
    lead = lead or meta.get("og:description", "") or meta.get("description", "")
    captions = _captions(page.container)
    skip = {normalize(title), normalize(lead)} | {normalize(c) for c, _ in captions}
    sections, lead = _body(blocks, lead, skip)
    warnings: list[str] = []
    parts = [Part("title", title), *([Part("lead", lead)] if lead else []), *sections]
    parts += [Part("caption", c, credit=split_credit(credit) if credit else None) for c, credit in captions]
    return Article(
        title=title,
        parts=parts,
        url=url,
        source=source,
        published_at=_published(page, warnings),
        authors=_authors(page, source),
        origin=origin,
        warnings=warnings,
    )


def _dated_elements(container: Any) -> Iterator[Any]:
    """Leaf-most elements whose text holds a "פורסם:" date."""
    for element in container.iter():
        own = isinstance(element.tag, str) and element.tag not in ("script", "style")
        text = element.text if own else None
        if text and ("פורס" in text or "תאריך" in text or "עודכן" in text or "עדכון" in text):
            yield element
