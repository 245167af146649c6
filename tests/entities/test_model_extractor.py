"""The model extractor: the NER model's spans, named by the gazetteer.

Linking is checked with a stand-in model that returns the spans a test gives it (a pure function:
what these tests check is what the extractor does with spans, not the model), on the small
fixture gazetteer; what the shipped model finds is checked with the real one, on sentences written
for these tests with names no list knows, and on the seed article.
"""

from __future__ import annotations

import re

import pytest

from service.config import Settings
from service.entities.extractor import GazetteerExtractor, slug_id
from service.entities.factory import make_extractor
from service.entities.gazetteer import load_gazetteer
from service.entities.model_extractor import ModelExtractor
from service.indexing.extraction import credit_names
from service.ingest.scraped import parse_scraped
from service.normalize import normalize
from tests.entities.test_seed import CREDITS, HOMOGRAPHS, ORGANISATIONS, PEOPLE, PLACES
from tests.project import FIXTURES, SEED


class SpansGiven:
    """A stand-in NER model: the spans of the words a test names, with their types."""

    def __init__(self, **words: str) -> None:
        # keyword: type → the words (a space-separated name is one word here: pass it with "_")
        self.words = {w.replace("_", " "): t for t, names in words.items() for w in names.split()}

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        found = []
        for word, entity_type in sorted(self.words.items(), key=lambda x: -len(x[0])):
            # the word alone, or after one prefix letter
            pattern = rf"(?:(?<![א-ת])|(?<=(?<![א-ת])[ולבהמש])){re.escape(word)}(?![א-ת])"
            for m in re.finditer(pattern, text):
                if not any(m.start() < e and s < m.end() for s, e, _ in found):
                    found.append((m.start(), m.end(), entity_type))
        return sorted(found)


@pytest.fixture(scope="module")
def rules() -> GazetteerExtractor:
    return GazetteerExtractor(load_gazetteer(FIXTURES / "gazetteer"))


def extract(rules, model, *texts: str, union=()):
    extractor = ModelExtractor(model, rules, union=union)
    return extractor.extract([normalize(t) for t in texts])


def mentions(result) -> list[tuple[str, str, str]]:
    return [(m.type, m.entity_id, m.name) for part in result.parts for m in part]


def test_a_span_the_gazetteer_knows_gets_its_canonical_entity(rules):
    text = "הנשיא אמר לפוטין כי ישראל תגיב"
    result = extract(rules, SpansGiven(person="פוטין"), text)
    (m,) = result.parts[0]
    assert (m.entity_id, m.name) == ("person:putin-vladimir", "ולדימיר פוטין")
    assert text[m.start : m.end] == "פוטין"  # without the prefix ל


def test_a_span_no_list_knows_gets_a_stable_id_of_its_name(rules):
    model = SpansGiven(person="אלנתן_קרמרמן")
    first = extract(rules, model, "אמר אלנתן קרמרמן")
    again = extract(rules, model, "לדברי אלנתן קרמרמן, ההסכם ייחתם")
    expected = ("person", slug_id("person", "אלנתן קרמרמן"), "אלנתן קרמרמן")
    assert mentions(first) == mentions(again) == [expected]


@pytest.mark.parametrize("surname_tagged", [True, False], ids=["tagged", "missed"])
def test_a_surname_alone_is_linked_to_the_full_name_earlier_in_the_article(rules, surname_tagged):
    # whether the model tags "קרמרמן" alone (as a name of its own) or misses it, it is the same person
    model = SpansGiven(person="אלנתן_קרמרמן" + (" קרמרמן" if surname_tagged else ""))
    result = extract(rules, model, "אלנתן קרמרמן נבחר אתמול.", "קרמרמן אמר כי לקרמרמן אין חובות.")
    assert [m.entity_id for m in result.parts[0]] == [slug_id("person", "אלנתן קרמרמן")]
    text = normalize("קרמרמן אמר כי לקרמרמן אין חובות.")
    assert [(m.entity_id, m.name, text[m.start : m.end]) for m in result.parts[1]] == 2 * [
        (slug_id("person", "אלנתן קרמרמן"), "אלנתן קרמרמן", "קרמרמן")
    ]


