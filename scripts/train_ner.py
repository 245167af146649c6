"""Train the CRF entity tagger (service/entities/ner.py) on NEMO and report its scores.

    python scripts/train_ner.py [--data ../shared/data/entities_nemo_train_dev.jsonl] [--folds 5]
                                [--grid 0.05:0.01,0.1:0.05] [--out service/entities/ner_model.crfsuite]

``train`` rows fit the model, ``dev`` rows only choose (c1, c2); the shipped model is fitted on
``train`` alone with the chosen pair. Reported: strict precision/recall/F1 per type on dev, the mean
of a k-fold cross-validation on train (folds by article, so one article's names never sit on both
sides), and tagging speed (sentences a second on one core, features included). Types:
PER → person, GPE + LOC → place, ORG → organisation (as bench/eval_entities.py); MISC is learnt as
a type of its own and never output. Seeded (--seed), so a rerun gives the same folds and model.
The last line printed is one JSON object with every figure. Exits 0 with a clear message when the
data is absent (a fresh machine has no ../shared).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pycrfsuite

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.entities.ner import MODEL_PATH, TYPES, NerModel, decode, refine_prefixes, tag  # noqa: E402
from service.entities.ner_features import CLUSTERS_FILE, FeatureSource, tokenize  # noqa: E402
from service.entities.ner_lexicon import Lexicon  # noqa: E402
from service.entities.tagging import forward_map  # noqa: E402
from service.normalize import normalize  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "entities_nemo_train_dev.jsonl"
LABEL_TYPES = {"PER": "PER", "GPE": "PLC", "LOC": "PLC", "ORG": "ORG", "MISC": "MSC"}
OUT_TYPES = tuple(TYPES.values())
DEFAULT_GRID = "0.05:0.01,0.2:0.05"
# Decoding thresholds tried on dev (1.0: Viterbi alone; lower: more recall), see ner.tag.
THRESHOLDS = (1.0, 0.5, 0.4, 0.3, 0.25, 0.2)


@dataclass
class Sentence:
    id: str
    doc: str
    split: str
    text: str  # normalised
    spans: list[tuple[int, int]]  # tokens
    labels: list[str]
    gold: set[tuple[int, int, str]]  # (start, end, person|place|organisation) in ``text``
    items: pycrfsuite.ItemSequence | None = None


def labels_for(spans: list[tuple[int, int]], entities: list[tuple[int, int, str]]) -> list[str]:
    """Token labels: ``B<k>-T`` where a mention starts k characters into the token, ``I-T`` after it."""
    labels = ["O"] * len(spans)
    for start, end, kind in entities:
        first = next((i for i, (a, b) in enumerate(spans) if a <= start < b), None)
        if first is None or labels[first] != "O":
            continue
        labels[first] = f"B{start - spans[first][0]}-{kind}"
        i = first + 1
        while i < len(spans) and spans[i][0] < end:
            labels[i] = f"I-{kind}"
            i += 1
    return labels


def read(path: Path) -> list[Sentence]:
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            text = normalize(row["text"])
            fwd = forward_map(row["text"], text)
            spans = tokenize(text)
            ents = [
                (fwd[e["start"]], fwd[e["end"]], LABEL_TYPES[e["type"]])
                for e in row["entities"]
                if e["type"] in LABEL_TYPES
            ]
            gold = {(s, e, TYPES[k]) for s, e, k in ents if k in TYPES}
            out.append(
                Sentence(
                    row["id"],
                    str(row.get("doc_id")),
                    row.get("split", "train"),
                    text,
                    spans,
                    labels_for(spans, ents),
                    gold,
                )
            )
    return out


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def scores(self) -> dict[str, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def train(sentences: list[Sentence], path: Path, c1: float, c2: float, iterations: int) -> None:
    trainer = pycrfsuite.Trainer(verbose=False)
    trainer.set_params(
        {
            "c1": c1,
            "c2": c2,
            "max_iterations": iterations,
            "feature.possible_transitions": True,
            "feature.minfreq": 1,
        }
    )
    for s in sentences:
        trainer.append(s.items, s.labels)
    trainer.train(str(path))


@cache
def feature_source(clusters: bool = False, dictionary: bool = False) -> FeatureSource:
    """The feature lists, loaded once; with the word clusters (--clusters) and the Hebrew dictionary
    (--dictionary) only when asked."""
    lexicon = Lexicon.load() if dictionary else None
    return FeatureSource.load(clusters=CLUSTERS_FILE if clusters else None, lexicon=lexicon)


def featurize(sentences: list[Sentence], source: FeatureSource, document: bool) -> None:
    """Every sentence's CRF items; with ``document``, a sentence's article (its ``doc``) is tagged as
    one, as NerModel.document_spans does."""
    docs: dict[str, list[Sentence]] = {}
    for s in sentences:
        docs.setdefault(f"{s.split}/{s.doc}", []).append(s)
    for group in docs.values():
        words = [[s.text[a:b] for a, b in s.spans] for s in group]
        items = source.document(words) if document else [source.sentence(w) for w in words]
        for s, features in zip(group, items, strict=True):
            s.items = pycrfsuite.ItemSequence(features)


def evaluate(
    sentences: list[Sentence], path: Path, threshold: float = 1.0, errors: list[str] | None = None
) -> dict[str, dict[str, float]]:
    """Strict span match per type; ``errors`` collects the false positives and negatives."""
    tagger = pycrfsuite.Tagger()
    tagger.open(str(path))
    counts = {t: Counts() for t in OUT_TYPES}
    for s in sentences:
        spans = decode(tag(tagger, s.items, threshold), s.spans) if s.spans else []
        pred = set(refine_prefixes(spans, s.text, s.spans, feature_source()))
        if errors is not None:
            errors += [f"FP {t:12} {s.text[a:b]!r:30} | {s.text}" for a, b, t in sorted(pred - s.gold)]
            errors += [f"FN {t:12} {s.text[a:b]!r:30} | {s.text}" for a, b, t in sorted(s.gold - pred)]
        for t in OUT_TYPES:
            g = {x for x in s.gold if x[2] == t}
            p = {x for x in pred if x[2] == t}
            counts[t].tp += len(g & p)
            counts[t].fp += len(p - g)
            counts[t].fn += len(g - p)
    return {t: counts[t].scores() for t in OUT_TYPES}


def folds(sentences: list[Sentence], k: int, seed: int) -> list[list[Sentence]]:
    docs = sorted({s.doc for s in sentences})
    random.Random(seed).shuffle(docs)
    fold_of = {d: i % k for i, d in enumerate(docs)}
    out: list[list[Sentence]] = [[] for _ in range(k)]
    for s in sentences:
        out[fold_of[s.doc]].append(s)
    return out


def speed(sentences: list[Sentence], warm: list[Sentence], model_path: Path) -> tuple[float, float]:
    """Sentences a second through NerModel.spans (features and tagging), pinned to one core: by the
    CPU time of this process (fair on a shared machine) and by the wall clock. The word cache is
    warmed on other text (``warm``), as it would be on a stream of news, not on the measured one."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    model = NerModel.load(model_path)
    for s in warm:
        model.spans(s.text)
    cpu, wall = time.process_time(), time.perf_counter()
    for s in sentences:
        model.spans(s.text)
    n = len(sentences)
    return n / (time.process_time() - cpu), n / (time.perf_counter() - wall)


