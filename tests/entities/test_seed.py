"""The shipped gazetteer and rules on the seed article: the facets a reader expects, nothing false."""

import pytest

from service.entities.extractor import GazetteerExtractor
from service.indexing.extraction import credit_names
from service.ingest.scraped import parse_scraped
from tests.project import SEED

PEOPLE = [
    "בנימין נתניהו",
    "ולדימיר פוטין",
    "סמיר קונטאר",
    "דימיטרי פסקוב",
    "רג'פ טאיפ ארדואן",
    "פטרו פורושנקו",
    "ראובן ריבלין",
    "עמוס גלעד",
]
PLACES = ["רוסיה", "ישראל", "סוריה", "טורקיה", "אוקראינה", "פריז", "ירושלים", "אנקרה", "באר שבע"]
ORGANISATIONS = ["חיזבאללה", 'צה"ל', "הקרמלין", "משרד הביטחון"]
CREDITS = ['לע"מ', "AFP", "עמוס בן גרשום", "מארק ניימן"]
HOMOGRAPHS = ["הודו", "שדרות", "נשר", "שרון", "גולן", "כרמל", "ירדן", "עמוס", "גלעד", "לוי", "ישראל"]


@pytest.fixture(scope="module")
def totals():
    article = parse_scraped(SEED.read_text(encoding="utf-8"))
    extractor = GazetteerExtractor()
    result = extractor.extract(
        [p.normalized for p in article.parts], [credit_names(p) for p in article.parts]
    )
    return result.totals()


@pytest.mark.parametrize(
    ("entity_type", "names"),
    [("person", PEOPLE), ("place", PLACES), ("organisation", ORGANISATIONS), ("credit", CREDITS)],
)
def test_seed_facets(totals, entity_type, names):
    found = {e.name for e in totals if e.type == entity_type}
    missing = [n for n in names if n not in found]
    assert not missing, f"missing {entity_type}: {missing}; found {sorted(found)}"


def test_mentions_are_counted_on_one_canonical_entity(totals):
    putin = [e for e in totals if e.name == "ולדימיר פוטין"]
    assert len(putin) == 1 and putin[0].count >= 10  # פוטין, לפוטין, ופוטין, נתניהו-פוטין...
    assert putin[0].id.startswith("person:")


def test_no_false_entity_from_the_homograph_list(totals):
    for entity in totals:
        if entity.name in HOMOGRAPHS:
            # ישראל the country is in the article; ישראל as a person is not.
            assert (entity.type, entity.name) == ("place", "ישראל"), entity


def test_no_person_made_of_ordinary_words(totals):
    people = {e.name for e in totals if e.type == "person"}
    assert people <= set(PEOPLE), people - set(PEOPLE)
