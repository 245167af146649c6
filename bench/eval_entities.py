"""Evaluate the entity extractor against gold named-entity spans (NEMO by default).

    python bench/eval_entities.py [--gold ../shared/data/entities_nemo_train_dev.jsonl] [--split dev]
        [--extractor model|gazetteer] [--union place,organisation|none] [--cv 5 [--cv-errors PATH]]
    python bench/eval_entities.py --speed-articles [.cache/bench/articles-10k-s7.jsonl] [--speed-limit 300]

The gold file is JSON Lines with ``text``, ``doc_id`` and ``entities`` (``start``, ``end``, ``type``
of prefix-stripped spans); ``split`` is optional. Sentences of one ``doc_id`` are extracted together
as one article, so that in-article rules (surname linking, homograph support) work as in the index.

Reports, per type (person ↔ PER, place ↔ GPE+LOC, organisation ↔ ORG; MISC is not scored):
- strict span match: precision, recall and F1 of (sentence, start, end, type);
- per-article set match (what a facet shows): the set of (type, surface text) of each article;
- speed: sentences a second on one core (extraction only, after a warm-up).
``--extractor`` picks the extractor (default: ``ENTITY_EXTRACTOR``, else the NER model); ``--union``
the types whose strong gazetteer matches the model extractor adds where the model found nothing.
``--cv K`` scores the shipped pipeline (ModelExtractor, union included) by K-fold cross-validation on
the train split instead: each fold's model is trained by scripts/train_ner.py's code with the shipped
model's settings (ner_model.json) on the other folds (folds by article, its seed), then the held-out
articles are extracted as in the index. So the dev figures compare with a CV of the same thing.
``--cv-errors PATH`` writes the held-out folds' errors, each marked by what the CRF alone said of it
("crf+": a gold span the model had and the pipeline lost; "crf-": a span only linking, retyping or
the union produced), which is how to find what the pipeline adds to or takes from the model.
Offsets are mapped back to the gold text by ``service.entities.tagging.offset_map``, the function
``flask entities`` uses. The last line printed is one JSON object with every figure. Exits 0 with a
clear message when the gold file is absent (a fresh machine has no ../shared).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from benchlib import ROOT, SHARED_DATA

from service.config import Settings
from service.entities.extractor import GazetteerExtractor
from service.entities.model_extractor import DEFAULT_UNION, ModelExtractor
from service.entities.ner import MODEL_PATH, NerModel
from service.entities.ner_features import tokenize
from service.entities.tagging import offset_map, original_span
from service.normalize import normalize

DEFAULT_GOLD = SHARED_DATA / "entities_nemo_train_dev.jsonl"
DEFAULT_ARTICLES = ROOT / ".cache" / "bench" / "articles-10k-s7.jsonl"
GOLD_TYPES = {"PER": "person", "GPE": "place", "LOC": "place", "ORG": "organisation"}
TYPES = ("person", "place", "organisation")


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def scores(self) -> dict[str, float | int]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(f, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


def load(path: Path, split: str | None) -> dict[str, list[dict]]:
    docs: dict[str, list[dict]] = defaultdict(list)
    with open(path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if split and row.get("split", split) != split:
                continue
            docs[str(row.get("doc_id", row.get("id")))].append(row)
    return docs


class ArticleModel:
    """The NER model tagging an article's parts together (``NerModel.document_spans``), for an
    extractor that asks part by part: ``prepare`` tags the article, ``spans`` hands out its parts."""

    def __init__(self, model: NerModel, together: bool = True) -> None:
        self.model = model
        self.together = together  # False: each part tagged alone, as an extractor calling ``spans``
        self._done: dict[str, list[tuple[int, int, str]]] = {}

    def prepare(self, texts: list[str]) -> None:
        if self.together:
            self._done = dict(zip(texts, self.model.document_spans(texts), strict=True))

    @property
    def source(self):  # the model's FeatureSource: its dictionary, not a second copy
        return self.model.source

    def document_spans(self, texts: list[str]) -> list[list[tuple[int, int, str]]]:
        return self.model.document_spans(texts)

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        found = self._done.get(text)
        return found if found is not None else self.model.spans(text)


def make(
    kind: str, union: str, model_path: Path | None = None, together: bool = True
) -> tuple[GazetteerExtractor | ModelExtractor, ArticleModel | None]:
    """The extractor to score (the model's with the given union types) and its article tagger."""
    if kind == "gazetteer":
        return GazetteerExtractor(), None
    types = set() if union == "none" else {t.strip() for t in union.split(",") if t.strip()}
    if not types <= set(TYPES):
        raise SystemExit(f"--union: unknown types {sorted(types - set(TYPES))} (use {', '.join(TYPES)})")
    model = ArticleModel(NerModel.load(model_path), together)
    return ModelExtractor(model=model, union=types), model


@dataclass
class Score:
    """Strict and per-article set counts of one run, the errors and the extraction time."""

    strict: dict[str, Counts]
    sets: dict[str, Counts]
    errors: list[str]
    seconds: float = 0.0


def score(
    docs: dict[str, list[dict]],
    extractor: GazetteerExtractor | ModelExtractor,
    model: ArticleModel | None,
    errors: bool = False,
) -> Score:
    out = Score({t: Counts() for t in TYPES}, {t: Counts() for t in TYPES}, [])
    strict, sets = out.strict, out.sets
    for rows in docs.values():
        texts = [normalize(r["text"]) for r in rows]
        started = time.process_time()
        if model is not None:
            model.prepare(texts)
        result = extractor.extract(texts)
        out.seconds += time.process_time() - started
        gold_set: set[tuple[str, str]] = set()
        pred_set: set[tuple[str, str]] = set()
        for row, text, mentions in zip(rows, texts, result.parts, strict=True):
            gold = {
                (e["start"], e["end"], GOLD_TYPES[e["type"]])
                for e in row["entities"]
                if e["type"] in GOLD_TYPES
            }
            back = offset_map(row["text"], text)
            spans = [(original_span(row["text"], back, m.start, m.end), m.type) for m in mentions]
            pred = {(s, e, t) for (s, e), t in spans if t in TYPES}
            for t in TYPES:
                g = {x for x in gold if x[2] == t}
                p = {x for x in pred if x[2] == t}
                strict[t].tp += len(g & p)
                strict[t].fp += len(p - g)
                strict[t].fn += len(g - p)
            gold_set |= {(t, normalize(row["text"][s:e])) for s, e, t in gold}
            pred_set |= {(t, normalize(row["text"][s:e])) for s, e, t in pred}
            if errors:
                # What the CRF alone said of the same words: "crf+" an FN the model had right (the
                # pipeline lost it), "crf-" an FP the model never said (linking, retyping or union added it).
                crf = _crf_spans(model, row["text"], text, back)
                out.errors += [
                    f"FP {t:12} {_crf_mark(crf, (s, e, t), False)} {row['text'][s:e]!r:30} | {row['text']}"
                    for s, e, t in sorted(pred - gold)
                ]
                out.errors += [
                    f"FN {t:12} {_crf_mark(crf, (s, e, t), True)} {row['text'][s:e]!r:30} | {row['text']}"
                    for s, e, t in sorted(gold - pred)
                ]
        for t in TYPES:
            g = {x for x in gold_set if x[0] == t}
            p = {x for x in pred_set if x[0] == t}
            sets[t].tp += len(g & p)
            sets[t].fp += len(p - g)
            sets[t].fn += len(g - p)
    return out


def _crf_spans(
    model: ArticleModel | None, original: str, text: str, back: list[int]
) -> set[tuple[int, int, str]] | None:
    """The CRF's own spans of one part (already tagged by ``prepare``), in the gold text's offsets."""
    if model is None:
        return None
    found = model._done.get(text)
    if found is None:
        return None
    return {(*original_span(original, back, s, e), t) for s, e, t in found}


def _crf_mark(crf: set[tuple[int, int, str]] | None, span: tuple[int, int, str], gold: bool) -> str:
    if crf is None:
        return "    "
    if gold:
        return "crf+" if span in crf else "crf "
    return "crf-" if span not in crf else "crf "


def cross_validate(gold: Path, k: int, union: str, errors: Path | None = None) -> dict:
    """The shipped pipeline's K-fold CV on train (see the module's docstring): per fold and mean."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import train_ner

    settings = json.loads(MODEL_PATH.with_suffix(".json").read_text(encoding="utf-8"))
    source = train_ner.feature_source(settings.get("clusters", False), settings.get("dictionary", False))
    sentences = [s for s in train_ner.read(gold) if s.split == "train"]
    train_ner.featurize(sentences, source, settings.get("document", False))
    docs = load(gold, "train")
    folds = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, held in enumerate(train_ner.folds(sentences, k, settings["seed"])):
            held_docs = {s.doc for s in held}
            path = Path(tmp) / f"fold-{i}.crfsuite"
            rest = [s for s in sentences if s.doc not in held_docs]
            train_ner.train(rest, path, settings["c1"], settings["c2"], settings["iterations"])
            path.with_suffix(".json").write_text(json.dumps(settings), encoding="utf-8")
            extractor, model = make("model", union, path)
            held_rows = {d: rows for d, rows in docs.items() if d in held_docs}
            result = score(held_rows, extractor, model, errors=errors is not None)
            if errors is not None:
                with open(errors, "a", encoding="utf-8") as f:
                    f.writelines(f"fold {i} {line}\n" for line in result.errors)
            folds.append({t: result.strict[t].scores() for t in TYPES})
            print(f"fold {i}: " + " ".join(f"{t} {folds[-1][t]['f1']:.3f}" for t in TYPES), flush=True)
    mean = {
        t: {m: round(sum(f[t][m] for f in folds) / k, 4) for m in ("precision", "recall", "f1")}
        for t in TYPES
    }
    return {"folds": folds, "mean": mean}


def articles(path: Path, limit: int) -> list[list[str]]:
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            parts = [row.get("title") or "", row.get("lead") or "", *row.get("body", [])]
            out.append([normalize(p) for p in parts if p and p.strip()])
            if len(out) >= limit:
                break
    return out


def cpu_ms(run, docs: list[list[str]]) -> float:
    started = time.process_time()
    for texts in docs:
        run(texts)
    return (time.process_time() - started) * 1000


def model_speed(path: Path, limit: int) -> dict:
    """What the NER model costs per corpus part of real news (an article's title, lead and paragraphs,
    normalised as the index does), by CPU time on one core: the model (``NerModel.document_spans``:
    features and CRFsuite) from a cold word cache, then warm; its features alone; the rules; the
    whole ModelExtractor. The indexing pipeline must keep ≥ 0.8× its parts/s without the model."""
    docs = articles(path, limit)
    parts = sum(len(d) for d in docs)
    model = NerModel.load()
    extractor = ModelExtractor(model=model)
    extractor.rules.warm_up()

    def features(texts: list[str]) -> None:
        words = [[t[a:b] for a, b in tokenize(t)] for t in texts]
        if model.document:
            model.source.document(words)
        else:
            for w in words:
                model.source.sentence(w)

    figures: dict = {"articles": len(docs), "parts": parts}
    figures["model_cold_ms_per_part"] = cpu_ms(model.document_spans, docs) / parts
    figures["model_warm_ms_per_part"] = cpu_ms(model.document_spans, docs) / parts
    figures["features_warm_ms_per_part"] = cpu_ms(features, docs) / parts
    figures["rules_ms_per_part"] = cpu_ms(extractor.rules.extract, docs) / parts
    figures["extractor_ms_per_part"] = cpu_ms(extractor.extract, docs) / parts
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in figures.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument(
        "--split", default="dev", help="split to score when the file has one ('all' for every row)"
    )
    parser.add_argument("--errors", type=int, default=0, help="print this many false positives and negatives")
    parser.add_argument(
        "--extractor",
        choices=["model", "gazetteer"],
        default=Settings.from_env().entity_extractor,
        help="the extractor to score (default: ENTITY_EXTRACTOR, else model)",
    )
    parser.add_argument(
        "--union",
        default=",".join(sorted(DEFAULT_UNION)),
        help="model extractor: types whose strong gazetteer matches join the model's ('none': no type)",
    )
    parser.add_argument(
        "--parts-alone",
        action="store_true",
        help="tag each part of an article alone (as an extractor that calls NerModel.spans per part)",
    )
    parser.add_argument(
        "--speed-articles",
        type=Path,
        nargs="?",
        const=DEFAULT_ARTICLES,
        help="instead: the model's ms per part on real articles (default file: bench/bench_index.py's)",
    )
    parser.add_argument("--speed-limit", type=int, default=300, help="articles for --speed-articles")
    parser.add_argument(
        "--cv", type=int, default=0, help="also score the model pipeline by this many folds on train"
    )
    parser.add_argument(
        "--cv-errors",
        type=Path,
        help="with --cv: write every held-out error here, marked by what the CRF alone said (crf+/crf-)",
    )
    args = parser.parse_args()
    if not args.gold.exists():
        print(f"skipped: gold file {args.gold} not found (it lives in ../shared/data)")
        return 0
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    if args.speed_articles:
        if not args.speed_articles.exists():
            print(f"skipped: {args.speed_articles} not found (bench/bench_index.py writes it)")
            return 0
        figures = model_speed(args.speed_articles, args.speed_limit)
        for k, v in figures.items():
            print(f"{k:28} {v}")
        print(json.dumps(figures))
        return 0
    docs = load(args.gold, None if args.split == "all" else args.split)
    sentences = sum(len(rows) for rows in docs.values())

    extractor, model = make(args.extractor, args.union, together=not args.parts_alone)
    extractor.warm_up()
    result = score(docs, extractor, model, errors=bool(args.errors))
    strict, sets, seconds = result.strict, result.sets, result.seconds

    for line in result.errors[: args.errors]:
        print(line)
    if args.cv_errors is not None:
        args.cv_errors.write_text("", encoding="utf-8")
    cv = (
        cross_validate(args.gold, args.cv, args.union, args.cv_errors)
        if args.cv and args.extractor == "model"
        else None
    )
    targets = {"person": 0.85, "place": 0.88, "organisation": 0.72}
    print(f"gold: {args.gold} (split {args.split}): {len(docs)} articles, {sentences} sentences")
    print(f"extractor: {args.extractor}" + (f" (union: {args.union})" if args.extractor == "model" else ""))
    print(
        f"{'type':14}{'strict P':>10}{'R':>8}{'F1':>8}{'target':>8}   {'set P':>8}{'R':>8}{'F1':>8}"
        + (f"{'cv F1':>8}" if cv else "")
    )
    for t in TYPES:
        s, a = strict[t].scores(), sets[t].scores()
        print(
            f"{t:14}{s['precision']:>10.3f}{s['recall']:>8.3f}{s['f1']:>8.3f}{targets[t]:>8.2f}   "
            f"{a['precision']:>8.3f}{a['recall']:>8.3f}{a['f1']:>8.3f}"
            + (f"{cv['mean'][t]['f1']:>8.3f}" if cv else "")
        )
    speed = sentences / seconds if seconds else 0.0
    print(f"speed: {speed:,.0f} sentences/s on one core (target 2,000)")
    summary = {
        "gold": str(args.gold),
        "split": args.split,
        "extractor": args.extractor,
        "union": args.union if args.extractor == "model" else None,
        "articles": len(docs),
        "sentences": sentences,
        "strict": {t: strict[t].scores() for t in TYPES},
        "article_sets": {t: sets[t].scores() for t in TYPES},
        "targets_f1": targets,
        "sentences_per_second": round(speed, 1),
    }
    if cv:
        summary["cv"] = cv
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
