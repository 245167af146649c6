"""Parse article text as copied from a news web page into title, lead, body and captions.

Scraped pages carry site chrome (share, send-to-friend, video-embed and comment widgets),
photo captions printed twice (once with the credit repeated and cut, once clean) and a trailing
block with the main image's caption and credit. The rules below recognise those shapes rather
than the seed's exact lines, so that other pages of the same site parse too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from service.model import Article, Part
from service.normalize import normalize

# Whole lines that are widget labels on Israeli news sites. Compared after normalisation.
CHROME_LINES = frozenset(
    normalize(line)
    for line in [
        "שתף קטע נבחר",
        "סגור",
        "סגורסגור",
        "שליחה לחבר",
        "הקלידו את הקוד המוצג",
        "תמונה חדשה",
        "שלח",
        "הסרטון נשלח לחברך",
        "הטמעת הסרטון באתר שלך",
        "קוד להטמעה:",
        "לפנייה לכתב/ת",
        "תגובה חדשה",
        "הצג:",
        "אזהרה:",
        "פעולה זו תמחק את התגובה שהתחלת להקליד",
        "מומלצים",
        "שתפו",
        "שתף",
        "הדפס",
        "טוקבקים",
        "תגובות",
        "לכל התגובות",
        "הוסף תגובה",
        "כתבות נוספות",
        "עוד באותו נושא",
    ]
)

CREDIT_WORDS = "צילום|צילומים|צילום מסך|צלם|קרדיט"
# "caption (צילום: credit)", possibly followed by a repeated, cut-off "(צילום: cred".
CAPTION_LINE_RE = re.compile(rf"^(?P<caption>.*?)\s*\((?:{CREDIT_WORDS}):\s*(?P<credit>[^()]*)\)")
# "צילום: credit" alone on a line, as in the trailing image block.
BARE_CREDIT_RE = re.compile(rf"^(?:{CREDIT_WORDS}):\s*(?P<credit>.+)$")


def is_chrome(line: str) -> bool:
    return normalize(line) in CHROME_LINES


def _blocks(text: str) -> list[list[str]]:
    """Split into blocks of consecutive non-blank lines (no-break-space lines count as blank)."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for raw in text.splitlines():
        line = raw.replace("\u00a0", " ").strip()
        if not line:
            if current:
                blocks.append(current)
                current = []
            continue
        current.append(line)
    if current:
        blocks.append(current)
    return blocks


def _caption(line: str) -> tuple[str, str] | None:
    match = CAPTION_LINE_RE.match(line)
    if not match or not match.group("caption").strip():
        return None
    return match.group("caption").strip(), match.group("credit").strip()


def _trailing_captions(lines: list[str]) -> Iterator[tuple[str, str]]:
    """The main image's caption, printed after the comment widgets between two credit lines."""
    for i, line in enumerate(lines):
        credit = BARE_CREDIT_RE.match(line)
        if credit and i + 1 < len(lines):
            nxt = lines[i + 1]
            if not BARE_CREDIT_RE.match(nxt) and not is_chrome(nxt):
                yield nxt, credit.group("credit").strip()


def parse_scraped(text: str, *, url: str = "", source: str = "", published_at=None) -> Article:
    """Parse one scraped page. Raises ValueError when no title can be found."""
    title = ""
    lead = ""
    body: list[str] = []
    captions: dict[str, tuple[str, str]] = {}

    def add_caption(caption: str, credit: str) -> None:
        key = normalize(caption).rstrip(".")
        if key not in captions:
            captions[key] = (caption, credit)

    for block in _blocks(text):
        prose: list[str] = []
        for line in block:
            if is_chrome(line):
                continue
            if cap := _caption(line):
                add_caption(*cap)
                continue
            if BARE_CREDIT_RE.match(line):
                continue
            prose.append(line)
        if not prose:
            continue
        if len(prose) < len(block) and any(BARE_CREDIT_RE.match(x) for x in block):
            # A trailing image block: widget lines, bare credits and the caption between them.
            for caption, credit in _trailing_captions([x for x in block if not is_chrome(x)]):
                add_caption(caption, credit)
            continue
        paragraph = " ".join(prose)
        if not title:
            title = paragraph
        elif not lead:
            lead = paragraph
        else:
            body.append(paragraph)

    if not title:
        raise ValueError("no title: the page has no text outside site chrome")
    parts = [Part("title", title)]
    if lead:
        parts.append(Part("lead", lead))
    parts.extend(Part("body", p) for p in body)
    parts.extend(Part("caption", c, credit) for c, credit in captions.values())
    return Article(title=title, parts=parts, url=url, source=source, published_at=published_at)
