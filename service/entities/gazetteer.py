"""The typed gazetteer: curated people, places and organisations (YAML in ``data/``) plus the
countries and cities CLDR names in Hebrew (through babel), compiled into surface forms.

A surface form is one way an entity is written, without prefixes, normalised and lower-cased.
Each is strong (it names the entity on its own) or weak (a homograph that needs support from the
text: the full name in the same article, a role title before it, or a context word).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from service.normalize import normalize

DATA_DIR = Path(__file__).resolve().parent / "data"
TYPES = ("person", "place", "organisation")
FILES = {"person": "people.yaml", "place": "places.yaml", "organisation": "organisations.yaml"}

# CLDR territory codes that are not places a facet should show (the world, groupings, pseudo-regions).
_CLDR_SKIP = {"001", "EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"}
# CLDR city names that are ordinary Hebrew words or first names (Maseru is "they handed over").
_CLDR_SKIP_NAMES = {"מסרו", "סופיה", "דוסון", "עיר לא ידועה"}
_CLDR_HOMOGRAPHS = {
    # CLDR names that are also common Hebrew words: they need context.
    "הודו": ["ניו דלהי", "מומבאי", "הודי", "הודית", "הודים", "מודי", "בנגלור"],
    "ירדן": ["עמאן", "עבדאללה", "הממלכה ההאשמית", "ירדני", "ירדנית", "ירדנים", "המלך חוסיין"],
    "צ'אד": ["אפריקה", "נג'מנה"],
    "טוגו": ["אפריקה", "לומה"],
    "גאורגיה": ["טביליסי", "קווקז"],
}


@dataclass(frozen=True)
class Entity:
    id: str  # "<type>:<slug>", stable across releases
    type: str
    name: str  # canonical Hebrew name
    en: str = ""
    kind: str = ""
    context: tuple[str, ...] = ()


@dataclass(frozen=True)
class Surface:
    form: str  # normalised, lower-cased, without prefixes
    entity_id: str
    strong: bool
    # The bare form of a name that takes the article (כנסת of הכנסת): it stands for the entity
    # only behind a prefix that absorbs the article (בכנסת, לכנסת), never alone.
    needs_prefix: bool = False


@dataclass
class Gazetteer:
    entities: dict[str, Entity] = field(default_factory=dict)
    surfaces: list[Surface] = field(default_factory=list)

    def add(
        self, entity: Entity, strong: Iterable[str], weak: Iterable[str] = (), bare: Iterable[str] = ()
    ) -> None:
        """Register ``entity`` with its strong forms, weak (homograph) forms and bare forms.
        A form listed as weak is never strong, even when it is also the canonical name."""
        if entity.id in self.entities:
            raise ValueError(f"duplicate entity id {entity.id}")
        self.entities[entity.id] = entity
        weak_forms = {f for raw in weak for f in surface_variants(raw)}
        seen: set[str] = set()
        for forms, is_strong, needs_prefix in (
            (strong, True, False),
            (weak, False, False),
            (bare, True, True),
        ):
            for raw in forms:
                for form in surface_variants(raw):
                    if form in seen or (is_strong and form in weak_forms):
                        continue
                    seen.add(form)
                    self.surfaces.append(Surface(form, entity.id, is_strong, needs_prefix))

    def by_name(self) -> dict[str, list[Entity]]:
        index: dict[str, list[Entity]] = {}
        for entity in self.entities.values():
            index.setdefault(normalize(entity.name).lower(), []).append(entity)
        return index


_QUOTES = re.compile(r"[\"']")


def surface_variants(raw: str) -> set[str]:
    """Spellings of one form that Hebrew text uses interchangeably: with and without the gershayim
    of an acronym (צה"ל, צהל), doubled or single vav (וושינגטון, ושינגטון), hyphen or space."""
    base = " ".join(normalize(raw).lower().replace("-", " ").split())
    if not base:
        return set()
    forms = {base}
    # Derived spellings are kept only when they are not ordinary words themselves:
    # אצ"ל without its gershayim is אצל ("at"), וואלה with one vav is ואלה ("and these").
    if '"' in base:
        forms.add(_unless_common(base.replace('"', "")))
    if "וו" in base:
        forms.add(_unless_common(base.replace("וו", "ו")))
    if re.search(r"[גזצ]'", base):  # older transliteration without the geresh: צכיה, מסצוסטס
        forms.add(_unless_common(re.sub(r"(?<=[גזצ])'", "", base)))
    return {f for f in forms if f and _long_enough(f)}


COMMON_WORD_ZIPF = 3.5


def _unless_common(form: str) -> str:
    from service.entities.frequency import zipf

    return "" if " " not in form and zipf(form) >= COMMON_WORD_ZIPF else form


def _long_enough(form: str) -> bool:
    """Two-letter Hebrew forms (רק, אה) hide inside too many words; acronyms and Latin are fine."""
    letters = _QUOTES.sub("", form)
    return (
        len(letters) >= 3 or ('"' in form and len(letters) >= 2) or (letters.isascii() and len(letters) >= 2)
    )


def _load_yaml(path: Path) -> list[dict]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path, encoding="utf-8") as f:
        data = yaml.load(f, Loader=loader) or []
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a list of entries")
    return data


