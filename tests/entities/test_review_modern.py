"""What the review of modern news (bench/review_entities.py, issue 16 round 2) found wrong in the model
extractor's linking, on the shipped gazetteer: a name behind ב, ל or כ has lost its article ה, so the
model's span is "שטחים" for "בשטחים" (the gazetteer's "השטחים")."""

from __future__ import annotations

import pytest

from service.entities.extractor import GazetteerExtractor
from service.entities.model_extractor import ModelExtractor
from service.normalize import normalize
from tests.entities.test_model_extractor import SpansGiven


@pytest.fixture(scope="module")
def rules() -> GazetteerExtractor:
    return GazetteerExtractor()


@pytest.mark.parametrize(
    ("text", "span", "entity_id"),
    [
        ("העבודה בשטחים נמשכת", "שטחים", "place:the-territories"),
        ('צה"ל תקף ברצועה הלילה', "רצועה", "place:gaza-strip"),
    ],
)
def test_a_name_whose_article_a_prefix_swallowed_is_the_known_entity(rules, text, span, entity_id):
    text = normalize(text)
    extractor = ModelExtractor(SpansGiven(place=span), rules, union=())
    (found,) = [m for m in extractor.extract([text]).parts[0] if m.type == "place"]
    assert (text[found.start : found.end], found.entity_id) == (span, entity_id)


def test_a_word_without_a_prefix_keeps_its_own_reading(rules):
    # no prefix ate an article: "רצועה" alone is not "הרצועה"
    text = normalize("רצועה צרה של חוף")
    extractor = ModelExtractor(SpansGiven(place="רצועה"), rules, union=())
    assert [m.entity_id for m in extractor.extract([text]).parts[0]] != ["place:gaza-strip"]
