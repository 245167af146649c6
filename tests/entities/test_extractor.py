"""Entity extraction rules, on a small fixture gazetteer (tests/fixtures/gazetteer) plus CLDR."""

import pytest

from service.entities.extractor import GazetteerExtractor
from service.entities.gazetteer import load_gazetteer, surface_variants
from service.entities.matcher import Matcher
from service.normalize import normalize
from tests.project import FIXTURES

GAZETTEER = FIXTURES / "gazetteer"


@pytest.fixture(scope="module")
def extractor() -> GazetteerExtractor:
    return GazetteerExtractor(load_gazetteer(GAZETTEER))


def found(extractor, *texts: str) -> set[tuple[str, str]]:
    """(type, canonical name) of every entity found in an article made of ``texts``."""
    result = extractor.extract([normalize(t) for t in texts])
    return {(e.type, e.name) for e in result.totals()}


def spans(extractor, text: str) -> list[tuple[str, str]]:
    text = normalize(text)
    result = extractor.extract([text])
    return [(m.name, text[m.start : m.end]) for m in result.parts[0]]


# -- matching ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["סוריה", "בסוריה", "ובסוריה", "לסוריה", "מסוריה", "שבסוריה", "וכשבסוריה", "כשמסוריה", "ולסוריה"],
)
def test_prefixes_and_chains(extractor, text):
    assert spans(extractor, f"הוא דיבר {text} אתמול") == [("סוריה", "סוריה")]


@pytest.mark.parametrize(
    ("text", "name"), [("לבנון", "לבנון"), ("בלבנון", "לבנון"), ("מירון", "מירון"), ("במירון", "מירון")]
)
def test_a_letter_of_the_name_is_never_a_prefix(extractor, text, name):
    # לבנון starts with ל and מירון with מ, both prefix letters: never read as ל+בנון or מ+ירון.
    assert spans(extractor, f"שלום {text} שלום") == [(name, name)]


def test_a_word_is_not_prefix_plus_name():
    # "שמעון" is a name in its own right, not "ש" + a place called "מעון".
    gazetteer = load_gazetteer(GAZETTEER, cldr=False)
    from service.entities.gazetteer import Entity

    gazetteer.add(Entity("place:maon", "place", "מעון"), ["מעון"])
    assert Matcher(gazetteer).find("שמעון פרס הגיע") == []
    assert [m.prefix for m in Matcher(gazetteer).find("הגיעו למעון")] == ["ל"]


def test_words_that_only_contain_a_name_do_not_match(extractor):
    assert spans(extractor, "הישראלים והסוריים") == []


def test_multi_word_name_with_prefix_on_the_first_word(extractor):
    assert spans(extractor, "אירוע שבתרבות בבאר שבע") == [("באר שבע", "באר שבע")]
    assert spans(extractor, 'הוא גר בב"ש') == [("באר שבע", 'ב"ש')]


def test_longest_name_wins(extractor):
    assert spans(extractor, "ביקור בבאר שבע") == [("באר שבע", "באר שבע")]


@pytest.mark.parametrize("text", ["ב-CNN", "ה-CNN", "ל-cnn", "CNN"])
def test_hyphenated_prefixes_and_latin_names(extractor, text):
    assert [name for name, _ in spans(extractor, f"כך דווח {text} הערב")] == ["CNN"]


@pytest.mark.parametrize("text", ['צה"ל', "צה״ל", "צה”ל", "צהל", 'בצה"ל', "בצה״ל", "לצהל"])
def test_acronyms_in_every_spelling(extractor, text):
    assert found(extractor, f"דובר {text} מסר") == {("organisation", 'צה"ל')}


@pytest.mark.parametrize("text", ["וושינגטון", "בוושינגטון", "ושינגטון", "בושינגטון"])
def test_doubled_vav_spellings(extractor, text):
    assert found(extractor, f"השגריר {text} אמר") == {("place", "וושינגטון")}


@pytest.mark.parametrize("text", ["הקרמלין", "בקרמלין", "מהקרמלין", "והקרמלין"])
def test_names_that_take_the_article(extractor, text):
    assert found(extractor, f"הודעה {text} הבוקר") == {("organisation", "הקרמלין")}


def test_surface_variants():
    assert surface_variants('צה"ל') == {'צה"ל', "צהל"}
    assert surface_variants("וושינגטון") == {"וושינגטון", "ושינגטון"}
    assert surface_variants("תל אביב-יפו") == {"תל אביב יפו"}
    assert surface_variants("רק") == set()  # too short to match safely


# -- people rules --------------------------------------------------------------------------------