def mean(results: list[dict[str, dict[str, float]]]) -> dict[str, dict[str, float]]:
    return {
        t: {m: round(sum(r[t][m] for r in results) / len(results), 4) for m in ("precision", "recall", "f1")}
        for t in OUT_TYPES
    }


def choose(train_set: list[Sentence], dev_set: list[Sentence], args, tmp: Path, report: dict) -> tuple:
    """Train one model per (c1, c2) of the grid and pick, with the decoding threshold, the best
    macro F1 on dev: (c1, c2, threshold, model path)."""
    best: tuple | None = None
    for pair in args.grid.split(","):
        c1, c2 = map(float, pair.split(":"))
        path = tmp / f"grid-{c1}-{c2}.crfsuite"
        started = time.perf_counter()
        train(train_set, path, c1, c2, args.iterations)
        for threshold in THRESHOLDS:
            scores = evaluate(dev_set, path, threshold)
            macro = sum(scores[t]["f1"] for t in OUT_TYPES) / len(OUT_TYPES)
            report["grid"][f"{pair}@{threshold}"] = {"dev": scores, "macro_f1": round(macro, 4)}
            print(f"c1={c1} c2={c2} threshold={threshold}: dev {json.dumps(scores)} macro {macro:.4f}")
            if best is None or macro > best[0]:
                best = (macro, c1, c2, threshold, path)
        print(f"({time.perf_counter() - started:.0f} s)", flush=True)
    assert best is not None
    return best[1:]


