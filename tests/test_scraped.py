"""The scraped-page parser on the seed article (the Ingestion issue deepens these rules)."""

from pathlib import Path

import pytest

from service.ingest.scraped import is_chrome, parse_scraped

SEED = Path(__file__).resolve().parent.parent / "samples" / "000_905d7c85a112ab90.txt"


@pytest.fixture(scope="module")
def article():
    return parse_scraped(SEED.read_text(encoding="utf-8"))


def test_title(article):
    assert article.title == "אחרי חיסול קונטאר: פוטין ונתניהו שוחחו על תיאום פעולות נגד הטרור"
    assert article.parts[0].kind == "title"


def test_lead(article):
    assert article.parts[1].kind == "lead"
    assert article.parts[1].text.startswith("לאחר חיסול בכיר חיזבאללה")


def test_five_captions_with_credits(article):
    captions = [(p.text, p.credit) for p in article.parts if p.kind == "caption"]
    assert captions == [
        ("פגישת פוטין ונתניהו בפריז", 'לע"מ'),
        ("פוטין ונתניהו בפגישתם האחרונה. שיבחו את שיתוף הפעולה הביטחוני בין המדינות", 'עמוס בן גרשום לע"מ'),
        ("טילי S-400 בסוריה. לא הופעלו בחיסול קונטאר", "AFP / RUSSIAN DEFENCE MINISTRY"),
        ("ריבלין ונשיא אוקראינה פורושנקו", 'מארק ניימן, לע"מ'),
        ("משתפים פעולה. פוטין ונתניהו", 'עמוס בן גרשום לע"מ'),
    ]


def test_no_chrome_in_any_part(article):
    for part in article.parts:
        for chrome in ("סגורסגור", "שליחה לחבר", "קוד להטמעה", "מומלצים", "תגובה חדשה"):
            assert chrome not in part.text


def test_every_body_paragraph_once(article):
    raw = SEED.read_text(encoding="utf-8")
    bodies = [p.text for p in article.parts if p.kind == "body"]
    assert len(bodies) == 9
    assert len(set(bodies)) == 9
    for text in bodies:
        assert text in raw


@pytest.mark.parametrize("line", ["סגורסגור", " שליחה לחבר ", "מומלצים", "הצג:"])
def test_chrome_lines(line):
    assert is_chrome(line)


@pytest.mark.parametrize("line", ["רוסיה מעורבת עמוק בבוץ הסורי.", "שלחו את הכוחות"])
def test_prose_is_not_chrome(line):
    assert not is_chrome(line)


def test_a_page_without_text_is_rejected():
    with pytest.raises(ValueError, match="no title"):
        parse_scraped("סגורסגור\n\nמומלצים\n")
