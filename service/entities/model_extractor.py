"""The statistical extractor: the NER model (``ner.py``) finds the spans, the gazetteer names them.

Why both: the model finds the people no list knows from their context (a role word, a verb of
saying, a following surname), where the gazetteer's rules miss about half of them on unseen news;
the gazetteer knows what a span IS: its canonical entity (פוטין, לפוטין → ולדימיר פוטין), its
aliases, its homographs that need support. So a span the gazetteer knows with the model's type gets
that entity; any other span a stable id from its name (``slug_id``). As in ``GazetteerExtractor``,
a surname alone is linked to the full name the article mentions, and photo credits are kept.
Where the rule-based extractor finds a mention the model missed (no model span overlaps it), it is
added for the types in ``union``, chosen by measurement on NEMO dev with ``bench/eval_entities.py``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from service.entities.extractor import (
    PARTICLES,
    TOKEN,
    ArticleEntities,
    GazetteerExtractor,
    Mention,
    _Token,
    is_country,
    people_of,
    slug_id,
    with_credits,
)
from service.entities.gazetteer import Entity
from service.entities.matcher import PREFIX_CHAIN
from service.entities.ner_lexicon import Lexicon, dictionary_path

# The types whose rule-based mentions join the model's spans (measured on dev: see the README).
DEFAULT_UNION: frozenset[str] = frozenset({"place", "organisation"})


class SpanModel(Protocol):
    """What the extractor needs of a NER model (``service.entities.ner.NerModel``)."""

    def spans(self, text: str) -> list[tuple[int, int, str]]: ...


def _form(surface: str) -> str:
    """A span as the gazetteer writes its surface forms: lower case, hyphens as spaces."""
    return " ".join(surface.lower().replace("-", " ").split())


# A period after a word of three letters or more ends a sentence; after an initial it does not
# ("פרל ס. בק", "סט. פאולי" are NEMO names).
SENTENCE_END = re.compile(r"(?<=\w\w\w)[.!?](?=\s)")


def _sentence_pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A span cut where a sentence ends inside it: "פוטין. פורושנקו" is two people, not one."""
    pieces, at = [], start
    for m in SENTENCE_END.finditer(text, start, end):
        pieces.append((at, m.start()))
        at = m.end()
        while at < end and text[at].isspace():
            at += 1
    pieces.append((at, end))
    return [(s, e) for s, e in pieces if e > s]


# Where a span's second and later words start.
LEADING_WORD = re.compile(r"(?<=\S)\s+(?=\S)")
# The word right before a span, when only spaces part them.
FIRST_NAME_BEFORE = re.compile(r"(?<![\w'\"])([\w'\"]+)[ \t]+$")
# Words of a report of a game: a town the model reads as an organisation there is a team.
SPORT_WORDS = frozenset(
    [
        "ליגה",
        "הליגה",
        "בליגה",
        "משחק",
        "המשחק",
        "במשחק",
        "המשחקים",
        "שערים",
        "השערים",
        "נקודות",
        "נק",
        "ניצחה",
        "ניצח",
        "הפסידה",
        "הפסיד",
        "גביע",
        "בגביע",
        "קבוצה",
        "הקבוצה",
        "קבוצת",
        "מאמן",
        "המאמן",
        "שחקני",
        "כדורסל",
        "כדורגל",
        "אליפות",
        "האליפות",
        "מחזור",
        "במחזור",
    ]
)
# Nouns after which a town's name means the place, not its team or council.
TOWN_WORDS = frozenset({"עיר", "העיר", "העיירה", "עיירה", "מדינת", "המדינה", "מחוז", "המחוז", "כפר", "הכפר"})
# The pieces of a hyphenated span, without the spaces around its hyphens.
HYPHENED = re.compile(r"[^-\s](?:[^-]*[^-\s])?")


# Characters that never begin or end a name: the model's spans take in a dash, a quotation mark
# or a run of dots on noisy text ("—", "„פאליטיק", "תמימה........."). A geresh may end one (ג'ורג').
EDGE = ' \t\n"„“”«»-–—.,;:()[]{}*!?…/\\|<>~^_·•'
# Honorifics around a person's name that are not part of it (NEMO leaves titles out): ר' (rabbi),
# ה' and מו"ה (mister, in the old press) before it, ז"ל or נ"י (of blessed memory, may he live) after it.
HONORIFICS_BEFORE = frozenset({"ר'", "ה'", "הר'", 'מו"ה', 'מוהר"ר', 'כ"ה', 'כה"ר', 'כמ"ר', "מר", "גב'"})
HONORIFICS_AFTER = frozenset(
    {'ז"ל', 'זצ"ל', 'זצוק"ל', 'זלה"ה', 'ע"ה', 'הי"ד', 'נ"י', "ני'", 'נ"ע', 'שליט"א', 'יצ"ו', 'הי"ו', 'ס"ט'}
)


