"""Extract people, places, organisations and photo credits from an article, offline.

``EntityExtractor`` is the interface (a Hebrew NER model could implement it later);
``GazetteerExtractor`` is the implementation: gazetteer matches (``matcher.py``) plus rules for
people no gazetteer knows:

- a role title followed by a name ("האלוף במילואים עמוס גלעד", "השר כץ");
- a known first name followed by a surname-like word ("סמיר קונטאר");
- within an article, a surname alone links to the full name mentioned earlier ("פוטין");
- homographs (weak aliases: הודו, שדרות, עמוס...) count only with support in the article: the
  entity's full name, a role title before them, or one of the entity's context words.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Protocol

from service.entities.frequency import warm_up as load_frequencies
from service.entities.frequency import zipf
from service.entities.gazetteer import DATA_DIR, Entity, Gazetteer, load_gazetteer
from service.entities.matcher import PREFIX_CHAIN, Match, Matcher, one_word_forms
from service.entities.prefix_rule import build_rule
from service.normalize import normalize

TOKEN = re.compile(r"\w+(?:[\"']\w+)*'?")
# Role titles that introduce a person's name (normalised, without prefixes).
TITLES = [
    "ראש הממשלה",
    "ראש הממשלה לשעבר",
    'רה"מ',
    "נשיא המדינה",
    "הנשיא",
    "נשיא",
    "נשיאת",
    "סגן הנשיא",
    "השר",
    "השרה",
    "שר",
    "שרת",
    "סגן השר",
    "סגנית השר",
    'ח"כ',
    'חה"כ',
    "חבר הכנסת",
    "חברת הכנסת",
    "דובר",
    "דוברת",
    "דוברו של",
    "דוברה של",
    "האלוף",
    "אלוף",
    'תא"ל',
    "תת אלוף",
    'אל"מ',
    'סא"ל',
    'רס"ן',
    "סרן",
    "סגן",
    "רב סרן",
    'הרמטכ"ל',
    'רמטכ"ל',
    'המפכ"ל',
    "ניצב",
    'נצ"מ',
    'תנ"צ',
    'רפ"ק',
    'ד"ר',
    "דוקטור",
    'עו"ד',
    "עורך הדין",
    "עורכת הדין",
    "פרופ'",
    "פרופסור",
    "הרב",
    "רבי",
    'האדמו"ר',
    "השופט",
    "השופטת",
    "שופט",
    "שופטת",
    'מנכ"ל',
    'מנכ"לית',
    'יו"ר',
    "יושב ראש",
    "יושבת ראש",
    "השגריר",
    "השגרירה",
    "שגריר",
    "ראש העיר",
    "ראש עיריית",
    "ראש המועצה",
    "מזכיר המדינה",
    "מזכירת המדינה",
    "הקנצלר",
    "הקנצלרית",
    "המלך",
    "המלכה",
    "הנסיך",
    "השייח'",
    "שייח'",
    "הסופר",
    "הסופרת",
    "המשורר",
    "המשוררת",
    "הזמר",
    "הזמרת",
    "השחקן",
    "השחקנית",
    "המאמן",
    "הכתב",
    "הכתבת",
    "העיתונאי",
    "העיתונאית",
    "הפרקליט",
    "היועץ המשפטי לממשלה",
    "מבקר המדינה",
    "הנגיד",
    "נגיד",
    'המנכ"ל',
    'היו"ר',
    "מר",
    "גב'",
    "ר'",
    "הברון",
    "הבארון",
    "הבאראן",
    "באראן",
    "הרוזן",
    "הדוכס",
    "הלורד",
    "לורד",
    "הגב'",
    'המזכ"ל',
    'מזכ"ל',
    "הקומיסר",
    "הבמאי",
    "הבמאית",
    "האמן",
    "הצייר",
    "המלחין",
    "הטייס",
    "הסמל",
    'רב"ט',
    'סמ"ר',
    "טוראי",
    "פקד",
    'סנ"צ',
    "הכומר",
    "האפיפיור",
    "האיש",
    "האישה",
    "אחיו",
    "אחותו",
    "אביו",
    "אמו",
    "בנו",
    "בתו",
    "אשתו",
    "בעלה",
]
FILLERS = {"במילואים", "לשעבר", "מיל'", "מיל", "בדימוס", "הטרי", "הנכנס", "היוצא"}
# "שר האוצר", "שרת החוץ", "סגן שר הביטחון": the ministry is named after its minister.
MINISTER_WORDS = {"שר", "שרת", "שרי", "משרד", "משרדי"}
# Sports clubs are a club word and a place: "הפועל חדרה", "מכבי רמת גן", 'בית"ר נתניה'.
CLUB_WORDS = {"מכבי", "הפועל", 'בית"ר', "עירוני", "אליצור", "הכח", "שמשון", "בני"}
# An institution word and a name: the word is part of the name ("אוניברסיטת בוסטון", "קרן פורד")...
ORG_HEADS_IN_NAME = {
    "אוניברסיטת",
    "עיריית",
    "קרן",
    "מכללת",
    "בנק",
    "ועדת",
    "מועצת",
    "איגוד",
    "התאחדות",
    "ארגון",
}
# ...or a description before it ("חברת מקורות", "תנועת כך"): the name alone is the mention.
# Place words: part of the name ("רחוב אלנבי", "שכונת בקעה") or before it ("קיבוץ רוחמה").
PLACE_HEADS_IN_NAME = {"רחוב", "רח'", "שדרות", "צומת", "כיכר", "מחנה"}
PLACE_HEADS_BEFORE_NAME = {
    "קיבוץ",
    "מושב",
    "העיר",
    "הכפר",
    "היישוב",
    "העיירה",
    "המושב",
    "הקיבוץ",
    "המושבה",
    "שכונת",
    "השכונה",
}
ORG_HEADS_BEFORE_NAME = {"חברת", "מפלגת", "תנועת", "עיתון", "רשת", "קבוצת", "סוכנות", "רשות", "ארגון"}
PLACE_HEADS = PLACE_HEADS_IN_NAME | PLACE_HEADS_BEFORE_NAME
ORG_HEADS = ORG_HEADS_IN_NAME | ORG_HEADS_BEFORE_NAME
# Every word the organisation rules start from: a token that is none of them, with or without a
# prefix of up to three letters, is skipped at once.
RULE_HEADS = MINISTER_WORDS | CLUB_WORDS | PLACE_HEADS | ORG_HEADS
# "בני ישראל": a country's people, neither a club (clubs bear a city's name) nor the place.
PEOPLE_OF = frozenset({"בני", "בנות"})
HEBREW_WORD = re.compile(r"[א-ת][א-ת'\"]*")
PARTICLES = {"בן", "בר", "בת", "אבו", "אל", "א", "דה", "די", "דל", "ואן", "פון", "לה", "אבן", "עבד"}


@dataclass(frozen=True)
class Mention:
    part: int  # index of the part in the article
    start: int  # character offsets of the name (without prefix) in the part's normalised text
    end: int
    entity_id: str
    type: str
    name: str
    rule: str  # gazetteer | title | first-name | surname-link | credit


@dataclass(frozen=True)
class EntityCount:
    id: str
    type: str
    name: str
    count: int


@dataclass
class ArticleEntities:
    parts: list[list[Mention]]  # mentions of each part, in the order of the article's parts

    def totals(self) -> list[EntityCount]:
        """Every entity of the article with its mention count, most mentioned first."""
        counts: Counter[tuple[str, str, str]] = Counter(
            (m.entity_id, m.type, m.name) for part in self.parts for m in part
        )
        return [
            EntityCount(i, t, n, c) for (i, t, n), c in sorted(counts.items(), key=lambda x: (-x[1], x[0]))
        ]


class EntityExtractor(Protocol):
    """What the indexer needs from an extractor; a statistical model can implement it too."""

    def extract(
        self, texts: Sequence[str], credits: Sequence[Iterable[tuple[str, str]]] = ()
    ) -> ArticleEntities:
        """``texts``: the normalised texts of an article's parts; ``credits``: per part,
        (kind, name) pairs of photo credits, kind being "person" or "agency"."""
        ...


def with_credits(
    mentions: list[list[Mention]], credits: Sequence[Iterable[tuple[str, str]]]
) -> ArticleEntities:
    """An article's mentions, part by part in text order, with its photo credits added (every
    extractor credits photographers and agencies the same way)."""
    for p, part_credits in enumerate(credits):
        for kind, name in part_credits:
            name = normalize(name)
            mentions[p].append(Mention(p, 0, 0, slug_id("credit", name), "credit", name, f"credit-{kind}"))
    for part in mentions:
        part.sort(key=lambda m: (m.start, m.end))
    return ArticleEntities(mentions)


def _read_list(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return list(dict.fromkeys(normalize(x) for x in lines if x.strip() and not x.startswith("#")))


def slug_id(entity_type: str, name: str) -> str:
    """A stable id for an entity found by a rule rather than the gazetteer."""
    return f"{entity_type}:x-{hashlib.sha1(name.encode('utf-8')).hexdigest()[:12]}"


def _may_be_prefixed(word: str, known: Collection[str]) -> bool:
    """Could ``word`` be one of ``known`` behind a prefix of up to three letters? Four lookups
    rule out most words before any prefix pattern is tried."""
    return word in known or word[1:] in known or word[2:] in known or word[3:] in known


def is_country(entity: Entity) -> bool:
    return entity.type == "place" and (
        entity.kind == "country" or (entity.id.startswith("place:cldr-") and "-city-" not in entity.id)
    )


def people_of(word: str) -> bool:
    """Is ``word`` בני or בנות, behind a prefix or not ("לבני", "ובני")? Not עם: "with" too."""
    return any(
        word[k:] in PEOPLE_OF and PREFIX_CHAIN.match(word[:k]) for k in range(0, min(4, len(word) - 1))
    )


@dataclass(slots=True)
class _Token:
    text: str
    start: int
    end: int


class GazetteerExtractor:
    def __init__(self, gazetteer: Gazetteer | None = None, data_dir: Path = DATA_DIR) -> None:
        self.gazetteer = gazetteer or load_gazetteer(data_dir)
        # Title rule: any first name; first-name rule: only those that are not mostly words.
        common_word_names = set(_read_list(DATA_DIR / "first_names_common_words.txt"))
        # First names: Israeli CBS names plus the first words of the gazetteer's people (ולדימיר, מארק).
        self.first_names = set(_read_list(DATA_DIR / "first_names.txt")) | {
            e.name.split()[0]
            for e in self.gazetteer.entities.values()
            if e.type == "person"
            and len(e.name.split()) >= 2
            and re.fullmatch(r"[א-ת'\"]{2,}", e.name.split()[0])
        }
        self.safe_first_names = self.first_names - common_word_names
        self._common_word_names = common_word_names
        self.surnames = set(_read_list(DATA_DIR / "surnames.txt"))
        # Role titles by their first word, longest first.
        self._titles: dict[str, list[tuple[str, ...]]] = {}
        for title in sorted((tuple(t.split()) for t in map(normalize, TITLES)), key=len, reverse=True):
            self._titles.setdefault(title[0], []).append(title)
        self._by_name = {name: entities for name, entities in self.gazetteer.by_name().items()}
        self._context_patterns: dict[str, re.Pattern[str]] = {}
        # "משרד האוצר" → after a minister word, "האוצר" names the ministry.
        self._ministries: dict[tuple[str, ...], Entity] = {}
        for surface in self.gazetteer.surfaces:
            words = tuple(surface.form.split())
            entity = self.gazetteer.entities[surface.entity_id]
            if surface.strong and entity.type == "organisation" and len(words) >= 2 and words[0] == "משרד":
                self._ministries.setdefault(words[1:], entity)
        self._title_prefixes = sorted({normalize(t) + " " for t in TITLES}, key=len, reverse=True)
        # One dictionary pass for every name a prefix is stripped from. Not for role titles and
        # institution words: the name they must precede is the evidence ("כשר האוצר" is כ + שר).
        self.prefix_rule = build_rule(
            one_word_forms(self.gazetteer)
            | {w for e in self.gazetteer.entities.values() if e.type == "person" for w in e.name.split()}
            | self.first_names
            | self.surnames
        )
        self.matcher = Matcher(self.gazetteer, self.prefix_rule)

    @cached_property
    def stopwords(self) -> frozenset[str]:
        """Hebrew words (the 30,000 most frequent) that are not names: they never make a surname."""
        from wordfreq import top_n_list

        names = self.safe_first_names | self.surnames
        for entity in self.gazetteer.entities.values():
            if entity.type == "person":
                names.update(normalize(entity.name).split())
        return frozenset(w for w in top_n_list("he", 30000) if w not in names)

    # -- public -------------------------------------------------------------------------------

    def extract(
        self, texts: Sequence[str], credits: Sequence[Iterable[tuple[str, str]]] = ()
    ) -> ArticleEntities:
        tokens = [[_Token(m.group(), m.start(), m.end()) for m in TOKEN.finditer(t)] for t in texts]
        matches = [self.matcher.find(t) for t in texts]
        article_text = " ".join(texts).lower()

        mentions: list[list[Mention]] = [[] for _ in texts]
        weak: list[tuple[int, Match]] = []
        supported: set[str] = set()  # entities with a strong mention or a title before a weak one
        matches = [
            [m for m in part if not self._people_of_country(t, m)]
            for t, part in zip(texts, matches, strict=True)
        ]
        for p, part_matches in enumerate(matches):
            for m in part_matches:
                strong = [entity_id for entity_id, is_strong in m.candidates if is_strong]
                if strong:
                    entity = self._entity(strong[0])
                    mentions[p].append(self._mention(p, m.start, m.end, entity, "gazetteer", texts[p]))
                    supported.add(entity.id)
                else:
                    weak.append((p, m))

        covered = [self._covered(part) for part in matches]
        for p, toks in enumerate(tokens):
            orgs = self._organisations_by_rules(p, texts[p], toks, matches[p], covered[p])
            # A place inside a club or institution name ("הפועל חדרה") is not a mention of the place.
            mentions[p] = [
                m for m in mentions[p] if not any(o.start <= m.start and m.end <= o.end for o in orgs)
            ] + orgs
            covered[p] += [(m.start, m.end) for m in orgs]
            mentions[p] += self._people_by_rules(p, texts[p], toks, matches[p], covered[p], supported)

        context: dict[str, bool] = {}  # entity id → one of its context words is in the article
        for p, m in weak:
            # A homograph counts for the first of its entities that the article supports.
            for entity_id, _ in m.candidates:
                entity = self._entity(entity_id)
                if entity_id not in supported and entity_id not in context:
                    context[entity_id] = self._context_in(entity, article_text)
                if entity_id in supported or context[entity_id]:
                    mentions[p].append(self._mention(p, m.start, m.end, entity, "gazetteer", texts[p]))
                    break

        self._link_surnames(tokens, mentions)
        return with_credits(mentions, credits)

    # -- rules ---------------------------------------------------------------------------------

    def _context_in(self, entity: Entity, text: str) -> bool:
        """Does one of the entity's context words stand in ``text`` as a word (prefixes allowed)?"""
        if not entity.context:
            return False
        pattern = self._context_patterns.get(entity.id)
        if pattern is None:
            words = "|".join(re.escape(c) for c in sorted(entity.context, key=len, reverse=True))
            pattern = re.compile(rf"(?<!\w)(?:ו?(?:ש|כש|מש|לכש)?[בלכמ]?ה?)({words})(?!\w)")
            self._context_patterns[entity.id] = pattern
        return pattern.search(text) is not None

    def _country(self, match: Match) -> bool:
        return any(is_country(self._entity(c)) for c, strong in match.candidates if strong)

    def _people_of_country(self, text: str, match: Match) -> bool:
        """A country named as its people ("בני ישראל", "לבני ישראל") is no mention of the place."""
        before = text[: match.span_start].split()
        return bool(before) and people_of(before[-1]) and self._country(match)

    def _entity(self, entity_id: str) -> Entity:
        return self.gazetteer.entities[entity_id]

    def _mention(self, part: int, start: int, end: int, entity: Entity, rule: str, text: str = "") -> Mention:
        if entity.type == "person" and text:
            # An alias that includes a title ("הרב מאיר כהנא"): the mention is the name alone.
            span = text[start:end]
            for title in self._title_prefixes:
                if span.startswith(title) and len(span) > len(title):
                    start += len(title)
                    break
        return Mention(part, start, end, entity.id, entity.type, entity.name, rule)

    @staticmethod
    def _covered(matches: list[Match]) -> list[tuple[int, int]]:
        return [(m.span_start, m.end) for m in matches]

    def _title_at(self, toks: list[_Token], i: int) -> int:
        """Index of the first token after a role title starting at token ``i`` (prefix allowed), or -1."""
        word = toks[i].text
        if not _may_be_prefixed(word, self._titles):
            return -1
        heads = [word] + [word[k:] for k in range(1, min(4, len(word) - 1)) if PREFIX_CHAIN.match(word[:k])]
        for head in heads:
            for title in self._titles.get(head, ()):
                rest = toks[i + 1 : i + len(title)]
                if len(rest) == len(title) - 1 and all(
                    t.text == w for t, w in zip(rest, title[1:], strict=True)
                ):
                    j = i + len(title)
                    while j < len(toks) and toks[j].text in FILLERS:
                        j += 1
                    return j
        return -1

    def warm_up(self) -> None:
        """Load the word lists now rather than during the first article."""
        load_frequencies()
        _ = self.stopwords

    def _strip_prefix(self, word: str, known: set[str], names: bool = False) -> str | None:
        """``word`` if known, else the known word behind its prefix; for ``names``, not where the
        whole is a dictionary word ("ברון" is a baron, not ב + רון)."""
        if word in known:
            return word
        for k in range(1, min(4, len(word) - 1)):
            rest = word[k:]
            if (
                rest in known
                and PREFIX_CHAIN.match(word[:k])
                and (not names or self.prefix_rule.allows(word[:k], rest))
                and zipf(word) - zipf(rest) <= 0.6
            ):
                return rest
        return None

    def _surname_like(self, word: str) -> bool:
        if word in self.surnames:
            return True
        if len(word) < 2 or not HEBREW_WORD.fullmatch(word) or word in self.stopwords:
            return False
        # "ואמר", "שהודיע": a prefix glued to a frequent word is not a surname.
        return not any(
            word[k:] in self.stopwords and PREFIX_CHAIN.match(word[:k])
            for k in range(1, min(4, len(word) - 1))
        )

    def _title_surname(self, word: str) -> bool:
        """A lone word after a title is a surname ("השר כץ"), not an adjective ("הנשיא האוקראיני"):
        a name never takes the article ה, and a first name alone is not enough."""
        if word in self.surnames:
            return True
        if word.startswith("ה") or word in self.first_names:
            return False
        return self._surname_like(word)

    @staticmethod
    def _adjacent(text: str, a: _Token, b: _Token) -> bool:
        return not text[a.end : b.start].strip()

    def _surname_end(self, text: str, toks: list[_Token], j: int) -> int:
        """After a first name at ``j - 1``: the index past its surname, or -1 when no surname-like
        word follows in the same phrase. More given names may come first (Arabic names chain them:
        איברהים נימר חוסיין), and a particle may stand before the surname (בן גרשום, אבו זהרה)."""
        extra = 0
        while (
            extra < 3
            and j + 1 < len(toks)
            and toks[j].text in self.safe_first_names
            and self._adjacent(text, toks[j - 1], toks[j])
            and self._adjacent(text, toks[j], toks[j + 1])
            and (toks[j + 1].text in self.safe_first_names or self._surname_like(toks[j + 1].text))
        ):
            j += 1
            extra += 1
        if j < len(toks) and toks[j].text in PARTICLES and self._adjacent(text, toks[j - 1], toks[j]):
            j += 1
        if j < len(toks) and self._adjacent(text, toks[j - 1], toks[j]) and self._surname_like(toks[j].text):
            return j + 1
        return -1

    def _people_by_rules(
        self,
        p: int,
        text: str,
        toks: list[_Token],
        matches: list[Match],
        covered: list[tuple[int, int]],
        supported: set[str],
    ) -> list[Mention]:
        found: list[Mention] = []
        starts = {m.start: m for m in matches}
        taken = list(covered)

        def free(a: int, b: int) -> bool:
            return all(b <= x or a >= y for x, y in taken)

        def add(names: list[_Token], rule: str) -> None:
            found.append(self._rule_person(p, names, rule))
            taken.append((names[0].start, names[-1].end))

        i = 0
        while i < len(toks):
            after = self._title_at(toks, i)
            if 0 <= after < len(toks) and self._adjacent(text, toks[after - 1], toks[after]):
                nxt = toks[after]
                if (match := starts.get(nxt.start)) is not None:
                    # A known name after a title: the title supports it even if it is a homograph.
                    people = [c for c, _ in match.candidates if c.startswith("person:")]
                    if people:
                        supported.add(people[0])
                    i = after + 1
                    continue
                end = self._surname_end(text, toks, after + 1) if nxt.text in self.first_names else -1
                if end > 0 and free(nxt.start, toks[end - 1].end):
                    add(toks[after:end], "title")
                    i = end
                    continue
                if self._title_surname(nxt.text) and free(nxt.start, nxt.end):
                    add([nxt], "title")
                    i = after + 1
                    continue
            tok = toks[i]
            first = self._strip_prefix(tok.text, self.safe_first_names, names=True)
            if first and first != tok.text and tok.text in self.stopwords:
                first = None  # "מחנה" is a word (camp), not מ + חנה
            if first and free(tok.start, tok.end):
                end = self._surname_end(text, toks, i + 1)
                if end > 0 and free(tok.start, toks[end - 1].end):
                    add([_Token(first, tok.end - len(first), tok.end), *toks[i + 1 : end]], "first-name")
                    i = end
                    continue
            i += 1
        return found

    def _organisations_by_rules(
        self, p: int, text: str, toks: list[_Token], matches: list[Match], covered: list[tuple[int, int]]
    ) -> list[Mention]:
        """Ministries named after their minister, sports clubs, and institution words before a name."""
        found: list[Mention] = []
        taken = list(covered)
        by_start = {m.span_start: m for m in matches}

        def free(a: int, b: int, inside: tuple[int, int] | None = None) -> bool:
            return all(b <= x or a >= y for x, y in taken if (x, y) != inside)

        def add(start: int, end: int, entity_id: str, name: str, rule: str, inside=None) -> bool:
            if not free(start, end, inside):
                return False
            found.append(Mention(p, start, end, entity_id, "organisation", name, rule))
            taken.append((start, end))
            return True

        for i, tok in enumerate(toks[:-1]):
            if not _may_be_prefixed(tok.text, RULE_HEADS):
                continue
            if not self._adjacent(text, tok, toks[i + 1]):
                continue
            if self._strip_prefix(tok.text, MINISTER_WORDS):
                for n in range(min(4, len(toks) - i - 1), 0, -1):
                    entity = self._ministries.get(tuple(t.text for t in toks[i + 1 : i + 1 + n]))
                    if entity and add(toks[i + 1].start, toks[i + n].end, entity.id, entity.name, "ministry"):
                        break
                continue
            nxt = by_start.get(toks[i + 1].start)
            inside = (nxt.span_start, nxt.end) if nxt is not None else None
            place_next = nxt is not None and any(c.startswith("place:") for c, _ in nxt.candidates)
            if place_next and people_of(tok.text) and nxt is not None and self._country(nxt):
                continue  # "בני ישראל": see extract
            if (club := self._strip_prefix(tok.text, CLUB_WORDS)) and place_next:
                start = tok.end - len(club)
                name = text[start : nxt.end]
                add(start, nxt.end, slug_id("organisation", name), name, "club", inside)
                continue
            place_head = self._strip_prefix(tok.text, PLACE_HEADS)
            if place_head and (place_next or (nxt is None and self._surname_like(toks[i + 1].text))):
                end = nxt.end if nxt is not None else toks[i + 1].end
                if nxt is not None:
                    continue  # "קיבוץ בארי", "רחוב יפו": the gazetteer already has the place
                start = tok.end - len(place_head) if place_head in PLACE_HEADS_IN_NAME else toks[i + 1].start
                name = text[start:end]
                if free(start, end, inside):
                    found.append(Mention(p, start, end, slug_id("place", name), "place", name, "place-word"))
                    taken.append((start, end))
                continue
            head = self._strip_prefix(tok.text, ORG_HEADS)
            if head and (nxt is not None or self._surname_like(toks[i + 1].text)):
                end = nxt.end if nxt is not None else toks[i + 1].end
                start = tok.end - len(head) if head in ORG_HEADS_IN_NAME else toks[i + 1].start
                if nxt is not None and start == nxt.span_start:
                    continue  # "חברת מקורות": the name is already a match of its own
                name = text[start:end]
                add(start, end, slug_id("organisation", name), name, "institution", inside)
        return found

    @cached_property
    def _strong_not_people(self) -> frozenset[str]:
        return frozenset(
            s.form for s in self.gazetteer.surfaces if s.strong and not s.entity_id.startswith("person:")
        )

    def _may_be_surname(self, word: str) -> bool:
        """May the last word of a name no list knows stand for it alone? Not a frequent word ("אשר",
        a name's last word where a span ran on), a place or an organisation ("ישראל"), an initial."""
        return (
            sum(c.isalpha() for c in word) >= 2
            and word not in self.stopwords
            and word.lower() not in self._strong_not_people
        )

    def _rule_person(self, p: int, toks: list[_Token], rule: str) -> Mention:
        name = " ".join(t.text for t in toks)
        known = [e for e in self._by_name.get(name.lower(), []) if e.type == "person"]
        entity_id = known[0].id if known else slug_id("person", name)
        return Mention(p, toks[0].start, toks[-1].end, entity_id, "person", name, rule)

    def _link_surnames(self, tokens: list[list[_Token]], mentions: list[list[Mention]]) -> None:
        """A surname alone refers to the person whose full name the article mentions."""
        full: dict[str, tuple[str, str]] = {}
        ambiguous: set[str] = set()
        # Gazetteer people first: a rule-found namesake does not make their surname ambiguous.
        people = [m for part in mentions for m in part if m.type == "person" and len(m.name.split()) >= 2]
        people.sort(key=lambda m: m.rule != "gazetteer")
        from_gazetteer: set[str] = set()
        for m in people:
            surname = m.name.split()[-1]
            if m.rule != "gazetteer" and not self._may_be_surname(surname):
                continue
            if surname in full and full[surname][0] != m.entity_id:
                if surname not in from_gazetteer or m.rule == "gazetteer":
                    ambiguous.add(surname)
                continue
            full[surname] = (m.entity_id, m.name)
            if m.rule == "gazetteer":
                from_gazetteer.add(surname)
        for surname in ambiguous:
            full.pop(surname, None)
        if not full:
            return
        known = set(full)
        for p, toks in enumerate(tokens):
            spans = [(m.start, m.end) for m in mentions[p] if m.end > m.start]
            relinked: list[Mention] = []
            for m in mentions[p]:
                # A surname-only person found by a title rule becomes the full name's entity.
                if (
                    m.type == "person"
                    and " " not in m.name
                    and m.name in full
                    and m.entity_id != full[m.name][0]
                ):
                    entity_id, name = full[m.name]
                    relinked.append(
                        Mention(m.part, m.start, m.end, entity_id, "person", name, "surname-link")
                    )
                else:
                    relinked.append(m)
            mentions[p][:] = relinked
            for tok in toks:
                surname = self._strip_prefix(tok.text, known, names=True)
                if surname and not any(not (tok.end <= a or tok.start >= b) for a, b in spans):
                    entity_id, name = full[surname]
                    start = tok.end - len(surname)
                    mentions[p].append(Mention(p, start, tok.end, entity_id, "person", name, "surname-link"))
