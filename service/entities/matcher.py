"""Find gazetteer names in Hebrew text with one Aho-Corasick pass, prefix-aware.

Hebrew glues the prefixes ו ה ב כ ל מ ש (and chains of them: וכש, ומה, שב...) to the next word:
"בסוריה" is "ב" + "סוריה". A name found inside a word counts only when what precedes it in that
word is a valid prefix chain (or a chain and a hyphen: "ב-CNN"), it ends at a word boundary, and
the whole word is not itself a more common word (so "לבנון" is never "ל" + "בנון" and "שמעון"
never "ש" + "מעון") nor a word of the Hebrew dictionary ("מפלה" is no מ + פלה, see prefix_rule.py).
Overlaps go to the longest name ("באר שבע" over "שבע").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import ahocorasick

from service.entities.frequency import zipf
from service.entities.gazetteer import Gazetteer
from service.entities.prefix_rule import PrefixRule, build_rule

PREFIX_CHAIN = re.compile(r"^ו?(?:ש|כש|מש|לכש)?[בלכמ]?ה?$")
# How much more common (in zipf units, log10) the whole word may be than the name inside it
# before we believe the word rather than the prefix + name reading.
MAX_WORD_OVER_NAME_ZIPF = 0.6


def is_letter(c: str) -> bool:
    return c.isalnum()


@dataclass(frozen=True)
class Match:
    start: int  # where the name starts (after the prefix)
    end: int  # exclusive
    prefix: str
    candidates: tuple[tuple[str, bool], ...]  # (entity id, strong), strong readings first

    @property
    def span_start(self) -> int:
        return self.start - len(self.prefix)


def one_word_forms(gazetteer: Gazetteer) -> set[str]:
    return {s.form for s in gazetteer.surfaces if " " not in s.form}


class Matcher:
    def __init__(self, gazetteer: Gazetteer, prefix_rule: PrefixRule | None = None) -> None:
        """``prefix_rule``: built from the installed dictionary for the gazetteer's names unless given."""
        self.gazetteer = gazetteer
        self.prefix_rule = prefix_rule if prefix_rule is not None else build_rule(one_word_forms(gazetteer))
        grouped: dict[str, list[tuple[str, bool, bool]]] = {}
        for s in gazetteer.surfaces:
            grouped.setdefault(s.form, []).append((s.entity_id, s.strong, s.needs_prefix))
        self._automaton = ahocorasick.Automaton()
        for form, candidates in grouped.items():
            # Strong readings first, so that a name's usual meaning wins over a homograph.
            ordered = tuple(sorted(dict.fromkeys(candidates), key=lambda c: not c[1]))
            self._automaton.add_word(form, (form, ordered))
        self._automaton.make_automaton()

    def find(self, text: str) -> list[Match]:
        """Non-overlapping matches in ``text`` (already normalised), longest first."""
        search = text.lower().replace("-", " ")
        n = len(search)
        found: list[Match] = []
        for last, (form, candidates) in self._automaton.iter(search):
            start, end = last - len(form) + 1, last + 1
            if end < n and (is_letter(search[end]) or _inside_acronym(search, end)):
                continue
            prefix = self._prefix(text, search, start)
            if prefix is None:
                continue
            candidates = tuple(c for c in candidates if _prefix_fits(prefix, c[2]))
            if not candidates:
                continue
            if prefix and " " not in form and not self.prefix_rule.allows(prefix, form):
                continue  # "מפלה" is a word, not מ + פלה
            if prefix and not self._prefix_reading_plausible(
                search, start, end, prefix, form, candidates[0][2]
            ):
                continue
            if candidates:
                found.append(Match(start, end, prefix, tuple((c[0], c[1]) for c in candidates)))
        return _longest_first(found)

    @staticmethod
    def _prefix(text: str, search: str, start: int) -> str | None:
        """The prefix glued to the name (possibly ""), or None when the name starts mid-word."""
        i = start
        while i > 0 and is_letter(search[i - 1]):
            i -= 1
        if i == start:
            # "ב-CNN": a prefix chain and a hyphen (search has the hyphen as a space).
            if start >= 2 and text[start - 1] == "-":
                j = start - 1
                while j > 0 and is_letter(search[j - 1]):
                    j -= 1
                glued = search[j : start - 1]
                if glued and PREFIX_CHAIN.match(glued) and (j == 0 or not is_letter(search[j - 1])):
                    return text[j:start]
            return ""
        glued = search[i:start]
        return glued if PREFIX_CHAIN.match(glued) else None

    @staticmethod
    def _prefix_reading_plausible(
        search: str, start: int, end: int, prefix: str, form: str, bare: bool
    ) -> bool:
        """Is "prefix + name" likelier than the whole word being a word of its own?"""
        if prefix.endswith("-") or " " in form:
            return True
        whole = prefix + search[start:end]
        # A bare form (קרמלין) is rare alone: compare with the name as written (הקרמלין).
        name_zipf = max(zipf(form), zipf("ה" + form)) if bare else zipf(form)
        return zipf(whole) - name_zipf <= MAX_WORD_OVER_NAME_ZIPF


def _prefix_fits(prefix: str, bare: bool) -> bool:
    """Names do not take the article ה ("הישראל" is not Hebrew), except behind a hyphen ("ה-BBC");
    the bare form of a name that does take it (כנסת of הכנסת, ארץ for Israel) stands only behind
    a preposition that absorbs the article (בכנסת, לארץ, מהכנסת)."""
    glued = prefix.rstrip("-")
    if bare:
        return any(c in glued for c in "בלכמ")
    return prefix.endswith("-") or not glued.endswith("ה")


def _inside_acronym(search: str, i: int) -> bool:
    return search[i] in "\"'" and i + 1 < len(search) and is_letter(search[i + 1])


def _longest_first(matches: list[Match]) -> list[Match]:
    chosen: list[Match] = []
    taken: list[tuple[int, int]] = []
    for m in sorted(matches, key=lambda m: (-(m.end - m.start), len(m.prefix), m.start)):
        lo, hi = m.span_start, m.end
        if all(hi <= a or lo >= b for a, b in taken):
            chosen.append(m)
            taken.append((lo, hi))
    return sorted(chosen, key=lambda m: m.start)
