"""Which line of a scraped page becomes a caption, which credit goes with which photo, and who wrote
the article: page layouts as a journalist sees them, each with the caption pairs, the text and the
byline the parser must give (issue 20: the survivors of ``service/ingest/scraped.py``)."""

from datetime import date

import pytest

from service.ingest.scraped import parse_scraped
from service.model import Article

HEAD = "כותרת הכתבה\n\nפתיח הכתבה עם משפט שלם.\n\n"
STAMP = "פורסם: 22.12.15 , 19:45"


def captions(article: Article) -> list[tuple[str, str]]:
    return [(p.text, p.credit.text) for p in article.parts if p.kind == "caption"]


def text(article: Article) -> list[str]:
    return [p.text for p in article.parts if p.kind != "caption"]


@pytest.mark.parametrize(
    "page",
    [
        "שתפו\n\nכותרת הכתבה\nצילום: רויטרס\nפתיח הכתבה שבו נאמר מה קרה\n\nפסקה ראשונה.\n",
        "כותרת הכתבה\n\nשתפו\nצילום: רויטרס\nפתיח הכתבה שבו נאמר מה קרה\n\nפסקה ראשונה.\n",
        "צילום: רויטרס\n\nכותרת הכתבה\n\nפתיח הכתבה שבו נאמר מה קרה\n\nפסקה ראשונה.\n",
    ],
    ids=["share-widget-over-the-title", "share-widget-between-title-and-credit", "credit-over-the-title"],
)
def test_the_main_image_credit_takes_neither_the_title_nor_the_lead(page):
    """The credit of the main image, printed by the title (before it, or under it past a widget),
    has no caption: the title stays the title and the line under the credit the lead."""
    article = parse_scraped(page)
    assert captions(article) == []
    assert text(article) == ["כותרת הכתבה", "פתיח הכתבה שבו נאמר מה קרה", "פסקה ראשונה."]


@pytest.mark.parametrize(
    ("body", "expected", "prose"),
    [
        (
            "נמל חיפה בשקיעה\nצילום: רויטרס\nגשר המיתרים בלילה\n\nצילום: דני כהן\nחוף הים בתל אביב\n\n",
            [("גשר המיתרים בלילה", "רויטרס"), ("חוף הים בתל אביב", "דני כהן")],
            ["נמל חיפה בשקיעה"],
        ),
        (
            "נמל חיפה בשקיעה\nצילום: רויטרס\nגשר המיתרים בלילה\nצילום: דני כהן\nחוף הים בתל אביב\n\n",
            [("נמל חיפה בשקיעה", "רויטרס"), ("גשר המיתרים בלילה", "דני כהן")],
            ["חוף הים בתל אביב"],
        ),
        (
            "נמל חיפה בשקיעה\nצילום: רויטרס\n\nפסקה שנייה.\n\nגשר המיתרים בלילה\nצילום: דני כהן\n\n"
            "פסקה שלישית.\n\nצילום: AP\nחוף הים בתל אביב\n\nפסקה רביעית.\n\n"
            "כיתוב רביעי\nצילום: אי-פי-איי\nשורה אחרונה קצרה\n\n",
            [
                ("נמל חיפה בשקיעה", "רויטרס"),
                ("גשר המיתרים בלילה", "דני כהן"),
                ("חוף הים בתל אביב", "AP"),
                ("כיתוב רביעי", "אי-פי-איי"),
            ],
            ["פסקה שנייה.", "פסקה שלישית.", "פסקה רביעית.", "שורה אחרונה קצרה"],
        ),
        (
            "צילום: רויטרס\nפוטין ונתניהו\nצילום: רויטרס\n\nפסקה שנייה.\n\nנמל חיפה בשקיעה\nצילום: AP\n\n",
            [("פוטין ונתניהו", "רויטרס"), ("נמל חיפה בשקיעה", "AP")],
            ["פסקה שנייה."],
        ),
        (
            "נמל חיפה בשקיעה\nצילום: רויטרס\nגשר המיתרים בלילה\nצילום: דני כהן\n\nפסקה שנייה.\n\n"
            "חוף הים בתל אביב\nצילום: AP\nשורה קצרה בלי נקודה\n\n",
            [
                ("נמל חיפה בשקיעה", "רויטרס"),
                ("גשר המיתרים בלילה", "דני כהן"),
                ("חוף הים בתל אביב", "AP"),
            ],
            ["פסקה שנייה.", "שורה קצרה בלי נקודה"],
        ),
    ],
    ids=[
        "credit-over-caption-when-the-next-credit-already-took-its-own",
        "caption-credit-caption-credit-run-takes-the-captions-above",
        "a-credit-between-two-captions-follows-the-majority-of-the-page",
        "a-credit-printed-again-under-its-caption-and-another-photo-after",
        "a-run-and-then-a-credit-between-two-captions",
    ],
)
def test_each_credit_goes_with_its_own_photo(body, expected, prose):
    article = parse_scraped(f"{HEAD}{body}פסקה אחרונה.\n")
    assert captions(article) == expected
    assert text(article) == ["כותרת הכתבה", "פתיח הכתבה עם משפט שלם.", *prose, "פסקה אחרונה."]