def test_role_title_then_unknown_full_name(extractor):
    assert ("person", "יוסי מזרחי") in found(extractor, "השר יוסי מזרחי הודיע על התפטרותו")


def test_role_title_with_prefix_and_filler(extractor):
    assert ("person", "עמוס גלעד") in found(extractor, "לדברי האלוף במילואים עמוס גלעד, המצב יציב")


def test_role_title_then_surname_alone(extractor):
    assert ("person", "זילברשטיין") in found(extractor, 'ח"כ זילברשטיין אמר היום כי')


def test_role_title_does_not_take_an_adjective(extractor):
    assert found(extractor, "הנשיא האוקראיני נפגש עם עיתונאים") == set()


def test_first_name_then_surname(extractor):
    assert ("person", "סמיר קונטאר") in found(extractor, "חיסולו של סמיר קונטאר בדמשק")


def test_first_name_with_particle(extractor):
    assert ("person", "עמוס בן גרשום") in found(extractor, "התמונה של עמוס בן גרשום פורסמה")


def test_first_name_then_a_word_is_not_a_person(extractor):
    assert found(extractor, "שני המנהיגים נפגשו") == set()
    assert found(extractor, "הוא אמר כי אלה הימים") == set()


def test_surname_alone_links_to_the_full_name_earlier_in_the_article(extractor):
    result = extractor.extract([normalize("חיסולו של סמיר קונטאר"), normalize("מאז חיסול קונטאר שותקים")])
    assert [(m.name, m.rule) for m in result.parts[1]] == [("סמיר קונטאר", "surname-link")]
    (entity,) = [e for e in result.totals() if e.type == "person"]
    assert entity.count == 2


def test_known_person_by_surname_alias(extractor):
    assert found(extractor, "השיחה בין נתניהו לפוטין") == {
        ("person", "בנימין נתניהו"),
        ("person", "ולדימיר פוטין"),
    }


def test_mentions_become_one_entity_with_a_count(extractor):
    result = extractor.extract([normalize("ולדימיר פוטין אמר"), normalize("פוטין ולפוטין")])
    (putin,) = result.totals()
    assert (putin.id, putin.name, putin.count) == ("person:putin-vladimir", "ולדימיר פוטין", 3)


def test_credits_are_their_own_type(extractor):
    result = extractor.extract(["כיתוב"], [[("person", "עמוס בן גרשום"), ("agency", 'לע"מ')]])
    assert {(e.type, e.name) for e in result.totals()} == {("credit", "עמוס בן גרשום"), ("credit", 'לע"מ')}


# -- homographs: each counts only with support --------------------------------------------------


@pytest.mark.parametrize(
    ("plain", "supported", "entity"),
    [
        ("הם הודו לכולם על העזרה", "בהודו, ליד ניו דלהי, נחת המטוס", ("place", "הודו")),
        ("הלכנו לאורך שדרות רוטשילד", "קסאם נפל בשדרות שבעוטף עזה", ("place", "שדרות")),
        ("נשר עף מעל ההרים", "בנשר, ליד חיפה, נפתחה תחנה", ("place", "נשר")),
        ("הוא שמע את שרון מדברת", "אריאל שרון אמר. שרון הוסיף", ("person", "אריאל שרון")),
        ("דני גולן נסע", "קצרין שבגולן יושבת ליד החרמון", ("place", "רמת הגולן")),
        ("הילדה כרמל שיחקה", "יערות הכרמל ליד חיפה", ("place", "הכרמל")),
        ("ירדן טיילה בצפון", "ירדן ומלכה עבדאללה שלחו נציג לעמאן", ("place", "ירדן")),
        ("הכביש היה עמוס מאוד", "האלוף במילואים עמוס גלעד אמר", ("person", "עמוס גלעד")),
        ("בשטח גלעד ראה משהו", "עמוס גלעד ביקר. גלעד אמר", ("person", "עמוס גלעד")),
        ("שבט לוי עלה לרגל", "דוד לוי, שר החוץ, אמר. לוי הוסיף", ("person", "דוד לוי")),
    ],
)
def test_homograph_needs_support(extractor, plain, supported, entity):
    assert entity not in found(extractor, plain)
    assert entity in found(extractor, supported)


def test_israel_as_a_first_name_is_not_the_country(extractor):
    result = found(extractor, "ישראל כץ הודיע כי")
    assert ("person", "ישראל כץ") in result
    assert ("place", "ישראל") not in result
    assert ("place", "ישראל") in found(extractor, "ישראל ורוסיה חתמו")
