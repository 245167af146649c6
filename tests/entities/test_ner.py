"""The CRF entity tagger (service/entities/ner.py): the shipped model, offsets, prefixes, context.

The sentences below were written for these tests (not taken from NEMO); the names found "by
context" are checked to be absent from the gazetteer, so it is the model that finds them.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import threading

import pytest

from service.entities.gazetteer import load_gazetteer
from service.entities.ner import MODEL_PATH, NerModel, decode, link_people, refine_prefixes
from service.entities.ner_features import CLUSTERS_FILE, FeatureSource, prefix_splits, tokenize
from service.normalize import normalize
from tests.project import ROOT


@pytest.fixture(scope="module")
def model() -> NerModel:
    return NerModel.load()


@pytest.fixture(scope="module")
def gazetteer_forms() -> set[str]:
    return {s.form for s in load_gazetteer().surfaces}


def found(model: NerModel, text: str) -> set[tuple[str, str]]:
    text = normalize(text)
    return {(text[s:e], t) for s, e, t in model.spans(text)}


# -- pure functions ------------------------------------------------------------------------------


def test_decode_places_the_start_after_the_prefix_and_joins_inside_tokens():
    spans = tokenize("אמר ולפוטין בית המשפט")
    labels = ["O", "B2-PER", "B0-ORG", "I-ORG"]
    assert decode(labels, spans) == [(6, 11, "person"), (12, 21, "organisation")]


def test_decode_drops_misc_and_starts_a_mention_at_a_stray_inside_label():
    spans = tokenize("מבצע צוק איתן בעזה")
    assert decode(["B0-MSC", "I-MSC", "I-MSC", "I-PLC"], spans) == [(14, 18, "place")]


def test_refine_prefixes_moves_the_start_past_a_chain_only_to_a_known_name():
    source = FeatureSource(single={"פוטין": "person"})
    text = "אמר ולפוטין ולבנון"
    spans = tokenize(text)
    got = refine_prefixes([(5, 11, "person"), (12, 18, "place")], text, spans, source)
    assert got == [(6, 11, "person"), (12, 18, "place")]


def test_link_people_finds_a_surname_again_behind_a_prefix_but_not_a_common_word():
    texts = ["אמר הסנאטור טום הארקין ושר האוצר כהן", "והארקין השיב. הארקין וכהן", "כהן"]
    a, c = texts[0].index("טום"), texts[0].index("כהן")
    found = [[(a, a + len("טום הארקין"), "person"), (c, c + 3, "person")], [], []]
    linked = link_people(texts, found)
    assert linked[0] == found[0]
    assert [texts[1][s:e] for s, e, _ in linked[1]] == ["הארקין", "הארקין"]
    assert linked[2] == []  # כהן is a common word: never linked alone


@pytest.mark.parametrize(
    ("word", "splits"),
    [
        ("ולפוטין", [1, 2]),
        ("בירושלים", [1]),
        ('ל"הארץ', [2]),
        ("מה", []),
        ("ושם", [1]),
        ("וב", []),
        ("פוטין", []),
    ],
)
def test_prefix_splits(word, splits):
    assert prefix_splits(word) == splits


def test_tokens_keep_acronyms_and_split_punctuation():
    text = normalize('צה"ל נכנס ל"הארץ", ב-CNN.')
    assert [text[a:b] for a, b in tokenize(text)] == [
        'צה"ל',
        "נכנס",
        'ל"הארץ',
        '"',
        ",",
        "ב",
        "-",
        "CNN",
        ".",
    ]


def test_features_of_a_prefixed_gazetteer_name():
    source = FeatureSource.load()
    words = ["אמר", "לפוטין"]
    feats = source.sentence(words)
    assert "st=פוטין" in feats[1] and "gB=person" in feats[1] and "gk=1" in feats[1]
    assert "+1:gB=person" in feats[0] and "say" in feats[0]


# -- the shipped model ---------------------------------------------------------------------------


def test_the_shipped_model_loads_and_is_small(model):
    assert MODEL_PATH.stat().st_size < 50 * 1024 * 1024
    assert model.spans("נתניהו") is not None


def test_the_shipped_settings_hold_a_decoding_threshold(model):
    settings = json.loads(MODEL_PATH.with_suffix(".json").read_text())
    assert 0 < settings["threshold"] <= 1 and model.threshold == settings["threshold"]


def test_the_model_sees_the_word_clusters_it_was_trained_with(model):
    """A model's weights are tied to its feature strings: new clusters need a retrained model, and a
    model trained without them must not be given them."""
    settings = json.loads(MODEL_PATH.with_suffix(".json").read_text())
    if settings["clusters"]:
        digest = hashlib.sha256(CLUSTERS_FILE.read_bytes()).hexdigest()
        assert digest == settings["clusters_sha256"], "word_clusters.tsv changed: run scripts/train_ner.py"
        assert model.source.clusters
    else:
        assert not model.source.clusters


def test_a_missing_model_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"train_ner\.py"):
        NerModel.load(tmp_path / "none.crfsuite")


@pytest.mark.parametrize("text", ["", " ", ".", "!!! ,,,", "12 34"])
def test_no_entities_in_empty_or_wordless_text(model, text):
    assert model.spans(normalize(text)) == []


def test_offsets_are_exact_and_exclude_the_prefix(model):
    text = normalize('ראש הממשלה בנימין נתניהו נפגש אתמול בירושלים עם נשיא צרפת ועם נציגי האו"ם.')
    spans = model.spans(text)
    got = {(text[s:e], t) for s, e, t in spans}
    assert ("בנימין נתניהו", "person") in got
    assert ("ירושלים", "place") in got
    assert ("צרפת", "place") in got
    for s, e, t in spans:
        assert 0 <= s < e <= len(text) and t in {"person", "place", "organisation"}
        assert text[s:e] == text[s:e].strip()


def test_prefix_chains_are_left_out_of_the_mention(model):
    assert ("פוטין", "person") in found(
        model, "הנשיא האמריקני שלח מכתב לנשיא ולדימיר פוטין, ולפוטין לא היה מה לומר."
    )
    assert ("ירושלים", "place") in found(model, "אתמול ירד שלג בירושלים ונסגרו הכבישים.")


def test_names_unknown_to_the_gazetteer_are_found_by_their_context(model, gazetteer_forms):
    cases = [
        ("אמר אתמול השר יוחנן פלדמנשטיין בכנס בחיפה.", "יוחנן פלדמנשטיין", "person"),
        ('לדברי עו"ד מרים זילברבוים, ההחלטה תיבחן שוב.', "מרים זילברבוים", "person"),
        ("דובר חברת טלקומפלקס הודיע כי המשלוח יעוכב.", "טלקומפלקס", "organisation"),
    ]
    hits = 0
    for sentence, name, kind in cases:
        assert name not in gazetteer_forms and name.split()[-1] not in gazetteer_forms
        hits += (name, kind) in found(model, sentence)
    assert hits == len(cases)


def test_article_spans_link_a_surname_to_its_full_name_in_another_part(model, gazetteer_forms):
    texts = [
        normalize("אמר אתמול השר יוחנן פלדמנשטיין בכנס בחיפה."),
        normalize("לדבריו, פלדמנשטיין ייפגש מחר עם ראשי הערים."),
    ]
    assert "פלדמנשטיין" not in gazetteer_forms
    parts = model.article_spans(texts)
    assert ("פלדמנשטיין", "person") in {(texts[1][s:e], t) for s, e, t in parts[1]}


def test_spans_from_several_threads_agree(model):
    text = normalize('שר האוצר משה כחלון נפגש בתל אביב עם מנכ"ל בנק לאומי.')
    expected = model.spans(text)
    results: list = []

    def run() -> None:
        results.extend(model.spans(text) == expected for _ in range(20))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 80 and all(results)


# -- the training script -------------------------------------------------------------------------


def test_training_skips_clearly_without_data(tmp_path):
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "train_ner.py"), "--data", str(tmp_path / "none.jsonl")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and "skipped" in done.stdout and "shared" in done.stdout


def test_training_runs_end_to_end_on_a_small_made_up_corpus(tmp_path):
    rows = []
    names = [("יוסי", "כהן"), ("דנה", "לוי"), ("אבי", "מזרחי"), ("רונית", "פרץ")]
    cities = ["חיפה", "אילת", "עכו", "טבריה"]
    for i in range(24):
        first, last = names[i % 4]
        city = cities[(i // 4) % 4]
        text = f"אמר {first} {last} בביקור ב{city} אתמול."
        a = text.index(first)
        c = text.index("ב" + city) + 1
        rows.append(
            {
                "id": f"s{i}",
                "split": "dev" if i >= 20 else "train",
                "doc_id": f"d{i // 3}",
                "text": text,
                "entities": [
                    {"start": a, "end": a + len(first) + 1 + len(last), "type": "PER"},
                    {"start": c, "end": c + len(city), "type": "GPE"},
                ],
            }
        )
    data = tmp_path / "gold.jsonl"
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    out = tmp_path / "m.crfsuite"
    script = str(ROOT / "scripts" / "train_ner.py")
    options = ["--folds", "2", "--grid", "0.01:0.01", "--iterations", "30"]
    done = subprocess.run(
        [sys.executable, script, "--data", str(data), "--out", str(out), *options],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["dev"]["person"]["f1"] == 1.0 and report["dev"]["place"]["f1"] == 1.0
    assert len(report["cv_folds"]) == 2 and out.exists()
    assert found(NerModel.load(out), "אמר דנה לוי בביקור בעכו") == {("דנה לוי", "person"), ("עכו", "place")}