def test_a_homograph_needs_the_articles_support_as_in_the_rules(rules):
    # "שרון" is a weak alias of אריאל שרון: alone it is someone else (or a first name).
    alone = extract(rules, SpansGiven(person="שרון"), "שרון אמרה כי תתמוך בהצעה")
    assert mentions(alone) == [("person", slug_id("person", "שרון"), "שרון")]
    model = SpansGiven(person="אריאל_שרון שרון")
    supported = extract(rules, model, "ראש הממשלה אריאל שרון נאם.", "שרון אמר כי יתמוך בהצעה")
    assert {m[1] for m in mentions(supported)} == {"person:sharon-ariel"}


def test_the_gazetteer_decides_the_type_of_a_name_it_knows_as_one_type_only(rules):
    # The model reads "הקרמלין הודיע" as a person; the gazetteer knows only the organisation.
    result = extract(rules, SpansGiven(person="הקרמלין"), "הקרמלין הודיע כי לא ידע על כך")
    assert mentions(result) == [("organisation", "organisation:kremlin", "הקרמלין")]


def test_a_span_is_cut_where_a_sentence_ends_inside_it(rules):
    text = "הוא יריב מר של פוטין. פורושנקו אמר כי"
    result = extract(rules, SpansGiven(person="פוטין._פורושנקו"), text)
    assert [(m.name, text[m.start : m.end]) for m in result.parts[0]] == [
        ("ולדימיר פוטין", "פוטין"),
        ("פטרו פורושנקו", "פורושנקו"),
    ]


def test_a_word_taken_in_before_a_known_full_name_is_left_out(rules):
    text = "דוברו דימיטרי פסקוב הוסיף. מזרח ירושלים"
    model = SpansGiven(person="דוברו_דימיטרי_פסקוב", place="מזרח_ירושלים")
    found = [(m.name, text[m.start : m.end]) for m in extract(rules, model, text).parts[0]]
    # a place is another place with its word ("מזרח ירושלים"), a person is not ("דוברו")
    assert found == [("דימיטרי פסקוב", "דימיטרי פסקוב"), ("מזרח ירושלים", "מזרח ירושלים")]


def test_known_names_joined_by_a_hyphen_are_each_their_own(rules):
    text = "בפגישת נתניהו-פוטין ובפגישת נתניהו-קרמרמן"
    model = SpansGiven(person="נתניהו-פוטין נתניהו-קרמרמן")
    found = [(m.name, text[m.start : m.end]) for m in extract(rules, model, text).parts[0]]
    assert found == [
        ("בנימין נתניהו", "נתניהו"),
        ("ולדימיר פוטין", "פוטין"),
        ("נתניהו-קרמרמן", "נתניהו-קרמרמן"),  # one piece unknown: the span stays as the model found it
    ]


def test_strong_gazetteer_names_the_model_missed_join_for_the_union_types(rules):
    text = "נתניהו טס לוושינגטון ונפגש עם נציגי חיזבאללה"
    model = SpansGiven(person="נתניהו")
    assert mentions(extract(rules, model, text)) == [("person", "person:netanyahu-benjamin", "בנימין נתניהו")]
    union = mentions(extract(rules, model, text, union={"place"}))
    assert ("place", "place:washington", "וושינגטון") in union
    assert not [m for m in union if m[0] == "organisation"]
    # where the model has a span, the gazetteer adds nothing over it
    overlapping = extract(rules, SpansGiven(place="וושינגטון_די_סי"), "בוושינגטון די סי", union={"place"})
    assert len(overlapping.parts[0]) == 1


def test_photo_credits_are_kept(rules):
    result = ModelExtractor(SpansGiven(), rules).extract(["כיתוב"], [[("person", "מארק ניימן")]])
    assert mentions(result) == [("credit", slug_id("credit", "מארק ניימן"), "מארק ניימן")]


# -- the shipped model -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> ModelExtractor:
    extractor = ModelExtractor()
    extractor.warm_up()
    return extractor


# Names written for these tests, in no list: the context (a title, a verb of saying, a role) finds them.
UNKNOWN_PEOPLE = [
    ('לדברי עו"ד אלנתן קרמרמן, מנכ"ל החברה, ההסכם ייחתם בשבוע הבא.', "אלנתן קרמרמן"),
    ('ח"כ נוגה שפרינצק אמרה אתמול כי תתמוך בהצעה.', "נוגה שפרינצק"),
    ("אמר אתמול נחמיה זלצמן, דובר המשטרה.", "נחמיה זלצמן"),
    ("פרופ' שולמית ברנהולץ מאוניברסיטת תל אביב פרסמה את המחקר.", "שולמית ברנהולץ"),
]


