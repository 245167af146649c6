"""The scraped-page parser: the seed article's acceptance, and every chrome rule on its own."""

import re

import pytest

from service.ingest.scraped import (
    WIDGET_LINES,
    _chrome_neighbourhood,
    _lines,
    bare_credit_of,
    caption_of,
    is_chrome,
    is_footer_start,
    is_heading,
    is_metadata,
    is_widget_line,
    is_widget_phrase,
    parse_scraped,
)
from tests.project import FIXTURES, SEED

SCRAPED = FIXTURES / "scraped"


def seed_chrome(seed_text: str) -> set[str]:
    """The seed page's lines that are widget labels (rule 1), by the module's own list."""
    return {line for line in seed_lines(seed_text) if is_widget_line(line)}


def seed_lines(seed_text: str) -> list[str]:
    return [" ".join(line.replace("\u00a0", " ").split()) for line in seed_text.splitlines()]


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def article(seed_text):
    return parse_scraped(seed_text)


def test_title(article):
    assert article.title == "אחרי חיסול קונטאר: פוטין ונתניהו שוחחו על תיאום פעולות נגד הטרור"
    assert article.parts[0].kind == "title"


def test_lead(article):
    assert article.parts[1].kind == "lead"
    assert article.parts[1].text.startswith("לאחר חיסול בכיר חיזבאללה")
    assert article.parts[1].text.endswith('"לא יכול לומר אם התקבלה אזהרה ישראלית"')


def test_five_captions_with_split_credits(article):
    captions = [
        (p.text, p.credit.text, p.credit.people, p.credit.agencies)
        for p in article.parts
        if p.kind == "caption"
    ]
    assert captions == [
        ("פגישת פוטין ונתניהו בפריז", 'לע"מ', (), ('לע"מ',)),
        (
            "פוטין ונתניהו בפגישתם האחרונה. שיבחו את שיתוף הפעולה הביטחוני בין המדינות",
            'עמוס בן גרשום לע"מ',
            ("עמוס בן גרשום",),
            ('לע"מ',),
        ),
        (
            "טילי S-400 בסוריה. לא הופעלו בחיסול קונטאר",
            "AFP / RUSSIAN DEFENCE MINISTRY",
            (),
            ("AFP", "RUSSIAN DEFENCE MINISTRY"),
        ),
        ("ריבלין ונשיא אוקראינה פורושנקו", 'מארק ניימן, לע"מ', ("מארק ניימן",), ('לע"מ',)),
        ("משתפים פעולה. פוטין ונתניהו", 'עמוס בן גרשום לע"מ', ("עמוס בן גרשום",), ('לע"מ',)),
    ]


def test_the_seed_page_shows_fifteen_widget_labels(seed_text):
    """The seed's chrome, pinned: the sentence test below skips these lines, so a label that began to
    match a line of prose would change this count rather than hide the lost sentence."""
    chrome = seed_chrome(seed_text)
    assert len(chrome) == 15 and {"סגורסגור", "קוד להטמעה:", "שתף קטע נבחר"} <= chrome


def test_no_chrome_line_in_any_part(article):
    for part in article.parts:
        assert not any(is_widget_line(line) for line in part.text.splitlines()), part
        assert "סגורסגור" not in part.text and "קוד להטמעה" not in part.text


def _body_sentences(seed_text: str) -> list[str]:
    """Sentences of every prose line of the page: not chrome, not captions, not credits."""
    sentences = []
    chrome = seed_chrome(seed_text)
    for line in seed_lines(seed_text):
        if not line or line in chrome or "(צילום:" in line or line.startswith("צילום:"):
            continue
        if line == "משתפים פעולה. פוטין ונתניהו":  # the trailing block's caption
            continue
        sentences += [s.strip() for s in re.split(r"(?<=[.!?])\s+", line) if s.strip()]
    return sentences


def test_every_sentence_appears_in_exactly_one_part(article, seed_text):
    sentences = _body_sentences(seed_text)
    assert len(sentences) > 25
    texts = [p.text for p in article.parts if p.kind != "caption"]
    for sentence in sentences:
        holders = [t for t in texts if sentence in t]
        assert len(holders) == 1, sentence


def test_body_paragraphs_are_sections_in_order(article, seed_text):
    bodies = [p.text for p in article.parts if p.kind == "body"]
    assert len(bodies) == 9 and len(set(bodies)) == 9
    positions = [seed_text.index(b) for b in bodies]
    assert positions == sorted(positions)


# Rule 1: widget labels, each as listed and with stray or no-break spaces.
@pytest.mark.parametrize("line", [*sorted(WIDGET_LINES), "  שליחה לחבר  ", "שתף\u00a0קטע נבחר"])
def test_rule1_widget_lines(line):
    assert is_widget_line(line)


# Rule 2: short lines around a widget word, unless a long paragraph follows (a subheading).
@pytest.mark.parametrize("line", ["שתפו בפייסבוק", "הדפסת כתבה", "שתפו בוואטסאפ", "share"])
def test_rule2_widget_phrases(line):
    assert is_widget_phrase(line) and is_chrome(line, "שורה קצרה")


@pytest.mark.parametrize("line", ["שלחו את הכוחות", "רוסיה מעורבת עמוק בבוץ הסורי.", "תגובות הציבור, אתמול"])
def test_rule2_leaves_prose_alone(line):
    assert not is_chrome(line)


