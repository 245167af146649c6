"""Hebrew text normalisation, applied identically at index time and at query time.

The local Elasticsearch has no ``analysis-common`` module, so there are no char filters:
everything the analyzers cannot do is done here, before text reaches the index or a query.
The original display text is always kept separately; this is only for matching.
"""

from __future__ import annotations

import re
import unicodedata

HEBREW_LETTER = "\u05d0-\u05ea"

# Maqaf (Hebrew hyphen) is a hyphen: "בית־ספר" and "בית-ספר" are one hyphenated word to the query parser
# (the phrase of its pieces) and the same tokens to the index, whose tokenizer splits at either.
MAQAF = "\u05be"

# Points and cantillation (U+0591-U+05C7) except the maqaf and the punctuation marks that stand
# between words (paseq, sof pasuq, nun hafukha), which become spaces.
_POINTS = [chr(c) for c in range(0x0591, 0x05C8) if chr(c) not in "\u05be\u05c0\u05c3\u05c6"]

# Bidi controls and invisible joiners that scraped pages are full of.
_INVISIBLE = [
    "\u200b",
    "\u200c",
    "\u200d",
    "\u200e",
    "\u200f",  # zero-width space/joiners, LRM, RLM
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",  # embeddings and overrides
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",  # isolates
    "\u061c",
    "\ufeff",
    "\u00ad",  # Arabic letter mark, BOM, soft hyphen
]

_TABLE = str.maketrans(
    {
        **{c: None for c in _POINTS + _INVISIBLE},
        MAQAF: "-",
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u05c0": " ",
        "\u05c3": " ",
        "\u05c6": " ",
        "\u05f4": '"',  # Hebrew punctuation gershayim
        "\u05f3": "'",  # Hebrew punctuation geresh
        "\u00a0": " ",  # no-break space
        "\u2007": " ",
        "\u202f": " ",
    }
)

# Quote-like marks typed for gershayim between Hebrew letters (צה”ל) and for geresh after a
# Hebrew letter (ג’ורג’, פרופ’); elsewhere they are real quotation marks and stay as they are.
_DOUBLE_LIKE = "\u201c\u201d\u201e\u201f\u2033\u02ba\uff02"
_SINGLE_LIKE = "\u2018\u2019\u201a\u201b\u2032\u02b9\u02bc\u00b4\u0060"
_GERSHAYIM_RE = re.compile(f"(?<=[{HEBREW_LETTER}])[{_DOUBLE_LIKE}](?=[{HEBREW_LETTER}])")
_GERESH_RE = re.compile(f"(?<=[{HEBREW_LETTER}])[{_SINGLE_LIKE}]")
# Gershayim typed as two apostrophes or two quotes (צה''ל, צה""ל, צה׳׳ל): one gershayim, so that the
# tokenizer keeps the acronym one token (it splits at two marks: צה, ל) and every spelling agrees.
_DOUBLED_RE = re.compile(
    f"(?<=[{HEBREW_LETTER}])(?:[{_SINGLE_LIKE}']{{2}}|[{_DOUBLE_LIKE}\"]{{2}})(?=[{HEBREW_LETTER}])"
)
# Runs of two or more spaces, or any other horizontal white space (a single space is left alone,
# which keeps the substitution cheap on ordinary text).
# A Hebrew prefix glued to a Latin word ("בDrag", "וGoogle"): the tokenizer would keep them as one
# token, so the prefix is set apart with a hyphen ("ב-Drag"), which the query parser reads as a prefix.
_PREFIX_ON_LATIN_RE = re.compile(r"(?<![\w\"'])([ובלהמכש]{1,3})(?=[A-Za-z])")
_SPACES_RE = re.compile(r"[ \t\f\v]{2,}|[\t\f\v]")
# Anything the translation table changes; most text has none of it and skips the translation.
_TRANSLATED_RE = re.compile(
    "["
    + "".join(re.escape(c) for c in (_POINTS + _INVISIBLE))
    + "\u05be\u05c0\u05c3\u05c6\u05f3\u05f4\u00a0\u2007\u202f\u2010\u2011]"
)


def normalize(text: str) -> str:
    """Return ``text`` ready for matching: no points, no bidi marks, ASCII gershayim and geresh, hyphens."""
    if not text:
        return ""
    if _TRANSLATED_RE.search(text):
        text = text.translate(_TABLE)
    double_like = any(c in text for c in _DOUBLE_LIKE)
    single_like = any(c in text for c in _SINGLE_LIKE)
    if double_like or single_like or "''" in text or '""' in text:
        text = _DOUBLED_RE.sub('"', text)
    if double_like:
        text = _GERSHAYIM_RE.sub('"', text)
    if single_like:
        text = _GERESH_RE.sub("'", text)
    if not unicodedata.is_normalized("NFKC", text):
        # Presentation forms (U+FB2A שׁ) and full-width letters decompose into plain letters
        # plus points, which the second pass strips.
        text = unicodedata.normalize("NFKC", text).translate(_TABLE)
    if _PREFIX_ON_LATIN_RE.search(text):
        text = _PREFIX_ON_LATIN_RE.sub(r"\1-", text)
    return _SPACES_RE.sub(" ", text).strip()
