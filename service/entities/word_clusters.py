"""Word clusters learned from the unlabelled news corpus, a feature for the NER model.

A name no list knows still shares its cluster with names the model has seen in training (the cluster
groups words used in the same contexts), so the cluster lets the model generalise to unseen names.
The table is built by scripts/train_word_clusters.py; one line per word, ``word<TAB>CC-FF``: ``CC`` a
coarse cluster, ``FF`` a fine cluster inside it, so ``code[:2]`` is the coarse one.
"""

from __future__ import annotations

import re
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "word_clusters.tsv"

# Clitic letters that may precede a word (ו ה ב כ ל מ ש), chained up to three (ושכש... is rarer).
CLITICS = frozenset("ובהכלמש")
MAX_CLITICS = 3
# Stripped forms shorter than this are too ambiguous to stand for the word.
MIN_STEM = 2
# Marks the tokeniser never leaves at a word's end.
_TRAILING = "'\""
NUMBER = "#"  # every number is one token to word2vec; it has no line in the table

# Hebrew words keep internal gershayim/geresh (צה"ל, ג'ורג); Latin words internal apostrophes and dots;
# hyphens, quotes around words and all other marks separate tokens.
TOKEN_RE = re.compile(r"[א-ת]+(?:['\"][א-ת]+)*|[A-Za-z]+(?:['.][A-Za-z]+)*|[0-9]+(?:[.,:/][0-9]+)*")


def tokens(text: str) -> list[str]:
    """The tokens of normalised ``text`` as the table stores them (Latin lowercased, numbers as ``#``)."""
    out = []
    for match in TOKEN_RE.finditer(text):
        token = match.group()
        out.append(NUMBER if token[0].isdigit() else token.lower())
    return out


def token_key(token: str) -> str:
    """The form under which the table stores ``token``: Latin lowercased, no trailing geresh or quote."""
    return token.rstrip(_TRAILING).lower()


class WordClusters:
    """Lookup of a token's cluster code; tokens outside the table have none (``None``)."""

    def __init__(self, table: dict[str, str]) -> None:
        self._table = table

    @classmethod
    def load(cls, path: Path | None = None) -> WordClusters:
        """Read the TSV; an absent default file gives an empty table so the service runs without it."""
        source = path or DEFAULT_PATH
        if path is None and not source.exists():
            return cls({})
        table: dict[str, str] = {}
        with source.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                word, sep, code = line.rstrip("\n").partition("\t")
                if not sep or not word or not code:
                    raise ValueError(f"{source}:{number}: expected 'word<TAB>cluster', got {line!r}")
                table[word] = code
        return cls(table)

    def __len__(self) -> int:
        return len(self._table)

    def __contains__(self, token: object) -> bool:
        return isinstance(token, str) and token_key(token) in self._table

    def get(self, token: str) -> str | None:
        """The cluster of the token as written (prefixes included), or None."""
        return self._table.get(token_key(token))

    def get_stripped(self, token: str) -> str | None:
        """The cluster of the token without its clitic prefix: the shortest strip (1-3 letters) known."""
        key = token_key(token)
        for n in range(1, MAX_CLITICS + 1):
            if len(key) - n < MIN_STEM or key[n - 1] not in CLITICS:
                break
            code = self._table.get(key[n:])
            if code is not None:
                return code
        return None