WORD = re.compile(r"\S+")


def _trimmed(text: str, start: int, end: int, entity_type: str) -> tuple[int, int] | None:
    """The span without punctuation at its edges and, for a person, without honorifics; None when
    what is left has fewer than two letters (no name is made of dashes, quotes or a lone initial).
    Every step moves an edge by a whole word or character, so it ends."""
    while True:
        while start < end and text[start] in EDGE + "'":
            start += 1
        while end > start and text[end - 1] in EDGE:
            end -= 1
        words = [(start + m.start(), start + m.end()) for m in WORD.finditer(text[start:end])]
        if entity_type != "person" or not words:
            break
        first, last = text[slice(*words[0])], text[slice(*words[-1])]
        if len(words) > 1 and first in HONORIFICS_BEFORE:
            start = words[1][0]
        elif len(words) > 1 and last in HONORIFICS_AFTER:
            end = words[-2][1]
        elif len(words) == 1 and (first in HONORIFICS_BEFORE or first in HONORIFICS_AFTER):
            return None
        else:
            break
    if sum(c.isalpha() for c in text[start:end]) < 2:
        return None
    return start, end


# The word after a name's closing particle: "אדמונד דה" ends in דה, so "רוטשילד" belongs to it.
NEXT_WORD = re.compile(r"[ \t-]+(\w[\w'\"]*\w|\w)")


def _past_particle(text: str, start: int, end: int) -> int:
    """A person's span never ends in a particle (דה, בן, אל, פון): it takes in the word after it."""
    words = text[start:end].split()
    if len(words) < 2 or words[-1] not in PARTICLES:
        return end
    m = NEXT_WORD.match(text, end)
    return m.end() if m else end


@dataclass
class _Support:
    """What in an article supports a homograph: an entity it names unambiguously, or one of the
    entity's context words (looked up once per entity and article)."""

    supported: set[str]
    article: str
    context: dict[str, bool] = field(default_factory=dict)

    @cached_property
    def sport(self) -> bool:
        """Is the article about a game? There a town read as an organisation is its team."""
        return not SPORT_WORDS.isdisjoint(re.findall(r"\w+", self.article))

    def of(self, entity: Entity, rules: GazetteerExtractor) -> bool:
        if entity.id in self.supported:
            return True
        if entity.id not in self.context:
            self.context[entity.id] = rules._context_in(entity, self.article)
        return self.context[entity.id]


def _cut_short(model: Mention, known: Mention) -> bool:
    """Is the model's mention, a name of its own, a strict part of the gazetteer's of the same type?"""
    return (
        model.rule == "model"
        and model.type == known.type
        and known.start <= model.start
        and model.end <= known.end
        and (known.start, known.end) != (model.start, model.end)
    )


def _overlaps(m: Mention, spans: list[tuple[int, int]]) -> bool:
    return any(m.start < e and s < m.end for s, e in spans)


