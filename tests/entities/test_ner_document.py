"""The NER model's dictionary feature (ner_lexicon.py) and its article-level features
(FeatureSource.document, NerModel.document_spans). The names below are made up for these tests."""

from __future__ import annotations

import json

import pytest

from service.entities import ner_features, ner_lexicon
from service.entities.ner import MODEL_PATH, NerModel
from service.entities.ner_features import FeatureSource
from service.entities.ner_lexicon import Lexicon
from service.normalize import normalize


@pytest.fixture(scope="module")
def model() -> NerModel:
    return NerModel.load()


@pytest.fixture(scope="module")
def source() -> FeatureSource:
    return FeatureSource.load(lexicon=Lexicon.load())


def test_lexicon_reads_forms_and_their_flag_class(tmp_path):
    dic = tmp_path / "he.dic"
    dic.write_text("3\nאמר/b\nבית/a\nירושלים/c\n", encoding="utf-8")
    lexicon = Lexicon.load(dic)
    assert len(lexicon) == 3
    assert (lexicon.flag("אמר"), lexicon.flag("בית"), lexicon.flag("ירושלים")) == ("b", "a", "c")
    assert lexicon.flag("סילבר") == "" and lexicon.flag("") == ""


def test_a_missing_dictionary_is_a_clear_error_naming_the_package(tmp_path, monkeypatch):
    monkeypatch.setenv(ner_lexicon.ENV, str(tmp_path / "none.dic"))
    with pytest.raises(FileNotFoundError, match="hunspell-he") as raised:
        Lexicon.load()
    assert "none.dic" in str(raised.value) and ner_lexicon.ENV in str(raised.value)


def test_the_installed_dictionary_knows_words_and_not_foreign_names():
    lexicon = Lexicon.load()
    assert len(lexicon) > 400_000
    assert lexicon.flag("אמר") and lexicon.flag("ירושלים")
    assert not any(lexicon.flag(w) for w in ("סילבר", "הארקין", "לנקובסקי"))


def test_unknown_words_are_marked_for_the_word_and_its_neighbours(source):
    feats = source.sentence(["אמר", "ולסילבר", "אתמול"])
    assert "unk" in feats[1] and "dic=0" in feats[1] and "dics=0" in feats[1]
    assert "-1:unk" in feats[2] and "+1:unk" in feats[0]
    assert "unk" not in feats[0] and "dic=0" not in feats[0]


def test_document_features_carry_context_and_bare_forms_across_sentences(source):
    parts = [["אמר", "השר", "יוחנן", "הרטמייר"], ["לדברי", "שהרטמייר", ",", "הכול", "בסדר"]]
    feats = source.document(parts)
    assert "d:fn-1" in feats[1][1] and "db1" in feats[1][1]  # יוחנן before הרטמייר in the first part
    assert "d:fn-1" in feats[0][3]
    assert not any(f.startswith(("d:", "db")) for f in feats[1][2])  # punctuation gets none
    # One sentence alone is an article of its own: the same features as ``sentence`` plus its own.
    alone = source.document([parts[1]])[0]
    assert set(source.sentence(parts[1])[1]) <= set(alone[1]) and "d:fn-1" not in alone[1]


def test_the_model_uses_the_features_its_settings_name(model):
    settings = json.loads(MODEL_PATH.with_suffix(".json").read_text())
    assert (model.source.lexicon is not None) == settings["dictionary"]
    assert model.document == settings["document"]


def test_spans_is_document_spans_of_one_part(model):
    text = normalize("אמר אתמול השר יוחנן הרטמייר בכנס בחיפה.")
    assert model.spans(text) == model.document_spans([text])[0]


def test_a_surname_alone_is_a_person_from_what_the_article_says_elsewhere(model):
    texts = [
        normalize("אמר אתמול השר יוחנן הרטמייר בכנס בחיפה."),
        normalize("הסיבה, לפי שהרטמייר, היא התקציב."),
    ]
    parts = model.document_spans(texts)
    assert ("יוחנן הרטמייר", "person") in {(texts[0][s:e], t) for s, e, t in parts[0]}
    assert ("הרטמייר", "person") in {(texts[1][s:e], t) for s, e, t in parts[1]}