@pytest.mark.parametrize(("sentence", "name"), UNKNOWN_PEOPLE, ids=[n for _, n in UNKNOWN_PEOPLE])
def test_the_model_finds_a_person_no_list_knows_by_the_context(shipped, sentence, name):
    known = {normalize(s.form) for s in shipped.rules.gazetteer.surfaces}
    assert not {name, *name.split()} & known  # neither the name nor its surname is in the gazetteer
    found = mentions(shipped.extract([normalize(sentence)]))
    assert ("person", slug_id("person", name), name) in found, found


def test_the_model_links_a_known_name_after_a_prefix(shipped):
    text = normalize("ראש הממשלה בנימין נתניהו שוחח אתמול עם לפוטין ועם נשיא רוסיה.")
    found = mentions(shipped.extract([text]))
    assert ("person", "person:putin-vladimir", "ולדימיר פוטין") in found
    assert ("person", "person:netanyahu-benjamin", "בנימין נתניהו") in found
    assert ("place", "place:russia", "רוסיה") in found


@pytest.fixture(scope="module")
def seed_totals(shipped):
    article = parse_scraped(SEED.read_text(encoding="utf-8"))
    parts = article.parts
    return shipped.extract([p.normalized for p in parts], [credit_names(p) for p in parts]).totals()


@pytest.mark.parametrize(
    ("entity_type", "names"),
    [("person", PEOPLE), ("place", PLACES), ("organisation", ORGANISATIONS), ("credit", CREDITS)],
)
def test_seed_facets_with_the_model(seed_totals, entity_type, names):
    found = {e.name for e in seed_totals if e.type == entity_type}
    assert not [n for n in names if n not in found], sorted(found)


def test_seed_people_are_people_and_homographs_stay_out_with_the_model(seed_totals):
    assert {e.name for e in seed_totals if e.type == "person"} <= set(PEOPLE)
    assert [(e.type, e.name) for e in seed_totals if e.name in HOMOGRAPHS] == [("place", "ישראל")]
    (putin,) = [e for e in seed_totals if e.name == "ולדימיר פוטין"]
    assert putin.count >= 10


# -- choosing the extractor --------------------------------------------------------------------------


def test_the_setting_picks_the_extractor():
    assert Settings.from_env({}).entity_extractor == "model"
    assert type(make_extractor(Settings())) is ModelExtractor
    assert Settings.from_env({"ENTITY_EXTRACTOR": "Gazetteer"}).entity_extractor == "gazetteer"
    assert type(make_extractor(Settings(entity_extractor="gazetteer"))) is GazetteerExtractor


def test_an_unknown_extractor_is_a_clear_error():
    with pytest.raises(ValueError, match="ENTITY_EXTRACTOR must be one of model, gazetteer, got 'crf'"):
        Settings.from_env({"ENTITY_EXTRACTOR": "crf"})


@pytest.mark.parametrize(
    ("text", "span", "expected"),
    [
        ("הברון אדמונד דה רוטשילד ביקר", "אדמונד דה", "אדמונד דה רוטשילד"),
        ("ראש הממשלה דוד בן-גוריון אמר", "דוד בן", "דוד בן-גוריון"),
        ("ראש הממשלה דוד בן גוריון אמר", "דוד בן גוריון", "דוד בן גוריון"),
        ("אדמונד אמר", "אדמונד", "אדמונד"),
    ],
)
def test_a_person_never_ends_in_a_particle(text, span, expected):
    from service.entities.model_extractor import _past_particle

    start = text.index(span)
    assert text[start : _past_particle(text, start, start + len(span))] == expected


@pytest.mark.parametrize(
    ("text", "span", "expected"),
    [
        ('אמר ל ז"ל היום', 'ל ז"ל', None),  # the word before ז"ל is inside it: once an endless loop
        ('משה ז"ל ז"ל נפטר', 'משה ז"ל ז"ל', "משה"),
        ("ר' ר' יוסף קארו", "ר' ר' יוסף קארו", "יוסף קארו"),
        ("— „פאליטיק", "— „פאליטיק", "פאליטיק"),
        ("ר' ז\"ל", "ר' ז\"ל", None),
    ],
)
def test_honorifics_and_punctuation_are_trimmed_and_trimming_ends(text, span, expected):
    from service.entities.model_extractor import _trimmed

    start = text.index(span)
    got = _trimmed(text, start, start + len(span), "person")
    assert (text[got[0] : got[1]] if got else None) == expected


