"""A prefix is stripped from a word only where Hebrew allows it: not when the whole form is a word of
the Hebrew dictionary (installed by Debian's hunspell-he and hspell), unless hspell reads it as the
prefix and a proper noun. The examples are the false positives found on real articles (issue 16)."""

import logging

import pytest

from service.entities import prefix_rule
from service.entities.extractor import GazetteerExtractor
from service.entities.gazetteer import load_gazetteer
from service.entities.matcher import Matcher
from service.entities.prefix_rule import PrefixRule, build_rule, parse_proper_splits, word_collisions
from service.normalize import normalize
from tests.project import FIXTURES


@pytest.fixture(scope="module")
def extractor() -> GazetteerExtractor:
    """The shipped gazetteer: the false positives came from its names (פלה, סיסי, ביבי)."""
    return GazetteerExtractor()


def found(extractor: GazetteerExtractor, text: str) -> set[str]:
    return {e.name for e in extractor.extract([normalize(text)]).totals()}


@pytest.mark.parametrize(
    ("text", "not_a_mention_of"),
    [
        ("ההחלטה היא מפלה לפלסטינים ולערבים", "פלה"),  # discriminating, not מ + Pelé
        ("הצבא תקף בסיסי טילים בצפון", "עבד אל-פתאח א-סיסי"),  # basic/bases of, not ב + al-Sisi
        ("שביבי התקווה כבו עוד ב-1876", "בנימין נתניהו"),  # sparks of, not ש + Bibi
        ("זו הייתה מפלה קשה לקבוצה", "פלה"),
    ],
)
def test_a_dictionary_word_is_not_prefix_plus_name(extractor, text, not_a_mention_of):
    assert not_a_mention_of not in found(extractor, text)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("נתניהו שלח מסר לפוטין", "ולדימיר פוטין"),
        ("השר נפגש אתמול ונתניהו הגיב", "בנימין נתניהו"),
        ("הפגנה גדולה בישראל", "ישראל"),
        ("הכוחות נסוגו מסוריה", "סוריה"),  # מסוריה is also a word: hspell reads it as מ + a proper noun
        ("השגריר חזר מצרפת", "צרפת"),
        ("ההודעה של א-סיסי", "עבד אל-פתאח א-סיסי"),
        ("הראיון עם פלה התפרסם", "פלה"),
    ],
)
def test_names_behind_a_prefix_still_match(extractor, text, name):
    assert name in found(extractor, text)


def test_the_real_mention_counts_and_the_word_does_not(extractor):
    totals = extractor.extract([normalize("פלה כבש שלושה שערים, אבל זו הייתה מפלה קשה לברזיל")]).totals()
    assert [(e.name, e.count) for e in totals if e.type == "person"] == [("פלה", 1)]


def test_the_first_name_rule_does_not_read_a_word_as_prefix_plus_name(extractor):
    assert found(extractor, "הקולנוע מקרין ברגמן הערב") == set()  # projects, not מ + קרין
    assert found(extractor, "היא שוחחה עם קרין ברגמן") == {"קרין ברגמן"}
    assert found(extractor, "ההצגה של ליאור ברגמן ולקרין ברגמן") >= {"קרין ברגמן"}


def test_the_rule_from_the_installed_dictionary():
    rule = build_rule({"פלה", "סיסי", "ביבי", "פוטין", "סוריה", "נתניהו"})
    assert rule.available, "install Debian's hunspell-he and hspell (scripts/elasticsearch.sh install)"
    assert not rule.allows("מ", "פלה")
    assert not rule.allows("ב", "סיסי")
    assert not rule.allows("ש", "ביבי")
    assert rule.allows("ל", "פוטין")  # no dictionary word
    assert rule.allows("ו", "נתניהו")
    assert rule.allows("מ", "סוריה")  # a word, but hspell reads it as מ + the proper noun סוריה
    assert rule.allows("ב-", "סיסי")  # a hyphen separates the prefix


def test_a_matcher_with_a_rule_skips_only_the_forbidden_splits():
    rule = PrefixRule(frozenset({("ש", "ביבי")}), available=True)
    matcher = Matcher(load_gazetteer(FIXTURES / "gazetteer", cldr=False), rule)
    assert matcher.find("שביבי התקווה") == []
    assert [(m.prefix, m.start) for m in matcher.find("הודעה לביבי")] == [("ל", 7)]


def test_hspell_proper_noun_readings_are_parsed():
    output = [
        "מילה חוקית: מסוריה",
        "\tמסורה(ע,נ,יחיד)",
        "צירוף חוקי: מ+סוריה",
        "\tסוריה(ע,נ,פרטי)",
        "צירוף חוקי: ב+סיסי",
        "\tסיס(ע,ז,רבים,סמיכות)",
        "צירוף חוקי: מ+ברק",
        "\tברק(ע,ז,יחיד)",
        "\tשונות(ע,פרטי)",
        "שגיאות כתיב שנמצאו:",
        "צירוף חוקי: ל+פרטי",
        "\tפרטי(ע,פרטי)",
    ]
    assert parse_proper_splits(output) == {("מ", "סוריה"), ("מ", "ברק")}


def test_collisions_come_from_words_not_from_the_prefix_list(tmp_path):
    dic = tmp_path / "he.dic"
    # he_IL.dic ends with bare prefix chains, without flags: they are no words (משה, with flags, is).
    dic.write_text("5\nמפלה/a\nבסיסי/b\nפלה/b\nשמשבכ\nמשה/c\n", encoding="utf-8")
    assert word_collisions(dic, frozenset({"פלה", "סיסי", "שבכ", "שה"})) == {
        ("מ", "פלה"),
        ("ב", "סיסי"),
        ("מ", "שה"),
    }


def test_without_the_dictionary_the_rule_is_off_and_says_so_once(tmp_path, caplog):
    prefix_rule._warn_once.cache_clear()
    with caplog.at_level(logging.WARNING, logger="service.entities.prefix_rule"):
        first = build_rule({"פלה"}, dic=tmp_path / "missing.dic")
        build_rule({"סיסי"}, dic=tmp_path / "missing.dic")
    assert not first.available
    assert first.allows("מ", "פלה")
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 1
    assert "missing.dic is missing" in messages[0]
