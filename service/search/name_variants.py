"""Did you mean, from the gazetteer: a query's misspelt or foreign-script names → the spelling the
archive uses (``Putin`` → פוטין, ``אובאמה`` → אובמה, ``לנתנייהו`` → לנתניהו).

The term suggester only knows the index's words, so it corrects a rare name to a frequent word
(ירושליים → ירושלמים) and cannot cross scripts (Putin → purin). The gazetteer knows how each person,
place and organisation is written, in Hebrew and in English. A query word (or a span of two or three
words) is matched to it by, in order:

- an English name, case-insensitively: the full name (``Vladimir Putin``, ``Hamas``) gives the
  canonical Hebrew name, a surname alone (``Putin``) the same word of the Hebrew name;
- an exact Hebrew surface (behind any prefix) that is a spelling variant of the canonical name's word
  (alias טרמפ of דונלד טראמפ → טראמפ): variants of one name are one entity, written one way;
- otherwise a small edit distance (rapidfuzz) to a Hebrew surface, after stripping prefixes, which
  are put back (לאובאמה → לאובמה). A word that is itself a common Hebrew word is corrected only to a
  name far more common than it (wordfreq), so רבים is never "corrected" to רבין.

This module decides only what a variant would be; ``spelling.suggestion`` decides, by counting on the
index, whether to offer it. It is built from the gazetteer (the application passes it, since the
read side does not import the entities package), lazily, once per application.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from wordfreq import zipf_frequency

from service.normalize import normalize
from service.search.lazy import Lazy

PREFIX_LETTERS = "והבכלמש"  # Hebrew's one-letter prefixes, which combine (ו+ב, ש+ה, ו+כש…)
MAX_PREFIX = 3
MIN_FUZZY_LETTERS = 5  # shorter words have too many neighbours at one edit (חדוה, רפוי)
MAX_SPAN = 3  # English full names up to three words; Hebrew spans up to two
# wordfreq's Zipf scale: a word this frequent is a real word (הכנס 4.2, תישן 3.5, מיליון 5.5), not a
# misspelt name (אובאמה 3.1, ירושליים 2.5, נתנייהו 0), and a name is offered for a rarer word only
# when it is ten times as frequent (one step).
COMMON_ZIPF = 3.3
MUCH_MORE_COMMON = 1.0

# A word: letters and digits, with the acronym and transliteration marks inside or after it (צה"ל, ג'ורג').
WORD = re.compile(r"\w+(?:['\"]\w+)*'?")
HEBREW = re.compile(r"[\u05d0-\u05ea]")


def max_edits(form: str) -> int:
    """Edits allowed to reach a name: none under five letters, one up to seven, two from eight."""
    letters = len(form.replace(" ", ""))
    return 0 if letters < MIN_FUZZY_LETTERS else 1 if letters < 8 else 2


def prefix_splits(word: str) -> list[tuple[str, str]]:
    """(prefix, rest) readings of a Hebrew word, the whole word first: לאובאמה → ("", לאובאמה),
    ("ל", אובאמה). The rest keeps at least three letters."""
    splits = [("", word)]
    for n in range(1, MAX_PREFIX + 1):
        if len(word) - n < 3 or word[n - 1] not in PREFIX_LETTERS:
            break
        splits.append((word[:n], word[n:]))
    return splits


def zipf(text: str) -> float:
    return zipf_frequency(text, "he")


def plausible(typed: str, rest: str, spelling: str) -> bool:
    """Whether ``typed`` (``rest`` once its prefix is stripped) reads as a misspelling of the name
    ``spelling``: a rare form, of a much more frequent name. The whole word counts too: ה+חלפה is
    not חיפה, because החלפה is a word."""
    frequency = max(zipf(typed), zipf(rest))
    return frequency < COMMON_ZIPF and zipf(spelling) >= frequency + MUCH_MORE_COMMON


class SurfaceLike(Protocol):
    @property
    def form(self) -> str: ...
    @property
    def entity_id(self) -> str: ...
    @property
    def strong(self) -> bool: ...
    @property
    def needs_prefix(self) -> bool: ...


class EntityLike(Protocol):
    @property
    def type(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def en(self) -> str: ...


class GazetteerLike(Protocol):
    """What ``NameVariants`` reads of ``service.entities.gazetteer.Gazetteer`` (the read side does
    not import the entities package)."""

    @property
    def entities(self) -> Mapping[str, EntityLike]: ...
    @property
    def surfaces(self) -> Sequence[SurfaceLike]: ...


@dataclass(frozen=True)
class Name:
    """One way an entity is written, with the entity's canonical Hebrew and English names."""

    form: str  # normalised, lower-cased, without prefixes
    canonical: str  # the entity's canonical Hebrew name
    en: str = ""
    person: bool = False  # a person's English surname alone names them (Putin); not so for places
    strong: bool = True  # weak forms (homographs) are known words, never a correction's target


def canonical_word(form: str, canonical: str) -> str:
    """The canonical name's spelling of ``form`` when ``form`` is a spelling variant of it (or of one
    of its words): טרמפ in דונלד טראמפ → טראמפ. Otherwise ``form`` itself (ביבי is no spelling of
    בנימין נתניהו, only a nickname)."""
    n = len(form.split())
    words = canonical.split()
    spans = [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]
    if form in spans or not spans:
        return form
    best = min(spans, key=lambda s: Levenshtein.distance(form, s))
    # The form is already known to name the entity: one edit is a variant even in four letters.
    limit = max(max_edits(form), 1 if len(form) >= 4 else 0)
    return best if 0 < Levenshtein.distance(form, best) <= limit else form


