"""Parse article text as copied from a news web page into title, lead, body sections and captions.

Scraped pages carry site chrome (share, send-to-friend, video-embed and comment widgets, "מומלצים",
captcha prompts), photo captions printed twice (once with the credit repeated and cut off, once
clean) and a trailing block with the main image's caption between two credit lines. The rules below
recognise those shapes rather than one page's exact lines, so that other pages of the same site,
with the chrome elsewhere or missing and with one to many captions, parse too. Each rule is a
small named function with its own tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from service.ingest.credits import split_credit
from service.ingest.html import html_to_text, looks_like_html
from service.model import Article, Part
from service.normalize import normalize

MAX_LINE_CHARS = 50_000  # a "line" longer than this is not article text
HEADING_MAX_WORDS = 12
CAPTION_MAX_WORDS = 40

# Rule 1: whole lines that are widget labels on Israeli news sites (compared normalised).
WIDGET_LINES = frozenset(
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
        "לכתבה המלאה",
        "פרסומת",
        "קרא עוד",
        "קראו עוד",
        "הקודם",
        "הבא",
        "לכל הכתבות",
        "שתפו בפייסבוק",
        "שתפו בוואטסאפ",
    ]
)
# Rule 2: very short lines built around a widget noun or imperative ("שתפו בפייסבוק", "הדפסת כתבה").
WIDGET_WORDS = re.compile(
    r"(?<!\w)(?:ו?שתפו|שתף|שיתוף|שליחה|שלחו לחבר|הדפס|הדפסה|הדפסת|תגובה|תגובות|טוקבק\w*|הטמע\w*|מומלצים|"
    r"ב?פייסבוק|ב?טוויטר|ב?וואטסאפ|ב?טלגרם|facebook|twitter|whatsapp|telegram|e-?mail|print|share)(?!\w)",
    re.IGNORECASE,
)
WIDGET_MAX_WORDS = 3
# Rule 4: lines that open the page footer; what follows them is chrome, but for image captions.
FOOTER_LINES = frozenset(
    normalize(line)
    for line in [
        "לפנייה לכתב/ת",
        "תגובה חדשה",
        "מומלצים",
        "כתבות נוספות",
        "עוד באותו נושא",
        "הוסף תגובה",
        "לכל התגובות",
        "טוקבקים",
    ]
)
# Rule 5: publication metadata lines ("פורסם: 22.12.15, 20:34", "עודכן: ...", a bare date).
METADATA_LINE = re.compile(
    r"^(?:(?:פורסם|עודכן|עדכון אחרון)\s*:?.*|\d{1,2}[./]\d{1,2}[./]\d{2,4}(?:\s*,?\s*\d{1,2}:\d{2})?)$"
)
# "מאת דנה לוי", "כתבה: דנה לוי" (the colon is required after כתב, which also opens headlines).
BYLINE = re.compile(r"^(?:מאת:?|(?:כתב|כתבה|כתבו|כתבת)\s*:)\s*(?P<names>[^.!?:]{2,80})$")
CHROME_MAX_WORDS = 12  # no widget label, footer line or date stamp is longer

CREDIT_WORDS = "צילום|צילומים|צילום מסך|צלם|קרדיט"
# "caption (צילום: credit)", possibly followed by a repeated, cut-off "(צילום: cred".
CAPTION_LINE = re.compile(rf"^(?P<caption>.*?)\s*\((?:{CREDIT_WORDS})\s*:\s*(?P<credit>[^()]*)\)")
# "צילום: credit" alone on a line, as in the trailing image block.
BARE_CREDIT = re.compile(rf"^\(?(?:{CREDIT_WORDS})\s*:\s*(?P<credit>[^()]+)\)?$")
SENTENCE_PUNCTUATION = re.compile(r"[.!?,;:\"'״׳”“]")
TERMINAL_PUNCTUATION = re.compile(r"[.!?:\"”״]\s*$")


def words(line: str) -> int:
    return len(line.split())


def is_widget_line(line: str) -> bool:
    """Rule 1: a known widget label."""
    return normalize(line) in WIDGET_LINES


def is_widget_phrase(line: str) -> bool:
    """Rule 2: a short line without sentence punctuation around a widget word ("שתפו בטוויטר")."""
    return (
        words(line) <= WIDGET_MAX_WORDS
        and not SENTENCE_PUNCTUATION.search(line.rstrip(":"))
        and bool(WIDGET_WORDS.search(line))
    )


def is_chrome(line: str, next_line: str | None = None) -> bool:
    """Rules 1, 2 and 5. A widget phrase directly followed by a long paragraph is a subheading
    that happens to contain a widget word ("תגובות במערכת הפוליטית"), not chrome."""
    if words(line) > CHROME_MAX_WORDS:
        return False
    if is_widget_line(line) or is_metadata(line):
        return True
    return is_widget_phrase(line) and not (next_line and words(next_line) > HEADING_MAX_WORDS)


def is_metadata(line: str) -> bool:
    """Rule 5: a publication date or "updated" stamp."""
    return bool(METADATA_LINE.match(normalize(line)))


def is_footer_start(line: str) -> bool:
    """Rule 4: the first line of the comments and recommendations footer."""
    return normalize(line) in FOOTER_LINES


def caption_of(line: str) -> tuple[str, str] | None:
    """A caption with its credit in parentheses; the repeated, cut-off credit is dropped."""
    match = CAPTION_LINE.match(line)
    if not match or not match.group("caption").strip():
        return None
    return match.group("caption").strip(), match.group("credit").strip()


def bare_credit_of(line: str) -> str | None:
    match = BARE_CREDIT.match(line)
    return match.group("credit").strip() if match else None


def is_heading(line: str, next_line: str | None) -> bool:
    """A subheading: a short line without terminal punctuation, followed by a paragraph."""
    return (
        next_line is not None
        and words(line) <= HEADING_MAX_WORDS
        and not TERMINAL_PUNCTUATION.search(line)
        and not line.endswith(",")
        and words(next_line) > HEADING_MAX_WORDS
    )


@dataclass
class _Line:
    text: str
    block: int  # index of the blank-line-separated block it sits in


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    block = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if len(raw) > MAX_LINE_CHARS:
            raise ValueError(f"line {number} is {len(raw):,} characters long: not article text")
        line = " ".join(raw.replace("\u00a0", " ").split())
        if not line:
            block += 1
            continue
        out.append(_Line(line, block))
    return out


def _chrome_neighbourhood(lines: list[_Line], chrome: list[bool]) -> list[bool]:
    """Rule 3: a short unpunctuated line in a block whose other lines are chrome is chrome too
    (e.g. "תמונה חדשה" inside the send-to-friend form)."""
    result = list(chrome)
    for i, line in enumerate(lines):
        if chrome[i] or words(line.text) > 6 or SENTENCE_PUNCTUATION.search(line.text.rstrip(":")):
            continue
        same_block = [j for j, other in enumerate(lines) if other.block == line.block and j != i]
        if same_block and all(chrome[j] for j in same_block):
            result[i] = True
    return result


def parse_scraped(
    text: str,
    *,
    url: str = "",
    source: str = "",
    published_at: datetime | date | None = None,
    origin: str = "",
) -> Article:
    """Parse one scraped page. Raises ValueError when the page holds no article."""
    warnings: list[str] = []
    if looks_like_html(text):
        text = html_to_text(text)
        warnings.append("HTML markup removed")
    prose, captions, authors = _scan(_lines(text))
    if not prose:
        raise ValueError("no title: the page has no text outside site chrome")
    title, rest = prose[0], prose[1:]
    parts = [Part("title", title)]
    if rest:
        parts.append(Part("lead", rest[0]))
    parts.extend(_sections(rest[1:]))
    parts.extend(Part("caption", c, credit=split_credit(credit)) for c, credit in captions)
    return Article(
        title=title,
        parts=parts,
        url=url,
        source=source,
        published_at=published_at,
        authors=authors,
        origin=origin,
        warnings=warnings,
    )


@dataclass
class _Scan:
    """What a page's lines hold, once its chrome is set aside."""

    prose: list[str] = field(default_factory=list)
    captions: dict[str, tuple[str, str]] = field(
        default_factory=dict
    )  # normalised caption → (caption, credit)
    authors: list[str] = field(default_factory=list)

    def add_caption(self, caption: str, credit: str) -> None:
        self.captions.setdefault(normalize(caption).rstrip(". "), (caption, credit))


