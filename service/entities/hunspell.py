"""An extra hunspell word list for the node: the gazetteer's Hebrew names with hspell's
proper-noun prefix flag, so that the stemmed analyzer strips prefixes from names the Hebrew
dictionary does not know ("לפוטין" → "פוטין", "בפורושנקו" → "פורושנקו").
"""

from __future__ import annotations

import re
from pathlib import Path

from service.entities.gazetteer import Gazetteer, load_gazetteer

DIC_PATH = Path(__file__).resolve().parents[2] / "index_mappings" / "hunspell" / "he_IL_names.dic"
# In hspell's he_IL.aff, flag "c" is the prefix class of proper nouns (ישראל/c, נתניהו/c).
PROPER_NOUN_FLAG = "c"
HEBREW_WORD = re.compile(r"^[א-ת][א-ת\"']*[א-ת]$")


def name_words(gazetteer: Gazetteer) -> list[str]:
    words = {
        word
        for surface in gazetteer.surfaces
        for word in surface.form.split()
        if HEBREW_WORD.match(word) and len(word) >= 3
    }
    return sorted(words)


def render_dic(words: list[str]) -> str:
    header = f"{len(words)}\n"
    return header + "".join(f"{w}/{PROPER_NOUN_FLAG}\n" for w in words)


def build(path: Path = DIC_PATH) -> int:
    words = name_words(load_gazetteer())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_dic(words), encoding="utf-8")
    return len(words)
