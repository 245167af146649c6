"""The matcher's rules one by one, on a gazetteer built here (a few surfaces, no dictionary rule unless
the test gives one): which forms the prefix rule is built for, which reading of a homograph comes first,
a name before an acronym's quote, and when "prefix + name" is believed over the whole word (by the
words' frequencies, wordfreq's Zipf scale: the numbers in the comments)."""

from __future__ import annotations

import pytest

from service.entities.gazetteer import Gazetteer, Surface
from service.entities.matcher import Matcher, one_word_forms
from service.entities.prefix_rule import PrefixRule

NO_RULE = PrefixRule()  # forbids nothing: only the frequencies decide


def gazetteer(*surfaces: Surface) -> Gazetteer:
    return Gazetteer(surfaces=list(surfaces))


def found(matcher: Matcher, text: str) -> list[tuple[str, str]]:
    """(prefix, name as written) of each match."""
    return [(m.prefix, text[m.start : m.end]) for m in matcher.find(text)]


def test_the_dictionary_rule_is_built_for_the_one_word_names():
    names = gazetteer(Surface("סוריה", "place:syria", True), Surface("באר שבע", "place:beersheba", True))
    assert one_word_forms(names) == {"סוריה"}


def test_the_matcher_keeps_its_gazetteer_and_the_rule_it_is_given():
    names = gazetteer(Surface("סוריה", "place:syria", True))
    rule = PrefixRule(blocked=frozenset({("ב", "סוריה")}), available=True)
    matcher = Matcher(names, rule)
    assert matcher.gazetteer is names and matcher.prefix_rule is rule
    assert found(matcher, "בסוריה") == [] and found(matcher, "לסוריה") == [("ל", "סוריה")]


def test_the_strong_reading_of_a_homograph_comes_first():
    names = gazetteer(Surface("ברק", "person:barak", False), Surface("ברק", "place:barak", True))
    (match,) = Matcher(names, NO_RULE).find("ברק הגיע")
    assert match.candidates == (("place:barak", True), ("person:barak", False))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('ארה"ב הודיעה', []),  # a letter after the quote: the name is the start of an acronym
        ('בארה"ב', []),
        ('אמר "ארה" אתמול', [("", "ארה")]),  # a closing quote after a space
        ('המילה ארה"', [("", "ארה")]),  # a quote that ends the text
        ("ארה' ", [("", "ארה")]),
    ],
)
def test_a_name_followed_by_a_quote(text, expected):
    assert found(Matcher(gazetteer(Surface("ארה", "place:x", True)), NO_RULE), text) == expected


def test_a_whole_word_much_commoner_than_the_name_is_the_word():
    # לבנון 4.65 against בנון 2.93: Lebanon, not ל + a name בנון
    matcher = Matcher(gazetteer(Surface("בנון", "person:x", True)), NO_RULE)
    assert found(matcher, "לבנון") == [] and found(matcher, "בנון הגיע") == [("", "בנון")]


def test_a_name_is_compared_as_written_not_with_the_article():
    # בקרמלין 2.68 against קרמלין 2.04 (הקרמלין's 3.14 counts only for a bare form)
    matcher = Matcher(gazetteer(Surface("קרמלין", "place:kremlin", True)), NO_RULE)
    assert found(matcher, "בקרמלין") == []


@pytest.mark.parametrize(
    ("form", "text"),
    [
        ("קרמלין", "בקרמלין"),  # בקרמלין 2.68 against הקרמלין 3.14
        ("סוריה", "בסוריה"),  # בסוריה 4.49 against סוריה 4.72 (הסוריה: 0)
    ],
)
def test_a_bare_form_is_compared_with_the_commoner_of_it_and_its_article_form(form, text):
    matcher = Matcher(gazetteer(Surface(form, "place:x", True, needs_prefix=True)), NO_RULE)
    assert found(matcher, text) == [("ב", form)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ראיון ב-CNN אמש", [("ב-", "CNN")]),
        ("ב-CNN אמש", [("ב-", "CNN")]),  # at the start of the text
        ("ומה-CNN", [("ומה-", "CNN")]),  # a chain of prefixes
        ("אבג-CNN", [("", "CNN")]),  # a word, not a prefix, before the hyphen: the name alone
        ("ראיון ת-CNN", [("", "CNN")]),
        ("מול -CNN", [("", "CNN")]),  # a hyphen with nothing glued before it
        ("ראיון CNN", [("", "CNN")]),
    ],
)
def test_a_prefix_before_a_hyphen(text, expected):
    assert found(Matcher(gazetteer(Surface("cnn", "organisation:cnn", True)), NO_RULE), text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("בכנסת", [("ב", "כנסת")]),
        ("מהכנסת", [("מה", "כנסת")]),
        ("הכנסת", []),  # the article alone does not absorb itself
        ("כנסת", []),  # a bare form never stands alone
    ],
)
def test_a_bare_form_stands_only_behind_a_preposition(text, expected):
    matcher = Matcher(gazetteer(Surface("כנסת", "organisation:knesset", True, needs_prefix=True)), NO_RULE)
    assert found(matcher, text) == expected
