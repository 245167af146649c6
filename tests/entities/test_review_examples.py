"""The wrong and split entities a reader found in the facets of real articles (issue 16), checked
with BOTH extractors on the shipped gazetteer and model: ENTITY_EXTRACTOR=model and gazetteer.

Each example is a sentence written for this test in the shape the review met (bench/review_entities.py).
"""

from __future__ import annotations

import pytest

from service.config import Settings
from service.entities.factory import make_extractor
from service.normalize import normalize

KINDS = ("model", "gazetteer")


@pytest.fixture(scope="module", params=KINDS)
def extractor(request):
    return make_extractor(Settings(entity_extractor=request.param))


def mentions(extractor, *texts: str) -> list[tuple[str, str, str]]:
    """(text of the span, type, canonical name) of every mention, in order."""
    parts = [normalize(t) for t in texts]
    found = extractor.extract(parts).parts
    return [(parts[m.part][m.start : m.end], m.type, m.name) for part in found for m in part]


def names(extractor, *texts: str) -> set[str]:
    return {name for _, _, name in mentions(extractor, *texts)}


def people(extractor, *texts: str) -> set[str]:
    """The canonical names of the people the texts (one article) mention."""
    return {name for _, t, name in mentions(extractor, *texts) if t == "person"}


@pytest.mark.parametrize(
    ("text", "not_a_mention_of"),
    [
        ("ההחלטה היא מפלה לפלסטינים ולערבים", "פלה"),
        ("הצבא תקף בסיסי טילים בצפון", "עבד אל-פתאח א-סיסי"),
        ("שביבי התקווה כבו עוד ב-1876", "בנימין נתניהו"),
    ],
)
def test_a_dictionary_word_is_not_prefix_plus_name(extractor, text, not_a_mention_of):
    """The model cuts the prefix off itself ("ש" + "ביבי"): the dictionary rule applies to its spans too."""
    assert not_a_mention_of not in names(extractor, text)


def test_the_rabbi_abbreviation_is_no_person(extractor):
    found = mentions(extractor, "ר' עקיבא אמר כי ר' יהודה הלוי כתב שירים, ויבוא ר' משה בן מימון.")
    assert all(not span.startswith("ר'") and name != "ר'" for span, _, name in found)


@pytest.mark.parametrize(
    "text",
    [
        "בני ישראל יצאו ממצרים ביד רמה, ובני ישראל הלכו במדבר.",
        "משה אמר לבני ישראל כי יגיעו אל הארץ.",
    ],
)
def test_the_children_of_israel_are_no_organisation_and_no_place(extractor, text):
    found = mentions(extractor, text)
    assert not [m for m in found if "ישראל" in m[0]], found


def test_a_club_of_a_city_is_still_a_club(extractor):
    assert ("בני יהודה", "organisation") in {
        (s, t) for s, t, _ in mentions(extractor, "בני יהודה ניצחה אתמול")
    }


def test_a_country_after_with_is_still_a_place(extractor):
    assert "ישראל" in names(extractor, "ארצות הברית חתמה על הסכם עם ישראל")


@pytest.mark.parametrize(
    "texts",
    [
        ("הנשיא ג'ורג' בוש נפגש עם ראש הממשלה.", "בוש אמר כי ארצות הברית תומכת."),
        ("הנשיא גורג בוש הגיע לירושלים.", "בוש אמר שהוא מרוצה מהביקור."),
    ],
)
def test_bush_is_one_person_under_both_names(extractor, texts):
    assert people(extractor, *texts) == {"ג'ורג' וו. בוש"}


def test_kerry_is_one_person_under_both_names(extractor):
    assert people(extractor, "מזכיר המדינה ג'ון קרי הגיע לירושלים.", "קרי נפגש עם אבו מאזן.") == {
        "ג'ון קרי",
        "מחמוד עבאס",
    }


def test_kerry_alone_is_john_kerry_for_the_model():
    """With no full name in the article, the model's reading of "קרי" as a person is the homograph's
    support: the facet shows ג'ון קרי, not a second person called קרי."""
    model = make_extractor(Settings(entity_extractor="model"))
    assert people(model, "מזכיר המדינה האמריקאי קרי אמר כי השיחות יימשכו.") == {"ג'ון קרי"}


@pytest.mark.parametrize(
    "texts",
    [
        ("הברון רוטשילד תרם למושבות.", "רוטשילד ביקר בזכרון יעקב."),
        ("הברון אדמונד דה רוטשילד ביקר בראשון לציון.", "הנדיב הידוע שלח כסף, ורוטשילד הבטיח עוד."),
    ],
)
def test_rothschild_the_benefactor_is_one_person(extractor, texts):
    assert people(extractor, *texts) == {"אדמונד דה רוטשילד"}


def test_the_old_spellings_of_rothschild_are_one_entity(extractor):
    """ראטהשילד and ראטשילד of the 19th-century press, and רוטשילד: one facet value, not three."""
    assert people(extractor, "הברון ראטהשילד שלח כסף.", "הבאראן ראטשילד שלח פקידים.") == {"רוטשילד"}


def test_rothschild_boulevard_stays_a_place(extractor):
    assert ("שדרות רוטשילד", "place") in {
        (n, t) for _, t, n in mentions(extractor, "המפגינים חזרו לשדרות רוטשילד")
    }
