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
from typing import Protocol

from service.entities.extractor import (
    TOKEN,
    ArticleEntities,
    GazetteerExtractor,
    Mention,
    _Token,
    slug_id,
    with_credits,
)
from service.entities.gazetteer import Entity

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
# The pieces of a hyphenated span, without the spaces around its hyphens.
HYPHENED = re.compile(r"[^-\s](?:[^-]*[^-\s])?")


@dataclass
class _Support:
    """What in an article supports a homograph: an entity it names unambiguously, or one of the
    entity's context words (looked up once per entity and article)."""

    supported: set[str]
    article: str
    context: dict[str, bool] = field(default_factory=dict)

    def of(self, entity: Entity, rules: GazetteerExtractor) -> bool:
        if entity.id in self.supported:
            return True
        if entity.id not in self.context:
            self.context[entity.id] = rules._context_in(entity, self.article)
        return self.context[entity.id]


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
        spans = [self.model.spans(t) for t in texts]
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
            taken = [(m.start, m.end) for m in mentions[p]]
            mentions[p] += [m for m in part if m.type in self.union and not _overlaps(m, taken)]
        return with_credits(mentions, credits)

    def _linked(
        self, p: int, text: str, start: int, end: int, entity_type: str, support: _Support
    ) -> list[Mention]:
        """The model's span with the gazetteer entity of its surface and type, or a name of its own;
        a span the gazetteer does not know made of names it knows joined by hyphens is those names
        ("פגישת נתניהו-פוטין")."""
        surface = " ".join(text[start:end].split())
        entity = self.entity_of(surface, entity_type, support)
        if entity is not None:
            return [Mention(p, start, end, entity.id, entity.type, entity.name, "gazetteer")]
        # A word the model took in before a person's full name the gazetteer knows ("דוברו
        # דימיטרי פסקוב"); not before a place or a surname alone: "מזרח ירושלים" is a place of its own.
        for m in LEADING_WORD.finditer(text, start, end) if entity_type == "person" else ():
            rest = text[m.end() : end]
            known = self.entity_of(rest, entity_type, support) if " " in rest.strip() else None
            if known is not None and known.type == entity_type:
                return [Mention(p, m.end(), end, known.id, known.type, known.name, "gazetteer")]
        if "-" in surface:
            pieces = [(m.start(), m.end()) for m in HYPHENED.finditer(text[start:end])]
            named = [self.entity_of(text[start + a : start + b], entity_type, support) for a, b in pieces]
            if all(named):
                return [
                    Mention(p, start + a, start + b, e.id, e.type, e.name, "gazetteer")
                    for (a, b), e in zip(pieces, named, strict=True)
                    if e is not None
                ]
        return [Mention(p, start, end, slug_id(entity_type, surface), entity_type, surface, "model")]

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
            return self.rules.gazetteer.entities[strong[0]]
        return None
