"""Scraped pages laid out as other Israeli sites lay them out (issue 19): captions before or after
their credits, credits bracketed, inline or on their own line, captions printed once to thrice,
dates and bylines printed in the page. Each fixture ``tests/fixtures/scraped/layout_*.txt`` parses
exactly to its ``.expected.json``."""

import json
from pathlib import Path

import pytest

from service.ingest.scraped import _lines, caption_of, pair_credits, parse_scraped
from tests.project import FIXTURES, SEED

SCRAPED = FIXTURES / "scraped"
LAYOUTS = sorted(SCRAPED.glob("layout_*.txt"))
SEED_TRAILING = 'צילום: עמוס בן גרשום לע"מ\nמשתפים פעולה. פוטין ונתניהו\nצילום: עמוס בן גרשום לע"מ\n'


def parsed(path: Path) -> dict:
    article = parse_scraped(path.read_text(encoding="utf-8"))
    d = article.to_json()
    return {
        **{k: d[k] for k in ("title", "lead", "authors", "published_at", "sections", "captions")},
        "warnings": article.warnings,
    }


def test_there_are_layouts_for_every_site_shape():
    assert len(LAYOUTS) >= 9


@pytest.mark.parametrize("path", LAYOUTS, ids=[p.stem for p in LAYOUTS])
def test_layout_parses_exactly(path):
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    assert parsed(path) == expected


@pytest.mark.parametrize("path", LAYOUTS, ids=[p.stem for p in LAYOUTS])
def test_no_credit_date_or_byline_is_left_in_the_prose(path):
    article = parse_scraped(path.read_text(encoding="utf-8"))
    for part in article.parts:
        if part.kind != "caption":
            for marker in ("צילום", "קרדיט", "פורסם", "עודכן", "מאת"):
                assert marker not in part.text, (marker, part.text)


def seed_with_trailing(block: str) -> str:
    text = SEED.read_text(encoding="utf-8")
    assert SEED_TRAILING in text
    return text.replace(SEED_TRAILING, block)


@pytest.mark.parametrize(
    "block",
    [
        'משתפים פעולה. פוטין ונתניהו\nצילום: עמוס בן גרשום לע"מ\n',  # caption, then its credit
        'משתפים פעולה. פוטין ונתניהו\n(צילום: עמוס בן גרשום לע"מ)\n',
        'משתפים פעולה. פוטין ונתניהו\nקרדיט צילום: עמוס בן גרשום לע"מ\n',
        'צילום: עמוס בן גרשום לע"מ\nמשתפים פעולה. פוטין ונתניהו\n',  # credit first, no repeat
        'משתפים פעולה. פוטין ונתניהו | צילום: עמוס בן גרשום לע"מ\n',
    ],
)
def test_the_seed_keeps_its_main_caption_in_every_trailing_order(block):
    """The issue: the seed's trailing block with the caption before its credit lost the caption."""
    article = parse_scraped(seed_with_trailing(block))
    original = parse_scraped(SEED.read_text(encoding="utf-8"))
    assert article.to_json() == original.to_json()


def test_caption_then_credit_in_a_block_of_its_own_and_across_blank_lines():
    page = (
        "כותרת הכתבה\n\nפתיח הכתבה שיש בו כמה מילים.\n\nפסקה ראשונה של הכתבה.\n\n"
        "נמל חיפה בשקיעה\nצילום: רויטרס\n\nפסקה שנייה של הכתבה.\n\n"
        "גשר המיתרים\n\nצילום: דני כהן\n\nפסקה שלישית של הכתבה.\n"
    )
    article = parse_scraped(page)
    assert [(p.text, p.credit.text) for p in article.parts if p.kind == "caption"] == [
        ("נמל חיפה בשקיעה", "רויטרס"),
        ("גשר המיתרים", "דני כהן"),
    ]
    assert [p.text for p in article.parts if p.kind == "body"] == [
        "פסקה ראשונה של הכתבה.",
        "פסקה שנייה של הכתבה.",
        "פסקה שלישית של הכתבה.",
    ]


def test_a_credit_between_two_paragraphs_takes_neither():
    page = "כותרת\n\nפתיח.\n\nפסקה ראשונה.\n\nצילום: רויטרס\n\nפסקה שנייה.\n"
    article = parse_scraped(page)
    assert [p.kind for p in article.parts] == ["title", "lead", "body", "body"]


def test_a_credit_under_the_title_does_not_take_the_lead():
    article = parse_scraped("כותרת הכתבה\nצילום: רויטרס\nפתיח הכתבה בלי נקודה בסופו\n\nפסקה.\n")
    assert article.lead == "פתיח הכתבה בלי נקודה בסופו"
    assert not [p for p in article.parts if p.kind == "caption"]


def test_alternating_captions_and_credits_pair_in_the_page_order():
    head = "כותרת\n\nפסקה.\n\n"
    caption_first = _lines(head + "כיתוב א\nצילום: אחד\nכיתוב ב\nצילום: שניים\n")
    paired, credits = pair_credits(caption_first, [False] * 6)
    assert paired == {2: ("כיתוב א", "אחד"), 4: ("כיתוב ב", "שניים")} and credits == {3, 5}
    credit_first = _lines(head + "צילום: אחד\nכיתוב א\nצילום: שניים\nכיתוב ב\n")
    paired, credits = pair_credits(credit_first, [False] * 6)
    assert paired == {3: ("כיתוב א", "אחד"), 5: ("כיתוב ב", "שניים")} and credits == {2, 4}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("גלים בחוף (צילום: רויטרס)", ("גלים בחוף", "רויטרס")),
        ("גלים בחוף (קרדיט: רויטרס)", ("גלים בחוף", "רויטרס")),
        ("גלים בחוף (צילום - רויטרס)", ("גלים בחוף", "רויטרס")),
        ("גלים בחוף | צילום: רויטרס", ("גלים בחוף", "רויטרס")),
        ("גלים בחוף. צילום: רויטרס", ("גלים בחוף", "רויטרס")),
        ("גלים בחוף צילום: רויטרס", ("גלים בחוף", "רויטרס")),
        ("צילום: רויטרס", None),
        ("(צילום: רויטרס)", None),
        ("הצלם אמר כי הצילום נעשה בחוף.", None),
    ],
)
def test_caption_with_its_credit_on_one_line(line, expected):
    assert caption_of(line) == expected


def test_a_caption_printed_three_times_is_one_caption():
    page = (
        "כותרת\n\nפתיח.\n\n"
        "גלים בחוף\nגלים בחוף (צילום: רויטרס) (צילום: רוי\nגלים בחוף(צילום: רויטרס)\nגלים בחוף\n"
    )
    article = parse_scraped(page)
    assert [p.text for p in article.parts] == ["כותרת", "פתיח.", "גלים בחוף"]
