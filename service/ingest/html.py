"""HTML fragments pasted into article text → plain text, with paragraph breaks kept.

Scraped pages and feeds sometimes carry markup (<p>, <br>, <div class="ad">, entities). It is
converted, never indexed or shown raw: scripts and styles are dropped, block elements end paragraphs.
"""

from __future__ import annotations

import re
import warnings

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning

_TAG = re.compile(
    r"</?(?:p|br|div|span|a|b|i|u|em|strong|img|script|style|iframe|noscript|h[1-6]|ul|ol|li|table|tr|td|th|"
    r"blockquote|figure|figcaption|section|article|header|footer|html|body|font|center)\b[^<>]*>",
    re.IGNORECASE,
)
_ENTITY = re.compile(r"&(?:[a-z]{2,8}|#\d{2,6}|#x[0-9a-f]{2,5});", re.IGNORECASE)
_DROP = ["script", "style", "iframe", "noscript", "template"]
_BLOCKS = [
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "tr",
    "blockquote",
    "figure",
    "figcaption",
    "section",
    "article",
    "header",
    "footer",
    "ul",
    "ol",
    "table",
]


def looks_like_html(text: str) -> bool:
    return bool(_TAG.search(text) or _ENTITY.search(text))


def html_to_text(text: str) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(text, "html.parser")
    for tag in soup.find_all(_DROP):
        tag.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for block in soup.find_all(_BLOCKS):
        block.insert_before("\n\n")
        block.insert_after("\n\n")
    lines = (" ".join(line.split()) for line in soup.get_text().splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
