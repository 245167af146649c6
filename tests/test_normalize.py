import pytest

from service.normalize import normalize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("צה״ל", 'צה"ל'),  # U+05F4 gershayim
        ("צה”ל", 'צה"ל'),  # right double quotation mark typed for gershayim
        ("צה“ל", 'צה"ל'),
        ('צה"ל', 'צה"ל'),
        ("ג׳ורג׳", "ג'ורג'"),  # U+05F3 geresh
        ("פרופ’ כהן", "פרופ' כהן"),
        ("בְּרֵאשִׁית", "בראשית"),  # niqqud
        ("וַיְהִ֣י", "ויהי"),  # cantillation
        ("\u200fשלום\u200e עולם\u202c", "שלום עולם"),  # bidi marks
        ("בית־ספר", "בית-ספר"),  # maqaf: a hyphen, one hyphenated word to the query parser
        ("אל\u2011קאעידה", "אל-קאעידה"),  # non-breaking hyphen
        ("צה''ל", 'צה"ל'),  # gershayim typed as two apostrophes
        ('צה""ל', 'צה"ל'),
        ("צה׳׳ל", 'צה"ל'),  # two gereshes
        ("צה’’ל", 'צה"ל'),  # two curly apostrophes
        ("ארה''ב", 'ארה"ב'),
        ("בCNN", "ב-CNN"),  # a prefix glued to a Latin word is set apart by a hyphen
        ("וGoogle", "ו-Google"),
        ("\ufb2aלום", "שלום"),  # presentation form shin with shin dot
        ("שלום\u00a0\u00a0עולם", "שלום עולם"),
        ("  רווחים   כפולים ", "רווחים כפולים"),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_real_quotation_marks_are_kept() -> None:
    assert normalize("“שלום” אמר") == "“שלום” אמר"


def test_doubled_marks_outside_a_word_are_left_alone() -> None:
    assert normalize("אמר ''שלום'' לו") == "אמר ''שלום'' לו"
    assert normalize("ג'ורג'") == "ג'ורג'"


@pytest.mark.parametrize("raw", ["צה''ל ב-CNN", "בית־ספר", "צה’’ל", "בGoogle", 'ארה""ב'])
def test_normalize_is_idempotent(raw: str) -> None:
    assert normalize(normalize(raw)) == normalize(raw)


def test_paragraph_breaks_survive() -> None:
    assert normalize("א\nב") == "א\nב"


def test_empty() -> None:
    assert normalize("") == ""
