"""The acronyms of Debian's he_IL.dic without their gershayim: ארהב for ארה"ב, שבכ for שב"כ (issue 15).

Hebrew text writes an acronym with ״, ", '' (normalised to ", service/normalize.py) or no mark at all.
he_IL.dic lists acronyms with the mark only, so the mark-less spelling was a different token, or none:
``ארהב`` found 2 articles against 124 for ``ארה"ב``. For scripts/build_lemma_dictionary.py (stdlib only,
like it): each mark-less spelling that is no word of he_IL.dic itself (אגם is a lake, not אג"ם) becomes
an entry ``BARE/FLAGS st:ACRONYM`` (the acronym's prefix flags) of the first hunspell filter's locale
(he_IL), whose ``longest_only`` then reads ארהב, לארהב and בארה"ב all as ארה"ב: the next filter
(he_IL_readings) gives it the acronym's tokens and lemmas. Index and query share the analysis, so both
spellings find the same articles.

The gazetteer's acronyms (דאע"ש, which hspell does not know) get theirs in the committed names list
(service/entities/hunspell.py), which may also keep a mark-less spelling that is a rare word (צהל).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

ACRONYM = re.compile(r'[א-ת]+"[א-ת]+')
MIN_LETTERS = 3  # two-letter spellings (אי for א"י) hide inside too many words


def find_acronyms(dic_lines: Iterable[str]) -> dict[str, tuple[str, str]]:
    """he_IL.dic's ``FORM/FLAGS`` lines → {mark-less spelling: (acronym, its flags)}, for the acronyms
    whose mark-less spelling is no form of the dictionary. Two acronyms with the same letters (a rare
    clash) leave that spelling out: it could be either."""
    forms: set[str] = set()
    found: dict[str, tuple[str, str]] = {}
    clashes: set[str] = set()
    for line in dic_lines:
        form, _, flags = line.strip().partition("/")
        if not form:
            continue
        forms.add(form)
        if not ACRONYM.fullmatch(form):
            continue
        bare = form.replace('"', "")
        if len(bare) < MIN_LETTERS:
            continue
        if bare in found and found[bare][0] != form:
            clashes.add(bare)
        flags = "".join(sorted(set(found.get(bare, (form, ""))[1] + flags)))
        found[bare] = (form, flags)
    return {bare: acronym for bare, acronym in found.items() if bare not in forms and bare not in clashes}


def entries(acronyms: dict[str, tuple[str, str]]) -> list[str]:
    """``BARE/FLAGS st:ACRONYM``, for a .dic of the he_IL locale (he_IL_acronyms.dic)."""
    return [f"{bare}/{flags} st:{acronym}" for bare, (acronym, flags) in sorted(acronyms.items())]
