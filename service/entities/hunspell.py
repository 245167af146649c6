"""An extra hunspell word list for the node: the gazetteer's Hebrew names with hspell's
proper-noun prefix flag, so that the stemmed analyzer strips prefixes from names the Hebrew
dictionary does not know ("לפוטין" → "פוטין", "בפורושנקו" → "פורושנקו").

Only names hspell does not already know are added, and no name that is a known word behind a
prefix ("הבית" of הבית הלבן is ה + בית; adding it would change how every "והבית" is stemmed).
The list is built from Debian's he_IL.dic (installed, never committed) by
scripts/build_hunspell_names.py, and its output is committed.
"""

from __future__ import annotations

import re
from pathlib import Path

from service.entities.gazetteer import Gazetteer, load_gazetteer
from service.entities.matcher import PREFIX_CHAIN

DIC_PATH = Path(__file__).resolve().parents[2] / "index_mappings" / "hunspell" / "he_IL_names.dic"
HSPELL_DIC = Path("/usr/share/hunspell/he_IL.dic")
# In hspell's he_IL.aff, flag "c" is the prefix class of proper nouns (ישראל/c, נתניהו/c).
PROPER_NOUN_FLAG = "c"
HEBREW_WORD = re.compile(r"^[א-ת][א-ת\"']*[א-ת]$")


def hspell_words(path: Path = HSPELL_DIC) -> set[str]:
    if not path.exists():
        raise FileNotFoundError(
            f"{path} is missing: install Debian's hunspell-he (scripts/elasticsearch.sh install)"
        )
    with open(path, encoding="utf-8") as f:
        next(f)  # the word count
        return {line.split("/", 1)[0].strip() for line in f}


def _known(word: str, known: set[str]) -> bool:
    if word in known:
        return True
    return any(PREFIX_CHAIN.match(word[:k]) and word[k:] in known for k in range(1, min(4, len(word) - 1)))


def name_words(gazetteer: Gazetteer, known: set[str]) -> list[str]:
    words = {
        word
        for surface in gazetteer.surfaces
        for word in surface.form.split()
        if HEBREW_WORD.match(word) and len(word) >= 3
    }
    return sorted(w for w in words if not _known(w, known))


def render_dic(words: list[str]) -> str:
    return f"{len(words)}\n" + "".join(f"{w}/{PROPER_NOUN_FLAG}\n" for w in words)


def build(path: Path = DIC_PATH) -> int:
    words = name_words(load_gazetteer(), hspell_words())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_dic(words), encoding="utf-8")
    return len(words)
