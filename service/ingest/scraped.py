"""Parse article text as copied from a news web page into title, lead, body sections and captions.

Scraped pages carry site chrome (share, send-to-friend, video-embed and comment widgets, "מומלצים",
captcha prompts), photo captions printed twice (once with the credit repeated and cut off, once
clean) and a trailing block with the main image's caption between two credit lines. The rules below
recognise those shapes rather than one page's exact lines, so that other pages of the same site,
with the chrome elsewhere or missing and with one to many captions, parse too. Each rule is a
small named function with its own tests.

Other sites print a caption before or after its credit line, the credit bracketed, after a "|" or
on its own line ("צילום: X", "קרדיט צילום: X", "צילום - X"), and the date and byline near the
title ("פורסם: 22.12.15 , 19:45", "מאת דנה לוי", a name line over the date): ``pair_credits``
pairs credits with captions in either order, ``service/ingest/page_dates.py`` reads the dates and
bylines (tests/fixtures/scraped/layout_*.txt are those layouts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from service.ingest.credits import split_credit
from service.ingest.html import html_to_text, looks_like_html
from service.ingest.page_dates import Header, Stamp, chosen_date, header_of, is_name_line, names_of
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
CHROME_MAX_WORDS = 12  # no widget label, footer line or date stamp is longer

# The words that open a photo credit, longest first ("קרדיט צילום: X", "צילום - X", "(צילום: X)").
CREDIT_WORDS = "קרדיט צילום|קרדיט תמונה|צילום מסך|צילומים|צילום|צלם|קרדיט"
CREDIT_SEPARATOR = r"\s*(?::|\s-|–)\s*"
# "caption (צילום: credit)", possibly followed by a repeated, cut-off "(צילום: cred".
CAPTION_LINE = re.compile(rf"^(?P<caption>.*?)\s*\((?:{CREDIT_WORDS}){CREDIT_SEPARATOR}(?P<credit>[^()]*)\)")
# "caption | צילום: credit", "caption. צילום: credit": the credit after the caption, unbracketed.
INLINE_CREDIT = re.compile(
    rf"^(?P<caption>.+?)\s*(?:[|.,]|\s[-–])?\s+(?:{CREDIT_WORDS}){CREDIT_SEPARATOR}(?P<credit>[^()|:]+)$"
)
CREDIT_MAX_WORDS = 8
# "צילום: credit" alone on a line, as in the trailing image block, bracketed or not.
BARE_CREDIT = re.compile(rf"^\(?(?:{CREDIT_WORDS}){CREDIT_SEPARATOR}(?P<credit>[^()]+)\)?$")
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


@lru_cache(maxsize=4096)
def _header_of(line: str) -> Header | None:
    """``header_of``, once per line: the rules ask about a line several times (read only)."""
    return header_of(line)


def is_metadata(line: str) -> bool:
    """Rule 5: a publication date or "updated" stamp, or a byline with or without one."""
    if METADATA_LINE.match(normalize(line)):
        return True
    header = _header_of(line)
    return header is not None and any(s.labelled for s in header.stamps)


def is_footer_start(line: str) -> bool:
    """Rule 4: the first line of the comments and recommendations footer."""
    return normalize(line) in FOOTER_LINES


def caption_of(line: str) -> tuple[str, str] | None:
    """A caption with its credit in parentheses ("גלים בחוף (צילום: רויטרס)"; the repeated, cut-off
    credit is dropped) or after it ("גלים בחוף | צילום: רויטרס", "גלים בחוף. צילום: רויטרס")."""
    match = CAPTION_LINE.match(line)
    if match and match.group("caption").strip():
        return match.group("caption").strip(" |"), match.group("credit").strip()
    match = INLINE_CREDIT.match(line)
    if (
        match
        and BARE_CREDIT.match(line) is None
        and words(match.group("caption")) <= CAPTION_MAX_WORDS
        and words(match.group("credit")) <= CREDIT_MAX_WORDS
    ):
        return match.group("caption").strip(" |"), match.group("credit").strip()
    return None


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
    """Parse one scraped page. Raises ValueError when the page holds no article.

    ``published_at`` (a sidecar's) wins; without it the article is dated by the date the page
    prints (``service/ingest/page_dates.py``), and stays undated when it prints none."""
    warnings: list[str] = []
    if looks_like_html(text):
        text = html_to_text(text)
        warnings.append("HTML markup removed")
    found = _scan(_lines(text))
    if not found.prose:
        raise ValueError("no title: the page has no text outside site chrome")
    title, rest = found.prose[0], found.prose[1:]
    parts = [Part("title", title)]
    if rest:
        parts.append(Part("lead", rest[0]))
    parts.extend(_sections(rest[1:]))
    parts.extend(Part("caption", c, credit=split_credit(credit)) for c, credit in found.captions.values())
    if published_at is None:
        published_at, date_warnings = chosen_date(found.stamps)
        warnings.extend(date_warnings)
    return Article(
        title=title,
        parts=parts,
        url=url,
        source=source,
        published_at=published_at,
        authors=list(dict.fromkeys(found.authors)),
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
    stamps: list[Stamp] = field(default_factory=list)

    def add_caption(self, caption: str, credit: str) -> None:
        self.captions.setdefault(caption_key(caption), (caption, credit))


def caption_key(caption: str) -> str:
    """Captions printed twice or thrice are one: compared normalised, without a final period."""
    return normalize(caption).rstrip(". ")


HEADER_LINES = 3  # bylines stand under the title, the lead or a subtitle
NAME_MAX_WORDS = 9


def _scan(lines: list[_Line]) -> _Scan:
    """The page's prose lines, its captions with their credits (each once), its byline authors and
    its printed dates."""
    nexts = [x.text for x in lines[1:]] + [None]
    own = [is_chrome(x.text, n) for x, n in zip(lines, nexts, strict=True)]
    chrome = _chrome_neighbourhood(lines, own)
    own_chrome = [c and not is_metadata(x.text) for c, x in zip(own, lines, strict=True)]  # widgets
    paired, credit_lines = pair_credits(lines, chrome)
    inline = {i: cap for i, x in enumerate(lines) if i not in paired and (cap := caption_of(x.text))}
    known = {caption_key(c) for c, _ in [*paired.values(), *inline.values()]}
    found = _Scan()
    prose = found.prose
    in_footer = False
    stamp_at = -2  # the last line that printed a date
    for i, x in enumerate(lines):
        line = x.text
        if i in paired:
            found.add_caption(*paired[i])
        elif i in inline:
            found.add_caption(*inline[i])
        elif i in credit_lines or (prose and words(line) <= CAPTION_MAX_WORDS and caption_key(line) in known):
            pass  # a credit, or a caption printed again without its credit
        elif prose and words(line) <= CHROME_MAX_WORDS and is_footer_start(line):
            in_footer = True
        elif in_footer:
            pass
        elif (header := _header(line, prose)) is not None:
            found.stamps.extend(header.stamps)
            found.authors.extend(header.authors)
            if header.stamps:
                stamp_at = i
                _author_line_above(lines, i, own_chrome, found)
        elif _is_author_line(line, i, stamp_at, own_chrome, prose):
            found.authors.extend(names_of(line))
        elif chrome[i]:
            pass
        else:
            prose.append(line)
    return found


def _header(line: str, prose: list[str]) -> Header | None:
    """A labelled date stamp ("פורסם: ...") anywhere but in the footer; a bare date or a byline in
    the page's header only (further down, "7 באוקטובר 2023" alone on a line is a subheading)."""
    # No word limit: a byline of ten writers and a stamp is 28 words; header_of refuses lines over
    # 200 characters and any segment that is not a stamp, a byline or names.
    if (header := _header_of(line)) is None:
        return None
    return header if any(s.labelled for s in header.stamps) or len(prose) <= HEADER_LINES else None


def _is_author_line(line: str, i: int, stamp_at: int, own_chrome: list[bool], prose: list[str]) -> bool:
    """A line of names directly under a date stamp in the page's header ("פורסם: ...", "דנה לוי")."""
    return (
        stamp_at == i - 1
        and 1 <= len(prose) <= HEADER_LINES
        and not own_chrome[i]
        and words(line) <= NAME_MAX_WORDS
        and is_name_line(line)
    )


def _author_line_above(lines: list[_Line], i: int, own_chrome: list[bool], found: _Scan) -> None:
    """A line of names directly above a date stamp, under the title or lead, is the byline
    ("דנה לוי" then "פורסם: 22.12.15 , 19:45"): taken back from the prose, or from the chrome when
    it shares a block with the stamp."""
    prose = found.prose
    if i == 0 or own_chrome[i - 1] or not 1 <= len(prose) <= HEADER_LINES + 1:
        return
    above = lines[i - 1].text
    if words(above) > NAME_MAX_WORDS or not is_name_line(above) or _header_of(above) is not None:
        return
    if prose[-1] == above and len(prose) >= 2:
        prose.pop()
    elif prose[-1] == above:
        return  # the title
    found.authors[:0] = names_of(above)


def _is_caption_candidate(lines: list[_Line], j: int, chrome: list[bool], credits: dict[int, str]) -> bool:
    """A line that can be an image's caption: short, not chrome, a credit, a captioned line or metadata."""
    if not 0 <= j < len(lines) or j in credits or chrome[j]:
        return False
    line = lines[j].text
    return words(line) <= CAPTION_MAX_WORDS and caption_of(line) is None and _header_of(line) is None


def _previous_content(i: int, chrome: list[bool], credits: dict[int, str]) -> int:
    """The nearest line above ``i`` that is neither chrome nor a credit (-1: none)."""
    return next((j for j in range(i - 1, -1, -1) if not chrome[j] and j not in credits), -1)


def pair_credits(lines: list[_Line], chrome: list[bool]) -> tuple[dict[int, tuple[str, str]], set[int]]:
    """Credit lines ("צילום: X" alone on a line) and the captions they credit, in either order:
    the caption under its credit (the seed's trailing block: credit, caption, the credit again) or
    over it. Returns caption line → (caption, credit) and the credit lines' indices.

    A credit takes its neighbour in the same block (else across a blank line) that can be a
    caption; with one on each side, a page's run of alternating captions and credits, punctuation
    (a paragraph ends with a period, a caption rarely does) and the page's other pairs decide."""
    credits = {i: c for i, x in enumerate(lines) if (c := bare_credit_of(x.text)) is not None}
    first_content = next((i for i in range(len(lines)) if not chrome[i] and i not in credits), -1)
    paired: dict[int, tuple[str, str]] = {}
    spent: set[int] = set()  # credits already used (the seed's repeated credit)
    votes = {-1: 0, 1: 0}  # caption above (-1) or below (+1) its credit, on this page so far

    def sides(i: int) -> list[int]:
        """The lines beside credit ``i`` that may be its caption: in its block, else across a blank
        line if unpunctuated (a paragraph ends with a period). Never the title, nor the line under
        a credit printed right under the title (the main image, credited without a caption)."""
        under_title = _previous_content(i, chrome, credits) == first_content

        def ok(j: int, same_block: bool) -> bool:
            return (
                j not in paired
                and not (j == first_content or (j > i and under_title))
                and _is_caption_candidate(lines, j, chrome, credits)
                and (lines[j].block == lines[i].block) == same_block
                and (same_block or not TERMINAL_PUNCTUATION.search(lines[j].text))
            )

        near = [j for j in (i - 1, i + 1) if ok(j, True)]
        return near or [j for j in (i - 1, i + 1) if ok(j, False)]

    def take(i: int, j: int) -> None:
        paired[j] = (lines[j].text, credits[i])
        votes[j - i] += 1
        spent.add(i)

    ambiguous: list[int] = []
    for i in sorted(credits):
        if i in spent:
            continue
        options = sides(i)
        again = credits.get(i + 2)
        if options == [i + 1] and again is not None and normalize(again) == normalize(credits[i]):
            take(i, i + 1)
            spent.add(i + 2)  # credit, caption, the same credit again
        elif len(options) == 1:
            take(i, options[0])
        elif options:
            ambiguous.append(i)
    for i in ambiguous:
        options = sides(i)
        if len(options) < 2:
            if options:
                take(i, options[0])
            continue
        take(i, _either_side(i, options, lines, credits, spent, votes))
    return paired, set(credits)


def _either_side(
    i: int, options: list[int], lines: list[_Line], credits: dict[int, str], spent: set[int], votes: dict
) -> int:
    """The caption of credit ``i`` when both neighbours can be: a run of alternating captions and
    credits takes the one above; else the one without final punctuation; else the page's habit."""
    above, below = options
    unpunctuated = [j for j in options if not TERMINAL_PUNCTUATION.search(lines[j].text)]
    if i + 2 in credits and i + 2 not in spent:
        return above  # caption, credit, caption, credit
    if len(unpunctuated) == 1:
        return unpunctuated[0]
    return above if votes[-1] > votes[1] else below


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