def test_empty_parts_of_an_article_give_no_spans(model):
    assert model.document_spans(["", normalize("אמר השר יוחנן הרטמייר."), "..."])[0] == []
    assert model.document_spans([]) == []


def test_dropping_the_features_the_model_does_not_weigh_changes_no_span(model, source):
    """``keep`` (set by NerModel from its model file) only saves time: an unfiltered source agrees."""
    assert model.source.keep and source.keep is None
    unfiltered = NerModel(MODEL_PATH, source=source)
    texts = [
        normalize('ראש הממשלה בנימין נתניהו נפגש אתמול בירושלים עם נשיא צרפת ועם נציגי האו"ם.'),
        normalize("אמר אתמול השר יוחנן הרטמייר בכנס בחיפה, ולדברי שהרטמייר חברת טלקומפלקס תיסגר."),
        normalize('דובר תנועת "עתיד ירוק" הודיע כי הוועדה תתכנס בתל אביב.'),
    ]
    assert model.document_spans(texts) == unfiltered.document_spans(texts)
    assert len(model.source.document([t.split() for t in texts])[1][3]) < len(
        source.document([t.split() for t in texts])[1][3]
    )


def test_the_word_cache_drops_its_oldest_half_when_full(monkeypatch):
    monkeypatch.setattr(ner_features, "CACHE_SIZE", 10)
    source = FeatureSource.load()
    words = [f"מילה{i}" for i in range(10)]
    for w in words:
        source._word(w)
    source._word("אחרונה")
    assert list(source._cache) == [*words[5:], "אחרונה"]


def test_a_source_without_the_dictionary_the_model_needs_is_refused():
    with pytest.raises(ValueError, match="dictionary"):
        NerModel(MODEL_PATH, source=FeatureSource.load())


def test_the_bucketed_lexicon_finds_every_form_a_whole_bisect_finds(tmp_path):
    """The bucket index only narrows the bisect: every form is found, in buckets at both ends of
    the hash range too (hashes are signed), and a form it lacks is not."""
    forms = [f"מילה{i}" for i in range(5000)]
    dic = tmp_path / "he.dic"
    dic.write_text(f"{len(forms)}\n" + "".join(f"{w}/{'ab'[i % 2]}\n" for i, w in enumerate(forms)), "utf-8")
    lexicon = Lexicon.load(dic)
    assert [lexicon.flag(w) for w in forms] == ["ab"[i % 2] for i in range(len(forms))]
    assert not any(lexicon.flag(f"אחר{i}") for i in range(5000))
    assert min(map(hash, forms)) < 0 < max(map(hash, forms))


def test_a_cold_word_gets_the_features_a_filtered_unfiltered_word_gets(model, source):
    """The ``keep`` table (one lookup per feature on a cache miss) gives a new word exactly the
    unfiltered features the model weighs, at its own place and its neighbours'."""
    keep = model.source.keep
    for w in ("ולסילבר", "נתניהו", "בירושלים", "אמר", 'צה"ל', "-"):
        cold, full = model.source._word(w), source._word(w)
        assert cold.mine == tuple(x for x in full.mine if x in keep)
        assert cold.shifted == tuple(tuple(x for x in xs if x in keep) for xs in full.shifted)


def test_article_features_skip_no_word_that_has_some(model, source):
    """Words with nothing the article says of them are skipped fast; the rest keep theirs."""
    parts = [["אמר", "השר", "יוחנן", "הרטמייר"], ["לדברי", "שהרטמייר", ",", "הרטמייר", "אמר"]]
    feats = source.document(parts)
    assert "db1" in feats[1][1] and {"d:fn-1", "d:say+1"} <= set(feats[1][3])
    assert not any(f.startswith(("d:", "db")) for f in feats[1][0] + feats[1][2] + feats[0][0])