@pytest.mark.parametrize(
    ("leading", "kept"),
    [
        ("דוברו", False),  # a dictionary word (his spokesman): not the name
        ("כשאמר", False),  # a verb behind its prefixes
        ("ולרי", True),  # a first name
        ("פרנקלין", True),  # a frequent word no dictionary knows: a name
    ],
)
def test_only_a_word_that_is_no_name_is_cut_from_a_known_full_name(rules, leading, kept):
    text = f"אחר כך {leading} רובי ריבלין הוסיף"
    model = SpansGiven(person=f"{leading}_רובי_ריבלין")
    (found,) = extract(rules, model, text).parts[0]
    assert found.name == "ראובן ריבלין"
    assert text[found.start : found.end] == (f"{leading} רובי ריבלין" if kept else "רובי ריבלין")


def test_a_first_name_the_model_left_out_belongs_to_the_name(rules):
    text = "בימי נשיאותו של ולרי זיסקאר-דאסטאן. אמר זיסקאר-דאסטאן, ולרי, זיסקאר-דאסטאן"
    found = [text[m.start : m.end] for m in extract(rules, SpansGiven(person="זיסקאר-דאסטאן"), text).parts[0]]
    # a first name right before the span joins it; a first name that is mostly a word (אמר: said) and a
    # first name behind a comma do not
    assert found == ["ולרי זיסקאר-דאסטאן", "זיסקאר-דאסטאן", "זיסקאר-דאסטאן"]


def test_a_town_the_model_reads_as_an_organisation_in_a_game_is_its_team(rules):
    # In a report of a game a town read as an organisation is its team (NEMO's ORG); a country acting
    # is the state (a place); a town after "העיר" is the town, whatever the model read.
    text = "באר שבע ניצחה את וושינגטון 2 1 במשחק. לבנון הודיעה. ראש העיר של באר שבע"
    model = SpansGiven(organisation="באר_שבע וושינגטון לבנון")
    found = [(m.type, text[m.start : m.end]) for m in extract(rules, model, text).parts[0]]
    assert found == [
        ("organisation", "באר שבע"),
        ("organisation", "וושינגטון"),
        ("place", "לבנון"),
        ("place", "באר שבע"),
    ]


def test_a_town_the_model_reads_as_an_organisation_in_the_news_is_the_town(rules):
    text = "באר שבע: שריפה פרצה בחנות"
    (found,) = extract(rules, SpansGiven(organisation="באר_שבע"), text).parts[0]
    assert (found.type, found.entity_id) == ("place", "place:beersheba")


@pytest.mark.parametrize("text", ["ביקור נתניהו בקונגרס", "נתניהו נואם בקונגרס"])
def test_a_noun_or_verb_the_model_took_in_is_cut_from_a_known_name(rules, text):
    # "ביקור" (visit), "נואם" (is speaking) are dictionary words, no names: the span is the surname
    model = SpansGiven(person="ביקור_נתניהו נתניהו_נואם")
    (found,) = extract(rules, model, text).parts[0]
    assert (text[found.start : found.end], found.name) == ("נתניהו", "בנימין נתניהו")


def test_a_first_name_before_a_known_surname_is_not_cut(rules):
    text = "אמר יעקב לוי אתמול"
    (found,) = extract(rules, SpansGiven(person="יעקב_לוי"), text).parts[0]
    assert text[found.start : found.end] == "יעקב לוי"  # someone else than דוד לוי, and whole


def test_a_homograph_the_model_reads_as_its_type_is_the_known_entity(rules):
    # "גולן" is a weak alias (a first name too): the model's reading as a place is the support
    text = 'פצמ"רים נפלו בגולן'
    (found,) = extract(rules, SpansGiven(place="גולן"), text).parts[0]
    assert (found.entity_id, found.name) == ("place:golan", "רמת הגולן")


def test_a_ministry_named_without_its_office_word_is_the_ministry(rules):
    text = "שר הביטחון אמר כי הביטחון יקצץ"
    found = extract(rules, SpansGiven(organisation="הביטחון"), text).parts[0]
    assert [m.entity_id for m in found] == ["organisation:mod-israel", "organisation:mod-israel"]


def test_a_name_the_model_cut_short_is_the_gazetteer_name_whole(rules):
    text = "פגיעה ישירה בבית בבאר שבע"
    found = extract(rules, SpansGiven(place="באר"), text, union={"place"}).parts[0]
    assert [(text[m.start : m.end], m.entity_id) for m in found] == [("באר שבע", "place:beersheba")]
