"""A statistical Hebrew named-entity tagger: a CRF over tokens, trained on NEMO (see MODEL.md).

Each token gets one label: ``O``, ``I-<type>`` or ``B<k>-<type>``, where ``k`` is the length of the
clitic prefix the mention starts after ("ולפוטין" is ``B2-PER``: the person starts after "ול").
So a mention comes out as character offsets of the name alone, like NEMO's gold and the gazetteer
matcher, with no separate segmentation step. The model file is built by scripts/train_ner.py; the
features come from ner_features.py, which training shares.
"""

from __future__ import annotations

import json
import threading
from bisect import bisect_right
from collections.abc import Sequence
from pathlib import Path

import pycrfsuite

from service.entities.frequency import zipf
from service.entities.ner_features import CLUSTERS_FILE, FeatureSource, prefix_splits, tokenize
from service.entities.ner_lexicon import Lexicon

MODEL_PATH = Path(__file__).resolve().parent / "ner_model.crfsuite"
# Label type → our entity type; MSC (NEMO's MISC) is learnt so it is not confused with the others,
# then dropped.
TYPES = {"PER": "person", "PLC": "place", "ORG": "organisation"}
# A person's last word this common (wordfreq Zipf) is not linked where it recurs alone.
COMMON_ZIPF = 4.5


def decode(
    labels: list[str], token_spans: list[tuple[int, int]], keep: dict[str, str] = TYPES
) -> list[tuple[int, int, str]]:
    """Spans (start, end, type) from token labels; an ``I`` without its ``B`` starts a mention."""
    if labels.count("O") == len(labels):  # most parts of the news name no one
        return []
    out: list[tuple[int, int, str]] = []
    current: list = []  # [start, end, label type]
    for label, (a, b) in zip(labels, token_spans, strict=True):
        if label.startswith("I-") and current and current[2] == label[2:]:
            current[1] = b
            continue
        if current:
            out.append((current[0], current[1], current[2]))
            current = []
        if label == "O":
            continue
        head, _, kind = label.partition("-")
        k = int(head[1:]) if head[0] == "B" and len(head) > 1 else 0
        current = [min(a + k, b - 1), b, kind]
    if current:
        out.append((current[0], current[1], current[2]))
    return [(s, e, keep[t]) for s, e, t in out if t in keep]


def tag(tagger: pycrfsuite.Tagger, items: object, threshold: float = 1.0) -> list[str]:
    """Viterbi labels, then precision traded for recall: a token Viterbi leaves ``O`` takes its most
    probable other label when the marginal probability of not being ``O`` reaches ``threshold``
    (chosen on dev by scripts/train_ner.py; 1.0 keeps Viterbi). A CRF trained on text where most
    tokens are ``O`` is cautious, and its misses cost F1 more than the few guesses this adds."""
    tagger.set(items)
    labels = tagger.tag()
    if threshold >= 1.0:
        return labels
    others = [y for y in tagger.labels() if y != "O"]
    for i, label in enumerate(labels):
        if label != "O" or 1.0 - tagger.marginal("O", i) < threshold:
            continue
        best = max(others, key=lambda y: tagger.marginal(y, i))
        if best.startswith("I-") and (i == 0 or labels[i - 1][labels[i - 1].find("-") :] != best[1:]):
            best = "B0" + best[1:]  # an inside label with nothing to continue starts a mention
        labels[i] = best
    return labels


def refine_prefixes(
    spans: list[tuple[int, int, str]], text: str, token_spans: list[tuple[int, int]], source: FeatureSource
) -> list[tuple[int, int, str]]:
    """Move a mention's start past a longer clitic prefix when only that reading is a name the lists
    know: the model rarely sees two-letter chains ("ולפוטין"), the lists settle them."""
    starts = [a for a, _ in token_spans]
    out = []
    for start, end, kind in spans:
        i = max(0, bisect_right(starts, start) - 1)
        token_start, token_end = token_spans[i]
        word = text[token_start:token_end].lower()
        k = start - token_start
        if not source.knows(word[k:]):
            longer = [j for j in prefix_splits(word) if j > k and source.knows(word[j:])]
            if longer and token_start + longer[0] < end:
                start = token_start + longer[0]
        out.append((start, end, kind))
    return out