def _scan(lines: list[_Line]) -> tuple[list[str], list[tuple[str, str]], list[str]]:
    """The page's prose lines, its captions with their credits (each once) and its byline authors."""
    nexts = [x.text for x in lines[1:]] + [None]
    chrome = _chrome_neighbourhood(lines, [is_chrome(x.text, n) for x, n in zip(lines, nexts, strict=True)])
    found = _Scan()
    prose = found.prose
    in_footer = False
    i = 0
    while i < len(lines):
        line = lines[i].text
        if cap := caption_of(line):
            found.add_caption(*cap)
        elif (credit := bare_credit_of(line)) is not None:
            # An image block: "צילום: X" then its caption (the main image, often in the footer).
            nxt = lines[i + 1].text if i + 1 < len(lines) else ""
            if nxt and not chrome[i + 1] and bare_credit_of(nxt) is None and words(nxt) <= CAPTION_MAX_WORDS:
                found.add_caption(nxt, credit)
                i += 1
        elif prose and words(line) <= CHROME_MAX_WORDS and is_footer_start(line):
            in_footer = True
        elif chrome[i] or in_footer:
            pass
        elif 1 <= len(prose) <= 2 and (byline := BYLINE.match(line)):
            found.authors.extend(
                a.strip() for a in re.split(r",| ו(?=\S)", byline.group("names")) if a.strip()
            )
        else:
            prose.append(line)
        i += 1
    return prose, list(found.captions.values()), found.authors


def _sections(paragraphs: list[str]) -> list[Part]:
    """One section per paragraph, or a subheading with the paragraphs under it."""
    parts: list[Part] = []
    heading = ""
    group: list[str] = []

    def flush() -> None:
        if heading:
            parts.append(Part("body", "\n\n".join(group), heading=heading))
        else:
            parts.extend(Part("body", p) for p in group)

    for i, paragraph in enumerate(paragraphs):
        nxt = paragraphs[i + 1] if i + 1 < len(paragraphs) else None
        if is_heading(paragraph, nxt):
            flush()
            heading, group = paragraph, []
        else:
            group.append(paragraph)
    flush()
    return parts
