"""An extra hunspell word list for the node: the gazetteer's Hebrew names with hspell's
proper-noun prefix flag, so that the stemmed analyzer strips prefixes from names the Hebrew
dictionary does not know ("לפוטין" → "פוטין", "בפורושנקו" → "פורושנקו").

Only names hspell does not already know are added, and no name that is a known word behind a
prefix ("הבית" of הבית הלבן is ה + בית; adding it would change how every "והבית" is stemmed).
The list is built from Debian's he_IL.dic (installed, never committed) by
scripts/build_hunspell_names.py, and its output is committed.

Acronyms (issue 15): Hebrew writes the gazetteer's acronyms with and without their gershayim (דאע"ש and
דאעש, צה"ל and צהל, שב"כ and שבכ). The mark-less spelling gets an entry ``BARE/FLAGS st:ACRONYM`` (the
acronym's own prefix flags): the first hunspell filter of the ``.stem`` analysis keeps the longest
reading, which is then the acronym itself for either spelling and any prefix (לצהל → צה"ל), and the next
filter gives it the acronym's tokens; index and query share the analysis, so both spellings match. The
mark-less spelling is left out when it is an ordinary word more common than the acronym (אצל for אצ"ל,
חדש for חד"ש, תא for ת"א).
"""

from __future__ import annotations

import re
from pathlib import Path

from service.entities.frequency import zipf
from service.entities.gazetteer import Gazetteer, load_gazetteer
from service.entities.matcher import PREFIX_CHAIN

DIC_PATH = Path(__file__).resolve().parents[2] / "index_mappings" / "hunspell" / "he_IL_names.dic"
HSPELL_DIC = Path("/usr/share/hunspell/he_IL.dic")
# In hspell's he_IL.aff, flag "c" is the prefix class of proper nouns (ישראל/c, נתניהו/c).
PROPER_NOUN_FLAG = "c"
HEBREW_WORD = re.compile(r"^[א-ת][א-ת\"']*[א-ת]$")
ACRONYM = re.compile(r'^[א-ת]+"[א-ת]+$')
# A mark-less spelling that is a word of its own is the acronym's only when the word is rarer than this
# (zipf, log10 per billion words) and than the acronym: צהל (3.2) is mostly צה"ל (5.2), אצל (5.6) never.
MAX_WORD_ZIPF = 3.5


def hspell_flags(path: Path = HSPELL_DIC) -> dict[str, str]:
    """he_IL.dic's forms and their flags (the prefixes each form takes)."""
    if not path.exists():
        raise FileNotFoundError(
            f"{path} is missing: install Debian's hunspell-he (scripts/elasticsearch.sh install)"
        )
    flags: dict[str, str] = {}
    with open(path, encoding="utf-8") as f:
        next(f)  # the word count
        for line in f:
            form, _, own = line.strip().partition("/")
            flags[form] = "".join(sorted(set(flags.get(form, "") + own)))
    return flags


def hspell_words(path: Path = HSPELL_DIC) -> dict[str, str]:
    """he_IL.dic's forms (with their flags: a dict answers ``in`` as the set of forms did)."""
    return hspell_flags(path)


def _known(word: str, known: set[str]) -> bool:
    if word in known:
        return True
    return any(PREFIX_CHAIN.match(word[:k]) and word[k:] in known for k in range(1, min(4, len(word) - 1)))


def name_words(gazetteer: Gazetteer, known: set[str] | dict[str, str]) -> list[str]:
    """The dictionary's entries: the names hspell does not know (``NAME/c``), then the acronyms'
    entries (``acronym_entries``). ``known``: he_IL.dic's forms, with their flags when a dict."""
    words = {
        word
        for surface in gazetteer.surfaces
        for word in surface.form.split()
        if HEBREW_WORD.match(word) and len(word) >= 3
    }
    forms = set(known)
    names = [f"{w}/{PROPER_NOUN_FLAG}" for w in sorted(w for w in words if not _known(w, forms))]
    return names + acronym_entries(words, known if isinstance(known, dict) else dict.fromkeys(known, ""))


def acronym_entries(words: set[str], flags: dict[str, str]) -> list[str]:
    """``BARE/FLAGS st:ACRONYM`` for the mark-less spelling of each acronym among the gazetteer's words
    (with the acronym's flags in he_IL.dic, or the proper-noun flag). An acronym behind a prefix
    (בצה"ל, השב"כ) is left to the prefix flags of the acronym itself."""
    acronyms = {w for w in words if ACRONYM.match(w)}
    out: list[str] = []
    for acronym in sorted(acronyms):
        if any(PREFIX_CHAIN.match(acronym[:k]) and acronym[k:] in acronyms for k in range(1, 4)):
            continue
        bare = acronym.replace('"', "")
        if _acronym_spelling(bare, acronym, flags):
            out.append(f"{bare}/{flags.get(acronym) or PROPER_NOUN_FLAG} st:{acronym}")
    return out


def _acronym_spelling(bare: str, acronym: str, known: dict[str, str]) -> bool:
    """May the acronym's letters without gershayim stand for it? Not when they are a commoner word."""
    if len(bare) < 3 and bare in known:
        return False
    if bare not in known:
        return True
    word = zipf(bare)
    return word < MAX_WORD_ZIPF and word <= zipf(acronym)


def render_dic(entries: list[str]) -> str:
    return f"{len(entries)}\n" + "".join(f"{e}\n" for e in entries)


def build(path: Path = DIC_PATH) -> int:
    entries = name_words(load_gazetteer(), hspell_flags())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_dic(entries), encoding="utf-8")
    return len(entries)
