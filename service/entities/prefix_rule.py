"""May a prefix be stripped from a word to find a name in it? Only where Hebrew allows it.

Hebrew glues ו ה ב כ ל מ ש to the next word, so a name can hide inside an ordinary word: "מפלה"
(defeat) reads as מ + פלה (Pelé), "בסיסי" (basic) as ב + סיסי (al-Sisi), "שביבי" (sparks of) as
ש + ביבי (Netanyahu). The rule: when the whole form is a word of Debian's Hebrew dictionary
(hunspell-he's he_IL.dic, generated from hspell), the prefix is not stripped, unless hspell's own
analysis reads the form as that prefix plus a proper noun (מסוריה = מ + סוריה, מצרפת, ליוון): typed
evidence that the name reading is Hebrew too, left to the matcher's frequency test.
"לפוטין", "ונתניהו", "בישראל" are no dictionary words, so they are untouched.

The dictionaries (GPL/AGPL) are read where Debian installs them, never copied into the project.
Without them (an image lacking hunspell-he or hspell) the rule is off, the matcher keeps its
frequency test alone, and a warning says so once per process.
"""

from __future__ import annotations

import itertools
import logging
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

log = logging.getLogger(__name__)

HSPELL_DIC = Path("/usr/share/hunspell/he_IL.dic")
HSPELL_ENCODING = "iso-8859-8"
SPLIT = "צירוף חוקי: "  # hspell -l: "prefix+word", then that reading's analyses
END = "שגיאות כתיב"  # hspell -l: the list of unknown words follows
PROPER_NOUN = "פרטי"  # hspell's tag of a proper noun: סוריה(ע,נ,פרטי)
# Every chain PREFIX_CHAIN (matcher.py) accepts: ו?(ש|כש|מש|לכש)?[בלכמ]?ה?
_CHAIN_PARTS = (("", "ו"), ("", "ש", "כש", "מש", "לכש"), ("", "ב", "ל", "כ", "מ"), ("", "ה"))
CHAINS = frozenset("".join(parts) for parts in itertools.product(*_CHAIN_PARTS)) - {""}
CHAIN_HEADS = frozenset(c[:i] for c in CHAINS for i in range(1, len(c) + 1))  # what a chain starts with
PREFIX_LETTERS = frozenset("ובכלמשה")
MAX_CHAIN = max(map(len, CHAINS))


@dataclass(frozen=True)
class PrefixRule:
    """The (prefix, name) splits that the dictionary forbids, for the names it was built for."""

    blocked: frozenset[tuple[str, str]] = frozenset()
    available: bool = False  # False: no dictionary, the rule forbids nothing

    def allows(self, prefix: str, rest: str) -> bool:
        """May ``prefix`` + ``rest`` be read as a prefix and ``rest``? A hyphen ("ב-CNN") always may."""
        return prefix.endswith("-") or (prefix, rest) not in self.blocked


def build_rule(names: Iterable[str], dic: Path = HSPELL_DIC) -> PrefixRule:
    """The rule for ``names`` (one-word forms, lower-cased), from the installed dictionaries."""
    hspell = shutil.which("hspell")
    if not dic.exists() or hspell is None:
        missing = str(dic) if not dic.exists() else "the hspell command"
        _warn_once(
            f"{missing} is missing (Debian's hunspell-he and hspell): prefixes are stripped by word frequency"
        )
        return PrefixRule()
    try:
        return PrefixRule(_blocked(frozenset(names), dic, hspell), available=True)
    except (OSError, UnicodeError, RuntimeError, subprocess.TimeoutExpired) as e:
        _warn_once(f"the Hebrew dictionary could not be read ({e}): prefixes are stripped by word frequency")
        return PrefixRule()


@cache
def _blocked(names: frozenset[str], dic: Path, hspell: str) -> frozenset[tuple[str, str]]:
    """Cached: tests and workers build several matchers over the same names."""
    collisions = word_collisions(dic, names)
    proper = proper_noun_splits(hspell, sorted({p + r for p, r in collisions}))
    return frozenset(collisions - proper)


def word_collisions(dic: Path, names: frozenset[str]) -> set[tuple[str, str]]:
    """Every (prefix, name) whose concatenation is a dictionary word, streaming the 470,000 lines
    (a set of them all would hold about 80 MB). The file ends with bare prefix chains without flags
    ("שמשבכ"), there for hunspell's sake: they are no words."""
    found: set[tuple[str, str]] = set()
    with open(dic, encoding="utf-8") as f:
        next(f, None)  # the word count
        for line in f:
            if line[:1] not in PREFIX_LETTERS:
                continue
            form, flagged, _ = line.strip().partition("/")
            if not flagged and set(form) <= PREFIX_LETTERS:
                continue
            for k in range(1, min(MAX_CHAIN, len(form) - 2) + 1):
                head = form[:k]
                if head not in CHAIN_HEADS:
                    break
                if head in CHAINS and form[k:] in names:
                    found.add((head, form[k:]))
    return found


def proper_noun_splits(hspell: str, words: list[str]) -> set[tuple[str, str]]:
    """The (prefix, rest) readings of ``words`` that hspell analyses as a prefix and a proper noun."""
    if not words:
        return set()
    data = "\n".join(words).encode(HSPELL_ENCODING, errors="replace") + b"\n"
    done = subprocess.run([hspell, "-l"], input=data, capture_output=True, check=False, timeout=120)
    if done.returncode not in (0, 1):  # 1: some words are unknown
        raise RuntimeError(f"hspell -l failed ({done.returncode}): {done.stderr.decode(errors='replace')}")
    return parse_proper_splits(done.stdout.decode(HSPELL_ENCODING, errors="replace").splitlines())


def parse_proper_splits(lines: Iterable[str]) -> set[tuple[str, str]]:
    """``hspell -l`` output → the (prefix, rest) splits with a proper-noun analysis."""
    proper: set[tuple[str, str]] = set()
    split: tuple[str, str] | None = None
    for line in lines:
        if line.startswith(END):
            break
        if line.startswith(SPLIT):
            prefix, _, rest = line[len(SPLIT) :].strip().partition("+")
            split = (prefix, rest)
        elif not line.startswith("\t"):
            split = None  # a whole-word reading ("מילה חוקית") or anything else
        elif split is not None and PROPER_NOUN in line:
            proper.add(split)
    return proper


@cache
def _warn_once(message: str) -> None:
    log.warning(message)