def cross_validate(
    train_set: list[Sentence], args, c1: float, c2: float, threshold: float, tmp: Path
) -> list:
    cv = []
    parts = folds(train_set, args.folds, args.seed)
    for i, held in enumerate(parts):
        rest = [s for j, p in enumerate(parts) if j != i for s in p]
        path = tmp / f"fold-{i}.crfsuite"
        train(rest, path, c1, c2, args.iterations)
        cv.append(evaluate(held, path, threshold))
        print(f"fold {i}: {json.dumps(cv[-1])}", flush=True)
    return cv


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--grid", default=DEFAULT_GRID, help="c1:c2 pairs to try on dev")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds on train (0: none)")
    parser.add_argument("--iterations", type=int, default=150)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--errors", type=int, default=0, help="print this many dev errors")
    parser.add_argument(
        "--clusters", action="store_true", help="use data/word_clusters.tsv as features (lower on dev)"
    )
    parser.add_argument(
        "--dictionary",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="words the Hebrew dictionary (hunspell-he) does not know as a feature",
    )
    parser.add_argument(
        "--document",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="article-level features (what other sentences of the article say of a word)",
    )
    args = parser.parse_args()
    if not args.data.exists():
        print(f"skipped: training data {args.data} not found (it lives in ../shared/data)")
        return 0
    random.seed(args.seed)
    source = feature_source(args.clusters, args.dictionary)
    sentences = read(args.data)
    featurize(sentences, source, args.document)
    train_set = [s for s in sentences if s.split == "train"]
    dev_set = [s for s in sentences if s.split == "dev"]
    print(f"{len(train_set)} train and {len(dev_set)} dev sentences", flush=True)
    report: dict = {"seed": args.seed, "iterations": args.iterations, "grid": {}}
    with tempfile.TemporaryDirectory() as tmp:
        c1, c2, threshold, path = choose(train_set, dev_set, args, Path(tmp), report)
        # crfsuite's training is deterministic: the grid's model is the one train alone gives.
        shutil.copyfile(path, args.out)
        report.update(c1=c1, c2=c2, threshold=threshold)
        if args.folds:
            report["cv_folds"] = cross_validate(train_set, args, c1, c2, threshold, Path(tmp))
            report["cv_mean"] = mean(report["cv_folds"])
    errors: list[str] = []
    report["dev"] = evaluate(dev_set, args.out, threshold, errors)
    for line in errors[: args.errors]:
        print(line)
    report["model_bytes"] = args.out.stat().st_size
    settings = {k: report[k] for k in ("c1", "c2", "threshold", "iterations", "seed")}
    settings["clusters"] = bool(source.clusters)
    settings["dictionary"] = args.dictionary
    settings["document"] = args.document
    if settings["clusters"]:  # the file the model was trained with: a test checks it is the shipped one
        settings["clusters_sha256"] = hashlib.sha256(CLUSTERS_FILE.read_bytes()).hexdigest()
    args.out.with_suffix(".json").write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")
    cpu, wall = speed(dev_set, train_set[:2000], args.out)
    report["sentences_per_second"] = round(cpu, 1)
    report["sentences_per_second_wall"] = round(wall, 1)
    print(f"model {args.out} ({report['model_bytes']:,} bytes), c1={c1} c2={c2} threshold={threshold}")
    print(f"{'type':14}{'dev P':>8}{'R':>8}{'F1':>8}{'cv F1':>8}")
    for t in OUT_TYPES:
        d = report["dev"][t]
        cvf = report.get("cv_mean", {}).get(t, {}).get("f1", float("nan"))
        print(f"{t:14}{d['precision']:>8.3f}{d['recall']:>8.3f}{d['f1']:>8.3f}{cvf:>8.3f}")
    print(f"speed: {cpu:,.0f} sentences/s on one core (CPU time; {wall:,.0f} by the wall clock)")
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
