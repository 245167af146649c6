"""scripts/acronyms.py: he_IL.dic's acronyms → entries for their mark-less spelling (pure functions).
The node's analysis of both spellings is checked by tests/search/test_hyphens_acronyms.py."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from tests.project import ROOT

SCRIPT = ROOT / "scripts" / "acronyms.py"
spec = importlib.util.spec_from_file_location("acronyms", SCRIPT)
assert spec and spec.loader
acronyms = importlib.util.module_from_spec(spec)
spec.loader.exec_module(acronyms)

DIC = [
    'ארה"ב/c',
    'אג"ם/a',  # אגם is a lake: a word of its own
    "אגם/b",
    'אדמו"ר/a',
    'אדמו"רים/a',
    'א"י/a',  # two letters
    "טיל/a",
    'צה"ל/c',
    'צה"ל/b',  # the same form twice: the flags add up (צהל itself is left out of this list)
    'קמ"ג/c',
    'קמ"ג/a',
    "",
]


def test_mark_less_spellings_that_are_no_word():
    found = acronyms.find_acronyms(DIC)
    assert found == {
        "ארהב": ('ארה"ב', "c"),
        "אדמור": ('אדמו"ר', "a"),
        "אדמורים": ('אדמו"רים', "a"),
        "צהל": ('צה"ל', "bc"),
        "קמג": ('קמ"ג', "ac"),
    }


def test_two_acronyms_with_the_same_letters_leave_the_spelling_out():
    found = acronyms.find_acronyms(['אב"ג/a', 'א"בג/c'])
    assert found == {}


def test_entries_read_the_spelling_as_the_acronym_with_its_prefix_flags():
    found = acronyms.find_acronyms(DIC)
    assert acronyms.entries(found) == [
        'אדמור/a st:אדמו"ר',
        'אדמורים/a st:אדמו"רים',
        'ארהב/c st:ארה"ב',
        'צהל/bc st:צה"ל',
        'קמג/ac st:קמ"ג',
    ]


def test_the_installed_dictionary_gives_the_issues_examples():
    """On Debian's he_IL.dic (installed by scripts/elasticsearch.sh install): ארהב is ארה"ב's."""
    lines = Path("/usr/share/hunspell/he_IL.dic").read_text(encoding="utf-8").splitlines()[1:]
    found = acronyms.find_acronyms(lines)
    assert found["ארהב"][0] == 'ארה"ב'
    assert "אגם" not in found  # a word of its own
