"""The near-duplicate key of an article (``dup_key`` in ``index_mappings/articles.json``): articles
with the same key are one story to a reader (the same wire item in two sources, a republished or
lightly edited copy), and the search shows one of them with "N similar".

One keyword per article, so that the search can ``collapse`` on it. A single key cannot hold
"≥ 90 % identical" exactly (that relation is not transitive), so it is a min-hash: the text's word
shingles (SHINGLE_WORDS words in a row, digits and punctuation dropped), each hashed, and the key
is the smallest KEY_HASHES hashes. Identical texts always share it; near copies usually do (the
chance grows with the share of shingles in common); texts that merely share a passage (a quote,
boilerplate) rarely. Measured on 14,059 real Hebrew texts of 60+ words (../shared/data/corpus) with
10 % of each text edited: 10 % appended 81 %, a 10 % block deleted 75 %, replaced 62 %, every tenth
word replaced 25 %; and 38 of the corpus's texts were keyed with one sharing less than half its
words (old newspapers' repeated ads), against 777 with one sharing 80 % or more. One hash (instead
of two) caught more copies (81-91 % of the block edits) but merged 14 times as many unrelated texts,
since a common shingle with a small hash then keys every text that has it. Shorter text than
MIN_WORDS cannot be compared so: a short article is keyed by its source, normalised title and
words (the same item posted again), a headline-only one by source and title, as the issue asks
("same source, same title"). Not by source and title alone when there is text: many short items of
one source share a title ("מבזק", or a test's "ידיעה") and say different things.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

from service.model import Article
from service.normalize import normalize

SHINGLE_WORDS = 4
KEY_HASHES = 2
MIN_WORDS = 30  # fewer words of text than this: keyed by source and title
_WORD = re.compile(r"[^\W\d_]+")  # letters only: digits, punctuation and quotes dropped


def words(text: str) -> list[str]:
    """The words of ``text`` as compared: normalised, lower case, letters only (צה"ל → צה, ל)."""
    return _WORD.findall(normalize(text).lower())


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


def text_key(text_words: list[str]) -> str:
    """The min-hash of the word shingles: the same for the same text, and likely for a near copy."""
    n = SHINGLE_WORDS
    shingles = {" ".join(text_words[i : i + n]) for i in range(max(1, len(text_words) - n + 1))}
    smallest = sorted(_hash(s) for s in shingles)[:KEY_HASHES]
    return "t:" + "".join(f"{h:016x}" for h in smallest)


def title_key(source: str, title: str, text_words: Sequence[str] = ()) -> str:
    """Source, normalised title and (short) text: the same item from the same source."""
    item = chr(31).join([source.strip().lower(), " ".join(words(title)), " ".join(text_words)])
    return f"h:{_hash(item):016x}"


def dup_key(article: Article) -> str:
    """The article's key: its text's (lead and body; titles and captions differ between copies of a
    story) when it has MIN_WORDS words, else its source's, title's and text's."""
    text = " ".join(p.text for p in article.parts if p.kind in ("lead", "body"))
    text_words = words(text)
    if len(text_words) >= MIN_WORDS:
        return text_key(text_words)
    return title_key(article.source, article.title, text_words)
