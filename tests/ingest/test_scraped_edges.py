"""The scraped-page rules at their edges: word-count limits met exactly, the characters each rule
strips, line numbers and blocks, and the byline taken back from the prose (pure, milliseconds)."""

import pytest

from service.ingest.scraped import (
    _chrome_neighbourhood,
    _lines,
    caption_key,
    caption_of,
    is_chrome,
    is_heading,
    is_metadata,
    is_widget_phrase,
    parse_scraped,
)


def n_words(n: int, word: str = "מילה") -> str:
    return " ".join([word] * n)


def test_a_widget_phrase_may_end_with_a_colon_but_not_start_with_one():
    assert is_widget_phrase("שתפו:")
    assert not is_widget_phrase(":שתפו")


def test_chrome_lines_may_have_exactly_twelve_words():
    assert is_chrome("פורסם: " + n_words(11))
    assert not is_chrome("פורסם: " + n_words(12))


def test_a_widget_phrase_over_a_twelve_word_line_is_still_chrome():
    assert is_chrome("הדפסת כתבה", n_words(12))
    assert not is_chrome("הדפסת כתבה", n_words(13))


def test_a_byline_with_a_labelled_stamp_is_metadata():
    assert is_metadata("דנה לוי | פורסם: 22.12.15 , 19:45")
    assert not is_metadata("דנה לוי")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("גלים בחוף | (צילום: רויטרס)", ("גלים בחוף", "רויטרס")),
        ("דגם X (צילום: רויטרס)", ("דגם X", "רויטרס")),
        ("דגם X | צילום: רויטרס", ("דגם X", "רויטרס")),
        ("גלים בחוף || צילום: רויטרס", ("גלים בחוף", "רויטרס")),
    ],
)
def test_a_caption_loses_its_separator_and_nothing_else(line, expected):
    assert caption_of(line) == expected


def test_an_inline_credit_caption_may_have_forty_words_and_its_credit_eight():
    assert caption_of(n_words(40) + " | צילום: " + n_words(8, "שם")) == (n_words(40), n_words(8, "שם"))
    assert caption_of(n_words(41) + " | צילום: רויטרס") is None
    assert caption_of("גלים | צילום: " + n_words(9, "שם")) is None


def test_a_heading_may_have_twelve_words_over_a_paragraph_of_thirteen():
    assert is_heading(n_words(12), n_words(13))
    assert not is_heading(n_words(13), n_words(13))
    assert not is_heading(n_words(3), n_words(12))
    assert not is_heading("הרוסים שותקים,", n_words(13))


def test_lines_are_numbered_from_one_and_blocks_counted_by_blank_lines():
    with pytest.raises(ValueError, match=r"^line 2 is 50,001 characters"):
        _lines("כותרת\n" + "א" * 50_001)
    assert [x.text for x in _lines("א" * 50_000)] == ["א" * 50_000]
    assert [x.block for x in _lines("א\nב\n\nג\n\n\nד")] == [0, 0, 1, 3]


@pytest.mark.parametrize(
    ("line", "chrome"),
    [
        (n_words(6), True),
        ("תמונה חדשה:", True),
        (n_words(7), False),
        ("מילה מילה.", False),
        (":מילה", False),
    ],
)
def test_rule3_takes_short_unpunctuated_lines_among_chrome(line, chrome):
    lines = _lines(f"שליחה לחבר\n{line}\nסגור\n")
    assert _chrome_neighbourhood(lines, [True, False, True]) == [True, chrome, True]


def test_a_page_read_without_metadata_has_none_and_what_is_given_is_kept():
    page = "כותרת\n\nפסקה ראשונה.\n"
    article = parse_scraped(page)
    assert (article.url, article.source, article.origin) == ("", "", "")
    article = parse_scraped(page, url="https://x.co/a", source="ynet", origin="a.txt")
    assert (article.url, article.source, article.origin) == ("https://x.co/a", "ynet", "a.txt")
    with pytest.raises(ValueError, match=r"^no title: the page has no text outside site chrome$"):
        parse_scraped("שתפו\nסגור\n")