class NameVariants:
    """The gazetteer's spellings, indexed for ``variant``."""

    def __init__(self, names: Iterable[Name]) -> None:
        self.known: set[str] = set()  # every form, strong or weak
        self.english: dict[str, str] = {}  # an English name or Latin form → the canonical Hebrew name
        spellings: dict[str, list[str]] = defaultdict(list)  # a strong Hebrew form → canonical spellings
        surnames: dict[str, Counter[str]] = defaultdict(Counter)
        for name in names:
            self.known.add(name.form)
            if name.en:
                self.english.setdefault(name.en.lower(), name.canonical)
                en_words, he_words = name.en.lower().split(), name.canonical.split()
                if name.person and len(en_words) == len(he_words) >= 2:
                    surnames[en_words[-1]][he_words[-1]] += 1
            if name.form.isascii():
                self.english.setdefault(name.form, name.canonical)
            elif name.strong and HEBREW.search(name.form):
                spellings[name.form].append(canonical_word(name.form, name.canonical))
        for en_word, hebrew in surnames.items():
            self.english.setdefault(en_word, hebrew.most_common(1)[0][0])
        # A form that some entity spells that way stays as it is: only a variant of every name it
        # stands for is rewritten.
        self.canonical = {f: f if f in s else s[0] for f, s in spellings.items()}
        self.targets: dict[int, list[str]] = defaultdict(list)  # Hebrew strong forms by length
        for form in self.canonical:
            self.targets[len(form)].append(form)

    @classmethod
    def from_gazetteer(cls, gazetteer: GazetteerLike) -> NameVariants:
        def names() -> Iterable[Name]:
            for s in gazetteer.surfaces:
                entity = gazetteer.entities[s.entity_id]
                person = entity.type == "person"
                yield Name(s.form, entity.name, entity.en, person, s.strong and not s.needs_prefix)

        return cls(names())

    # -- matching ---------------------------------------------------------------------------------

    def _english(self, span: str) -> str | None:
        return self.english.get(span.lower()) if span.isascii() else None

    def _exact(self, span: str) -> tuple[str, str] | None:
        """(prefix, rest) of a reading of ``span`` that is a known form, the fewest prefix letters first."""
        for prefix, rest in prefix_splits(span):
            if rest.lower() in self.known:
                return prefix, rest
        return None

    def _nearest(self, form: str) -> tuple[int, str] | None:
        """The closest strong Hebrew form within ``max_edits``, ties to the more frequent spelling."""
        k = max_edits(form)
        if not k or not HEBREW.search(form):
            return None
        choices = [c for n in range(len(form) - k, len(form) + k + 1) for c in self.targets.get(n, ())]
        found = process.extract(form, choices, scorer=Levenshtein.distance, score_cutoff=k, limit=None)
        if not found:
            return None
        distance, best = min((d, -zipf(self.canonical[c]), c) for c, d, _ in found)[::2]
        return distance, best

    def _fuzzy(self, span: str) -> str | None:
        """The corrected spelling of a Hebrew ``span`` (its prefix kept), or None."""
        best: tuple[int, int, str] | None = None
        for prefix, rest in prefix_splits(span):
            near = self._nearest(rest)
            if near and (best is None or (near[0], len(prefix)) < best[:2]):
                best = (near[0], len(prefix), prefix + self.canonical[near[1]])
        if best is None or not plausible(span, span[best[1] :], best[2][best[1] :]):
            return None  # a real word (רבים, הכנס), not a misspelt name (רבין, הכנסת)
        return best[2]

    def _span_variant(self, span: str) -> str | None:
        """The variant of one span: None when it is no name (leave it), the span itself when it is
        one spelt as the archive spells it."""
        english = self._english(span)
        if english:
            return english
        exact = self._exact(span)
        if exact:
            prefix, rest = exact
            spelling = self.canonical.get(rest, rest)
            # Another spelling of the name (טרמפ of טראמפ), unless it is a word of its own (hitchhike).
            return prefix + spelling if spelling == rest or plausible(span, rest, spelling) else span
        return None

    def variant(self, text: str) -> str | None:
        """``text`` with its names spelt as the gazetteer spells them, or None when nothing changes.
        Words are rewritten in place; quotes, exclusions and other words are kept as typed."""
        normalized = normalize(text)
        words = list(WORD.finditer(normalized))
        out, at, i, changed = [], 0, 0, False
        while i < len(words):
            replaced = None
            for n in range(min(MAX_SPAN, len(words) - i), 0, -1):
                start, end = words[i].start(), words[i + n - 1].end()
                span = normalized[start:end]
                if n > 1 and " ".join(w.group() for w in words[i : i + n]) != span:
                    continue  # not plain words separated by one space
                found = self._span_variant(span)
                if found is None and n <= 2:
                    found = self._fuzzy(span)
                if found is not None:
                    replaced = (n, start, end, found)
                    break
            if replaced is None:
                i += 1
                continue
            n, start, end, found = replaced
            if found != normalized[start:end]:
                out += [normalized[at:start], found]
                at, changed = end, True
            i += n
        return "".join([*out, normalized[at:]]) if changed else None


class LazyNameVariants(Lazy[NameVariants]):
    """``NameVariants`` built on first use from ``load()`` (a gazetteer, itself loaded once)."""

    def __init__(self, load: Callable[[], GazetteerLike]) -> None:
        super().__init__(lambda: NameVariants.from_gazetteer(load()))

    def variant(self, text: str) -> str | None:
        return self.get().variant(text)