def test_a_long_paragraph_over_a_credit_stays_in_the_text():
    """A credit printed under a paragraph of more than 40 words credits a photo without a caption."""
    paragraph = " ".join(["מילה"] * 45) + "."
    article = parse_scraped(f"{HEAD}{paragraph}\nצילום: רויטרס\n\nפסקה אחרונה.\n")
    assert captions(article) == []
    assert text(article) == ["כותרת הכתבה", "פתיח הכתבה עם משפט שלם.", paragraph, "פסקה אחרונה."]


def test_a_forty_word_caption_is_a_caption_and_its_second_printing_is_dropped():
    caption = " ".join(["כיתוב"] * 40)
    article = parse_scraped(f"{HEAD}{caption}\nצילום: רויטרס\n\nפסקה אחרונה.\n\n{caption}\n")
    assert captions(article) == [(caption, "רויטרס")]
    assert text(article) == ["כותרת הכתבה", "פתיח הכתבה עם משפט שלם.", "פסקה אחרונה."]


NINE_WORDS = "דנה לוי, יוסי כהן, משה בן דוד ורונית לוי"
FOUR_WRITERS = ["דנה לוי", "יוסי כהן", "משה בן דוד", "רונית לוי"]
MANY = "מאת דנה לוי, יוסי כהן, משה בן, רונית לוי, אבי גל, שרה טל, דוד מור, נועה בר, עמית רז"
NINE_WRITERS = [
    "דנה לוי",
    "יוסי כהן",
    "משה בן",
    "רונית לוי",
    "אבי גל",
    "שרה טל",
    "דוד מור",
    "נועה בר",
    "עמית רז",
]


@pytest.mark.parametrize(
    ("page", "authors", "prose"),
    [
        (f"כותרת\n\nדנה לוי\n\n{STAMP}\n\nפסקה.\n", ["דנה לוי"], ["כותרת", "פסקה."]),
        (f"כותרת\n\nשתפו בפייסבוק\n{STAMP}\n\nפסקה.\n", [], ["כותרת", "פסקה."]),
        (
            f"כותרת\n\nפתיח.\n\nכותרת משנה.\n\nדנה לוי\n\n{STAMP}\n\nפסקה.\n",
            ["דנה לוי"],
            ["כותרת", "פתיח.", "כותרת משנה.", "פסקה."],
        ),
        (
            f"כותרת\n\nפתיח.\n\nכותרת משנה.\n\nשורה רביעית.\n\nדנה לוי\n\n{STAMP}\n\nפסקה.\n",
            [],
            ["כותרת", "פתיח.", "כותרת משנה.", "שורה רביעית.", "דנה לוי", "פסקה."],
        ),
        (
            "כותרת\n\nפתיח.\n\nפסקה א.\n\nפסקה ב.\n\nמשה כהן\n\nעודכן: 23.12.15 , 08:10\n\nפסקה.\n",
            [],
            ["כותרת", "פתיח.", "פסקה א.", "פסקה ב.", "משה כהן", "פסקה."],
        ),
        (f"כותרת\n\n{NINE_WORDS}\n\n{STAMP}\n\nפסקה.\n", FOUR_WRITERS, ["כותרת", "פסקה."]),
        (f"כותרת\n\n{STAMP}\n{NINE_WORDS}\n\nפסקה.\n", FOUR_WRITERS, ["כותרת", "פסקה."]),
        (
            "כותרת\n\nדנה לוי\n22.12.15 , 19:45 | יוסי כהן\n\nפסקה.\n",
            ["דנה לוי", "יוסי כהן"],
            ["כותרת", "פסקה."],
        ),
        (
            f"כותרת\n\nפתיח.\n\nכותרת משנה.\n\n{STAMP}\nדנה לוי\n\nפסקה.\n",
            ["דנה לוי"],
            ["כותרת", "פתיח.", "כותרת משנה.", "פסקה."],
        ),
        (f"כותרת\n\n{MANY} | {STAMP}\n\nפסקה.\n", NINE_WRITERS, ["כותרת", "פסקה."]),
    ],
    ids=[
        "name-in-a-block-of-its-own-over-the-stamp",
        "share-widget-over-the-stamp-is-no-writer",
        "name-as-the-fourth-line-over-the-stamp",
        "name-as-the-fifth-line-is-text",
        "name-over-an-update-stamp-deep-in-the-article-is-text",
        "four-writers-in-nine-words-over-the-stamp",
        "four-writers-in-nine-words-under-the-stamp",
        "writer-over-the-date-and-co-writer-beside-it",
        "name-under-a-stamp-under-title-lead-and-subtitle",
        "byline-and-stamp-line-of-twenty-four-words",
    ],
)
def test_the_byline_is_read_where_the_page_prints_it(page, authors, prose):
    article = parse_scraped(page)
    assert article.authors == authors
    assert text(article) == prose


def test_a_byline_of_ten_writers_and_its_stamp_is_still_the_header():
    """28 words on one line (a long investigation's byline): the date and every writer are read."""
    names = [*NINE_WRITERS, "גיל שם"]
    text = f"כותרת\n\nמאת {', '.join(names)} | פורסם: 22.12.15 , 19:45\n\nפסקה ראשונה של הכתבה.\n"
    article = parse_scraped(text)
    assert article.authors == names
    assert article.published_at is not None and article.published_at.date() == date(2015, 12, 22)
    assert "פורסם" not in " ".join(p.text for p in article.parts)