def test_a_caption_key_ignores_a_final_period_and_keeps_the_rest():
    assert caption_key("גלים בחוף. ") == caption_key("גלים בחוף")
    assert caption_key(".גלים") != caption_key("גלים")
    assert caption_key("דגם X") != caption_key("דגם")


LEAD = "הכותרת המשנית של הכתבה על הבחירות"


@pytest.mark.parametrize(
    ("page", "authors", "prose"),
    [
        (
            f"כותרת\n\n{LEAD}\n\nדנה לוי\nפורסם: 22.12.15 , 19:45\n\nפסקה.\n",
            ["דנה לוי"],
            ["כותרת", LEAD, "פסקה."],
        ),
        ("כותרת\n\nדנה לוי\nפורסם: 22.12.15 , 19:45\n\nפסקה.\n", ["דנה לוי"], ["כותרת", "פסקה."]),
        (
            f"כותרת\n\n{LEAD}\n\nעוד שורה\n\nשורה רביעית\n\nדנה לוי\nפורסם: 22.12.15 , 19:45\n\nפסקה.\n",
            ["דנה לוי"],
            ["כותרת", LEAD, "עוד שורה", "שורה רביעית", "פסקה."],
        ),
    ],
)
def test_the_name_line_over_a_stamp_is_the_byline_but_never_the_title(page, authors, prose):
    article = parse_scraped(page)
    assert article.authors == authors
    assert [p.text for p in article.parts if p.kind != "caption"] == prose


def test_a_credit_printed_again_under_its_caption_takes_no_second_caption():
    page = (
        "כותרת\n\nפסקה ראשונה של הכתבה.\n\nצילום: רויטרס\nפוטין ונתניהו\nצילום: רויטרס\nשורה קצרה\n\nפסקה.\n"
    )
    article = parse_scraped(page)
    assert [p.text for p in article.parts if p.kind == "caption"] == ["פוטין ונתניהו"]
    assert [p.text for p in article.parts if p.kind == "body"] == ["שורה קצרה", "פסקה."]


def test_a_credit_between_two_captions_follows_the_page_habit_of_captions_above():
    page = (
        "כותרת\n\nפסקה ראשונה של הכתבה עם משפט שלם.\n\nכיתוב ראשון\nצילום: רויטרס\n\n"
        "פסקה שנייה של הכתבה.\n\nכיתוב שני\nצילום: AP\nכיתוב שלישי\n\nפסקה אחרונה.\n"
    )
    article = parse_scraped(page)
    assert [p.text for p in article.parts if p.kind == "caption"] == ["כיתוב ראשון", "כיתוב שני"]
    assert "כיתוב שלישי" in [p.text for p in article.parts if p.kind == "body"]


def test_a_subheading_gathers_the_paragraphs_under_it():
    page = f"כותרת\n\nפסקה ראשונה.\n\nקצר\n\nכותרת משנה\n\n{n_words(13)}\n\n{n_words(14)}\n"
    bodies = [(p.heading, p.text) for p in parse_scraped(page).parts if p.kind == "body"]
    assert bodies == [("", "קצר"), ("כותרת משנה", f"{n_words(13)}\n\n{n_words(14)}")]


STAMP = "פורסם: 22.12.15 , 19:45"


@pytest.mark.parametrize(
    ("page", "authors", "prose"),
    [
        (f"כותרת\n\n{STAMP}\nדנה לוי ויוסי כהן\n\nפסקה.\n", ["דנה לוי", "יוסי כהן"], ["כותרת", "פסקה."]),
        (f"כותרת\n\n{STAMP}\nשתפו\nדנה לוי\n\nפסקה.\n", [], ["כותרת", "פסקה."]),
        (f"כותרת\n\nדנה לוי\n{STAMP}\nשתפו\n\nפסקה.\n", ["דנה לוי"], ["כותרת", "פסקה."]),
        (f"כותרת\n\nהממשלה החליטה היום.\n{STAMP}\n\nפסקה.\n", [], ["כותרת", "הממשלה החליטה היום.", "פסקה."]),
    ],
)
def test_a_byline_is_the_name_line_right_under_or_over_the_stamp(page, authors, prose):
    article = parse_scraped(page)
    assert article.authors == authors
    assert [p.text for p in article.parts] == prose
