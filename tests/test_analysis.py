"""The Hebrew analyzers of index_mappings/, run by the real node."""

import pytest
from elasticsearch import Elasticsearch

from service.es import ensure_alias


@pytest.fixture(scope="module")
def analyzer_index(es: Elasticsearch):
    import uuid

    alias = f"test-analysis-{uuid.uuid4().hex[:8]}"
    index = ensure_alias(es, alias)
    yield index
    es.indices.delete(index=index)


def tokens(es: Elasticsearch, index: str, analyzer: str, text: str) -> list[str]:
    return [t["token"] for t in es.indices.analyze(index=index, analyzer=analyzer, text=text)["tokens"]]


@pytest.mark.parametrize(
    ("word", "stem"),
    [("בסוריה", "סוריה"), ("ונתניהו", "נתניהו"), ("והבית", "בית"), ("כשהילדים", "ילדים")],
)
def test_stemmed_analyzer_strips_prefixes(es, analyzer_index, word, stem):
    assert stem in tokens(es, analyzer_index, "he_stem", word)


def test_exact_analyzer_keeps_the_form(es, analyzer_index):
    assert tokens(es, analyzer_index, "he_exact", "בסוריה ונתניהו") == ["בסוריה", "ונתניהו"]


def test_acronym_with_gershayim_is_one_token(es, analyzer_index):
    assert tokens(es, analyzer_index, "he_exact", 'צה"ל') == ['צה"ל']


def test_unknown_word_is_kept_by_the_stemmer(es, analyzer_index):
    assert tokens(es, analyzer_index, "he_stem", "פסקוב") == ["פסקוב"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # construct, ה + plural, ו + past: each prefix-stripped form, then its lemma marked @
        ("טילי המדינות ושוחחו", ["טילי", "@טיל", "מדינות", "@מדינה", "שוחחו", "@שוחח"]),
        ("דוברו", ["דוברו", "@דובר"]),
        ("לטיל", ["טיל", "@טיל"]),  # a form that is its own lemma gives both tokens
        ("לפוטין", ["פוטין"]),  # a gazetteer name keeps its prefix handling, and has no lemma
        ('ונתניהו צה"ל', ["נתניהו", "@נתניהו", 'צה"ל', '@צה"ל']),  # no lemma in hspell: themselves
        ("פסקוב", ["פסקוב"]),  # unknown words are kept
    ],
)
def test_the_stem_analyzer_gives_forms_and_marked_lemmas(es, analyzer_index, text, expected):
    assert tokens(es, analyzer_index, "he_stem", text) == expected


def test_the_stem_analyzer_keeps_every_lemma_of_an_ambiguous_form(es, analyzer_index):
    assert {"@מנהיג", "@הנהיג"} <= set(tokens(es, analyzer_index, "he_stem", "המנהיגים"))


@pytest.mark.parametrize(
    ("whole", "not_split"),
    [
        ("בקרה", "קרה"),
        ("מלחמה", "לחמה"),
        ("מלחמה", "@לחם"),
        ("מלחמה", "@חם"),
        ("שביבי", "ביבי"),
        ("מפלה", "פלה"),
    ],
)
def test_a_whole_word_is_not_also_read_as_prefix_and_another_word(es, analyzer_index, whole, not_split):
    """Issue 15: בקרה (control) is not ב+קרה, מלחמה not מ+לחמה or מל+חמה, שביבי not ש+ביבי."""
    got = tokens(es, analyzer_index, "he_stem", whole)
    assert whole in got and not_split not in got


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("העיר", {"העיר", "@העיר", "עיר", "@עיר"}),  # "he remarked", and the city
        ("והשר", {"השר", "@השיר", "שר", "@שר"}),  # "shed!", and the minister
        ("מסוריה", {"מסוריה", "@מסור", "סוריה", "@סוריה"}),  # "its saws", and from Syria: a name
        ("לעזה", {"לעזה", "@לעז", "עזה", "@עזה"}),
    ],
)
def test_a_whole_word_keeps_its_reading_as_the_article_or_a_prefix_and_a_name(
    es, analyzer_index, word, expected
):
    assert set(tokens(es, analyzer_index, "he_stem", word)) == expected
