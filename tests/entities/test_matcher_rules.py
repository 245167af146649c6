"""The matcher's rules one by one, on a gazetteer built here (a few surfaces, no dictionary rule unless
the test gives one): which forms the prefix rule is built for, which reading of a homograph comes first,
a name before an acronym's quote, when "prefix + name" is believed over the whole word (by the
words' frequencies, wordfreq's Zipf scale: the numbers in the comments), what a name takes as its prefix
(never the middle of a word, the article, or a word set apart by a space), that a name rejected for any
of these reasons hides none of the names after it, and names that touch."""

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


def test_a_name_inside_a_word_is_not_found():
    # "אבג" before סוריה is no prefix chain: the name starts in the middle of a word
    matcher = Matcher(gazetteer(Surface("סוריה", "place:syria", True)), NO_RULE)
    assert found(matcher, "אבגסוריה") == [] and found(matcher, "אבגסוריה אמש") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("סוריהא סוריה", [("", "סוריה")]),  # a letter after the first: part of a longer word
        ("אבגסוריה סוריה", [("", "סוריה")]),  # the first in the middle of a word
        ("הסוריה סוריה", [("", "סוריה")]),  # the first behind the article
        ("בסוריה סוריה", [("", "סוריה")]),  # the first a dictionary word (the rule says so)
        ("לבנון בנון", [("", "בנון")]),  # the first a commoner word (לבנון 4.65 against בנון 2.93)
        ("בסוריה לבנון בנון ולסוריה", [("", "בנון"), ("ול", "סוריה")]),
    ],
)
def test_a_rejected_name_does_not_hide_the_names_after_it(text, expected):
    names = gazetteer(Surface("סוריה", "place:syria", True), Surface("בנון", "person:x", True))
    matcher = Matcher(names, PrefixRule(blocked=frozenset({("ב", "סוריה")}), available=True))
    assert found(matcher, text) == expected


def test_a_whole_word_much_commoner_than_the_name_is_the_word_with_text_after_it():
    # the word is compared alone (לבנון 4.65), not with the rest of the sentence glued to it
    matcher = Matcher(gazetteer(Surface("בנון", "person:x", True)), NO_RULE)
    assert found(matcher, "לבנון הגיע") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ראיון ומה-CNN אמש", [("ומה-", "CNN")]),  # a chain of prefixes inside the sentence
        ("ראיון ב CNN", [("", "CNN")]),  # a letter and a space: a word of its own, no prefix
        ("כותרת:\n-CNN דיווחה", [("", "CNN")]),  # a hyphen that opens a line glues nothing
        ("\n-CNN", [("", "CNN")]),
    ],
)
def test_what_a_name_after_a_hyphen_or_space_takes_as_its_prefix(text, expected):
    assert found(Matcher(gazetteer(Surface("cnn", "organisation:cnn", True)), NO_RULE), text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("רשת ב'+972", [("", "רשת ב'"), ("", "+972")]),  # the longer first
        ("פיץ'+972 magazine", [("", "פיץ'"), ("", "+972 magazine")]),  # the longer second
    ],
)
def test_two_names_written_back_to_back_are_both_found(text, expected):
    # a name that ends in a geresh and one that starts with a sign touch: no letter between them
    names = gazetteer(
        Surface("רשת ב'", "organisation:reshet-bet", True),
        Surface("פיץ'", "organisation:fitch", True),
        Surface("+972", "organisation:972", True),
        Surface("+972 magazine", "organisation:972", True),
    )
    assert found(Matcher(names, NO_RULE), text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("הסוריה", []),  # "the Syria" is not Hebrew: the article is no prefix of a name
        ("מהסוריה", []),
        ("ה-CNN", [("ה-", "CNN")]),  # behind a hyphen it is
    ],
)
def test_a_name_does_not_take_the_article_except_behind_a_hyphen(text, expected):
    names = gazetteer(Surface("סוריה", "place:syria", True), Surface("cnn", "organisation:cnn", True))
    assert found(Matcher(names, NO_RULE), text) == expected


def test_a_two_word_name_written_with_a_hyphen_is_found():
    matcher = Matcher(gazetteer(Surface("באר שבע", "place:beersheba", True)), NO_RULE)
    assert found(matcher, "נסע לבאר-שבע אמש") == [("ל", "באר-שבע")]