def test_rule2_subheading_with_a_widget_word_is_kept():
    long_paragraph = " ".join(["מילה"] * 20)
    assert is_widget_phrase("תגובות במערכת הפוליטית")
    assert not is_chrome("תגובות במערכת הפוליטית", long_paragraph)


# Rule 3: short unpunctuated lines inside a block of chrome.
def test_rule3_chrome_neighbourhood():
    lines = _lines("הקלידו את הקוד המוצג\nתמונה אחרת\n\nתמונה אחרת\nפסקה של ממש עם משפט שלם.\n")
    chrome = _chrome_neighbourhood(lines, [is_chrome(x.text) for x in lines])
    assert chrome == [True, True, False, False]


# Rule 4: the footer.
def test_rule4_footer_drops_what_follows_but_keeps_the_image_caption():
    page = "כותרת\n\nפסקה ראשונה.\n\nמומלצים\nכותרת של כתבה אחרת\nצילום: רויטרס\nכיתוב התמונה הראשית\n"
    article = parse_scraped(page)
    assert is_footer_start("מומלצים")
    assert [p.text for p in article.parts] == ["כותרת", "פסקה ראשונה.", "כיתוב התמונה הראשית"]
    assert article.parts[-1].credit.agencies == ("רויטרס",)


# Rule 5: publication metadata.
@pytest.mark.parametrize(
    "line", ["פורסם: 22.12.15, 20:34", "עודכן: 23.12.15", "22/12/2015", "14.03.16, 18:20"]
)
def test_rule5_metadata(line):
    assert is_metadata(line)


def test_caption_doubled_with_cut_credit():
    assert caption_of("גלים בחוף (צילום: רויטרס) (צילום: רויט") == ("גלים בחוף", "רויטרס")
    assert caption_of("גלים בחוף(צילום: רויטרס)") == ("גלים בחוף", "רויטרס")
    assert caption_of("(צילום: רויטרס)") is None
    assert bare_credit_of('צילום: עמוס בן גרשום לע"מ') == 'עמוס בן גרשום לע"מ'


def test_heading_rule():
    long_paragraph = " ".join(["מילה"] * 20)
    assert is_heading("הרוסים שותקים", long_paragraph)
    assert not is_heading("הרוסים שותקים.", long_paragraph)
    assert not is_heading("הרוסים שותקים", "קצר")
    assert not is_heading("הרוסים שותקים", None)


def test_other_page_one_caption_heading_byline_and_footer():
    article = parse_scraped((SCRAPED / "page_one_caption.txt").read_text(encoding="utf-8"))
    assert article.title == "הכנסת אישרה בקריאה ראשונה את חוק התחבורה הציבורית בשבת"
    assert article.authors == ["דנה לוי"]
    assert article.lead.startswith("ההצעה עברה ברוב")
    sections = [(p.heading, p.text[:20]) for p in article.parts if p.kind == "body"]
    assert sections == [("", "הדיון במליאה נמשך עד"), ("תגובות במערכת הפוליטית", "בסיעות החרדיות הגיבו")]
    assert "במפלגות המרכז בירכו" in article.parts[-2].text
    captions = [p for p in article.parts if p.kind == "caption"]
    assert [(c.text, c.credit.people, c.credit.agencies) for c in captions] == [
        ("מליאת הכנסת בזמן ההצבעה", ("יונתן זינדל",), ("פלאש 90",))
    ]
    everything = " ".join(p.text for p in article.parts)
    for chrome in ("שתפו", "הדפסת", "שליחה לחבר", "כתבות נוספות", "מזג האוויר", "פורסם"):
        assert chrome not in everything


def test_other_page_many_captions_chrome_in_the_middle():
    article = parse_scraped((SCRAPED / "page_many_captions.txt").read_text(encoding="utf-8"))
    assert article.title.startswith("סערה בחוף")
    bodies = [p.text for p in article.parts if p.kind == "body"]
    assert len(bodies) == 2 and bodies[1].startswith("בשירות המטאורולוגי")
    captions = [(p.text, p.credit.people, p.credit.agencies) for p in article.parts if p.kind == "caption"]
    assert captions == [
        ("גלים בחוף גורדון", (), ("רויטרס",)),
        ("הטיילת הסגורה ביפו", ("מוטי קמחי",), ()),
        ("עץ שקרס על רכב בחולון", (), ("דוברות כבאות והצלה",)),
    ]
    assert all("קוד" not in p.text and "תגובות" not in p.text for p in article.parts)


def test_html_pasted_into_the_page_is_converted_with_a_warning():
    article = parse_scraped("<p>כותרת</p>\n<p>פסקה <b>מודגשת</b> &amp; עוד.</p><script>x()</script>")
    assert [p.text for p in article.parts] == ["כותרת", "פסקה מודגשת & עוד."]
    assert article.warnings == ["HTML markup removed"]


def test_absurdly_long_line_is_refused():
    with pytest.raises(ValueError, match="characters long"):
        parse_scraped("כותרת\n" + "א" * 60_000)


def test_a_page_without_text_is_rejected():
    with pytest.raises(ValueError, match="no title"):
        parse_scraped("סגורסגור\n\nמומלצים\n")
