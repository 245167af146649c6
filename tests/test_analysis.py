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
    ("text", "expected"),
    [
        # a whole word is read as itself: מלחמה, not מ+לחמה (@לחם) or מ+ל+חמה (@חם)
        ("מלחמה", ["מלחמה", "@מלחמה"]),
        # a word that is not one without its prefix loses the prefix, then gets its lemmas
        ("בסוריה והמדינות", ["סוריה", "@סוריה", "מדינות", "@מדינה"]),
        ("לפוטין", ["פוטין"]),
        ("פסקוב", ["פסקוב"]),
    ],
)
def test_the_query_analyzer_reads_a_word_one_way(es, analyzer_index, text, expected):
    assert tokens(es, analyzer_index, "he_stem_query", text) == expected


def test_the_query_analyzer_keeps_every_lemma_of_the_reading_it_chose(es, analyzer_index):
    index_side = set(tokens(es, analyzer_index, "he_stem", "מלחמה"))
    query_side = set(tokens(es, analyzer_index, "he_stem_query", "מלחמה"))
    assert {"@לחם", "@חם"} <= index_side and query_side < index_side
    assert {"@ביקר", "@בקרה"} <= set(tokens(es, analyzer_index, "he_stem_query", "בקרה"))