def _bare(name: str) -> str | None:
    """ "הכנסת" → "כנסת": the form that takes prefixes absorbing the article (בכנסת, לכנסת)."""
    n = normalize(name)
    return n[1:] if n.startswith("ה") and len(n) > 2 else None


def add_entries(gazetteer: Gazetteer, entity_type: str, entries: list[dict], source: str = "") -> None:
    for entry in entries:
        if "id" not in entry or "name" not in entry:
            raise ValueError(f"{source}: entry without id or name: {entry}")
        entity = Entity(
            id=f"{entity_type}:{entry['id']}",
            type=entity_type,
            name=normalize(str(entry["name"])),
            en=str(entry.get("en") or ""),
            kind=str(entry.get("kind") or ""),
            context=tuple(normalize(str(c)).lower() for c in entry.get("context") or ()),
        )
        strong = [entity.name, *map(str, entry.get("aliases") or [])]
        weak = list(map(str, entry.get("weak_aliases") or []))
        bare = [b for b in map(_bare, strong) if b] if entry.get("takes_article") else []
        bare += list(map(str, entry.get("after_preposition") or []))
        gazetteer.add(entity, strong, weak, bare)


def add_cldr_places(gazetteer: Gazetteer) -> None:
    """Countries, regions and cities with their CLDR Hebrew names, unless curated already."""
    from babel import Locale

    locale = Locale("he")
    known: dict[str, object] = dict(gazetteer.by_name())
    known.update({s.form: s for s in gazetteer.surfaces})  # curated aliases win over CLDR names
    for code, name in locale.territories.items():
        if code in _CLDR_SKIP or normalize(name).lower() in known:
            continue
        kind = "region" if code.isdigit() else "country"
        weak = name in _CLDR_HOMOGRAPHS
        entity = Entity(
            f"place:cldr-{code.lower()}",
            "place",
            normalize(name),
            kind=kind,
            context=tuple(_CLDR_HOMOGRAPHS.get(name, ())),
        )
        gazetteer.add(entity, [] if weak else [name], [name] if weak else [])
    for zone, names in locale.time_zones.items():
        city = names.get("city")
        if (
            not city
            or zone.startswith("Etc/")
            or city in _CLDR_SKIP_NAMES
            or normalize(city).lower() in known
        ):
            continue
        slug = zone.split("/")[-1].lower().replace("_", "-")
        entity_id = f"place:cldr-city-{slug}"
        if entity_id in gazetteer.entities:
            continue
        gazetteer.add(Entity(entity_id, "place", normalize(city), kind="city"), [city])
        known[normalize(city).lower()] = gazetteer.entities[entity_id]


def load_gazetteer(data_dir: Path = DATA_DIR, *, cldr: bool = True) -> Gazetteer:
    gazetteer = Gazetteer()
    for entity_type, filename in FILES.items():
        path = data_dir / filename
        if path.exists():
            add_entries(gazetteer, entity_type, _load_yaml(path), str(path))
    if cldr:
        add_cldr_places(gazetteer)
    return gazetteer