class ModelExtractor:
    def __init__(
        self,
        model: SpanModel | None = None,
        rules: GazetteerExtractor | None = None,
        union: Collection[str] = DEFAULT_UNION,
        retype: bool = True,
    ) -> None:
        """``union``: the types whose rule-based mentions join the model's spans; ``retype``: a
        span whose surface the gazetteer knows strongly as one other type only takes that entity and
        type (the model reads "הקרמלין אמר" as a person, "נשיא רוסיה" as an organisation)."""
        if model is None:
            from service.entities.ner import NerModel

            model = NerModel.load()
        self.model = model
        self.rules = rules or GazetteerExtractor()
        self.union = frozenset(union)
        self.retype = retype
        # Surface form → its (entity id, strong) readings, strong ones first.
        self._forms: dict[str, list[tuple[str, bool]]] = {}
        for s in self.rules.gazetteer.surfaces:
            self._forms.setdefault(s.form, []).append((s.entity_id, s.strong))
        for readings in self._forms.values():
            readings.sort(key=lambda r: not r[1])

    def warm_up(self) -> None:
        """Load the word lists and the model now rather than during the first article."""
        self.rules.warm_up()
        self.model.spans('ראש הממשלה בנימין נתניהו נפגש בירושלים עם נציגי האו"ם.')

    def extract(
        self, texts: Sequence[str], credits: Sequence[Iterable[tuple[str, str]]] = ()
    ) -> ArticleEntities:
        # The article's parts tagged together: what one part says of a word helps read another.
        document = getattr(self.model, "document_spans", None)
        spans = document(list(texts)) if document is not None else [self.model.spans(t) for t in texts]
        # The rules' mentions, when some join; else the gazetteer's matches alone (an eighth of the cost).
        ruled = self.rules.extract(texts).parts if self.union else None
        if ruled is not None:
            supported = {m.entity_id for part in ruled for m in part}
        else:
            # Entities the article names unambiguously support their homographs, as in the rules.
            matches = (self.rules.matcher.find(t) for t in texts)
            supported = {c[0] for part in matches for m in part for c in m.candidates[:1] if c[1]}
        support = _Support(supported, " ".join(texts).lower())
        mentions: list[list[Mention]] = []
        for p, text in enumerate(texts):
            found = [
                mention
                for s0, e0, t in spans[p]
                for s, e in _sentence_pieces(text, s0, e0)
                for mention in self._linked(p, text, s, e, t, support)
            ]
            mentions.append(found)
        tokens = [[_Token(m.group(), m.start(), m.end()) for m in TOKEN.finditer(t)] for t in texts]
        self.rules._link_surnames(tokens, mentions)
        for p, part in enumerate(ruled or ()):
            # A name the model cut short that the gazetteer knows whole ("ב[באר] שבע"): the whole name.
            for m in part:
                if m.type in self.union and m.rule == "gazetteer":
                    inside = [x for x in mentions[p] if _cut_short(x, m)]
                    if inside:
                        mentions[p] = [x for x in mentions[p] if x not in inside] + [m]
            taken = [(m.start, m.end) for m in mentions[p]]
            mentions[p] += [m for m in part if m.type in self.union and not _overlaps(m, taken)]
            mentions[p].sort(key=lambda m: m.start)
        return with_credits(mentions, credits)

    def _linked(
        self, p: int, text: str, start: int, end: int, entity_type: str, support: _Support
    ) -> list[Mention]:
        """The model's span with the gazetteer entity of its surface and type, or a name of its own;
        a span the gazetteer does not know made of names it knows joined by hyphens is those names
        ("פגישת נתניהו-פוטין")."""
        trimmed = _trimmed(text, start, end, entity_type)
        if trimmed is None:
            return []
        start, end = trimmed
        if entity_type == "person":
            end = _past_particle(text, start, end)
            start = self._first_name_before(text, start)
        if start > 0 and text[start - 1].isalpha() and not self._prefix_allowed(text, start, end):
            return []  # "שביבי" is a word (sparks of), not ש + ביבי: the dictionary says so
        surface = " ".join(text[start:end].split())
        entity = self.entity_of(surface, entity_type, support)
        if (
            entity is None
            and entity_type == "person"
            and (named := self._after_title(text, start, end)) > start
        ):
            start, surface = named, " ".join(text[named:end].split())  # "הבאראן ראטשילד"
            entity = self.entity_of(surface, entity_type, support)
        # "בשטחים", "ברצועה", "באוצר": ב, ל, כ swallow the article ה; the name is "השטחים"
        forms = [surface, "ה" + surface] if self._article_hidden(text, start, surface) else [surface]
        if entity is None and len(forms) > 1:
            entity = self.entity_of(forms[1], entity_type, support)
        if entity is None and entity_type == "organisation":
            # "שר האוצר": the model's organisation is the ministry
            entity = next(filter(None, (self.rules._ministries.get(tuple(f.split())) for f in forms)), None)
        if entity is None and entity_type == "organisation" and self._town_word_before(text, start):
            entity = self.entity_of(surface, "place", support)  # "ראש העיר של סן פרנסיסקו"
        if entity is None and (bare := self._without_prefix(surface, entity_type, support)) is not None:
            # "וועדת" is ועדת spelt with a doubled vav: the gazetteer's entity, the model's span.
            if not (bare[0].startswith("ו") and surface.startswith("וו")):
                start, surface = start + len(surface) - len(bare[0]), bare[0]
            entity = bare[1]
        if self._people_of_country(text, start, surface):
            return []
        if entity is not None:
            return [self.rules._mention(p, start, end, entity, "gazetteer", text)]
        if entity_type == "person" and self._definite_word(surface):
            return []
        if entity_type == "person" and (known := self._around_known_person(p, text, start, end, support)):
            return known
        if "-" in surface and (named := self._hyphened(p, text, start, end, entity_type, support)):
            return named
        return [Mention(p, start, end, slug_id(entity_type, surface), entity_type, surface, "model")]

    def _around_known_person(
        self, p: int, text: str, start: int, end: int, support: _Support
    ) -> list[Mention] | None:
        """A person's span with words the model took in around a name the gazetteer knows: before a
        full name ("דוברו דימיטרי פסקוב"), before or after a surname when the words are no names
        ("ביקור נתניהו", "נתניהו נואם"). A first name is the name's own ("ואלרי", "פרנקלין"): kept
        in the span. Not for places: "מזרח ירושלים" is a place of its own."""
        for m in LEADING_WORD.finditer(text, start, end):
            cut = all(self._no_name(w) for w in text[start : m.start()].split())
            rest = text[m.end() : end]
            known = self.entity_of(rest, "person", support) if cut or " " in rest.strip() else None
            if known is not None and known.type == "person":
                at = m.end() if cut else start
                return [Mention(p, at, end, known.id, known.type, known.name, "gazetteer")]
        for m in reversed(list(LEADING_WORD.finditer(text, start, end))):
            if not all(self._no_name(w) for w in text[m.end() : end].split()):
                break
            known = self.entity_of(text[start : m.start()], "person", support)
            if known is not None and known.type == "person":
                return [Mention(p, start, m.start(), known.id, known.type, known.name, "gazetteer")]
        return None

    def _hyphened(
        self, p: int, text: str, start: int, end: int, entity_type: str, support: _Support
    ) -> list[Mention] | None:
        """Names the gazetteer knows joined by hyphens ("פגישת נתניהו-פוטין"): each its own."""
        pieces = [(m.start(), m.end()) for m in HYPHENED.finditer(text[start:end])]
        named = [self.entity_of(text[start + a : start + b], entity_type, support) for a, b in pieces]
        if not all(named):
            return None
        return [
            Mention(p, start + a, start + b, e.id, e.type, e.name, "gazetteer")
            for (a, b), e in zip(pieces, named, strict=True)
            if e is not None
        ]

    @cached_property
    def _lexicon(self) -> Lexicon | None:
        """The Hebrew dictionary: the model's own, else read here; None where it is not installed."""
        lexicon = getattr(getattr(self.model, "source", None), "lexicon", None)
        if lexicon is None and dictionary_path().exists():
            lexicon = Lexicon.load()
        return lexicon

    def _no_name(self, word: str) -> bool:
        """A word no name is made of: not a first name, and a word of the dictionary (a verb, a
        noun, behind any prefix: "דוברו", "הנשיא"); without a dictionary, a frequent word. "פרנקלין"
        is frequent, and still a name: the dictionary does not know it."""
        word = word.strip(EDGE)
        if not word or word in self.rules.safe_first_names:
            return False
        lexicon = self._lexicon
        if lexicon is None:
            return word in self.rules.stopwords
        return any(
            lexicon.flag(word[k:]) and (k == 0 or PREFIX_CHAIN.fullmatch(word[:k]))
            for k in range(min(4, len(word) - 1))
        )

    def _first_name_before(self, text: str, start: int) -> int:
        """Where a person's span starts when the model left out the first name right before it
        ("ואלרי [זיסקאר-דאסטאן]"): a first name that is no frequent word, and no punctuation between."""
        before = text[max(0, start - 40) : start]
        m = FIRST_NAME_BEFORE.search(before)
        if m is None:
            return start
        word = m.group(1)
        if word in self.rules.safe_first_names and word not in self.rules.stopwords:
            return start - len(before) + m.start(1)
        return start

    @staticmethod
    def _article_hidden(text: str, start: int, surface: str) -> bool:
        """Did the model cut a prefix that ends in ב, ל or כ off the span's word? Those take the
        article's place: "בשטחים" is ב + השטחים."""
        word_start = start
        while word_start > 0 and text[word_start - 1].isalpha():
            word_start -= 1
        prefix = text[word_start:start]
        return bool(prefix) and prefix[-1] in "בלכ" and bool(PREFIX_CHAIN.match(prefix)) and surface[0] != "ה"

    def _town_word_before(self, text: str, start: int) -> bool:
        """Does a word that names a place as a place ("העיר", "מדינת", "מחוז") stand among the three
        words before the span? Then a town there is the town, whatever the model read."""
        for word in text[max(0, start - 40) : start].split()[-3:]:
            word = word.strip(EDGE)
            if any(
                word[k:] in TOWN_WORDS and PREFIX_CHAIN.fullmatch(word[:k]) for k in range(min(3, len(word)))
            ):
                return True
        return False

    def _after_title(self, text: str, start: int, end: int) -> int:
        """Where the name starts in a person's span that took in a role title ("הבאראן ראטשילד")."""
        for title in self.rules._title_prefixes:
            if text.startswith(title, start) and start + len(title) < end:
                return start + len(title)
        return start

    def _definite_word(self, surface: str) -> bool:
        """One word with the article ה on a frequent word ("הנדיב", "השולטאן", "הבורא"): a title or
        a noun; a name never takes the article (הרצל, הנייה are no ה + word)."""
        return " " not in surface and surface.startswith("ה") and surface[1:] in self.rules.stopwords

    def _prefix_allowed(self, text: str, start: int, end: int) -> bool:
        """The model cut a prefix off a word: does the dictionary allow reading it as a prefix?"""
        word_start = start
        while word_start > 0 and text[word_start - 1].isalpha():
            word_start -= 1
        prefix = text[word_start:start]
        rest = text[start:end].split()[0].lower()
        return bool(PREFIX_CHAIN.match(prefix)) and self.rules.prefix_rule.allows(prefix, rest)

    def _without_prefix(self, surface: str, entity_type: str, support: _Support) -> tuple[str, Entity] | None:
        """A span the model took with its prefix ("לבני ישראל", "ולפוטין"): the name behind the
        prefix when the gazetteer knows it, or when it is a people-of-a-country phrase."""
        for k in range(1, min(4, len(surface) - 1)):
            prefix, rest = surface[:k], surface[k:]
            if (
                prefix == "ה"
                or not PREFIX_CHAIN.match(prefix)
                or not self.rules.prefix_rule.allows(prefix, rest.split()[0].lower())
            ):
                continue
            entity = self.entity_of(rest, entity_type, support)
            if entity is not None and entity.type == entity_type:
                return rest, entity
        return None

    def _people_of_country(self, text: str, start: int, surface: str) -> bool:
        """ "בני ישראל", "לבני ישראל" as one span, or "ישראל" after "בני": a people, no organisation
        and no place."""
        words = surface.split()
        if len(words) == 2 and people_of(words[0]):
            words = words[1:]
        elif len(words) != 1 or not (before := text[:start].split()) or not people_of(before[-1]):
            return False
        readings = self._forms.get(_form(words[0]), ())
        return any(strong and is_country(self.rules.gazetteer.entities[e]) for e, strong in readings)

    def entity_of(self, surface: str, entity_type: str, support: _Support | None = None) -> Entity | None:
        """The gazetteer's entity for ``surface`` as ``entity_type``: a strong reading, or a homograph
        (שמיר, הודו) only with the article's support, as the rules ask; with ``retype``, else the one
        type the gazetteer's strong readings of it agree on."""
        readings = self._forms.get(_form(surface), ())
        for entity_id, strong in readings:
            if not entity_id.startswith(entity_type + ":"):
                continue
            entity = self.rules.gazetteer.entities[entity_id]
            if strong or (support is not None and support.of(entity, self.rules)):
                return entity
        strong = [entity_id for entity_id, is_strong in readings if is_strong]
        if self.retype and strong and len({s.partition(":")[0] for s in strong}) == 1:
            entity = self.rules.gazetteer.entities[strong[0]]
            # In a report of a game, a town the model reads as an organisation is its team
            # ("נאפולי ניצחה 2 1"); a country is the state acting, a town in the news the town.
            if not (
                entity_type == "organisation"
                and entity.type == "place"
                and not is_country(entity)
                and support is not None
                and support.sport
            ):
                return entity
        # The model read a homograph as a person from its context ("קרי אמר"), or as a place or an
        # organisation ("בעזה", "סקר הארץ"): that is the support the rules look for, when the
        # gazetteer has one entity of that type and name, and a person's is no first name ("שרון
        # אמרה" is someone called Sharon, not אריאל שרון).
        same = {entity_id for entity_id, _ in readings if entity_id.startswith(entity_type + ":")}
        if (
            support is not None
            and len(same) == 1
            and not strong
            and (entity_type != "person" or _form(surface) not in self.rules.first_names)
        ):
            return self.rules.gazetteer.entities[same.pop()]
        return None