def link_people(
    texts: Sequence[str], found: list[list[tuple[int, int, str]]]
) -> list[list[tuple[int, int, str]]]:
    """Add a person mention at every other word of the article that is (behind a clitic prefix or
    not) the last word of a person found, unless that word is common (a surname that is also a
    word: כהן is, but never alone) or already inside a mention."""
    names = {
        text[s:e].split()[-1].lower()
        for text, spans in zip(texts, found, strict=True)
        for s, e, t in spans
        if t == "person"
    }
    names = {n for n in names if len(n) > 1 and zipf(n) < COMMON_ZIPF}
    if not names:
        return found
    out = []
    for text, spans in zip(texts, found, strict=True):
        added = list(spans)
        for a, b in tokenize(text):
            if any(a < e and s < b for s, e, _ in spans):
                continue
            word = text[a:b].lower()
            k = next((k for k in [0, *prefix_splits(word)] if word[k:] in names), None)
            if k is not None:
                added.append((a + k, b, "person"))
        out.append(sorted(added))
    return out


class NerModel:
    """Loads the CRF once; ``spans`` is safe to call from several threads (one tagger per thread)."""

    def __init__(self, path: Path, source: FeatureSource | None = None) -> None:
        if not path.exists():
            raise FileNotFoundError(f"NER model {path} not found (build it with scripts/train_ner.py)")
        self.path = path
        # The settings chosen with the model (ner_model.json beside it): the decoding threshold, and
        # whether it was trained with the word clusters (a model without them must not see them).
        file = path.with_suffix(".json")
        settings = json.loads(file.read_text(encoding="utf-8")) if file.exists() else {}
        self.threshold = float(settings.get("threshold", 1.0))
        clusters = CLUSTERS_FILE if settings.get("clusters", True) else None
        # The Hebrew dictionary and the article-level features, when the model was trained with them.
        lexicon = Lexicon.load() if settings.get("dictionary", False) and source is None else None
        self.document = bool(settings.get("document", False))
        self._local = threading.local()
        tagger = self._tagger()  # fail now on a broken file, not at the first article
        if source is None:
            source = FeatureSource.load(clusters=clusters, lexicon=lexicon)
            # Only the features the model weighs are kept and handed over: half the features' cost.
            source.keep = {attribute: attribute for attribute, _ in tagger.info().state_features}
        if settings.get("dictionary", False) and source.lexicon is None:
            raise ValueError(f"{path} was trained with the Hebrew dictionary: give its source a Lexicon")
        self.source = source

    @classmethod
    def load(cls, path: Path | None = None) -> NerModel:
        return cls(path or MODEL_PATH)

    def _tagger(self) -> pycrfsuite.Tagger:
        tagger = getattr(self._local, "tagger", None)
        if tagger is None:
            tagger = pycrfsuite.Tagger()
            tagger.open(str(self.path))
            self._local.tagger = tagger
        return tagger

    def article_spans(self, texts: Sequence[str]) -> list[list[tuple[int, int, str]]]:
        """``spans`` of each part of one article, then a person's name found once is found wherever
        it recurs in the article, behind a prefix too: a surname alone ("הארקין") has no evidence
        in its own sentence, only in the one that gave the full name."""
        return link_people(texts, self.document_spans(texts))

    def document_spans(self, texts: Sequence[str]) -> list[list[tuple[int, int, str]]]:
        """``spans`` of each part of one article, the parts tagged together: a model trained with
        article-level features (``FeatureSource.document``) sees what the other parts say of a word."""
        tokens = [tokenize(text) for text in texts]
        words = [[text[a:b] for a, b in spans] for text, spans in zip(texts, tokens, strict=True)]
        items = self.source.document(words) if self.document else [self.source.sentence(w) for w in words]
        tagger = self._tagger()
        out = []
        for text, spans, features in zip(texts, tokens, items, strict=True):
            if not spans:
                out.append([])
                continue
            labels = tag(tagger, features, self.threshold)
            out.append(refine_prefixes(decode(labels, spans), text, spans, self.source))
        return out

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, type) of each person, place and organisation in normalised ``text``,
        without the clitic prefix; type is person, place or organisation. The text is an article of
        its own: prefer ``document_spans`` for the parts of one article."""
        return self.document_spans([text])[0]
